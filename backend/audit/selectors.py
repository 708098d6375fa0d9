from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def audit_verify(*, batch_size: int = 2000) -> ChainBreak | None:
    """Walk the whole chain; return the first event that was altered, removed or inserted."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return ChainBreak(event.seq, f"event #{event.seq} does not follow the one before it")
        if event.compute_hash() != event.hash:
            return ChainBreak(event.seq, f"event #{event.seq} was altered after it was written")
        expected_prev, expected_seq = event.hash, event.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and head.seq != expected_seq - 1:
        return ChainBreak(expected_seq, f"event #{expected_seq} onwards was removed")
    return None


def audit_events_for_schools(*, school_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(school_id__in=list(school_ids)).order_by("-seq")


def audit_events_for_target(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=target_id).order_by("seq")
