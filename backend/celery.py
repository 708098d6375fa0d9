"""The Celery app. Defaults favour safety: a task is acknowledged only after it ran
(acks_late), JSON only, hard time limits, and beat schedules work from the database."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

app = Celery("backend")
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
    # Longer than any task or countdown we use, so Redis does not redeliver a running task.
    broker_transport_options={"visibility_timeout": 3600},
    timezone="Europe/London",
)
app.conf.beat_schedule = {
    "audit-heartbeat": {"task": "audit.heartbeat", "schedule": crontab(minute=0)},
    # Publish what is due (R9 re-check first), expire what was never approved.
    "release-due-posts": {"task": "moderation.release_due", "schedule": 60.0},
    "approval-digest": {
        "task": "moderation.approval_digest",
        "schedule": crontab(hour=7, minute=30),
    },
    # Consent that expired since the last run ends: encodings deleted, takedowns (R10, R17).
    "consent-expire-due": {"task": "consent.expire_due", "schedule": 300.0},
    # Incoming comments: poll what is due (cursors, back-off as posts age) and retry
    # platform calls (hide, delete, block) that have not gone through yet.
    "comments-poll-due": {"task": "comments.poll_due", "schedule": 60.0},
    "comments-retry-actions": {"task": "comments.retry_actions", "schedule": 60.0},
    # Publications stuck in "attempting" (a worker died mid-call): reconcile, never repost.
    "publishers-recover-stuck": {"task": "publishers.recover_stuck", "schedule": 60.0},
    "publishers-check-health": {
        "task": "publishers.check_health",
        "schedule": crontab(hour=6, minute=15),
    },
    # R15 retention: private originals of finished posts.
    "purge-originals": {
        "task": "moderation.purge_originals",
        "schedule": crontab(hour=2, minute=15),
    },
}


def configure_embedded_broker() -> None:
    """The filesystem broker needs its folders before a worker or a producer starts."""
    from django.conf import settings

    if str(app.conf.broker_url).startswith("filesystem"):
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


app.autodiscover_tasks(
    [
        "backend.audit",
        "backend.accounts",
        "consent",
        "moderation",
        "moderation.comments",
        "publishers",
    ]
)
