"""Thin Celery tasks: ids in, one service call, safe to run twice."""

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from .services import consent_end_handlers_run, consent_expiry_sweep


@shared_task(
    name="consent.consent_ended",
    bind=True,
    acks_late=True,
    time_limit=300,
    soft_time_limit=270,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def consent_ended(self: Any, end_ids: list[int]) -> dict[str, int]:
    """R10/R3: delete encodings whose biometric consent ended; call the takedown handlers
    (ids of consent.ConsentEnd outbox rows)."""
    return consent_end_handlers_run(end_ids=end_ids)


@shared_task(name="consent.expire_due", acks_late=True, time_limit=600, soft_time_limit=570)
def expire_due() -> dict[str, int]:
    """Beat: consent that expired since the last run is ended (R17, R10)."""
    return consent_expiry_sweep()


@shared_task(name="consent.retention_purge", acks_late=True, time_limit=1800)
def retention_purge() -> int:
    """Nightly (R15): face enrolments of leavers past their school's retention policy."""
    from .retention import SYSTEM_RETENTION, leaver_encodings_purge

    return len(leaver_encodings_purge(actor=SYSTEM_RETENTION))


# This app's periodic tasks; backend/celery.py assembles the one beat schedule from these.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Every five minutes: an empty window costs two small queries, and a grant expiring at
    # midnight is acted on within minutes.
    "consent-expire-due": {"task": "consent.expire_due", "schedule": 300.0},
    # R15: nightly, before the comments purge.
    "consent-retention-purge": {
        "task": "consent.retention_purge",
        "schedule": crontab(hour=2, minute=30),
    },
}
