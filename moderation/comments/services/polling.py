"""Reading new comments and replies on published posts: what is due, one post's pages from
its stored cursor, and the next look as the post ages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from backend.audit.services import audit_record
from backend.common.actors import Actor
from backend.common.channels import ChannelKind
from moderation.screening import ScreeningConfig
from publishers import selectors as publishers_selectors
from publishers.adapters import adapter_for
from publishers.base import PublisherError
from publishers.registry import channel_comment_poll_max_age, channel_platform_name

from .. import selectors
from ..models import Comment, PollState, ScreeningSettings
from .ingest import comment_ingest
from .messages import NO_ACCOUNT

log = logging.getLogger(__name__)

MAX_PAGES_PER_POLL = 10
POLL_LEASE = timedelta(minutes=5)
POLL_FAILURE_CAP = timedelta(hours=6)
POLL_WINDOW = timedelta(days=30)
#: A website comment not read by a poll this long after it arrived was not screened on
#: arrival (its message was lost): its news item is polled at once. Comments older than
#: the look-back have been read by the item's regular polls.
WEBSITE_COMMENT_GRACE = timedelta(minutes=2)
WEBSITE_COMMENT_LOOKBACK = timedelta(days=1)
# Polling slows down as a post ages: (age below, poll every).
POLL_STEPS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=1), timedelta(minutes=2)),
    (timedelta(hours=6), timedelta(minutes=5)),
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=3), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=3)),
    (timedelta(days=30), timedelta(hours=12)),
)


@dataclass(frozen=True)
class PollOutcome:
    publication_id: int
    fetched: int = 0
    new: int = 0
    next_poll_at: datetime | None = None
    error: str = ""


def poll_interval(*, channel: str, age: timedelta) -> timedelta | None:
    """How long to wait before looking again at a post this old; None: stop polling."""
    limit = channel_comment_poll_max_age(channel)
    if limit is not None and age > limit:
        return None
    for below, every in POLL_STEPS:
        if age < below:
            return every
    return POLL_STEPS[-1][1]


def _poll_states_ensure(now: datetime) -> int:
    """A poll state for every published publication young enough to poll."""
    missing = (
        publishers_selectors.publications_live(
            published_since=now - POLL_WINDOW, channels_any_age=(ChannelKind.WEBSITE,)
        )
        .filter(comment_poll__isnull=True)
        .values_list("pk", "school_id", "channel")
    )
    rows = [
        PollState(publication_id=pk, school_id=school_id, channel=channel, next_poll_at=now)
        for pk, school_id, channel in missing
    ]
    PollState.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _website_polls_hasten(now: datetime) -> int:
    """Website comments are screened when they arrive (``website_comment_poll_now``); one
    whose message was lost (broker down, worker killed) and that no poll has read since
    makes its news item due now, instead of at its next look (up to 12 hours for an old
    item). Issue 16: no comment waits unscreened beyond the sweep's deadline."""
    received = publishers_selectors.website_comments_received(
        since=now - WEBSITE_COMMENT_LOOKBACK, until=now - WEBSITE_COMMENT_GRACE
    )
    hastened = 0
    for publication_id, latest in received.items():
        hastened += (
            PollState.objects.filter(publication_id=publication_id, next_poll_at__gt=now)
            .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=latest))
            .update(next_poll_at=now)
        )
    return hastened


