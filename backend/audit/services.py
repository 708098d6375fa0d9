from typing import Any

from django.db import models, transaction
from django.utils import timezone

from backend.common.actors import SystemActor

from .keys import audit_signing_key
from .models import AuditEvent, AuditHead


def audit_record(
    *,
    action: str,
    actor: Any = None,
    school: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Joins the caller's transaction, so an event is never
    written for a change that rolled back."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update(of=("self",)).get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=_actor_label(actor),
            school=school,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=data or {},
            prev_hash=head.hash,
        )
        # Round-trip the data through JSON so the hash is computed on what is stored.
        event.data = _json_roundtrip(event.data)
        # R14: signed with the first AUDIT_HMAC_KEYS key, so a rewrite needs the key too.
        key = audit_signing_key()
        event.key_id = key.id
        event.hash = event.compute_hash(key.secret)
        event.save()
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


def _actor_label(actor: Any) -> str:
    """A user's email, or a system actor's name (hole 12: the log names who acted)."""
    if isinstance(actor, SystemActor):
        return actor.name
    return str(getattr(actor, "email", "") or actor or "system")


def _json_roundtrip(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))
