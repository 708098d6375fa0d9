"""Mentions of the school beyond its own posts: the watch terms, the periodic search, the
screening of what is found, the DSL alert, and evidence captured on demand."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.accounts.selectors import users_seeing_escalations
from backend.common.errors import Conflict, InvalidInput
from backend.operations.services import Message, notification_queue
from moderation.comments import selectors as comment_selectors
from moderation.screening import ScreeningConfig, screen_comment

from .. import selectors
from ..costs import price
from ..models import Mention, MentionWatch, XCall
from ..sources import Found, SearchPage, SourceError, bluesky_search, x_search
from .common import SYSTEM_MENTIONS, audit, check_leader
from .x_costs import x_call_record

log = logging.getLogger(__name__)

MAX_TERMS = 20
MAX_TERM_CHARS = 100
BAD_TERMS = "Give at most {limit} watch terms, each 3 to {chars} characters."
X_OVER_BUDGET = (
    "X mention search skipped on {day}: it would take the school past this month's X "
    "budget (${spent} spent of ${budget})."
)
X_NO_TOKEN = "X mention search is on, but no X search token is configured."
ALREADY_CAPTURED = "Evidence of this mention has already been captured."
MENTION_EVIDENCE_FORMAT = "school-post-queue/mention-evidence/v1"


@dataclass
class SearchRun:
    new: int = 0
    alerted: int = 0
    notices: list[str] = field(default_factory=list)


def mention_watch_update(
    *,
    school: School,
    actor: User,
    terms: Sequence[str] | None = None,
    bluesky_enabled: bool | None = None,
    x_search_enabled: bool | None = None,
) -> MentionWatch:
    """A leader sets what to watch for and where (X search costs money: shown, off until on)."""
    check_leader(actor=actor, school=school)
    cleaned = None
    if terms is not None:
        cleaned = list(dict.fromkeys(" ".join(str(t).split()) for t in terms if str(t).strip()))
        if len(cleaned) > MAX_TERMS or any(not 3 <= len(t) <= MAX_TERM_CHARS for t in cleaned):
            raise InvalidInput(
                BAD_TERMS.format(limit=MAX_TERMS, chars=MAX_TERM_CHARS), field="terms"
            )
    with transaction.atomic():
        watch, _ = MentionWatch.objects.select_for_update(of=("self",)).get_or_create(school=school)
        if cleaned is not None:
            watch.terms = cleaned
        if bluesky_enabled is not None:
            watch.bluesky_enabled = bluesky_enabled
        if x_search_enabled is not None:
            watch.x_search_enabled = x_search_enabled
        watch.updated_at = timezone.now()
        watch.save()
        audit(
            "mention_watch_changed",
            actor=actor,
            school=school,
            target=watch,
            terms=len(watch.terms),
            bluesky=watch.bluesky_enabled,
            x=watch.x_search_enabled,
        )
    return watch


def _alert_dsl(mention: Mention) -> None:
    """R13: the DSL and the head teacher hear of it; the email never quotes the post."""
    link = f"{str(settings.PUBLIC_BASE_URL).rstrip('/')}/comments?mention={mention.pk}"
    why = "names a pupil on the register" if mention.names_pupil else "reads as a threat or abuse"
    body = (
        f"A post on {mention.get_source_display()} mentioning the school {why}.\n"
        f"Review it and capture evidence: {link}\n"
    )
    recipients = sorted({u.email for u in users_seeing_escalations(school=mention.school_id)})
    notification_queue(
        actor=SYSTEM_MENTIONS,
        event_key=f"mention:{mention.pk}:alert",
        messages=[
            Message(email, f"[{mention.school.name}] Mention {mention.pk} needs the DSL", body)
            for email in recipients
        ],
    )


def _store(
    school: School, source: str, found: Found, term: str, config: ScreeningConfig
) -> Mention | None:
    """Screen and keep one found post (once per school and post); None when seen before."""
    external_id = found.external_id[:300]
    if Mention.objects.filter(school=school, source=source, external_id=external_id).exists():
        return None  # seen on an earlier run or under another term: no need to screen again
    result = screen_comment(found.text, config)
    names_pupil = bool(config.name_finder and config.name_finder(found.text))
    try:
        with transaction.atomic():
            mention = Mention.objects.create(
                school=school,
                source=source,
                external_id=external_id,
                url=found.url[:1000],
                author_handle=found.author_handle[:200],
                author_id=found.author_id[:200],
                text=found.text,
                posted_at=found.posted_at,
                term=term[:200],
                verdict=result.verdict,
                labels=[
                    {"label": lb.label, "score": round(lb.score, 3), "reason": lb.reason}
                    for lb in result.labels
                ],
                names_pupil=names_pupil,
                alerted=names_pupil or result.verdict == "escalate",
            )
            if mention.alerted:
                _alert_dsl(mention)
                audit(
                    "mention_alerted",
                    actor=SYSTEM_MENTIONS,
                    school=school,
                    target=mention,
                    names_pupil=names_pupil,
                    verdict=result.verdict,
                )
    except IntegrityError:
        return None  # stored by a concurrent run a moment ago
    return mention


def _x_search_cost() -> Decimal:
    return price(XCall.Kind.OTHER_READ) * max(10, settings.MENTION_SEARCH_LIMIT)


def _x_allowed(school: School, run: SearchRun, now: datetime) -> bool:
    """Mention searches are the first thing the budget stops (before any post is)."""
    if not settings.X_SEARCH_BEARER_TOKEN:
        run.notices.append(X_NO_TOKEN)
        return False
    if selectors.x_budget_allows(school_id=school.pk, extra_usd=_x_search_cost(), now=now):
        return True
    run.notices.append(
        X_OVER_BUDGET.format(
            day=timezone.localdate(now).isoformat(),
            spent=selectors.x_spend_month_to_date(school_id=school.pk, now=now),
            budget=selectors.x_budget_for(school=school).monthly_budget_usd,
        )
    )
    return False


def _search_source(
    *,
    school: School,
    watch: MentionWatch,
    source: str,
    search: Callable[..., SearchPage],
    config: ScreeningConfig,
    run: SearchRun,
) -> None:
    cursors = dict(watch.cursors)
    for term in watch.terms:
        key = f"{source}:{term}"
        try:
            page = search(
                term, **{"since" if source == "bluesky" else "since_id": cursors.get(key, "")}
            )
        except SourceError as exc:
            log.warning("Mention search on %s for school %s failed: %s", source, school.pk, exc)
            run.notices.append(f"{source} search failed; it is tried again next time.")
            continue
        for found in page.found:
            if source == Mention.Source.X:  # each post read is a paid read
                x_call_record(
                    school_id=school.pk,
                    kind=XCall.Kind.OTHER_READ,
                    key=f"read:{school.pk}:x:{found.external_id}",
                    purpose="mention search",
                )
            mention = _store(school, source, found, term, config)
            if mention is not None:
                run.new += 1
                run.alerted += mention.alerted
        cursors[key] = page.cursor
    watch.cursors = cursors


def mentions_search(*, school_id: int, now: datetime | None = None) -> SearchRun:
    """Search every source the school turned on for each watch term.

    1. Bluesky (free) when on; X only when on, configured and within the budget, otherwise
       skipped with a notice that leaders see.
    2. Each post found is screened like a comment; naming a pupil on the register, or a
       verdict of escalate, alerts the DSL (R13). Everything else waits in the list.
    3. Cursors move on, so a post is fetched once; storing is idempotent anyway.
    """
    now = now or timezone.now()
    school = School.objects.get(pk=school_id)
    watch = selectors.mention_watch_for(school=school)
    run = SearchRun()
    if watch.pk is None or not watch.terms:
        return run
    config = comment_selectors.screening_config_for(school=school)
    if watch.bluesky_enabled:
        _search_source(
            school=school,
            watch=watch,
            source=Mention.Source.BLUESKY,
            search=bluesky_search,
            config=config,
            run=run,
        )
    if watch.x_search_enabled and _x_allowed(school, run, now):
        _search_source(
            school=school,
            watch=watch,
            source=Mention.Source.X,
            search=x_search,
            config=config,
            run=run,
        )
    watch.last_searched_at = now
    watch.last_notice = " ".join(run.notices)[:300]
    watch.save(update_fields=["cursors", "last_searched_at", "last_notice"])
    if run.notices:
        audit(
            "mention_search_notice",
            actor=SYSTEM_MENTIONS,
            school=school,
            target=watch,
            notices=run.notices,
        )
    return run


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def mention_capture(*, mention_id: int, actor: User) -> Mention:
    """Capture evidence of a mention as found (text, author, link, times, SHA-256, R12)."""
    mention = selectors.mention_get_for_user(user=actor, mention_id=mention_id)
    now = timezone.now()
    record = {
        "format": MENTION_EVIDENCE_FORMAT,
        "school": {"id": mention.school_id, "name": mention.school.name},
        "source": mention.source,
        "external_id": mention.external_id,
        "url": mention.url,
        "author_handle": mention.author_handle,
        "author_id": mention.author_id,
        "text": mention.text,
        "posted_at": mention.posted_at.isoformat() if mention.posted_at else None,
        "found_at": mention.found_at.isoformat(),
        "labels": mention.labels,
        "captured_at": now.isoformat(),
        "captured_by": {"id": actor.pk, "email": actor.email},
    }
    canonical = _canonical(record)
    with transaction.atomic():
        changed = Mention.objects.filter(pk=mention.pk, captured_at__isnull=True).update(
            evidence_canonical=canonical,
            evidence_sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            captured_by=actor,
            captured_at=now,
            state=Mention.State.CAPTURED,
        )
        if changed != 1:
            raise Conflict(ALREADY_CAPTURED)
        mention.refresh_from_db()
        audit(
            "mention_evidence_captured",
            actor=actor,
            school=mention.school,
            target=mention,
            sha256=mention.evidence_sha256,
        )
    return mention


def mention_dismiss(*, mention_id: int, actor: User) -> Mention:
    """Nothing to do about it: off the list (kept, so it is not raised again)."""
    mention = selectors.mention_get_for_user(user=actor, mention_id=mention_id)
    with transaction.atomic():
        Mention.objects.filter(pk=mention.pk).update(state=Mention.State.DISMISSED)
        mention.refresh_from_db()
        audit("mention_dismissed", actor=actor, school=mention.school, target=mention)
    return mention
