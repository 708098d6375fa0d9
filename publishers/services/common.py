"""What every publishing service shares: messages, retry tunables, the task queue, the
conditional state move and the adapter for a publication.

The state move (:func:`publication_move`) is the one place a publication changes state and
the one place that tells moderation, through :mod:`moderation.interface`, when a
publication settles. Other modules call these through the module (``common.queue_task``),
so a test can replace one function for every caller.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.dispatch import send_after_commit
from backend.common.errors import Refused
from moderation import interface

from .. import notifications
from ..adapters import adapter_for
from ..base import MediaItem, Publisher, PublisherError, PublishRequest
from ..media import media_url
from ..models import ChannelAccount, ChannelKind, Publication
from ..notifications import channel_name
from ..selectors import channel_account_for

P = Publication.State
FINAL = frozenset({P.PUBLISHED, P.FAILED, P.UNCONFIRMED, P.TAKEN_DOWN})

NO_ACCOUNT = (
    "This school has no account connected for {channel}, so the post was not published "
    "there. A trust administrator can connect one in the admin pages."
)
ACCOUNT_DISABLED = (
    "The school's account for {channel} is switched off, so the post was not published there."
)
NO_ACCOUNT_TO_DELETE = (
    "The school's account for {channel} is not connected or is switched off, so the post "
    "could not be removed there yet. A trust administrator must reconnect it; we keep trying."
)
CONTENT_CHANGED = "The post changed after it was approved, so it was not published on {channel}."
WITHDRAWN_BEFORE_PUBLISHING = "Withdrawn before it was published."
NOT_A_LEADER = "Only the school's leadership team can do this."

#: First retry after about this many seconds; doubles each attempt (full jitter).
BACKOFF_BASE_SECONDS = 30.0
#: No retry waits longer than this (unless the platform says so with retry_after).
BACKOFF_CAP_SECONDS = 30 * 60.0
#: Retries further away than this are left to the ``recover_stuck`` sweep instead of a
#: broker countdown, because Redis redelivers messages unacked for longer than its
#: visibility timeout ("schedule from the database, not long ETAs").
MAX_COUNTDOWN_SECONDS = 10 * 60.0
#: Reconciliation looks this many times (platform listings can lag) before giving up.
RECONCILE_LOOKS = 3
#: Posts created up to this long before our claim still count (clock skew).
RECONCILE_SKEW = timedelta(minutes=2)
#: Deletes are retried until done; the wait grows to at most this.
DELETE_BACKOFF_CAP_SECONDS = 60 * 60.0
#: The sweep re-sends a queued publication this long after it was due (the default of
#: PUBLISHERS_REQUEUE_GRACE_SECONDS, which the fault-run tests shorten).
REQUEUE_GRACE = timedelta(minutes=2)
#: While publishing is paused, check again this often.
PAUSE_RECHECK = timedelta(minutes=5)


def max_attempts() -> int:
    return int(settings.PUBLISHERS_MAX_ATTEMPTS)


def stuck_after() -> timedelta:
    return timedelta(minutes=float(settings.PUBLISHERS_STUCK_AFTER_MINUTES))


def requeue_grace() -> timedelta:
    return timedelta(seconds=float(settings.PUBLISHERS_REQUEUE_GRACE_SECONDS))


def backoff_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rng: Callable[[float, float], float] = random.uniform,
) -> float:
    """Seconds to wait before try number ``attempt + 1``.

    With ``retry_after`` (rate limits): that long plus a little jitter, so many waiting
    publications do not all come back in the same second. Otherwise exponential backoff
    with "full jitter": uniform between half the base and ``min(cap, base * 2**(n-1))``.
    """
    if retry_after is not None:
        return float(retry_after) + rng(0.0, min(60.0, 1.0 + float(retry_after) * 0.1))
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return max(base / 2, rng(base / 2, ceiling))


def queue_task(task_name: str, object_id: int, *, countdown: float | None = None) -> None:
    """Send a publishers task after commit (tasks take ids only); a broker that refuses is
    logged, and ``recover_stuck`` sends it again."""
    from .. import tasks  # the tasks module imports the services: import at call time

    send_after_commit(getattr(tasks, task_name), object_id, countdown=countdown)


def publication_load(publication_id: int) -> Publication | None:
    return (
        Publication.objects.select_related("account", "school", "post")
        .filter(pk=publication_id)
        .first()
    )


def publication_audit(action: str, pub: Publication, *, actor: Any = None, **data: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        school=School(pk=pub.school_id),
        target=pub,
        data={"post": pub.post_id, "channel": pub.channel, **data},
    )


def publications_settle(*, post_id: int) -> None:
    """A publication reached a final state: moderation decides the post's status (and asks
    again for a takedown requested while the post was still publishing)."""
    interface.post_publications_settled(post_id=post_id)


def publication_move(
    pub: Publication,
    *,
    from_states: frozenset[str] | set[str] | tuple[str, ...],
    to: str,
    action: str | None = None,
    actor: Any = None,
    audit_data: Mapping[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Conditionally move ``pub`` to ``to`` (only from ``from_states``), audit it, and when
    the new state is final, tell moderation after commit. False when someone else moved it
    first (nothing is changed then)."""
    now = timezone.now()
    with transaction.atomic():
        moved = Publication.objects.filter(pk=pub.pk, state__in=list(from_states)).update(
            state=to, updated_at=now, **fields
        )
        if moved != 1:
            return False
        publication_audit(action or f"publication.{to}", pub, actor=actor, **(audit_data or {}))
        pub.state = to
        for name, value in fields.items():
            if not hasattr(value, "resolve_expression"):
                setattr(pub, name, value)
        if to in FINAL:
            post_id = pub.post_id
            # Looked up when the commit runs, so a test can stand in for moderation.
            transaction.on_commit(lambda: publications_settle(post_id=post_id))
        if to in (P.FAILED, P.UNCONFIRMED):
            pub_id = pub.pk
            transaction.on_commit(
                lambda: notifications.notify_publication_problem(publication_id=pub_id)
            )
    return True