def polls_claim_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Publication ids whose comments are due to be read, each claimed for a few minutes
    so a second beat tick does not queue it again."""
    now = now or timezone.now()
    _poll_states_ensure(now)
    _website_polls_hasten(now)
    due = list(
        PollState.objects.filter(next_poll_at__lte=now)
        .order_by("next_poll_at")
        .values_list("pk", "publication_id", "school_id", "channel")[:limit]
    )
    schools = {school_id for _, _, school_id, _ in due}
    stored = {
        s.school_id: set(s.fetch_channels)
        for s in ScreeningSettings.objects.filter(school_id__in=schools)
    }
    claimed = []
    for pk, publication_id, school_id, channel in due:
        if channel not in stored.get(school_id, set(ChannelKind.values)):
            # Switched off by the school: look again in an hour in case it is back on.
            PollState.objects.filter(pk=pk).update(next_poll_at=now + timedelta(hours=1))
            continue
        if PollState.objects.filter(pk=pk, next_poll_at__lte=now).update(
            next_poll_at=now + POLL_LEASE
        ):
            claimed.append(publication_id)
    return claimed


def _poll_failed(state: PollState, error: PublisherError, now: datetime) -> PollOutcome:
    failures = state.failures + 1
    if error.permanent or error.needs_reconnect:
        wait = POLL_FAILURE_CAP
    else:
        backoff = timedelta(minutes=2) * (2 ** min(failures, 10))
        wait = min(POLL_FAILURE_CAP, max(backoff, timedelta(seconds=error.retry_after or 0)))
    next_at = now + wait
    PollState.objects.filter(pk=state.pk).update(
        failures=failures, last_error=error.message[:2000], last_polled_at=now, next_poll_at=next_at
    )
    log.warning("comment polling of publication %s failed: %r", state.publication_id, error)
    return PollOutcome(state.publication_id, next_poll_at=next_at, error=error.message)


def publication_poll(*, publication_id: int, now: datetime | None = None) -> PollOutcome:
    """Read new comments and replies on one published post and ingest each.

    1. Continue from the stored cursor; read up to ``MAX_PAGES_PER_POLL`` pages, saving the
       cursor after each, so a crash resumes where it stopped (duplicates are harmless).
    2. Schedule the next look by the post's age; after a failure, back off (the platform's
       ``retry_after`` when it gives one).
    """
    now = now or timezone.now()
    pub = publishers_selectors.publication_with_account(publication_id=publication_id)
    if pub is None:
        return PollOutcome(publication_id, error="gone")
    state, _ = PollState.objects.get_or_create(
        publication=pub, defaults={"school_id": pub.school_id, "channel": pub.channel}
    )
    if not publishers_selectors.publication_is_live(publication=pub):
        PollState.objects.filter(pk=state.pk).update(next_poll_at=None, last_polled_at=now)
        return PollOutcome(publication_id)
    account = pub.account or publishers_selectors.channel_account_for(
        school_id=pub.school_id, kind=pub.channel
    )
    if account is None or not account.enabled:
        no_account = NO_ACCOUNT.format(channel=channel_platform_name(pub.channel))
        return _poll_failed(state, PublisherError(no_account, permanent=True), now)
    fetched = new = 0
    own = publishers_selectors.channel_account_own_ids(account=account)
    config: ScreeningConfig | None = None
    try:
        adapter = adapter_for(account)
        cursor = state.cursor or None
        for _ in range(MAX_PAGES_PER_POLL):
            page = adapter.fetch_comments(pub.external_id, cursor)
            for remote in page.comments:
                if config is None:
                    config = selectors.screening_config_for(school=pub.school)
                result = comment_ingest(
                    school=pub.school,
                    channel=pub.channel,
                    remote=remote,
                    publication=pub,
                    post_external_id=pub.external_id,
                    via=Comment.Via.POLL,
                    config=config,
                    own_author_ids=own,
                )
                fetched += 1
                new += int(result.created)
            cursor = page.cursor
            PollState.objects.filter(pk=state.pk).update(cursor=cursor or "")
            if not page.has_more:
                break
    except PublisherError as error:
        return _poll_failed(state, error, now)
    interval = poll_interval(channel=pub.channel, age=now - (pub.published_at or pub.created_at))
    next_at = now + interval if interval is not None else None
    PollState.objects.filter(pk=state.pk).update(
        last_polled_at=now,
        next_poll_at=next_at,
        failures=0,
        last_error="",
        comments_seen=F("comments_seen") + new,
    )
    return PollOutcome(publication_id, fetched=fetched, new=new, next_poll_at=next_at)


def website_comment_poll_now(*, website_comment_id: int) -> PollOutcome | None:
    """A comment was just left on the website feed: read its entry's comments now rather
    than at the next beat tick."""
    publication_id = publishers_selectors.website_comment_publication_id(
        website_comment_id=website_comment_id
    )
    if publication_id is None:
        return None
    return publication_poll(publication_id=publication_id)


def comment_polling_channel_stop(
    *, school_id: int, channel: str, actor: Actor, reason: str
) -> bool:
    """Stop polling one channel's comments for a school (e.g. X over the school's budget,
    decided by a task, not a leader); a leader can turn it on again in the settings.
    True when polling was on and is now off; safe to repeat."""
    with transaction.atomic():
        stored, _ = ScreeningSettings.objects.select_for_update(of=("self",)).get_or_create(
            school_id=school_id
        )
        if channel not in stored.fetch_channels:
            return False
        stored.fetch_channels = [c for c in stored.fetch_channels if c != channel]
        stored.save(update_fields=["fetch_channels"])
        audit_record(
            action="comments.polling_stopped",
            actor=actor,
            school=stored.school,
            target=stored,
            data={"channel": channel, "reason": reason},
        )
    return True
