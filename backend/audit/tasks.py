from celery import shared_task

from .selectors import audit_verify
from .services import audit_record


@shared_task(name="audit.heartbeat", acks_late=True, time_limit=600)
def audit_heartbeat() -> bool:
    """Hourly: verify the chain and record the result, so tampering shows up by itself."""
    broken = audit_verify()
    audit_record(
        action="audit.verified",
        data={"intact": broken is None, "first_broken": broken.seq if broken else None},
    )
    return broken is None
