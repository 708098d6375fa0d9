"""Taking publications down, for the takedown workflow moderation runs (R10,
``moderation/takedowns.py``): withdraw what is not out yet, keep the takedown's record,
and delete each publication on its platform, retried until done."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.actors import Actor, actor_user
from backend.common.errors import Conflict
from moderation import interface

from .. import notifications
from ..base import Publisher, PublisherError
from ..models import Publication, Takedown, WebsiteEntry
from ..notifications import channel_name
from . import common

log = logging.getLogger(__name__)

P = Publication.State

NOT_FOUND_FOR_TAKEDOWN = (
    "We could not find this post on {channel}, so there was nothing for us to delete. "
    "Please check the school's {channel} account by hand."
)
TAKEDOWN_ALREADY_CONFIRMED = "This takedown has already been confirmed."


@dataclass(frozen=True)
class Withdrawal:
    website_hidden: bool
    cancelled_channels: list[str]


def publications_withdraw(*, post_id: int, actor: Actor) -> Withdrawal:
    """Before anyone confirms a takedown: hide the website entry at once and stop every
    publication not yet out. Commits on its own, so a later failure keeps it hidden."""
    now = timezone.now()
    with transaction.atomic():
        hidden = WebsiteEntry.objects.filter(
            publication__post_id=post_id, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        cancelled = []
        for pub in Publication.objects.filter(post_id=post_id, state=P.QUEUED):
            if common.publication_move(
                pub,
                from_states={P.QUEUED},
                to=P.TAKEN_DOWN,
                actor=actor,
                error=common.WITHDRAWN_BEFORE_PUBLISHING,
                taken_down_at=now,
                next_attempt_at=None,
            ):
                cancelled.append(pub.channel)
    return Withdrawal(website_hidden=bool(hidden), cancelled_channels=cancelled)


def takedown_record_request(
    *, post_id: int, school_id: int, actor: Actor, reason: str, details: Mapping[str, Any]
) -> Takedown:
    """The takedown's record: one per post (a second request keeps the first reason), and
    the request audited each time with ``details``. Moderation checked the actor."""
    with transaction.atomic():
        takedown, created = Takedown.objects.get_or_create(
            post_id=post_id,
            defaults={"school_id": school_id, "reason": reason, "requested_by": actor_user(actor)},
        )
        audit_record(
            action="takedown.requested",
            actor=actor,
            school=School(pk=school_id),
            target=takedown,
            data={"post": post_id, "reason": reason, "first_request": created, **details},
        )
    return takedown


def takedown_record_confirmation(*, takedown: Takedown, actor: User) -> Takedown:
    """Record a leader's confirmation (moderation checked the role) and delete the post on
    every channel, retried until done."""
    now = timezone.now()
    with transaction.atomic():
        moved = Takedown.objects.filter(
            pk=takedown.pk, state=Takedown.State.AWAITING_CONFIRMATION
        ).update(state=Takedown.State.CONFIRMED, confirmed_by=actor, confirmed_at=now)
        if moved != 1:
            raise Conflict(TAKEDOWN_ALREADY_CONFIRMED, field="state")
        takedown.refresh_from_db()
        audit_record(
            action="takedown.confirmed",
            actor=actor,
            school=School(pk=takedown.school_id),
            target=takedown,
            data={"post": takedown.post_id},
        )
        for pub_id in (
            Publication.objects.filter(post_id=takedown.post_id)
            .exclude(state=P.TAKEN_DOWN)
            .values_list("id", flat=True)
        ):
            common.queue_task("delete_publication", pub_id)
        post_id = takedown.post_id
        transaction.on_commit(lambda: _takedown_maybe_done(post_id=post_id))
    return takedown


def publication_delete(*, publication_id: int) -> Publication | None:
    """The delete task's work: take one publication down on its platform, for a confirmed
    takedown. A post already gone counts as deleted (404 = done); anything else is retried
    with backoff until it works, and the leaders are told when a person must act."""
    pub = common.publication_load(publication_id)
    if pub is None:
        return None
    takedown = Takedown.objects.filter(post_id=pub.post_id).first()
    if takedown is None or takedown.state != Takedown.State.CONFIRMED:
        return pub
    if pub.state == P.TAKEN_DOWN:
        _takedown_maybe_done(post_id=pub.post_id)
        return pub
    if pub.state in (P.QUEUED, P.FAILED):
        # Nothing of it is on the platform.
        common.publication_move(
            pub,
            from_states={P.QUEUED, P.FAILED},
            to=P.TAKEN_DOWN,
            taken_down_at=timezone.now(),
            next_attempt_at=None,
        )
        _takedown_maybe_done(post_id=pub.post_id)
        return pub
    if pub.state == P.ATTEMPTING:
        # Still being published: the sweep comes back to it once it has settled.
        _delete_later(pub, None, delay=60.0)
        return pub
    try:
        adapter = common.publication_adapter(pub, deleting=True)
        external_id: str | None = pub.external_id
        if pub.state == P.UNCONFIRMED or not external_id:
            external_id = _find_on_platform(pub, adapter)
        if external_id is None:
            return pub  # not there: counted as taken down, the leaders check by hand
        adapter.delete(external_id)
    except PublisherError as error:
        _delete_later(pub, error)
        return pub
    except Exception:
        log.exception("publication %s: delete failed", pub.pk)
        _delete_later(pub, None)
        return pub
    common.publication_move(
        pub,
        from_states={P.PUBLISHED, P.UNCONFIRMED},
        to=P.TAKEN_DOWN,
        audit_data={"external_id": external_id},
        taken_down_at=timezone.now(),
        external_id=external_id,
        error="",
        error_detail="",
        next_attempt_at=None,
    )
    _takedown_maybe_done(post_id=pub.post_id)
    return pub


def _find_on_platform(pub: Publication, adapter: Publisher) -> str | None:
    """The platform's id of a publication we never learnt it for (unconfirmed). Not there:
    it counts as taken down, and the leaders are asked to check by hand (None)."""
    since = (pub.claimed_at or pub.created_at) - common.RECONCILE_SKEW
    found = adapter.find_existing(common.publish_request(pub), since=since)
    if found is not None:
        return found.external_id
    message = NOT_FOUND_FOR_TAKEDOWN.format(channel=channel_name(pub.channel))
    common.publication_move(
        pub,
        from_states={P.UNCONFIRMED, P.PUBLISHED},
        to=P.TAKEN_DOWN,
        audit_data={"found": False},
        taken_down_at=timezone.now(),
        error=message,
        next_attempt_at=None,
    )
    pub_id = pub.pk
    transaction.on_commit(
        lambda: notifications.notify_takedown_problem(publication_id=pub_id, message=message)
    )
    _takedown_maybe_done(post_id=pub.post_id)
    return None


def _delete_later(
    pub: Publication, error: PublisherError | None, *, delay: float | None = None
) -> None:
    """Try the delete again later. Transient trouble comes back by broker countdown;
    anything that needs a person (reconnect, permissions) or no error at all (still being
    published, unexpected failure) is left to the sweep, more slowly, and the leaders are
    told once."""
    attempts = pub.delete_attempts + 1
    needs_person = error is not None and not error.retryable
    if delay is None:
        delay = common.backoff_delay(
            attempts,
            retry_after=error.retry_after if error else None,
            cap=common.DELETE_BACKOFF_CAP_SECONDS,
        )
        if needs_person:
            delay = max(delay, 15 * 60.0)
    with transaction.atomic():
        Publication.objects.filter(pk=pub.pk).update(
            delete_attempts=attempts,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            error=error.message if error else pub.error,
            error_detail=(error.detail or "")[:2000] if error else pub.error_detail,
        )
        if error is not None:
            common.publication_audit(
                "publication.takedown_retry",
                pub,
                attempt=attempts,
                error=error.message,
                delay_seconds=round(delay),
            )
        if needs_person and pub.delete_attempts == 0:
            pub_id, message = pub.pk, error.message if error else ""
            transaction.on_commit(
                lambda: notifications.notify_takedown_problem(
                    publication_id=pub_id, message=message
                )
            )
        if error is not None and error.retryable and delay <= common.MAX_COUNTDOWN_SECONDS:
            common.queue_task("delete_publication", pub.pk, countdown=delay)


def _takedown_maybe_done(*, post_id: int) -> None:
    """When every publication of the post is down, the takedown is done; moderation moves
    the post to taken_down."""
    if Publication.objects.filter(post_id=post_id).exclude(state=P.TAKEN_DOWN).exists():
        return
    with transaction.atomic():
        takedown = Takedown.objects.filter(post_id=post_id, state=Takedown.State.CONFIRMED).first()
        if takedown is None:
            return
        moved = Takedown.objects.filter(pk=takedown.pk, state=Takedown.State.CONFIRMED).update(
            state=Takedown.State.DONE, completed_at=timezone.now()
        )
        if moved != 1:
            return
        audit_record(
            action="takedown.done",
            school=School(pk=takedown.school_id),
            target=takedown,
            data={"post": post_id},
        )
        transaction.on_commit(lambda: interface.post_taken_down(post_id=post_id))
