import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.demo import DEMO_PASSWORD, seed_accounts
from backend.celery import app as celery_app

DEMO_LOGINS_FILE = "demo-logins.txt"
# Each app's demo part, in dependency order; an app without demo.py is skipped.
DEMO_APPS = ["consent", "moderation", "publishers", "moderation.comments", "procedures"]


@contextmanager
def _tasks_run_at_once() -> Iterator[None]:
    """Celery tasks run in this process as they are queued, without a line logged for each."""
    eager, trace = celery_app.conf.task_always_eager, logging.getLogger("celery.app.trace")
    level = trace.level
    celery_app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager
        trace.setLevel(level)


class Command(BaseCommand):
    help = "Create (or refresh) the demo school with one user per role and sample data."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            demo = seed_accounts()
        # Seeding makes posts await approval, get rejected...: no emails for those. The work
        # it queues (publishing an approved post to the demo website, screening the comments
        # left on it) runs as it is seeded, so the first `make run` shows every state without
        # waiting for the worker to start.
        with (
            _tasks_run_at_once(),
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        ):
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError:
                    continue
                module.seed(demo)
        lines = [
            f"Demo school: {demo.school.name} (slug {demo.school.slug})",
            f"Every demo user's password: {DEMO_PASSWORD}",
        ]
        for user in demo.users.values():
            roles = ", ".join(sorted(user.memberships.values_list("role", flat=True)))
            line = f"  {user.email:28} {roles}"
            totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if totp is not None:
                line += f"  (2FA: `python manage.py demo_totp {user.email}` prints a code)"
            lines.append(line)
        lines.append(f"Demo tablet credential (X-Device-Token): {demo.device_token}")
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
        # `make run` prints this file last, in a box, once the server answers (issue 13).
        (Path(settings.VAR_DIR) / DEMO_LOGINS_FILE).write_text("\n".join(lines) + "\n")
