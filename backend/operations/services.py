"""Background bookkeeping (issue 13): heartbeats and the email outbox (the sweep for lost
posts is moderation's: moderation/recovery.py). Heartbeats are not audited one by one (one
every few seconds would drown the chain); a component coming back after it had stopped is."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.common.actors import SystemActor
from backend.common.dispatch import send_now
from backend.common.errors import InvalidInput, Refused

from .models import Heartbeat, Notification

log = logging.getLogger(__name__)

SYSTEM_ONLY = "Only the background work itself records this."
UNKNOWN_COMPONENT = "Unknown component {component!r}."
#: Sent emails are kept this long to recognise a repeat of the same event, then deleted.
SENT_KEPT_FOR = timedelta(days=30)
DIGEST_SUBJECT = "{count} updates from the post queue"
DIGEST_SEPARATOR = "\n\n" + "-" * 60 + "\n\n"


def heartbeat_period() -> float:
    return float(settings.HEARTBEAT_SECONDS)


def heartbeat_stale_after() -> timedelta:
    """A heartbeat older than two periods means that part has stopped."""
    return timedelta(seconds=2 * heartbeat_period())


def _check_system(actor: object) -> None:
    if not isinstance(actor, SystemActor):
        raise Refused(SYSTEM_ONLY)


def heartbeat_record(
    *, actor: SystemActor, component: str, detail: str = "", now: datetime | None = None
) -> Heartbeat:
    """``component`` is alive now. Coming back after a gap longer than two periods (or
    for the first time) is audited, with when it had stopped."""
    _check_system(actor)
    if component not in Heartbeat.Component.values:
        raise InvalidInput(UNKNOWN_COMPONENT.format(component=component), field="component")
    now = now or timezone.now()
    detail = detail[:200]
    with transaction.atomic():
        beat = Heartbeat.objects.filter(component=component).first()
        if beat is not None and now - beat.last_seen <= heartbeat_stale_after():
            Heartbeat.objects.filter(pk=beat.pk).update(last_seen=now, detail=detail)
            beat.last_seen, beat.detail = now, detail
            return beat
        stopped_since = beat.last_seen if beat is not None else None
        if beat is None:
            try:
                with transaction.atomic():
                    beat = Heartbeat.objects.create(
                        component=component, last_seen=now, started_at=now, detail=detail
                    )
            except IntegrityError:  # another process wrote the first beat at once
                beat = Heartbeat.objects.get(component=component)
                Heartbeat.objects.filter(pk=beat.pk).update(last_seen=now, detail=detail)
                return beat
        else:
            Heartbeat.objects.filter(pk=beat.pk).update(
                last_seen=now, started_at=now, detail=detail
            )
            beat.last_seen, beat.started_at, beat.detail = now, now, detail
        audit_record(
            action=f"operations.{component}_started",
            actor=actor,
            target=beat,
            data={
                "detail": detail,
                "stopped_since": stopped_since.isoformat() if stopped_since else None,
            },
        )
    return beat


# --- notifications: each event once per person --------------------------------------------


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str


def notification_queue(
    *,
    actor: SystemActor,
    event_key: str,
    messages: Iterable[Message],
) -> int:
    """Queue one email per person for ``event_key``; a person already told about this
    event is skipped (a task run twice, a re-check, a redelivered message). Sent after
    commit, a little later, so several events for one person go as one digest. Returns
    how many are new."""
    _check_system(actor)
    wanted = {m.recipient.strip().lower(): m for m in messages if m.recipient.strip()}
    if not event_key or not wanted:
        return 0
    told = set(
        Notification.objects.filter(event_key=event_key, recipient__in=wanted).values_list(
            "recipient", flat=True
        )
    )
    fresh = [
        Notification(event_key=event_key, recipient=email, subject=m.subject, body=m.body)
        for email, m in sorted(wanted.items())
        if email not in told
    ]
    if not fresh:
        return 0
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    transaction.on_commit(_send_soon)
    return len(fresh)


def _send_soon() -> None:
    from .tasks import send_notifications

    # A broker that refuses is logged; operations.send_notifications runs every minute.
    send_now(send_notifications, countdown=settings.NOTIFICATION_DIGEST_SECONDS)


def _digest(rows: Sequence[Notification]) -> tuple[str, str]:
    if len(rows) == 1:
        return rows[0].subject, rows[0].body
    parts = [f"{row.subject}\n\n{row.body.rstrip()}" for row in rows]
    return DIGEST_SUBJECT.format(count=len(rows)), DIGEST_SEPARATOR.join(parts) + "\n"


def notifications_send_pending(*, actor: SystemActor, limit: int = 500) -> int:
    """Send what the outbox holds: one email per person, a digest when several wait.
    Rows are claimed before sending (a second sender skips them) and released again if
    the mail server refuses, for the next sweep. Returns the number of emails sent."""
    _check_system(actor)
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(sent_at__isnull=True)
            .order_by("created_at", "pk")[:limit]
        )
        Notification.objects.filter(pk__in=[r.pk for r in rows], sent_at__isnull=True).update(
            sent_at=now
        )
    by_person: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        by_person[row.recipient].append(row)
    sent = 0
    for email, mine in by_person.items():
        subject, body = _digest(mine)
        try:
            sent += send_mass_mail(
                [(subject, body, settings.DEFAULT_FROM_EMAIL, [email])], fail_silently=False
            )
        except Exception:
            log.warning("Could not email %s; will try again.", email, exc_info=True)
            Notification.objects.filter(pk__in=[r.pk for r in mine]).update(sent_at=None)
    # R15: the outbox is kept only as long as de-duplicating needs it.
    Notification.objects.filter(sent_at__lt=now - SENT_KEPT_FOR).delete()
    return sent
