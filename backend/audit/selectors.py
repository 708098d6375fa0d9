import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from .keys import AuditKey, audit_keys_by_id
from .models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """What a walk of the chain proved (R14). ``first_keyed_seq``: events from there on are
    HMAC-signed and were verified with the keys in ``key_ids``; events before it predate
    keying and are only hash-linked (a rewrite of those alone, by someone who also rewrote
    every later hash, is caught by the signed events after them)."""

    events: int
    broken: ChainBreak | None
    first_keyed_seq: int | None
    key_ids: tuple[str, ...]
    head_seq: int
    head_hash: str

    @property
    def summary(self) -> str:
        if self.broken:
            return f"Audit chain broken at event #{self.broken.seq}: {self.broken.reason}."
        if not self.events:
            return "Audit chain intact: no events yet."
        text = f"Audit chain intact: {self.events} events, head #{self.head_seq} {self.head_hash}."
        if self.first_keyed_seq is None:
            return text + " No event is signed yet: the chain is only hash-linked."
        keys = ", ".join(self.key_ids)
        text += f" Signed events from #{self.first_keyed_seq} verified with keys [{keys}]."
        if self.first_keyed_seq > 1:
            text += (
                f" Events #1-#{self.first_keyed_seq - 1} predate keying and are only hash-linked."
            )
        return text


UNKNOWN_KEY = "event #{seq} is signed with key {key_id!r}, which is not in AUDIT_HMAC_KEYS"
UNSIGNED_AFTER_SIGNED = (
    "event #{seq} is not signed although earlier events are: rewritten without the key"
)
UNSIGNED_TIP = (
    "the newest event #{seq} is not signed although signing is on: the chain may have been"
    " rewritten without the key"
)


def audit_chain_report(*, batch_size: int = 2000) -> ChainReport:
    """Walk the whole chain: find the first event altered, removed, inserted or re-signed
    without a listed key, and say what was proved. Since keying every new event is signed,
    so an unsigned event after a signed one, or an unsigned newest event, means the rows
    were rewritten by someone without the key (a downgrade to plain SHA-256)."""
    keys = audit_keys_by_id()
    expected_prev, expected_seq = GENESIS_HASH, 1
    first_keyed: int | None = None
    used: set[str] = set()
    broken: ChainBreak | None = None
    last_key_id = ""
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        broken = _event_break(event, expected_seq, expected_prev, keys, first_keyed)
        if broken:
            break
        if event.key_id:
            first_keyed = first_keyed or event.seq
            used.add(event.key_id)
        last_key_id = event.key_id
        expected_prev, expected_seq = event.hash, event.seq + 1
    last_seq = expected_seq - 1
    head = AuditHead.objects.filter(id=1).first()
    if broken is None and head and head.seq != last_seq:
        broken = ChainBreak(expected_seq, f"event #{expected_seq} onwards was removed")
    if broken is None and last_seq and not last_key_id:
        broken = ChainBreak(last_seq, UNSIGNED_TIP.format(seq=last_seq))
    return ChainReport(
        events=last_seq,
        broken=broken,
        first_keyed_seq=first_keyed,
        key_ids=tuple(sorted(used)),
        head_seq=last_seq,
        head_hash=expected_prev,
    )


def _event_break(
    event: AuditEvent,
    expected_seq: int,
    expected_prev: str,
    keys: dict[str, AuditKey],
    first_keyed: int | None,
) -> ChainBreak | None:
    if event.seq != expected_seq:
        return ChainBreak(expected_seq, f"event #{expected_seq} is missing")
    if event.prev_hash != expected_prev:
        return ChainBreak(event.seq, f"event #{event.seq} does not follow the one before it")
    if not event.key_id:
        if first_keyed is not None:
            return ChainBreak(event.seq, UNSIGNED_AFTER_SIGNED.format(seq=event.seq))
        secret = None
    elif event.key_id in keys:
        secret = keys[event.key_id].secret
    else:
        return ChainBreak(event.seq, UNKNOWN_KEY.format(seq=event.seq, key_id=event.key_id))
    if not hmac.compare_digest(event.compute_hash(secret), event.hash):
        return ChainBreak(event.seq, f"event #{event.seq} was altered after it was written")
    return None


def audit_verify(*, batch_size: int = 2000) -> ChainBreak | None:
    """The first event that was altered, removed, inserted or re-signed; None if intact."""
    return audit_chain_report(batch_size=batch_size).broken


def audit_events_for_schools(*, school_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(school_id__in=list(school_ids)).order_by("-seq")


def audit_events_for_target(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=target_id).order_by("seq")
