from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # R10: when someone's consent ends, every post featuring them comes down. Wired in
        # code, not configuration, so no setting can switch takedowns off.
        from consent.handlers import consent_ended_handler_register

        from .takedowns import takedown_request_for_person

        consent_ended_handler_register(takedown_request_for_person)