def check_role(*, actor: User, school_id: int, roles: tuple[str, ...], message: str) -> None:
    if not user_has_role(user=actor, school=school_id, roles=roles):
        raise Refused(message)


def account_problem(
    pub: Publication, account: ChannelAccount | None, *, deleting: bool = False
) -> str | None:
    name = channel_name(pub.channel)
    if deleting and (account is None or not account.enabled):
        return NO_ACCOUNT_TO_DELETE.format(channel=name)
    if account is None:
        return NO_ACCOUNT.format(channel=name)
    if not account.enabled:
        return ACCOUNT_DISABLED.format(channel=name)
    return None


#: Tests replace this to inject fakes; production builds adapters from the account.
ADAPTER_FACTORY: Callable[[ChannelAccount], Publisher] = adapter_for


def publication_adapter(pub: Publication, *, deleting: bool = False) -> Publisher:
    account = pub.account or channel_account_for(school_id=pub.school_id, kind=pub.channel)
    problem = account_problem(pub, account, deleting=deleting)
    if problem or account is None:
        raise PublisherError(problem or "", permanent=True)
    return ADAPTER_FACTORY(account)


def publish_request(pub: Publication) -> PublishRequest:
    """Exactly the approved content: text and the publishable image bytes (R6)."""
    content = interface.post_publishable(post_id=pub.post_id)
    if pub.content_hash and content.content_hash != pub.content_hash:
        raise PublisherError(
            CONTENT_CHANGED.format(channel=channel_name(pub.channel)), permanent=True
        )
    media = [
        MediaItem(
            data=image.data,
            mime="image/jpeg",
            alt_text=image.alt_text,
            public_url=(
                media_url(publication_id=pub.pk, position=position)
                if pub.channel == ChannelKind.INSTAGRAM
                else None
            ),
        )
        for position, image in enumerate(content.images)
    ]
    return PublishRequest(text=content.text, media=media, idempotency_key=pub.idempotency_key)
