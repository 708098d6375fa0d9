"""Thin Celery tasks: ids in, one service call, safe to run twice.

No ``autoretry_for`` on publishing: a blind retry of the create call is exactly how a post
goes out twice. Retries are scheduled by the services (backoff + jitter, or the platform's
``retry_after``) and anything lost or stuck is picked up by ``publishers.recover_stuck``.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from . import services

# Hard limits stay below PUBLISHERS_STUCK_AFTER_MINUTES (default 10), so an attempt the
# sweep treats as stuck can no longer be running.
PUBLISH_TIME_LIMIT = 300


@shared_task(
    name="publishers.publish",
    acks_late=True,
    time_limit=PUBLISH_TIME_LIMIT,
    soft_time_limit=PUBLISH_TIME_LIMIT - 60,
)
def publish(publication_id: int) -> str | None:
    pub = services.publication_publish(publication_id=publication_id)
    return pub.state if pub else None


@shared_task(name="publishers.reconcile", acks_late=True, time_limit=180, soft_time_limit=150)
def reconcile(publication_id: int) -> str | None:
    pub = services.publication_reconcile(publication_id=publication_id)
    return pub.state if pub else None


@shared_task(
    name="publishers.delete_publication", acks_late=True, time_limit=180, soft_time_limit=150
)
def delete_publication(publication_id: int) -> str | None:
    pub = services.publication_delete(publication_id=publication_id)
    return pub.state if pub else None


@shared_task(name="publishers.recover_stuck", acks_late=True, time_limit=900, soft_time_limit=840)
def recover_stuck(older_than_seconds: float | None = None) -> dict[str, int]:
    """Every minute: reconcile attempts a dead worker left behind, re-send lost or long-
    delayed work. ``older_than_seconds`` overrides PUBLISHERS_STUCK_AFTER_MINUTES."""
    from datetime import timedelta

    older_than = None if older_than_seconds is None else timedelta(seconds=older_than_seconds)
    return services.publications_recover(older_than=older_than)


@shared_task(name="publishers.check_health", acks_late=True, time_limit=900, soft_time_limit=840)
def check_health() -> int:
    return services.channel_accounts_check_health_all()


@shared_task(name="publishers.process_webhook_event", acks_late=True, time_limit=120)
def process_webhook_event(event_id: int) -> bool:
    return services.webhook_event_process(event_id=event_id) is not None


#: This app's periodic tasks; backend/celery.py assembles the one beat schedule from these.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "publishers-recover-stuck": {
        "task": "publishers.recover_stuck",
        "schedule": settings.SWEEP_SECONDS,
    },
    "publishers-check-health": {
        "task": "publishers.check_health",
        "schedule": crontab(hour=6, minute=15),
    },
}
