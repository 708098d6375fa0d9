"""Publishing, exactly once; takedowns (R10); channel accounts; the website feed's comments
(R11); webhook intake.

Exactly once, in short (see docs/publishers.md for the long version):

* one :class:`Publication` row per (post, channel), unique in the database;
* the publish task *claims* it with a conditional UPDATE (``queued -> attempting``)
  committed before the platform's create call, so the create call runs at most once per
  claim;
* transient errors put it back to ``queued`` with an exponential, jittered delay (or the
  platform's ``retry_after``); permanent ones fail it and tell the leaders;
* when we cannot tell whether the platform accepted the post (timeout after sending, 5xx,
  "duplicate", or the worker died), we *reconcile*: read the account's recent posts and
  match the text; found means published, otherwise ``unconfirmed`` for a person to decide
  ("mark as posted" or "post again"). Nothing is ever posted again on a guess.

Services never hold a database transaction open across a platform call.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.actors import (
    OPERATOR,
    SYSTEM_CONSENT_ENDED,
    SYSTEM_HEALTH_CHECK,
    Actor,
    SystemActor,
    actor_user,
    require_role,
)
from backend.common.errors import Conflict, InvalidInput, NotFound, Refused

from . import notifications
from .adapters import (
    SPECS,
    adapter_for,
    credentials_decrypt,
    credentials_encrypt,
    custom_hosts_allowed,
)
from .base import HealthReport, MediaItem, Publisher, PublisherError, PublishRequest, PublishResult
from .meta.webhooks import parse_comment_events, verify_signature, verify_subscription
from .models import (
    ChannelAccount,
    ChannelKind,
    Publication,
    Takedown,
    WebhookEvent,
    WebsiteComment,
    WebsiteEntry,
)
from .notifications import channel_name
from .selectors import channel_account_for, takedown_open_for_post

log = logging.getLogger(__name__)

P = Publication.State
FINAL = frozenset({P.PUBLISHED, P.FAILED, P.UNCONFIRMED, P.TAKEN_DOWN})

# --------------------------------------------------------------------------- messages

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
GAVE_UP = "We tried {attempts} times and stopped. The last problem was: {message}"
UNCONFIRMED = (
    "We could not tell whether {channel} accepted this post. Please look at the school's "
    "{channel} account: if the post is there, choose “Mark as posted” and paste its link; "
    "if it is not, choose “Post again”."
)
UNEXPECTED = "Something went wrong on our side while publishing. We will check {channel}."
WITHDRAWN_BEFORE_PUBLISHING = "Withdrawn before it was published."
NOT_FOUND_FOR_TAKEDOWN = (
    "We could not find this post on {channel}, so there was nothing for us to delete. "
    "Please check the school's {channel} account by hand."
)
NOT_A_LEADER = "Only the school's leadership team can do this."
NOT_A_MODERATOR = "Only the school's leaders and safeguarding leads can moderate comments."
NOT_CHANNEL_ADMIN = "Only a trust administrator of this school can manage its channels."
NOT_UNCONFIRMED = "Only a post whose outcome is unknown can be marked as posted."
URL_REQUIRED = "Paste the link to the post on {channel}."
CANNOT_RETRY = "Only a failed or unconfirmed publication can be posted again."
RETRY_TAKEDOWN = "This post is being taken down, so it cannot be posted again."
RETRY_STOPPED = "Not posted again: {why}"
RETRY_WRONG_STATUS = "A post that is {status} cannot be posted again."
RECHECK_STOPPED = "Stopped before publishing on {channel}: {why}"
TAKEDOWN_NOT_PUBLISHED = "Only a published post can be taken down."
TAKEDOWN_REASON_REQUIRED = "Say why the post must come down."
TAKEDOWN_ALREADY_CONFIRMED = "This takedown has already been confirmed."
UNKNOWN_KIND = "Choose one of: {kinds}."
ACCOUNT_EXISTS = "This school already has a {channel} account; change that one instead."
UNKNOWN_FIELD = "{field!r} is not a setting of a {channel} account."
MISSING_FIELDS = "These are needed to connect {channel}: {fields}."
WEBSITE_NO_SECRETS = "The website channel needs no credentials."
CUSTOM_HOST_REFUSED = "A custom API host is only allowed in development."
DISPLAY_NAME_REQUIRED = "Give the account a name staff will recognise."
COMMENT_NAME_REQUIRED = "Please give your name."
COMMENT_TEXT_REQUIRED = "Please write a comment."
COMMENT_TOO_LONG = "Comments can be at most {limit} characters."
COMMENT_ALREADY_DECIDED = "This comment was already {status}."
COMMENT_STATUS = "Choose approved or rejected."

# --------------------------------------------------------------------------- tunables


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


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
#: The sweep re-sends a queued publication this long after it was due.
REQUEUE_GRACE = timedelta(minutes=2)
#: While publishing is paused, check again this often.
PAUSE_RECHECK = timedelta(minutes=5)


def max_attempts() -> int:
    return int(_setting("PUBLISHERS_MAX_ATTEMPTS", 8))


def stuck_after() -> timedelta:
    return timedelta(minutes=float(_setting("PUBLISHERS_STUCK_AFTER_MINUTES", 10)))


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


# --------------------------------------------------------------------------- small helpers


def _on_commit(func: Callable[[], Any]) -> None:
    transaction.on_commit(func)


def _queue(task_name: str, object_id: int, *, countdown: float | None = None) -> None:
    """Send a publishers task after commit (tasks take ids only)."""

    def send() -> None:
        from . import tasks

        task = getattr(tasks, task_name)
        if countdown and countdown > 0:
            task.apply_async(args=[object_id], countdown=countdown)
        else:
            task.delay(object_id)

    _on_commit(send)


def _load(publication_id: int) -> Publication | None:
    return (
        Publication.objects.select_related("account", "school", "post")
        .filter(pk=publication_id)
        .first()
    )


def _audit(action: str, pub: Publication, *, actor: Any = None, **data: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        school=School(pk=pub.school_id),
        target=pub,
        data={"post": pub.post_id, "channel": pub.channel, **data},
    )


def _move(
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
        _audit(action or f"publication.{to}", pub, actor=actor, **(audit_data or {}))
        pub.state = to
        for name, value in fields.items():
            if not hasattr(value, "resolve_expression"):
                setattr(pub, name, value)
        if to in FINAL:
            post_id = pub.post_id
            _on_commit(lambda: publications_settle(post_id=post_id))
        if to in (P.FAILED, P.UNCONFIRMED):
            pub_id = pub.pk
            _on_commit(lambda: notifications.notify_publication_problem(publication_id=pub_id))
    return True


def _check_role(*, actor: User, school_id: int, roles: tuple[str, ...], message: str) -> None:
    if not user_has_role(user=actor, school=school_id, roles=roles):
        raise Refused(message)


# --------------------------------------------------------------------------- starting


def website_account_ensure(*, school_id: int) -> ChannelAccount:
    """The school's built-in website channel (created enabled when missing)."""
    account = channel_account_for(school_id=school_id, kind=ChannelKind.WEBSITE)
    if account is not None:
        return account
    try:
        with transaction.atomic():
            account = ChannelAccount.objects.create(
                school_id=school_id,
                kind=ChannelKind.WEBSITE,
                display_name="School website news",
                enabled=True,
            )
            audit_record(
                action="channel_account.created",
                school=School(pk=school_id),
                target=account,
                data={"kind": ChannelKind.WEBSITE, "automatic": True},
            )
    except IntegrityError:
        account = ChannelAccount.objects.get(school_id=school_id, kind=ChannelKind.WEBSITE)
    return account


