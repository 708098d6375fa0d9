import logging
from typing import Any

from celery import shared_task
from celery.schedules import crontab

from .selectors import audit_chain_report
from .services import audit_record

logger = logging.getLogger(__name__)


@shared_task(name="audit.heartbeat", acks_late=True, time_limit=600)
def audit_heartbeat() -> bool:
    """Hourly: verify the chain and record the result, so tampering shows up by itself.

    R14: the head (seq and hash) is also logged, i.e. anchored outside the database; any
    logged anchor can later be checked with `verify_audit --anchor SEQ:HASH`."""
    report = audit_chain_report()
    broken = report.broken
    event = audit_record(
        action="audit.verified",
        data={"intact": broken is None, "first_broken": broken.seq if broken else None},
    )
    log = logger.info if broken is None else logger.error
    log("audit anchor seq=%s hash=%s intact=%s", event.seq, event.hash, broken is None)
    if broken:
        logger.error("%s", report.summary)
    return broken is None


#: This app's periodic tasks; backend/celery.py assembles the one beat schedule from these.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "audit-heartbeat": {"task": "audit.heartbeat", "schedule": crontab(minute=0)},
}
