"""How one audit event is hashed (R14), as pure functions so the model and the keying
migration compute exactly the same thing.

Events written before keying (``key_id`` empty) are SHA-256 over the canonical JSON of
their fields and the previous hash: anyone can recompute them, so they prove only that the
rows still link. Keyed events add their ``key_id`` to the payload and are HMAC-SHA256 with
that key: without the key a rewritten row cannot be given a hash that verifies.
"""

import hashlib
import hmac
import json
from typing import Any


def event_payload(event: Any) -> dict[str, Any]:
    """The fields an event's hash covers (works on a historical model in a migration)."""
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "school_id": event.school_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    # Unkeyed events keep the payload they were hashed with before keying existed.
    if getattr(event, "key_id", ""):
        payload["key_id"] = event.key_id
    return payload


def chain_hash(payload: dict[str, Any], *, key: bytes | None) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()
