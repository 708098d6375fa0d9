from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "backend.common"
    label = "common"

    def ready(self) -> None:
        # Producer (web) and consumer (worker) both run this, so both find the folders of
        # the embedded filesystem broker.
        from backend.celery import configure_embedded_broker

        configure_embedded_broker()
