from django.apps import AppConfig


class PublishersConfig(AppConfig):
    name = "publishers"
    default_auto_field = "django.db.models.BigAutoField"
