from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "backend.operations"
    label = "operations"
    verbose_name = "Background work and notifications"

    def ready(self) -> None:
        # Worker and beat heartbeats hang on Celery's signals (issue 13).
        from . import liveness  # noqa: F401