def publications_start(*, post_id: int) -> None:
    """Moderation released the post (status ``publishing``): one publication per channel,
    each with its own publish task. Safe to call again: existing rows are kept and only
    still-queued ones are queued again (the claim makes duplicates harmless).

    1. For each channel: find the school's account (the website one is built in).
    2. Create the publication (unique per post and channel), bound to the approved hash.
    3. No usable account: fail that channel at once, in plain English.
    4. Queue the publish task after commit.
    """
    from moderation.models import Post

    post = Post.objects.filter(pk=post_id).values("school_id", "channels", "content_hash").first()
    if post is None:
        return
    school_id = int(post["school_id"])
    channels = [c for c in dict.fromkeys(post["channels"] or []) if c in ChannelKind.values]
    with transaction.atomic():
        # All rows first, then the work: moderation must see every channel when the first
        # one settles.
        rows: list[tuple[Publication, ChannelAccount | None]] = []
        for channel in channels:
            account = (
                website_account_ensure(school_id=school_id)
                if channel == ChannelKind.WEBSITE
                else channel_account_for(school_id=school_id, kind=channel)
            )
            pub, created = Publication.objects.get_or_create(
                post_id=post_id,
                channel=channel,
                defaults={
                    "school_id": school_id,
                    "account": account,
                    "content_hash": post["content_hash"],
                },
            )
            if created:
                _audit("publication.queued", pub, key=pub.idempotency_key)
            rows.append((pub, account))
        now = timezone.now()
        for pub, account in rows:
            if pub.state != P.QUEUED:
                continue
            if pub.next_attempt_at and pub.next_attempt_at > now:
                continue  # waiting out a backoff: its retry is already scheduled
            problem = _account_problem(pub, account)
            if problem:
                _move(pub, from_states={P.QUEUED}, to=P.FAILED, error=problem, next_attempt_at=None)
                continue
            _queue("publish", pub.pk)


