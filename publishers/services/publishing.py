"""Publishing one post on its channels, each exactly once: start, claim, publish, retry
with backoff, and reconcile when the outcome is unknown (see the package docstring)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from moderation import interface

from ..base import PublisherError, PublishResult
from ..models import ChannelAccount, ChannelKind, Publication
from ..notifications import channel_name
from ..selectors import channel_account_for, takedown_open_for_post
from . import common

log = logging.getLogger(__name__)

P = Publication.State

GAVE_UP = "We tried {attempts} times and stopped. The last problem was: {message}"
UNCONFIRMED = (
    "We could not tell whether {channel} accepted this post. Please look at the school's "
    "{channel} account: if the post is there, choose “Mark as posted” and paste its link; "
    "if it is not, choose “Post again”."
)
UNEXPECTED = "Something went wrong on our side while publishing. We will check {channel}."
RECHECK_STOPPED = "Stopped before publishing on {channel}: {why}"


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
    post = interface.post_to_publish(post_id=post_id)
    if post is None:
        return
    channels = [c for c in dict.fromkeys(post.channels) if c in ChannelKind.values]
    with transaction.atomic():
        # All rows first, then the work: moderation must see every channel when the first
        # one settles.
        rows: list[tuple[Publication, ChannelAccount | None]] = []
        for channel in channels:
            account = (
                website_account_ensure(school_id=post.school_id)
                if channel == ChannelKind.WEBSITE
                else channel_account_for(school_id=post.school_id, kind=channel)
            )
            pub, created = Publication.objects.get_or_create(
                post_id=post_id,
                channel=channel,
                defaults={
                    "school_id": post.school_id,
                    "account": account,
                    "content_hash": post.content_hash,
                },
            )
            if created:
                common.publication_audit("publication.queued", pub, key=pub.idempotency_key)
            rows.append((pub, account))
        now = timezone.now()
        for pub, account in rows:
            if pub.state != P.QUEUED:
                continue
            if pub.next_attempt_at and pub.next_attempt_at > now:
                continue  # waiting out a backoff: its retry is already scheduled
            problem = common.account_problem(pub, account)
            if problem:
                common.publication_move(
                    pub, from_states={P.QUEUED}, to=P.FAILED, error=problem, next_attempt_at=None
                )
                continue
            common.queue_task("publish", pub.pk)


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
            common.publication_audit("publication.attempting", pub, attempt=pub.attempts)
    return claimed == 1


def _waits_or_withdrawn(pub: Publication) -> bool:
    """Step 1 of publishing: a post under takedown is withdrawn, a paused school waits.
    True when the publication must not be claimed now."""
    if takedown_open_for_post(post_id=pub.post_id) is not None:
        common.publication_move(
            pub,
            from_states={P.QUEUED},
            to=P.TAKEN_DOWN,
            error=common.WITHDRAWN_BEFORE_PUBLISHING,
            taken_down_at=timezone.now(),
        )
        return True
    if interface.school_publishing_paused(school_id=pub.school_id):
        Publication.objects.filter(pk=pub.pk, state=P.QUEUED).update(
            next_attempt_at=timezone.now() + common.PAUSE_RECHECK
        )
        return True
    return False


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
    pub = common.publication_load(publication_id)
    if pub is None or pub.state != P.QUEUED or _waits_or_withdrawn(pub):
        return pub
    if not publication_claim(publication_id=pub.pk):
        return common.publication_load(publication_id)
    pub.refresh_from_db()
    try:
        req = common.publish_request(pub)
        adapter = common.publication_adapter(pub)
        # R9 before every attempt, not only at release: a retry, "post again" or a
        # publication that waited out a pause may come long after the approval.
        why = interface.post_recheck_reason(post_id=pub.post_id, channel=pub.channel)
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
        common.publication_move(
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
        common.queue_task("reconcile", pub.pk, countdown=30)
        return pub
    _record_published(pub, result, reconciled=False)
    return pub


def _record_published(pub: Publication, result: PublishResult, *, reconciled: bool) -> bool:
    # From unconfirmed too: a slow attempt that finally succeeded is the truth.
    moved = common.publication_move(
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
        if pub.attempts >= common.max_attempts():
            _fail(pub, GAVE_UP.format(attempts=pub.attempts, message=error.message), detail)
            return pub
        _retry_later(pub, error, detail)
        return pub
    if error.needs_reconnect and pub.account_id:
        ChannelAccount.objects.filter(pk=pub.account_id).update(
            health_ok=False, health_problems=[error.message], health_checked_at=timezone.now()
        )
    _fail(pub, error.message, detail)
    return pub


def _retry_later(pub: Publication, error: PublisherError, detail: str) -> None:
    """Back to queued with a jittered delay; a near retry is a broker countdown, a far one
    is left to the sweep."""
    delay = common.backoff_delay(pub.attempts, retry_after=error.retry_after)
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
            common.publication_audit(
                "publication.retry_scheduled",
                pub,
                attempt=pub.attempts,
                delay_seconds=round(delay),
                error=error.message,
            )
            if delay <= common.MAX_COUNTDOWN_SECONDS:
                common.queue_task("publish", pub.pk, countdown=delay)


def _fail(pub: Publication, message: str, detail: str = "") -> None:
    common.publication_move(
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
    pub = common.publication_load(publication_id)
    if pub is None or pub.state != P.ATTEMPTING:
        return pub
    since = (pub.claimed_at or pub.created_at) - common.RECONCILE_SKEW
    problem: str | None = None
    try:
        found = common.publication_adapter(pub).find_existing(
            common.publish_request(pub), since=since
        )
    except PublisherError as error:
        found, problem = None, error.message
        if not error.retryable:
            # Cannot look (token gone, ...): a person must check.
            common.publication_move(
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
    if looks < common.RECONCILE_LOOKS:
        Publication.objects.filter(pk=pub.pk, state=P.ATTEMPTING).update(
            reconcile_attempts=looks, updated_at=timezone.now()
        )
        common.queue_task("reconcile", pub.pk, countdown=30.0 * 2**looks)
        return pub
    common.publication_move(
        pub,
        from_states={P.ATTEMPTING},
        to=P.UNCONFIRMED,
        audit_data={"looked": looks, **({"problem": problem} if problem else {})},
        reconcile_attempts=looks,
        error=UNCONFIRMED.format(channel=channel_name(pub.channel)),
    )
    return pub
