"""TEMPORARY (delete when the lead wires the app): test settings with the comments app
installed and its URLs mounted, until "moderation.comments" is in INSTALLED_APPS and
moderation.comments.urls is included under /api/."""

from backend.settings.test import *  # noqa: F403
from backend.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "moderation.comments"]
ROOT_URLCONF = "tests.comments.urls_local"
