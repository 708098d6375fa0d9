"""Thin tasks for background bookkeeping (issue 13)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from backend.common.actors import SYSTEM_BACKGROUND

from . import services


@shared_task(name="operations.heartbeat", acks_late=True, time_limit=60, expires=60)
def heartbeat() -> bool:
    """Sent by beat every HEARTBEAT_SECONDS: a worker consumed it, so messages flow."""
    from .liveness import identity

    services.heartbeat_record(
        actor=SYSTEM_BACKGROUND, component="worker", detail=identity("worker")
    )
    return True


@shared_task(name="operations.send_notifications", acks_late=True, time_limit=300)
def send_notifications() -> int:
    return services.notifications_send_pending(actor=SYSTEM_BACKGROUND)


#: This app's periodic tasks; backend/celery.py assembles the one beat schedule from these.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "operations-heartbeat": {
        "task": "operations.heartbeat",
        "schedule": float(settings.HEARTBEAT_SECONDS),
    },
    # Emails the outbox holds (normally sent a few seconds after they are queued).
    "operations-send-notifications": {
        "task": "operations.send_notifications",
        "schedule": settings.SWEEP_SECONDS,
    },
}
