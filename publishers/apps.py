import logging

from django.apps import AppConfig

#: Libraries that log OAuth keys and tokens at DEBUG (oauthlib prints the consumer key and
#: access token while signing). Credentials are never logged, whatever LOG_LEVEL says.
QUIET_LOGGERS = ("oauthlib", "requests_oauthlib", "tweepy")


class PublishersConfig(AppConfig):
    name = "publishers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        for name in QUIET_LOGGERS:
            logger = logging.getLogger(name)
            # Their own level, so a DEBUG root logger does not switch them on again.
            if logger.level < logging.INFO:
                logger.setLevel(logging.INFO)
