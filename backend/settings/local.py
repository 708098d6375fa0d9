"""The embedded default for `make run`: SQLite, filesystem broker, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
