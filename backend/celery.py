"""The Celery app. Defaults favour safety: a task is acknowledged only after it ran
(acks_late), JSON only, hard time limits, and beat schedules work from the database."""

import importlib
import logging
import os
from typing import Any

from celery import Celery, Task, signals
from django.core.exceptions import ImproperlyConfigured

from backend.common.dispatch import BROKER_ERRORS

# Registers the embedded broker's scheme (``embeddedfs://``) before any connection is made.
from backend.operations import transport as _embedded_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

log = logging.getLogger(__name__)


class SweptTask(Task):  # type: ignore[misc]
    """Queuing work never fails the caller (issue 13). With the broker unreachable, a
    request that already committed (an approval, a submission) must not answer 500: the
    work is found by its beat sweep when the broker and a worker are back (release_due,
    publishers.recover_stuck, moderation.sweep_lost, comments.poll_due/retry_actions, the
    consent expiry sweep, operations.send_notifications)."""

    def apply_async(self, *args: Any, **kwargs: Any) -> Any:
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        try:
            return super().apply_async(*args, **kwargs)
        except BROKER_ERRORS as exc:
            log.error("Could not queue %s (%s); its beat sweep will pick it up.", self.name, exc)
            return None


app = Celery("backend", task_cls=SweptTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_time_limit=300,
    task_default_retry_delay=10,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    # Nothing reads a task's return value in the product (issue 16): with results on, every
    # send first subscribed to the result store, and with Redis down a request hung ~20 s
    # and answered 500 ("Retry limit exceeded ... must be restarted") after its commit.
    # Tests that wait for a result ask for it (``apply_async(..., ignore_result=False)``).
    task_ignore_result=True,
    # A broker that is down must not hold a request: two quick tries, then the caller logs
    # it and the sweep sends the work later (backend/common/dispatch.py).
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    broker_connection_timeout=2.0,
    # Longer than any task or countdown we use, so Redis does not redeliver a running task;
    # socket timeouts so a broker that vanishes mid-send fails fast instead of hanging.
    broker_transport_options={
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2.0,
        "socket_timeout": 5.0,
    },
    redis_socket_connect_timeout=2.0,
    redis_socket_timeout=5.0,
    timezone="Europe/London",
)
#: The apps a worker discovers tasks in. Each app's tasks.py declares its periodic tasks in
#: a ``BEAT_SCHEDULE`` dict beside the tasks themselves; the one beat schedule is assembled
#: from them (`beat_schedule_from_apps`), so a periodic task and its schedule live together.
TASK_APPS = [
    "backend.audit",
    "backend.accounts",
    "consent",
    "moderation",
    "moderation.comments",
    "publishers",
    "backend.operations",
    "procedures",
]
DUPLICATE_BEAT_ENTRY = "Beat entry {key!r} is declared by both {first} and {second}."


def beat_schedule_from_apps(apps: list[str] = TASK_APPS) -> dict[str, dict[str, Any]]:
    """Merge every app's ``tasks.BEAT_SCHEDULE`` (Django must be set up: tasks import models).
    A key declared twice is a mistake, not an override: refuse it."""
    schedule: dict[str, dict[str, Any]] = {}
    declared_by: dict[str, str] = {}
    for app_name in apps:
        module_name = f"{app_name}.tasks"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # an app without tasks
                continue
            raise
        for key, entry in getattr(module, "BEAT_SCHEDULE", {}).items():
            if key in schedule:
                raise ImproperlyConfigured(
                    DUPLICATE_BEAT_ENTRY.format(key=key, first=declared_by[key], second=module_name)
                )
            schedule[key], declared_by[key] = entry, module_name
    return schedule


def configure_embedded_broker() -> None:
    """The filesystem broker needs its folders before a worker or a producer starts."""
    from django.conf import settings

    if str(app.conf.broker_url).startswith(("filesystem", _embedded_transport.SCHEME)):
        # No broadcasts on a filesystem broker (issue 13): remote control (pidbox), mingle
        # and gossip would write fan-out files every worker reads; nothing here uses them.
        app.conf.worker_enable_remote_control = False
        folder = settings.CELERY_FILESYSTEM_DIR
        for sub in ("out", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
        results = str(app.conf.result_backend)
        if results.startswith("file://"):
            from pathlib import Path

            Path(results.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


app.autodiscover_tasks(TASK_APPS)


@signals.import_modules.connect(sender=app)
def _assemble_beat_schedule(sender: Celery, **kwargs: Any) -> None:
    """Worker, beat and `celery -A backend beat` all import the task modules (after the
    Django fix-up ran `django.setup()`) before beat reads its schedule: assemble it then."""
    sender.conf.beat_schedule = beat_schedule_from_apps()
