"""The append-only, hash-chained audit log (R14).

Each event's hash covers its own fields and the previous event's hash, so altering or
removing any row breaks the chain from that row on; `verify_audit` finds the first break.
Since keying (backend/audit/chain.py, keys.py) the hash is an HMAC with a key the database
does not hold, so a consistent rewrite of every row is detected too.
The ORM refuses to update or delete events; erasure of a person never touches this table
(events name people by id only, never by personal data).
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from .chain import chain_hash, event_payload

GENESIS_HASH = "0" * 64
APPEND_ONLY = "Audit events are append-only: they cannot be changed or deleted."


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError(APPEND_ONLY)


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    school = models.ForeignKey(
        "accounts.School",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The id (never the secret) of the AUDIT_HMAC_KEYS key that signed it; empty for events
    # written before keying, which are only hash-linked.
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["school", "seq"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY)

    def compute_hash(self, key: bytes | None = None) -> str:
        """SHA-256 for an unkeyed event; HMAC-SHA256 with ``key`` for a keyed one."""
        return chain_hash(event_payload(self), key=key)


class AuditHead(models.Model):
    """One row holding the chain's tip; locking it serialises appends on every database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
