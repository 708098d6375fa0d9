from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Incoming comments on the school's channels: ingestion, screening, moderation and
    evidence (R11-R13)."""

    name = "moderation.comments"
    label = "comments"
    verbose_name = "Incoming comments"
    default_auto_field = "django.db.models.BigAutoField"
