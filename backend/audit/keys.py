"""The keys that sign the audit chain (R14): HMAC-SHA256, from AUDIT_HMAC_KEYS.

Each entry is ``<key id>:<secret>``, comma-separated; the first signs new events, every
listed key verifies events that name its id (rotation: put the new key first, keep the old
one listed for as long as its events must verify). Someone with only database access
cannot re-sign a rewritten chain. A secret never appears in a message, a log or a repr.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
MIN_SECRET_CHARS = 32
NO_KEYS = "AUDIT_HMAC_KEYS is empty: the audit chain needs at least one signing key."
BAD_ENTRY = (
    "AUDIT_HMAC_KEYS entry {n} must be '<key id>:<secret>' with an id of 1-16 letters, digits,"
    " '-' or '_' and a secret of at least {min} characters."
)
DUPLICATE_ID = "AUDIT_HMAC_KEYS lists key id {key_id!r} twice."


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes = field(repr=False)


def audit_keys() -> list[AuditKey]:
    """The configured keys, signing key first; fails loudly on a malformed setting."""
    entries = [e.strip() for e in settings.AUDIT_HMAC_KEYS if e.strip()]
    if not entries:
        raise ImproperlyConfigured(NO_KEYS)
    keys: list[AuditKey] = []
    for n, entry in enumerate(entries, start=1):
        key_id, _, secret = entry.partition(":")
        if not KEY_ID_PATTERN.match(key_id) or len(secret) < MIN_SECRET_CHARS:
            raise ImproperlyConfigured(BAD_ENTRY.format(n=n, min=MIN_SECRET_CHARS))
        if any(k.id == key_id for k in keys):
            raise ImproperlyConfigured(DUPLICATE_ID.format(key_id=key_id))
        keys.append(AuditKey(id=key_id, secret=secret.encode()))
    return keys


def audit_signing_key() -> AuditKey:
    return audit_keys()[0]


def audit_keys_by_id() -> dict[str, AuditKey]:
    return {key.id: key for key in audit_keys()}