def _account_problem(
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


# --------------------------------------------------------------------------- publishing


def publication_claim(*, publication_id: int) -> bool:
    """``queued -> attempting``, committed at once; True for exactly one caller."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Publication.objects.filter(pk=publication_id, state=P.QUEUED).update(
            state=P.ATTEMPTING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            next_attempt_at=None,
            updated_at=now,
        )
        if claimed == 1:
            pub = Publication.objects.get(pk=publication_id)
            _audit("publication.attempting", pub, attempt=pub.attempts)
    return claimed == 1


def _publish_request(pub: Publication) -> PublishRequest:
    """Exactly the approved content: text and the publishable image bytes (R6)."""
    from moderation.selectors import post_publishable

    from .media import media_url

    content = post_publishable(post_id=pub.post_id)
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


#: Tests replace this to inject fakes; production builds adapters from the account.
ADAPTER_FACTORY: Callable[[ChannelAccount], Publisher] = adapter_for


def _adapter(pub: Publication, *, deleting: bool = False) -> Publisher:
    account = pub.account or channel_account_for(school_id=pub.school_id, kind=pub.channel)
    problem = _account_problem(pub, account, deleting=deleting)
    if problem or account is None:
        raise PublisherError(problem or "", permanent=True)
    return ADAPTER_FACTORY(account)


def _school_paused(school_id: int) -> bool:
    from moderation.approvals import policy_for

    return policy_for(school_id).is_paused


def publication_publish(*, publication_id: int) -> Publication | None:
    """The publish task's work: publish one publication at most once.

    1. Only a queued publication is considered; a post under takedown is not published;
       while the school's publishing is paused, the publication waits.
    2. Claim it (committed) -- a second worker or a redelivered message stops here.
    3. Build the request (approved text, publishable images) and the adapter.
    4. Make the platform call once, then record the outcome:
       success -> published; transient -> queued again with backoff (until the attempt
       limit); permanent -> failed + leaders told; outcome unknown -> reconcile.
    """
    pub = _load(publication_id)
    if pub is None or pub.state != P.QUEUED:
        return pub
    if takedown_open_for_post(post_id=pub.post_id) is not None:
        _move(
            pub,
            from_states={P.QUEUED},
            to=P.TAKEN_DOWN,
            error=WITHDRAWN_BEFORE_PUBLISHING,
            taken_down_at=timezone.now(),
        )
        return pub
    if _school_paused(pub.school_id):
        Publication.objects.filter(pk=pub.pk, state=P.QUEUED).update(
            next_attempt_at=timezone.now() + PAUSE_RECHECK
        )
        return pub
    if not publication_claim(publication_id=pub.pk):
        return _load(publication_id)
    pub.refresh_from_db()
    try:
        req = _publish_request(pub)
        adapter = _adapter(pub)
        # R9 before every attempt, not only at release: a retry, "post again" or a
        # publication that waited out a pause may come long after the approval.
        why = _consent_recheck(pub)
    except PublisherError as error:
        # Nothing was sent, so the outcome is known: only retry or fail.
        error.outcome_unknown = False
        return _after_error(pub, error)
    except Exception:
        log.exception("publication %s: preparing the request failed", pub.pk)
        return _after_error(
            pub, PublisherError(UNEXPECTED.format(channel=channel_name(pub.channel)))
        )
    if why is not None:
        _move(
            pub,
            from_states={P.ATTEMPTING},
            to=P.FAILED,
            action="publication.stopped_by_recheck",
            audit_data={"rule": "R9", "reason": why},
            error=RECHECK_STOPPED.format(channel=channel_name(pub.channel), why=why),
            error_detail="",
            next_attempt_at=None,
        )
        return pub
    log.info("publication %s: publishing to %s (attempt %s)", pub.pk, pub.channel, pub.attempts)
    try:
        result = adapter.publish(req)
    except PublisherError as error:
        return _after_error(pub, error)
    except Exception:
        log.exception("publication %s: unexpected failure during the platform call", pub.pk)
        Publication.objects.filter(pk=pub.pk, state=P.ATTEMPTING).update(
            error=UNEXPECTED.format(channel=channel_name(pub.channel))
        )
        _queue("reconcile", pub.pk, countdown=30)
        return pub
    _record_published(pub, result, reconciled=False)
    return pub


def _consent_recheck(pub: Publication) -> str | None:
    """Why this publication must not go out now (R9: consent, flags, names, contact
    details, checked again on the stored faces for this channel), or None."""
    from moderation.approvals import post_recheck_reason
    from moderation.models import Post

    post = Post.objects.select_related("school").get(pk=pub.post_id)
    return post_recheck_reason(post, channels=[pub.channel])


def _record_published(pub: Publication, result: PublishResult, *, reconciled: bool) -> bool:
    # From unconfirmed too: a slow attempt that finally succeeded is the truth.
    moved = _move(
        pub,
        from_states={P.ATTEMPTING, P.UNCONFIRMED},
        to=P.PUBLISHED,
        audit_data={"external_id": result.external_id, "url": result.url, "reconciled": reconciled},
        external_id=result.external_id[:200],
        url=result.url[:500],
        published_at=timezone.now(),
        error="",
        error_detail="",
        next_attempt_at=None,
    )
    if not moved:
        log.warning(
            "publication %s: published as %s but no longer attempting (now %s)",
            pub.pk,
            result.external_id,
            Publication.objects.filter(pk=pub.pk).values_list("state", flat=True).first(),
        )
    return moved


def _after_error(pub: Publication, error: PublisherError) -> Publication:
    detail = (error.detail or "")[:2000]
    if error.outcome_unknown:
        Publication.objects.filter(pk=pub.pk).update(error=error.message, error_detail=detail)
        return publication_reconcile(publication_id=pub.pk) or pub
    if error.retryable:
        if pub.attempts >= max_attempts():
            _fail(pub, GAVE_UP.format(attempts=pub.attempts, message=error.message), detail)
            return pub
        delay = backoff_delay(pub.attempts, retry_after=error.retry_after)
        with transaction.atomic():
            moved = Publication.objects.filter(pk=pub.pk, state=P.ATTEMPTING).update(
                state=P.QUEUED,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
                error=error.message,
                error_detail=detail,
                updated_at=timezone.now(),
            )
            if moved:
                pub.state = P.QUEUED
                _audit(
                    "publication.retry_scheduled",
                    pub,
                    attempt=pub.attempts,
                    delay_seconds=round(delay),
                    error=error.message,
                )
                if delay <= MAX_COUNTDOWN_SECONDS:
                    _queue("publish", pub.pk, countdown=delay)
        return pub
    if error.needs_reconnect and pub.account_id:
        ChannelAccount.objects.filter(pk=pub.account_id).update(
            health_ok=False, health_problems=[error.message], health_checked_at=timezone.now()
        )
    _fail(pub, error.message, detail)
    return pub


def _fail(pub: Publication, message: str, detail: str = "") -> None:
    _move(
        pub,
        from_states={P.ATTEMPTING, P.QUEUED},
        to=P.FAILED,
        audit_data={"error": message},
        error=message,
        error_detail=detail,
        next_attempt_at=None,
    )


def publication_reconcile(*, publication_id: int) -> Publication | None:
    """After an unknown outcome or a crash: did the platform get the post?

    Looks through the account's own posts since the claim (minus clock skew). Found ->
    published with the real id and URL. Not found -> look again later (listings can lag),
    and after ``RECONCILE_LOOKS`` looks -> unconfirmed, for a person to decide. Never
    publishes.
    """
    pub = _load(publication_id)
    if pub is None or pub.state != P.ATTEMPTING:
        return pub
    since = (pub.claimed_at or pub.created_at) - RECONCILE_SKEW
    problem: str | None = None
    try:
        found = _adapter(pub).find_existing(_publish_request(pub), since=since)
    except PublisherError as error:
        found, problem = None, error.message
        if not error.retryable:
            # Cannot look (token gone, ...): a person must check.
            _move(
                pub,
                from_states={P.ATTEMPTING},
                to=P.UNCONFIRMED,
                error=f"{UNCONFIRMED.format(channel=channel_name(pub.channel))} ({problem})",
            )
            return pub
    except Exception:
        log.exception("publication %s: reconciliation failed", pub.pk)
        found, problem = None, "unexpected error"
    if found is not None:
        _record_published(pub, found, reconciled=True)
        return pub
    looks = pub.reconcile_attempts + 1
    if looks < RECONCILE_LOOKS:
        Publication.objects.filter(pk=pub.pk, state=P.ATTEMPTING).update(
            reconcile_attempts=looks, updated_at=timezone.now()
        )
        _queue("reconcile", pub.pk, countdown=30.0 * 2**looks)
        return pub
    _move(
        pub,
        from_states={P.ATTEMPTING},
        to=P.UNCONFIRMED,
        audit_data={"looked": looks, **({"problem": problem} if problem else {})},
        reconcile_attempts=looks,
        error=UNCONFIRMED.format(channel=channel_name(pub.channel)),
    )
    return pub


def publications_settle(*, post_id: int) -> None:
    """A publication reached a final state: let moderation decide the post's status, and
    if a takedown was asked for while the post was still publishing, ask again now."""
    from moderation.approvals import post_publications_settled, post_takedown_request

    post_publications_settled(post_id=post_id)
    takedown = takedown_open_for_post(post_id=post_id)
    if takedown is not None:
        # Asked while the post was still publishing: moderation could not move it then.
        # A takedown with no requester was asked for by the consent-ended handler (R10).
        post_takedown_request(
            post_id=post_id,
            actor=takedown.requested_by or SYSTEM_CONSENT_ENDED,
            reason=takedown.reason,
        )


def publications_recover(
    *, now: datetime | None = None, older_than: timedelta | None = None, limit: int = 20
) -> dict[str, int]:
    """The beat sweep (``publishers.recover_stuck``), safe to run any time, any number of
    times:

    1. Attempts stuck in ``attempting`` longer than ``older_than`` (a killed worker):
       reconcile them -- never re-post.
    2. Queued publications whose retry time passed (lost message, or a wait longer than
       a broker countdown): queue them again.
    3. Deletions of confirmed takedowns that are due: queue them again.
    4. Webhook events still unprocessed a while after they arrived: queue them again.
    5. Posts still ``publishing`` whose publications have all settled: settle them.
    """
    from moderation.models import Post

    now = now or timezone.now()
    older_than = stuck_after() if older_than is None else older_than
    counts = {"reconciled": 0, "requeued": 0, "deletes": 0, "webhook_events": 0, "settled": 0}

    stuck = Publication.objects.filter(state=P.ATTEMPTING, claimed_at__lte=now - older_than)
    for pub_id in list(stuck.order_by("claimed_at").values_list("id", flat=True)[:limit]):
        publication_reconcile(publication_id=pub_id)
        counts["reconciled"] += 1

    overdue = Publication.objects.filter(state=P.QUEUED).filter(
        Q(next_attempt_at__lte=now - REQUEUE_GRACE)
        | Q(next_attempt_at__isnull=True, updated_at__lte=now - REQUEUE_GRACE)
    )
    for pub_id in list(overdue.values_list("id", flat=True)[: limit * 5]):
        with transaction.atomic():
            Publication.objects.filter(pk=pub_id, state=P.QUEUED).update(
                next_attempt_at=now + REQUEUE_GRACE
            )
            _queue("publish", pub_id)
        counts["requeued"] += 1

    deletions = (
        Publication.objects.filter(
            post__takedown__state=Takedown.State.CONFIRMED,
        )
        .exclude(state=P.TAKEN_DOWN)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, updated_at__lte=now - REQUEUE_GRACE)
        )
    )
    for pub_id in list(deletions.values_list("id", flat=True)[: limit * 5]):
        with transaction.atomic():
            Publication.objects.filter(pk=pub_id).update(next_attempt_at=now + REQUEUE_GRACE)
            _queue("delete_publication", pub_id)
        counts["deletes"] += 1

    # Webhook events whose processing message was lost (broker down when they arrived).
    unprocessed = WebhookEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=now - REQUEUE_GRACE
    )
    for event_id in list(unprocessed.values_list("id", flat=True)[: limit * 5]):
        _queue("process_webhook_event", event_id)
        counts["webhook_events"] += 1

    publishing = Post.objects.filter(status=Post.Status.PUBLISHING, publications__isnull=False)
    in_flight = Publication.objects.filter(state__in=list(Publication.IN_FLIGHT))
    for post_id in set(
        publishing.exclude(pk__in=in_flight.values("post_id")).values_list("id", flat=True)
    ):
        publications_settle(post_id=post_id)
        counts["settled"] += 1
    return counts


# --------------------------------------------------------------------------- people resolving


def _resume_post_publishing(*, post_id: int, actor: User, reason: str) -> None:
    """A leader acts on one channel of a post that already settled (failed or partly
    published): put the post back into ``publishing`` so that moderation settles it again
    from the new outcomes (both moves are in moderation's transition table)."""
    from moderation.models import Post
    from moderation.workflow import post_transition

    post = Post.objects.select_for_update().select_related("school").get(pk=post_id)
    if post.status in (Post.Status.FAILED, Post.Status.PARTIALLY_PUBLISHED):
        post_transition(post=post, to=Post.Status.PUBLISHING, actor=actor, reason=reason)


def publication_mark_posted(
    *, publication: Publication, actor: User, url: str, external_id: str = ""
) -> Publication:
    """A leader saw the post on the platform: record it as published (with its link)."""
    _check_role(
        actor=actor, school_id=publication.school_id, roles=(Role.LEADER,), message=NOT_A_LEADER
    )
    if publication.state != P.UNCONFIRMED:
        raise Conflict(NOT_UNCONFIRMED, field="state")
    url = url.strip()
    if not url.startswith(("https://", "http://")):
        raise InvalidInput(
            URL_REQUIRED.format(channel=channel_name(publication.channel)), field="url"
        )
    with transaction.atomic():
        _resume_post_publishing(
            post_id=publication.post_id,
            actor=actor,
            reason=f"Marked as posted on {channel_name(publication.channel)}",
        )
        moved = _move(
            publication,
            from_states={P.UNCONFIRMED},
            to=P.PUBLISHED,
            action="publication.marked_posted",
            actor=actor,
            audit_data={"url": url},
            url=url[:500],
            external_id=(external_id.strip() or _id_from_url(url))[:200],
            published_at=timezone.now(),
            resolved_by=actor,
            error="",
        )
        if not moved:
            raise Conflict(NOT_UNCONFIRMED, field="state")
    return publication


def _id_from_url(url: str) -> str:
    """Best effort: the last path segment of an X status or Instagram/Facebook post link."""
    parts = [p for p in url.split("?")[0].rstrip("/").split("/") if p]
    return parts[-1] if parts else ""


def publication_retry(*, publication: Publication, actor: User) -> Publication:
    """A leader asks to post again (after a failure, or after checking that an
    unconfirmed post is not there). Consent and flags are re-checked first (R9)."""
    from moderation.approvals import post_recheck_reason
    from moderation.models import Post

    _check_role(
        actor=actor, school_id=publication.school_id, roles=(Role.LEADER,), message=NOT_A_LEADER
    )
    if publication.state not in (P.FAILED, P.UNCONFIRMED):
        raise Conflict(CANNOT_RETRY, field="state")
    if Takedown.objects.filter(post_id=publication.post_id).exists():
        raise Conflict(RETRY_TAKEDOWN)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("school").get(pk=publication.post_id)
        if post.status not in (
            Post.Status.PUBLISHING,
            Post.Status.FAILED,
            Post.Status.PARTIALLY_PUBLISHED,
        ):
            raise Conflict(RETRY_WRONG_STATUS.format(status=post.get_status_display().lower()))
        why = post_recheck_reason(post, channels=[publication.channel])
        if why is not None:
            raise Conflict(RETRY_STOPPED.format(why=why), code="recheck_failed")
        _resume_post_publishing(
            post_id=post.pk,
            actor=actor,
            reason=f"Posting again on {channel_name(publication.channel)}",
        )
        account = publication.account or channel_account_for(
            school_id=publication.school_id, kind=publication.channel
        )
        moved = _move(
            publication,
            from_states={P.FAILED, P.UNCONFIRMED},
            to=P.QUEUED,
            action="publication.retry_requested",
            actor=actor,
            audit_data={"previous_error": publication.error},
            account=account,
            attempts=0,
            reconcile_attempts=0,
            next_attempt_at=None,
            resolved_by=actor,
            error="",
            error_detail="",
            content_hash=post.content_hash,
        )
        if not moved:
            raise Conflict(CANNOT_RETRY, field="state")
        _queue("publish", publication.pk)
    return publication


# --------------------------------------------------------------------------- takedown (R10)


def takedown_for_person(*, person_id: int, reason: str) -> None:
    """CONSENT_ENDED_HANDLERS entry: every post featuring the person comes down.

    For each post: the website entry is hidden at once; moderation moves the post to
    ``takedown_requested`` and tells the leaders; a :class:`Takedown` waits for a leader
    to confirm deleting it on the other channels. Safe to call again.
    """
    from moderation.selectors import posts_featuring_person

    # "Could not tell whether X accepted it" settles the post as failed, yet it may be live
    # there: such a post comes down too (the delete looks for it on the platform first).
    unconfirmed = Publication.objects.filter(state=P.UNCONFIRMED)
    unknown = set(unconfirmed.values_list("post_id", flat=True))
    for post in posts_featuring_person(person_id=person_id, also_post_ids=unknown):
        takedown_request(
            post_id=post.pk,
            actor=SYSTEM_CONSENT_ENDED,
            reason=f"Consent ended ({reason}) for someone shown or named in this post.",
            person_id=person_id,
        )


def takedown_request_by_leader(*, post_id: int, actor: User, reason: str) -> Takedown:
    """A leader asks for a published post to come down (the same flow; they then confirm)."""
    from moderation.models import Post

    post = Post.objects.filter(pk=post_id).values("school_id", "status").first()
    if post is None:
        raise NotFound("No such post among yours.")
    _check_role(
        actor=actor, school_id=int(post["school_id"]), roles=(Role.LEADER,), message=NOT_A_LEADER
    )
    if not reason.strip():
        raise InvalidInput(TAKEDOWN_REASON_REQUIRED, field="reason")
    if post["status"] not in (
        Post.Status.PUBLISHED,
        Post.Status.PARTIALLY_PUBLISHED,
        Post.Status.PUBLISHING,
        Post.Status.TAKEDOWN_REQUESTED,
    ):
        raise Conflict(TAKEDOWN_NOT_PUBLISHED, field="status")
    return takedown_request(post_id=post_id, actor=actor, reason=reason.strip())


def takedown_request(
    *, post_id: int, actor: Actor, reason: str, person_id: int | None = None
) -> Takedown:
    """The shared takedown request. Each step commits on its own, so the website entry is
    hidden even if a later step fails (the consent task then retries the rest).

    1. Hide the website entry and stop anything not yet published.
    2. Record the takedown (one per post) and audit the request.
    3. Moderation: post -> takedown_requested, leaders told.
    """
    from moderation.approvals import post_takedown_request
    from moderation.models import Post

    school_id = Post.objects.values_list("school_id", flat=True).get(pk=post_id)
    # A leader (takedown_request_by_leader) or the consent-ended handler (R10), never
    # anyone else, even though a takedown only ever removes content.
    require_role(
        actor=actor,
        school=school_id,
        roles=(Role.LEADER,),
        message=NOT_A_LEADER,
        system=(SYSTEM_CONSENT_ENDED,),
    )
    now = timezone.now()
    with transaction.atomic():
        hidden = WebsiteEntry.objects.filter(
            publication__post_id=post_id, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        cancelled = []
        for pub in Publication.objects.filter(post_id=post_id, state=P.QUEUED):
            if _move(
                pub,
                from_states={P.QUEUED},
                to=P.TAKEN_DOWN,
                error=WITHDRAWN_BEFORE_PUBLISHING,
                taken_down_at=now,
                next_attempt_at=None,
            ):
                cancelled.append(pub.channel)
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
            data={
                "post": post_id,
                "reason": reason,
                "first_request": created,
                "website_hidden": bool(hidden),
                "cancelled_channels": cancelled,
                **({"person": person_id} if person_id is not None else {}),
            },
        )
    post_takedown_request(post_id=post_id, actor=actor, reason=takedown.reason)
    return takedown


def takedown_confirm(*, takedown: Takedown, actor: User) -> Takedown:
    """A leader confirms: delete the post on every channel, retried until done."""
    _check_role(
        actor=actor, school_id=takedown.school_id, roles=(Role.LEADER,), message=NOT_A_LEADER
    )
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
            _queue("delete_publication", pub_id)
        post_id = takedown.post_id
        _on_commit(lambda: _takedown_maybe_done(post_id=post_id))
    return takedown


def publication_delete(*, publication_id: int) -> Publication | None:
    """The delete task's work: take one publication down on its platform, for a confirmed
    takedown. A post already gone counts as deleted (404 = done); anything else is retried
    with backoff until it works, and the leaders are told when a person must act."""
    pub = _load(publication_id)
    if pub is None:
        return None
    takedown = Takedown.objects.filter(post_id=pub.post_id).first()
    if takedown is None or takedown.state != Takedown.State.CONFIRMED:
        return pub
    now = timezone.now()
    if pub.state == P.TAKEN_DOWN:
        _takedown_maybe_done(post_id=pub.post_id)
        return pub
    if pub.state in (P.QUEUED, P.FAILED):
        # Nothing of it is on the platform.
        _move(
            pub,
            from_states={P.QUEUED, P.FAILED},
            to=P.TAKEN_DOWN,
            taken_down_at=now,
            next_attempt_at=None,
        )
        _takedown_maybe_done(post_id=pub.post_id)
        return pub
    if pub.state == P.ATTEMPTING:
        # Still being published: the sweep comes back to it once it has settled.
        _delete_later(pub, None, delay=60.0)
        return pub
    try:
        adapter = _adapter(pub, deleting=True)
        external_id = pub.external_id
        if pub.state == P.UNCONFIRMED or not external_id:
            since = (pub.claimed_at or pub.created_at) - RECONCILE_SKEW
            found = adapter.find_existing(_publish_request(pub), since=since)
            if found is None:
                message = NOT_FOUND_FOR_TAKEDOWN.format(channel=channel_name(pub.channel))
                _move(
                    pub,
                    from_states={P.UNCONFIRMED, P.PUBLISHED},
                    to=P.TAKEN_DOWN,
                    audit_data={"found": False},
                    taken_down_at=now,
                    error=message,
                    next_attempt_at=None,
                )
                pub_id = pub.pk
                _on_commit(
                    lambda: notifications.notify_takedown_problem(
                        publication_id=pub_id, message=message
                    )
                )
                _takedown_maybe_done(post_id=pub.post_id)
                return pub
            external_id = found.external_id
        adapter.delete(external_id)
    except PublisherError as error:
        _delete_later(pub, error)
        return pub
    except Exception:
        log.exception("publication %s: delete failed", pub.pk)
        _delete_later(pub, None)
        return pub
    _move(
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
        delay = backoff_delay(
            attempts,
            retry_after=error.retry_after if error else None,
            cap=DELETE_BACKOFF_CAP_SECONDS,
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
            _audit(
                "publication.takedown_retry",
                pub,
                attempt=attempts,
                error=error.message,
                delay_seconds=round(delay),
            )
        if needs_person and pub.delete_attempts == 0:
            pub_id, message = pub.pk, error.message if error else ""
            _on_commit(
                lambda: notifications.notify_takedown_problem(
                    publication_id=pub_id, message=message
                )
            )
        if error is not None and error.retryable and delay <= MAX_COUNTDOWN_SECONDS:
            _queue("delete_publication", pub.pk, countdown=delay)


def _takedown_maybe_done(*, post_id: int) -> None:
    """When every publication of the post is down, the takedown is done; moderation moves
    the post to taken_down."""
    from moderation.approvals import post_taken_down

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
        _on_commit(lambda: post_taken_down(post_id=post_id))


# --------------------------------------------------------------------------- channel accounts


def _check_channel_admin(
    *, actor: Actor, school_id: int, system: Collection[SystemActor] = OPERATOR
) -> None:
    """The system actors a service names (`system`) and Django-admin superusers
    (operators) may; otherwise only a trust administrator of the school."""
    if not isinstance(actor, SystemActor) and actor.is_superuser:
        return
    require_role(
        actor=actor,
        school=school_id,
        roles=(Role.TRUST_ADMIN,),
        message=NOT_CHANNEL_ADMIN,
        system=system,
    )


def _clean_fields(
    kind: str, values: Mapping[str, Any] | None, allowed: tuple[str, ...]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (values or {}).items():
        if key not in allowed:
            raise InvalidInput(
                UNKNOWN_FIELD.format(field=key, channel=channel_name(kind)), field=key
            )
        out[key] = "" if value is None else str(value).strip()
    return out


def _validate_account(kind: str, config: dict[str, Any], secrets: dict[str, str]) -> None:
    spec = SPECS[kind]
    missing = [k for k in spec.required_config if not config.get(k)]
    missing += [k for k in spec.required_secrets if not secrets.get(k)]
    if missing:
        raise InvalidInput(
            MISSING_FIELDS.format(channel=channel_name(kind), fields=", ".join(missing)),
            field=missing[0],
        )
    base = str(config.get("api_base") or "")
    if base and not custom_hosts_allowed():
        raise InvalidInput(CUSTOM_HOST_REFUSED, field="api_base")


def channel_account_validate(
    *,
    kind: str,
    display_name: str,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
    account: ChannelAccount | None = None,
    school: School | None = None,
) -> tuple[dict[str, str], dict[str, str] | None, list[str]]:
    """Check an account's fields without saving (the admin form calls this too).

    Returns the config to store, the secrets to store (None: keep the stored ones) and the
    names of the secret fields given. Blank secret fields keep the stored value.
    """
    if kind not in SPECS:
        raise InvalidInput(UNKNOWN_KIND.format(kinds=", ".join(SPECS)), field="kind")
    if not display_name.strip():
        raise InvalidInput(DISPLAY_NAME_REQUIRED, field="display_name")
    spec = SPECS[kind]
    if credentials and not spec.secrets and any(credentials.values()):
        raise InvalidInput(WEBSITE_NO_SECRETS, field="credentials")
    new_config = dict(account.config) if account is not None else {}
    for key, value in _clean_fields(kind, config, spec.config).items():
        if value:
            new_config[key] = value
        else:
            new_config.pop(key, None)
    given = {k: v for k, v in _clean_fields(kind, credentials, spec.secrets).items() if v}
    stored = _secrets_or_empty(account) if account is not None else {}
    secrets = {**stored, **given} if (given or account is None) else None
    _validate_account(kind, new_config, secrets if secrets is not None else stored)
    if (
        account is None
        and school is not None
        and ChannelAccount.objects.filter(school=school, kind=kind).exists()
    ):
        raise Conflict(ACCOUNT_EXISTS.format(channel=channel_name(kind)), field="kind")
    return new_config, secrets, sorted(given)


def channel_account_create(
    *,
    school: School,
    actor: Actor,
    kind: str,
    display_name: str,
    enabled: bool = True,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> ChannelAccount:
    """Connect a channel for a school. Secrets are encrypted before they touch the
    database and appear nowhere else (the audit names which fields were set, not values)."""
    _check_channel_admin(actor=actor, school_id=school.pk)
    clean_config, secrets, given = channel_account_validate(
        kind=kind,
        display_name=display_name,
        config=config,
        credentials=credentials,
        school=school,
    )
    try:
        with transaction.atomic():
            account = ChannelAccount.objects.create(
                school=school,
                kind=kind,
                display_name=display_name.strip(),
                enabled=enabled,
                config=clean_config,
                credentials_encrypted=credentials_encrypt(secrets or {}),
            )
            audit_record(
                action="channel_account.created",
                actor=actor,
                school=school,
                target=account,
                data={
                    "kind": kind,
                    "display_name": account.display_name,
                    "enabled": enabled,
                    "config": clean_config,
                    "credentials_set": given,
                },
            )
    except IntegrityError as exc:
        raise Conflict(ACCOUNT_EXISTS.format(channel=channel_name(kind)), field="kind") from exc
    return account


def channel_account_update(
    *,
    account: ChannelAccount,
    actor: Actor,
    display_name: str | None = None,
    enabled: bool | None = None,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> ChannelAccount:
    """Change an account. Credentials are write-only: a blank field keeps the stored value,
    so an admin form never has to show a secret back to keep it."""
    _check_channel_admin(actor=actor, school_id=account.school_id)
    new_config, secrets, given = channel_account_validate(
        kind=account.kind,
        display_name=account.display_name if display_name is None else display_name,
        config=config,
        credentials=credentials,
        account=account,
    )
    changes: dict[str, Any] = {}
    if display_name is not None and display_name.strip() != account.display_name:
        changes["display_name"] = display_name.strip()
    if enabled is not None and enabled != account.enabled:
        changes["enabled"] = enabled
    if new_config != account.config:
        changes["config"] = new_config
    if secrets is not None:
        changes["credentials_encrypted"] = credentials_encrypt(secrets)
        # New credentials: the old health verdict no longer applies.
        changes.update(health_ok=None, health_problems=[], health_checked_at=None)
    if not changes:
        return account
    with transaction.atomic():
        changes["updated_at"] = timezone.now()
        ChannelAccount.objects.filter(pk=account.pk).update(**changes)
        audit_record(
            action="channel_account.updated",
            actor=actor,
            school=School(pk=account.school_id),
            target=account,
            data={
                **{k: v for k, v in changes.items() if k in ("display_name", "enabled", "config")},
                "credentials_set": given,
            },
        )
    account.refresh_from_db()
    return account


def _secrets_or_empty(account: ChannelAccount) -> dict[str, str]:
    try:
        return credentials_decrypt(account)
    except PublisherError:
        return {}


def channel_account_check_health(*, account: ChannelAccount, actor: Actor) -> ChannelAccount:
    """Is the token valid and are the permissions enough? Stored on the account (shown
    to trust administrators) and audited. Never raises for platform trouble."""
    _check_channel_admin(
        actor=actor, school_id=account.school_id, system=(SYSTEM_HEALTH_CHECK, *OPERATOR)
    )
    try:
        report = ADAPTER_FACTORY(account).check_health()
    except PublisherError as error:
        report = HealthReport(ok=False, problems=[error.message])
    problems = list(report.problems)
    if not account.enabled:
        problems.append("This account is switched off, so nothing is published to it.")
    if account.kind == ChannelKind.INSTAGRAM and not str(settings.PUBLIC_BASE_URL).startswith(
        "https://"
    ):
        problems.append(
            "Instagram fetches images from this server, so it must be reachable over HTTPS "
            "(set PUBLIC_BASE_URL to the https:// address)."
        )
    with transaction.atomic():
        ChannelAccount.objects.filter(pk=account.pk).update(
            health_ok=not problems,
            health_problems=problems,
            health_checked_at=timezone.now(),
        )
        audit_record(
            action="channel_account.health_checked",
            actor=actor,
            school=School(pk=account.school_id),
            target=account,
            data={"ok": not problems, "problems": problems},
        )
    account.refresh_from_db()
    return account


def channel_accounts_check_health_all() -> int:
    """Daily beat: check every enabled third-party account."""
    count = 0
    for account in ChannelAccount.objects.filter(enabled=True).exclude(kind=ChannelKind.WEBSITE):
        channel_account_check_health(account=account, actor=SYSTEM_HEALTH_CHECK)
        count += 1
    return count


# --------------------------------------------------------------------------- website comments

COMMENT_MAX_CHARS = 2000
COMMENT_NAME_MAX_CHARS = 80


def website_comment_submit(*, entry: WebsiteEntry, author_name: str, text: str) -> WebsiteComment:
    """A member of the public comments on a news item. Stored pending: nothing shows until
    a leader approves it (R11)."""
    author_name, text = author_name.strip(), text.strip()
    if not author_name:
        raise InvalidInput(COMMENT_NAME_REQUIRED, field="author_name")
    if len(author_name) > COMMENT_NAME_MAX_CHARS:
        raise InvalidInput(
            COMMENT_TOO_LONG.format(limit=COMMENT_NAME_MAX_CHARS), field="author_name"
        )
    if not text:
        raise InvalidInput(COMMENT_TEXT_REQUIRED, field="text")
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidInput(COMMENT_TOO_LONG.format(limit=COMMENT_MAX_CHARS), field="text")
    with transaction.atomic():
        comment = WebsiteComment.objects.create(entry=entry, author_name=author_name, text=text)
        audit_record(
            action="website_comment.received",
            school=School(pk=entry.school_id),
            target=comment,
            data={"entry": entry.pk},
        )
        # Screened when it is submitted, not at the next poll (issue 13): it is local.
        comment_id = comment.pk
        _on_commit(lambda: _website_comment_handlers(website_comment_id=comment_id))
    return comment


def _website_comment_handlers(*, website_comment_id: int) -> None:
    """``PUBLISHERS_WEBSITE_COMMENT_HANDLERS`` (dotted paths of ``f(*, website_comment_id)``).
    A failing handler is logged, never shown to the parent: the comment is stored and the
    comments poll reads it anyway."""
    from django.utils.module_loading import import_string

    for path in list(_setting("PUBLISHERS_WEBSITE_COMMENT_HANDLERS", [])):
        try:
            import_string(path)(website_comment_id=website_comment_id)
        except Exception:  # a handler must never fail the parent's submission
            log.warning("Website comment handler %s failed", path, exc_info=True)


def website_comment_decide(*, comment: WebsiteComment, actor: User, status: str) -> WebsiteComment:
    """A leader (or DSL) approves or rejects a pending comment; only approved ones show."""
    _check_role(
        actor=actor,
        school_id=comment.entry.school_id,
        roles=(Role.LEADER, Role.DSL),
        message=NOT_A_MODERATOR,
    )
    if status not in (WebsiteComment.Status.APPROVED, WebsiteComment.Status.REJECTED):
        raise InvalidInput(COMMENT_STATUS, field="status")
    with transaction.atomic():
        moved = WebsiteComment.objects.filter(
            pk=comment.pk, status=WebsiteComment.Status.PENDING
        ).update(status=status, decided_by=actor, decided_at=timezone.now())
        if moved != 1:
            comment.refresh_from_db()
            raise Conflict(COMMENT_ALREADY_DECIDED.format(status=comment.status), field="status")
        audit_record(
            action=f"website_comment.{status}",
            actor=actor,
            school=School(pk=comment.entry.school_id),
            target=comment,
            data={"entry": comment.entry_id},
        )
    comment.refresh_from_db()
    return comment


# --------------------------------------------------------------------------- webhooks


def _facebook_accounts() -> list[ChannelAccount]:
    return list(ChannelAccount.objects.filter(kind=ChannelKind.FACEBOOK, enabled=True))


def webhook_facebook_challenge(*, params: Mapping[str, Any]) -> str | None:
    """Meta's GET handshake: the challenge to echo when ``hub.verify_token`` matches the
    configured token (``FACEBOOK_WEBHOOK_VERIFY_TOKEN``) or an account's; None = refuse."""
    tokens = [str(_setting("FACEBOOK_WEBHOOK_VERIFY_TOKEN", "") or "")]
    for account in _facebook_accounts():
        tokens.append(_secrets_or_empty(account).get("webhook_verify_token", ""))
    for token in tokens:
        if token:
            challenge = verify_subscription(params, token)
            if challenge is not None:
                return challenge
    return None


@dataclass(frozen=True)
class WebhookReceipt:
    verified: bool
    stored: int = 0
    duplicates: int = 0


def webhook_facebook_receive(*, raw_body: bytes, signature: str | None) -> WebhookReceipt:
    """A POSTed Facebook webhook: verify ``X-Hub-Signature-256`` over the raw body with the
    app secret (``FACEBOOK_APP_SECRET``, or the secret of the Page's account), then store
    each comment event once (Meta redelivers) and queue its processing. Unverified bodies
    store nothing."""
    try:
        payload = json.loads(raw_body or b"{}")
    except ValueError:
        payload = None
    page_ids = {
        str(entry.get("id"))
        for entry in (payload.get("entry") or [] if isinstance(payload, dict) else [])
        if isinstance(entry, dict)
    }
    accounts = [a for a in _facebook_accounts() if str(a.config.get("page_id")) in page_ids]
    global_secret = str(_setting("FACEBOOK_APP_SECRET", "") or "")
    trusted: list[ChannelAccount] | None = None  # None: every page (global secret)
    if not (global_secret and verify_signature(raw_body, signature, global_secret)):
        trusted = [
            a
            for a in accounts
            if verify_signature(raw_body, signature, _secrets_or_empty(a).get("app_secret", ""))
        ]
        if not trusted:
            return WebhookReceipt(verified=False)
    by_page = {str(a.config.get("page_id")): a for a in (accounts if trusted is None else trusted)}
    stored = duplicates = 0
    for event in parse_comment_events(payload if isinstance(payload, dict) else {}):
        account = by_page.get(event.account_id)
        if trusted is not None and account is None:
            continue  # signed by another Page's app: not ours to accept
        external_id = (
            event.comment_id if event.verb == "add" else f"{event.comment_id}:{event.verb}"
        )
        try:
            with transaction.atomic():
                row = WebhookEvent.objects.create(
                    platform=ChannelKind.FACEBOOK,
                    external_id=external_id[:200],
                    account=account,
                    school_id=account.school_id if account else None,
                    verb=event.verb[:20],
                    payload=event.raw,
                )
                _queue("process_webhook_event", row.pk)
        except IntegrityError:
            duplicates += 1
            continue
        stored += 1
    return WebhookReceipt(verified=True, stored=stored, duplicates=duplicates)


def webhook_event_process(*, event_id: int) -> WebhookEvent | None:
    """Hand a stored event to the comment screening (``PUBLISHERS_COMMENT_EVENT_HANDLERS``,
    dotted paths of ``f(*, event_id: int) -> None``), once. Without handlers it is only
    marked processed; the events stay stored for the comments work to pick up."""
    from django.utils.module_loading import import_string

    event = WebhookEvent.objects.filter(pk=event_id, processed_at__isnull=True).first()
    if event is None:
        return None
    for path in list(_setting("PUBLISHERS_COMMENT_EVENT_HANDLERS", [])):
        import_string(path)(event_id=event.pk)
    WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    event.refresh_from_db()
    return event


# --------------------------------------------------------------------------- demo / backfill


def website_backfill(*, post_id: int) -> Publication | None:
    """A post already published (e.g. seeded by the demo) that targets the website but has
    no website publication: publish it to the feed now, through the normal path."""
    from moderation.models import Post

    post = (
        Post.objects.filter(pk=post_id)
        .values("school_id", "channels", "content_hash", "status")
        .first()
    )
    if post is None or ChannelKind.WEBSITE not in (post["channels"] or []):
        return None
    if post["status"] != Post.Status.PUBLISHED:
        return None
    account = website_account_ensure(school_id=int(post["school_id"]))
    pub, _ = Publication.objects.get_or_create(
        post_id=post_id,
        channel=ChannelKind.WEBSITE,
        defaults={
            "school_id": post["school_id"],
            "account": account,
            "content_hash": post["content_hash"],
        },
    )
    if pub.state != P.QUEUED or not publication_claim(publication_id=pub.pk):
        return pub
    pub.refresh_from_db()
    result = _adapter(pub).publish(_publish_request(pub))
    with transaction.atomic():
        Publication.objects.filter(pk=pub.pk, state=P.ATTEMPTING).update(
            state=P.PUBLISHED,
            external_id=result.external_id,
            url=result.url,
            published_at=timezone.now(),
            updated_at=timezone.now(),
        )
        _audit("publication.published", pub, external_id=result.external_id, backfill=True)
    pub.refresh_from_db()
    return pub
