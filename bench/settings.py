"""Django settings for the benchmarks' servers and workers (gunicorn, Celery) and their
driver: the shared base settings as production runs them (tasks queued on the broker, never
eager; Redis cache), with a fast password hasher because signing in is not what is measured.
Database, broker and media folder come from the environment bench/services.py prepares."""

from backend.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = False
