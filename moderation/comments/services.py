"""Incoming comments: ingestion, screening, platform actions, moderation and evidence.

Permission and school scope are checked here, so the API, the admin, the command and the
tasks behave alike. Platform calls never happen inside a request: each one is a
``ModerationAction`` carried out by the task ``comments.apply_action`` (retried with
back-off, idempotent), queued after commit.

Safeguarding rules:

* R11: a held comment is hidden on the platform at once (in the ingest path); on the
  website channel nothing is visible until a moderator approves it.
* R12: before any hide or delete, an evidence record is captured; export needs a second
  person's countersignature; attached media is never downloaded, only its URL kept.
* R13: threats, hate, sexual content, self-harm and allegations escalate to the DSL and are
  visible only to the DSL and the head teacher (leader role).
* R14: every change and every view of evidence is an audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from backend.accounts.models import Device, School, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.actors import (
    SYSTEM_COMMENT_ACTIONS,
    SYSTEM_COMMENT_INGEST,
    SYSTEM_COMMENT_SCREENING,
    Actor,
    SystemActor,
    actor_user,
)
from backend.common.errors import Conflict, DomainError, InvalidInput, NotFound, Refused
from consent import selectors as consent_selectors
from consent.models import MIN_EVIDENCE_DAYS
from consent.retention import NOT_A_RETENTION_SWEEP, RETENTION_SWEEPERS
from consent.selectors import RetentionItem
from moderation.screening import LABELS, ScreeningConfig, ScreenResult, screen_comment
from moderation.screening.types import Label
from publishers.adapters import adapter_for
from publishers.base import Publisher, PublisherError, RemoteComment
from publishers.meta.webhooks import CommentEvent, parse_comment_events
from publishers.models import ChannelAccount, ChannelKind, Publication, WebhookEvent, WebsiteComment
from publishers.selectors import channel_account_for

from . import selectors
from .models import (
    Comment,
    Evidence,
    ModerationAction,
    PollState,
    ScreeningSettings,
    canonical_json,
    sha256_text,
)

log = logging.getLogger(__name__)

A = ModerationAction
V = Comment.Verdict
St = Comment.Status
Rv = Comment.Review

# --------------------------------------------------------------------------- messages

NOT_A_MODERATOR = "Only the school's leaders and safeguarding leads can moderate comments."
NOT_A_LEADER = "Only the school's leadership team can change the screening settings."
COMMENT_DELETED = "This comment has been deleted."
ALREADY_DELETED = "This comment has already been deleted."
DELETE_UNSUPPORTED = (
    "{platform} does not let apps delete other people's comments. Keep it hidden instead."
)
BLOCK_UNSUPPORTED = (
    "{platform} does not let apps block accounts. Block the author in the {platform} app, "
    "then record that with Report."
)
NO_AUTHOR = "The platform did not say who wrote this comment, so there is nobody to block."
REPLY_TEXT_REQUIRED = "Write the reply."
REPLY_UNSUPPORTED: dict[str, str] = {
    ChannelKind.INSTAGRAM: (
        "Instagram posts need a photo, so a reply cannot go through the queue as a post. "
        "Reply in the Instagram app, or draft a post with a photo."
    ),
    ChannelKind.WEBSITE: (
        "The website feed has no replies: a reply would be a new news item. Approve the "
        "comment, or draft a news post."
    ),
}
REPLY_WRONG_DEVICE = "This tablet is enrolled for another school."
NOTE_REQUIRED = "Write the note."
ASSIGNEE_NOT_MODERATOR = "That person cannot see this comment, so it cannot be assigned to them."
BULK_UNKNOWN_ACTION = "Choose one of: {actions}."
BULK_TOO_MANY = "At most {limit} comments at a time."
BULK_EMPTY = "Choose at least one comment."
ALREADY_COUNTERSIGNED = "This evidence has already been countersigned."
COUNTERSIGN_SAME_PERSON = (
    "Evidence must be countersigned by a different person from the one who captured it."
)
COUNTERSIGN_ROLE = "Only a safeguarding lead or a leader of this school can countersign evidence."
EXPORT_NEEDS_COUNTERSIGNATURE = (
    "This evidence cannot be exported until a second person (a safeguarding lead or a leader) "
    "has countersigned it."
)
EXPORT_NEEDS_SECOND_PERSON = (
    "This evidence was captured automatically and you countersigned it: a second person must "
    "export it, so that two people stand behind every export."
)
EVIDENCE_TAMPERED = (
    "This evidence record no longer matches the hash taken when it was captured. It cannot be "
    "exported; tell the data protection officer."
)
EXPORT_FORMAT = "Choose json or pdf."
BAD_THRESHOLD = "Thresholds are numbers between 0 and 1 for these labels: {labels}."
BAD_WORDS = "Give a list of words or phrases, each at most {limit} characters."
TOO_MANY_WORDS = "At most {limit} entries."
BAD_CHANNELS = "Choose from: {channels}."
NO_ACCOUNT = "The school has no {channel} account connected, so this cannot be done there."

# What each platform lets an app do to other people's comments (mirrors the adapters, so
# a moderator hears "not possible" at once instead of after a failed call).
CAPABILITIES: dict[str, frozenset[str]] = {
    ChannelKind.X: frozenset({"hide", "unhide"}),
    ChannelKind.FACEBOOK: frozenset({"hide", "unhide", "delete", "block"}),
    ChannelKind.INSTAGRAM: frozenset({"hide", "unhide", "delete"}),
    ChannelKind.WEBSITE: frozenset({"hide", "unhide", "delete"}),
}
PLATFORM_NAMES = {
    ChannelKind.X: "X",
    ChannelKind.FACEBOOK: "Facebook",
    ChannelKind.INSTAGRAM: "Instagram",
    ChannelKind.WEBSITE: "The school website",
}

EVIDENCE_FORMAT = "school-post-queue/comment-evidence/v1"
BUNDLE_FORMAT = "school-post-queue/evidence-bundle/v1"
SEVERITY = {V.OK: 0, V.HOLD: 1, V.ESCALATE: 2}

MAX_WORDS = 500
MAX_WORD_CHARS = 100
BULK_LIMIT = 100
MAX_ACTION_ATTEMPTS = 8
ACTION_LEASE = timedelta(minutes=2)
ACTION_BACKOFF_BASE = 30.0
ACTION_BACKOFF_CAP = 3600.0
MAX_PAGES_PER_POLL = 10
POLL_LEASE = timedelta(minutes=5)
POLL_FAILURE_CAP = timedelta(hours=6)
# Polling slows down as a post ages: (age below, poll every).
POLL_STEPS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=1), timedelta(minutes=2)),
    (timedelta(hours=6), timedelta(minutes=5)),
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=3), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=3)),
    (timedelta(days=30), timedelta(hours=12)),
)
# X's reply search covers 7 days; Meta keeps delivering webhooks for older posts; the
# website feed takes comments on any visible entry, and reading it costs nothing.
POLL_MAX_AGE: dict[str, timedelta | None] = {
    ChannelKind.X: timedelta(days=7),
    ChannelKind.FACEBOOK: timedelta(days=30),
    ChannelKind.INSTAGRAM: timedelta(days=30),
    ChannelKind.WEBSITE: None,
}


# --------------------------------------------------------------------------- helpers


def _platform(channel: str) -> str:
    return PLATFORM_NAMES.get(channel, channel)  # type: ignore[call-overload,no-any-return]


def _audit(event: str, comment: Comment, *, actor: Actor, **data: Any) -> None:
    # Ids and labels only: never the comment's text or its author (the log is append-only).
    audit_record(
        action=event,
        actor=actor,
        school=School(pk=comment.school_id),
        target=comment,
        data={"channel": comment.channel, **data},
    )


def _user_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "name": user.full_name}


def _check_can_act(*, actor: User, comment: Comment) -> None:
    """Moderators act; a member who may merely see the comment is refused (403); anyone
    else learns nothing (404)."""
    if selectors.user_may_moderate(user=actor, comment=comment):
        return
    public = (
        not comment.escalated
        and comment.verdict == V.OK
        and comment.status == St.VISIBLE
        and user_has_role(user=actor, school=comment.school_id, roles=selectors.READER_ROLES)
    )
    if public:
        raise Refused(NOT_A_MODERATOR)
    raise NotFound(selectors.NO_SUCH_COMMENT)


def _lock(comment: Comment) -> Comment:
    return (
        Comment.objects.select_for_update(of=("self",)).select_related("school").get(pk=comment.pk)
    )


def _fresh(comment: Comment) -> Comment:
    return Comment.objects.select_related("school", "assigned_to", "decided_by").get(pk=comment.pk)


def _on_commit(func: Callable[[], Any]) -> None:
    transaction.on_commit(func)


def _queue_action(action: ModerationAction) -> None:
    action_id = action.pk

    def send() -> None:
        from .tasks import apply_action

        apply_action.delay(action_id)

    _on_commit(send)


def _request(
    comment: Comment,
    *,
    kind: str,
    op: str = "",
    actor: Actor,
    note: str = "",
    data: dict[str, Any] | None = None,
    reply_post: Any = None,
) -> ModerationAction:
    """Record an action; one that needs the platform is queued for ``apply_action``."""
    action = ModerationAction.objects.create(
        comment=comment,
        school_id=comment.school_id,
        kind=kind,
        actor=actor_user(actor),
        note=note,
        data=data or {},
        platform_op=op,
        platform_state=A.PlatformState.PENDING if op else A.PlatformState.NONE,
        reply_post=reply_post,
    )
    if op:
        _queue_action(action)
    return action


def _visibility_target(comment: Comment) -> str:
    """What the public will see once pending platform calls are done: visible or hidden."""
    latest = (
        ModerationAction.objects.filter(
            comment=comment,
            platform_op__in=[A.Op.HIDE, A.Op.UNHIDE],
            platform_state__in=[A.PlatformState.PENDING, A.PlatformState.DONE],
        )
        .order_by("-id")
        .values_list("platform_op", "platform_state")
        .first()
    )
    if latest is not None and latest[1] == A.PlatformState.PENDING:
        return St.HIDDEN if latest[0] == A.Op.HIDE else St.VISIBLE
    return str(comment.status)


def _needs_hide(comment: Comment) -> bool:
    """Whether hiding it needs a platform call.

    On the website channel "hidden" also means "pending", which the publishers' own
    approval screen could still approve: a held website comment is rejected there too, so
    only an approval here (with its screening and evidence) ever publishes it.
    """
    if comment.status == St.DELETED:
        return False
    if _visibility_target(comment) == St.VISIBLE:
        return True
    return (
        comment.channel == ChannelKind.WEBSITE
        and not ModerationAction.objects.filter(
            comment=comment,
            platform_op=A.Op.HIDE,
            platform_state__in=[A.PlatformState.PENDING, A.PlatformState.DONE],
        ).exists()
    )


def labels_json(labels: Iterable[Label]) -> list[dict[str, Any]]:
    """What fired, how sure, where (span in the original text), which screener and why."""
    return [
        {
            "label": label.label,
            "score": label.score,
            "span": list(label.span) if label.span is not None else None,
            "screener": label.screener,
            "reason": label.reason,
        }
        for label in labels
    ]


# --------------------------------------------------------------------------- screening


def comment_screen(
    *,
    school: School,
    text: str,
    author_is_new: bool = False,
    config: ScreeningConfig | None = None,
) -> ScreenResult:
    """The one screening path: ingestion, the preview API and ``screen_comments`` all call
    this with the school's config (thresholds, word lists, register names)."""
    if config is None:
        config = selectors.screening_config_for(school=school)
    return screen_comment(text, config, author_is_new=author_is_new)


def _clean_words(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(BAD_WORDS.format(limit=MAX_WORD_CHARS), field=field)
    words: list[str] = []
    for item in value:
        if not isinstance(item, str) or len(item.strip()) > MAX_WORD_CHARS:
            raise InvalidInput(BAD_WORDS.format(limit=MAX_WORD_CHARS), field=field)
        word = item.strip()
        if word and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    if len(words) > MAX_WORDS:
        raise InvalidInput(TOO_MANY_WORDS.format(limit=MAX_WORDS), field=field)
    return words


def _clean_thresholds(value: Any) -> dict[str, float]:
    message = BAD_THRESHOLD.format(labels=", ".join(LABELS))
    if not isinstance(value, dict):
        raise InvalidInput(message, field="thresholds")
    clean: dict[str, float] = {}
    for label, score in value.items():
        if label not in LABELS or isinstance(score, bool) or not isinstance(score, int | float):
            raise InvalidInput(message, field="thresholds")
        if not 0 < float(score) <= 1:
            raise InvalidInput(message, field="thresholds")
        clean[str(label)] = float(score)
    return clean


def screening_settings_update(
    *,
    school: School,
    actor: User,
    thresholds: dict[str, Any] | None = None,
    blocked_words: Sequence[str] | None = None,
    allowed_words: Sequence[str] | None = None,
    staff_names: Sequence[str] | None = None,
    allowed_domains: Sequence[str] | None = None,
    fetch_channels: Sequence[str] | None = None,
) -> ScreeningSettings:
    """A leader changes the school's screening settings (only the fields given)."""
    if not user_has_role(user=actor, school=school, roles=selectors.SETTINGS_EDIT_ROLES):
        raise Refused(NOT_A_LEADER)
    changes: dict[str, Any] = {}
    if thresholds is not None:
        changes["thresholds"] = _clean_thresholds(thresholds)
    for field, value in (
        ("blocked_words", blocked_words),
        ("allowed_words", allowed_words),
        ("staff_names", staff_names),
        ("allowed_domains", allowed_domains),
    ):
        if value is not None:
            changes[field] = _clean_words(value, field)
    if "allowed_domains" in changes:
        changes["allowed_domains"] = [d.casefold() for d in changes["allowed_domains"]]
    if fetch_channels is not None:
        channels = list(dict.fromkeys(str(c) for c in fetch_channels))
        if any(c not in ChannelKind.values for c in channels):
            raise InvalidInput(
                BAD_CHANNELS.format(channels=", ".join(ChannelKind.values)), field="fetch_channels"
            )
        changes["fetch_channels"] = channels
    with transaction.atomic():
        stored, _ = ScreeningSettings.objects.select_for_update().get_or_create(school=school)
        for field, value in changes.items():
            setattr(stored, field, value)
        stored.updated_by = actor
        stored.updated_at = timezone.now()
        stored.save()
        # Field names, counts and thresholds only: word lists can hold slurs.
        audit_record(
            action="comments.screening_settings_changed",
            actor=actor,
            school=school,
            target=stored,
            data={
                "fields": sorted(changes),
                "thresholds": changes.get("thresholds"),
                "counts": {k: len(v) for k, v in changes.items() if isinstance(v, list)},
            },
        )
    return stored


# --------------------------------------------------------------------------- ingestion


@dataclass(frozen=True)
class IngestResult:
    comment: Comment
    created: bool


class _LazyConfig:
    """Build the school's screening config only when something needs screening."""

    def __init__(self, school: School, config: ScreeningConfig | None) -> None:
        self.school = school
        self._config = config

    def get(self) -> ScreeningConfig:
        if self._config is None:
            self._config = selectors.screening_config_for(school=self.school)
        return self._config


def comment_ingest(
    *,
    school: School,
    channel: str,
    remote: RemoteComment,
    publication: Publication | None = None,
    post_external_id: str = "",
    via: str = Comment.Via.POLL,
    config: ScreeningConfig | None = None,
    own_author_ids: Iterable[str] = (),
    removed: bool = False,
    platform_visibility: str | None = None,
) -> IngestResult:
    """Store a comment once per (channel, external id), screen it and act on the verdict.

    1. Already stored (a redelivery, a webhook after a poll, a reply delivered before its
       parent...): fill in what was missing, note an edit or a removal; nothing twice.
    2. New: store it, link its parent and any replies that arrived first, screen it.
    3. Held or escalated: capture evidence, then hide it on the platform at once (R11,
       R12); escalated: tell the DSL (R13). Website comments stay unapproved (R11).
    """
    external_id = str(remote.external_id)[:200]
    lazy = _LazyConfig(school, config)
    with transaction.atomic():
        existing = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("school")
            .filter(channel=channel, external_id=external_id)
            .first()
        )
        if existing is not None:
            _ingest_again(
                existing,
                remote,
                lazy=lazy,
                publication=publication,
                removed=removed,
                platform_visibility=platform_visibility,
            )
            return IngestResult(_fresh(existing), False)
        author_id = str(remote.author_id or "")[:200]
        author_is_new = bool(author_id) and not (
            Comment.objects.filter(
                school=school, channel=channel, author_external_id=author_id
            ).exists()
        )
        parent_id = str(remote.parent_external_id or "")[:200]
        status = St.DELETED if removed else (St.HIDDEN if remote.is_hidden else St.VISIBLE)
        try:
            with transaction.atomic():
                comment = Comment.objects.create(
                    school=school,
                    publication=publication,
                    channel=channel,
                    external_id=external_id,
                    post_external_id=post_external_id[:200],
                    parent=(
                        Comment.objects.filter(channel=channel, external_id=parent_id).first()
                        if parent_id
                        else None
                    ),
                    parent_external_id=parent_id,
                    author_external_id=author_id,
                    author_name=str(remote.author_name or "")[:200],
                    text=remote.text or "",
                    platform_created_at=remote.created_at,
                    permalink=str(remote.permalink or "")[:1000],
                    media_urls=[str(url) for url in remote.media_urls],
                    status=status,
                    received_via=via,
                )
        except IntegrityError:
            # Stored by a concurrent delivery a moment ago: that one screens it.
            found = Comment.objects.get(channel=channel, external_id=external_id)
            return IngestResult(_fresh(found), False)
        Comment.objects.filter(
            channel=channel, parent_external_id=external_id, parent__isnull=True
        ).update(parent=comment)
        _audit(
            "comment.received",
            comment,
            actor=SYSTEM_COMMENT_INGEST,
            via=via,
            publication=publication and publication.pk,
        )
        if author_id and author_id in set(own_author_ids):
            # The school's own account (a reply of ours): never screened or hidden.
            Comment.objects.filter(pk=comment.pk).update(screened_at=timezone.now())
        elif comment.text or not removed:
            _screen_and_act(comment, lazy=lazy, author_is_new=author_is_new, edit=False)
    return IngestResult(_fresh(comment), True)


def _ingest_again(
    comment: Comment,
    remote: RemoteComment,
    *,
    lazy: _LazyConfig,
    publication: Publication | None,
    removed: bool,
    platform_visibility: str | None,
) -> None:
    now = timezone.now()
    fill: dict[str, Any] = {}
    for field, value in (
        ("author_external_id", str(remote.author_id or "")[:200]),
        ("author_name", str(remote.author_name or "")[:200]),
        ("permalink", str(remote.permalink or "")[:1000]),
    ):
        if value and not getattr(comment, field):
            fill[field] = value
    if remote.media_urls and not comment.media_urls:
        fill["media_urls"] = [str(url) for url in remote.media_urls]
    if publication is not None and comment.publication_id is None:
        fill["publication"] = publication
    if fill:
        for field, value in fill.items():
            setattr(comment, field, value)
        comment.save(update_fields=[*fill, "updated_at"])
    if removed and comment.status != St.DELETED:
        comment.status = St.DELETED
        comment.save(update_fields=["status", "updated_at"])
        _request(
            comment,
            kind=A.Kind.PLATFORM_CHANGE,
            actor=SYSTEM_COMMENT_INGEST,
            data={"verb": "remove"},
        )
        _audit("comment.removed_on_platform", comment, actor=SYSTEM_COMMENT_INGEST)
    elif platform_visibility in (St.HIDDEN, St.VISIBLE) and comment.status != St.DELETED:
        if comment.status != platform_visibility:
            comment.status = platform_visibility
            comment.save(update_fields=["status", "updated_at"])
            _request(
                comment,
                kind=A.Kind.PLATFORM_CHANGE,
                actor=SYSTEM_COMMENT_INGEST,
                data={"status": platform_visibility},
            )
            _audit(
                "comment.visibility_changed_on_platform",
                comment,
                actor=SYSTEM_COMMENT_INGEST,
                status=platform_visibility,
            )
    text = remote.text or ""
    if not text or text == comment.text:
        return
    if comment.screened_at is None:
        # A placeholder (e.g. a "remove" event that came before the comment): fill it in.
        comment.text = text
        comment.save(update_fields=["text", "updated_at"])
        _screen_and_act(comment, lazy=lazy, author_is_new=False, edit=False)
        return
    comment.previous_texts = [
        *comment.previous_texts,
        {"text": comment.text, "until": now.isoformat()},
    ]
    comment.text = text
    comment.edited_at = now
    comment.save(update_fields=["previous_texts", "text", "edited_at", "updated_at"])
    _request(comment, kind=A.Kind.EDITED, actor=SYSTEM_COMMENT_INGEST)
    _audit("comment.edited", comment, actor=SYSTEM_COMMENT_INGEST)
    _screen_and_act(comment, lazy=lazy, author_is_new=False, edit=True)


def _screen_and_act(
    comment: Comment, *, lazy: _LazyConfig, author_is_new: bool, edit: bool
) -> None:
    """Screen, store the verdict with every label's screener and reason, then act.

    An edit is screened again but never softens an earlier verdict: only a harsher one
    replaces it.
    """
    result = comment_screen(
        school=comment.school, text=comment.text, author_is_new=author_is_new, config=lazy.get()
    )
    now = timezone.now()
    verdict = str(result.verdict)
    harsher = SEVERITY[verdict] > SEVERITY[comment.verdict]  # type: ignore[index]
    if edit and not harsher:
        Comment.objects.filter(pk=comment.pk).update(screened_at=now)
        return
    was_escalated = comment.escalated
    comment.verdict = verdict
    comment.labels = labels_json(result.labels)
    comment.screened_at = now
    comment.escalated = comment.escalated or verdict == V.ESCALATE
    held = verdict != V.OK
    if held and (comment.status != St.DELETED or comment.escalated):
        comment.review = Rv.OPEN
    elif comment.channel == ChannelKind.WEBSITE and comment.status == St.HIDDEN and not edit:
        comment.review = Rv.OPEN  # R11: waits for a moderator's approval
    comment.save(
        update_fields=["verdict", "labels", "screened_at", "escalated", "review", "updated_at"]
    )
    _audit(
        "comment.screened",
        comment,
        actor=SYSTEM_COMMENT_SCREENING,
        verdict=verdict,
        labels=sorted({label.label for label in result.labels}),
        screeners=sorted({label.screener for label in result.labels}),
    )
    if not held:
        return
    # R12: evidence first, then hide (R11).
    _capture(comment, actor=SYSTEM_COMMENT_SCREENING, reason=Evidence.Reason.BEFORE_HIDE)
    if _needs_hide(comment):
        reasons = ", ".join(sorted({label.label for label in result.labels}))
        _request(
            comment,
            kind=A.Kind.HIDE,
            op=A.Op.HIDE,
            actor=SYSTEM_COMMENT_SCREENING,
            note=f"Held by screening: {reasons}.",
        )
        _audit("comment.hide_requested", comment, actor=SYSTEM_COMMENT_SCREENING, by="screening")
    if comment.escalated and not was_escalated:
        _request(
            comment,
            kind=A.Kind.ESCALATE,
            actor=SYSTEM_COMMENT_SCREENING,
            note="Escalated to the safeguarding lead.",
        )
        _audit("comment.escalated", comment, actor=SYSTEM_COMMENT_SCREENING)
        comment_id = comment.pk

        def notify() -> None:
            from .notifications import notify_escalated

            notify_escalated(comment_id=comment_id)

        _on_commit(notify)


def _own_author_ids(account: ChannelAccount | None) -> frozenset[str]:
    """The account's own id on its platform: our own replies are not screened."""
    if account is None:
        return frozenset()
    keys = {"x": "user_id", "facebook": "page_id", "instagram": "ig_user_id"}
    value = str(account.config.get(keys.get(account.kind, ""), "") or "")
    return frozenset({value}) if value else frozenset()


# --------------------------------------------------------------------------- polling


@dataclass(frozen=True)
class PollOutcome:
    publication_id: int
    fetched: int = 0
    new: int = 0
    next_poll_at: datetime | None = None
    error: str = ""


def poll_interval(*, channel: str, age: timedelta) -> timedelta | None:
    """How long to wait before looking again at a post this old; None: stop polling."""
    limit = POLL_MAX_AGE.get(channel, timedelta(days=30))
    if limit is not None and age > limit:
        return None
    for below, every in POLL_STEPS:
        if age < below:
            return every
    return POLL_STEPS[-1][1]


def _poll_states_ensure(now: datetime) -> int:
    """A poll state for every published publication young enough to poll."""
    recent = Q(published_at__gte=now - timedelta(days=30)) | Q(channel=ChannelKind.WEBSITE)
    missing = (
        Publication.objects.filter(recent, state=Publication.State.PUBLISHED)
        .exclude(external_id="")
        .filter(comment_poll__isnull=True)
        .values_list("pk", "school_id", "channel")
    )
    rows = [
        PollState(publication_id=pk, school_id=school_id, channel=channel, next_poll_at=now)
        for pk, school_id, channel in missing
    ]
    PollState.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def polls_claim_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Publication ids whose comments are due to be read, each claimed for a few minutes
    so a second beat tick does not queue it again."""
    now = now or timezone.now()
    _poll_states_ensure(now)
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
    pub = Publication.objects.select_related("school", "account").filter(pk=publication_id).first()
    if pub is None:
        return PollOutcome(publication_id, error="gone")
    state, _ = PollState.objects.get_or_create(
        publication=pub, defaults={"school_id": pub.school_id, "channel": pub.channel}
    )
    if pub.state != Publication.State.PUBLISHED or not pub.external_id:
        PollState.objects.filter(pk=state.pk).update(next_poll_at=None, last_polled_at=now)
        return PollOutcome(publication_id)
    account = pub.account or channel_account_for(school_id=pub.school_id, kind=pub.channel)
    if account is None or not account.enabled:
        return _poll_failed(
            state,
            PublisherError(NO_ACCOUNT.format(channel=_platform(pub.channel)), permanent=True),
            now,
        )
    fetched = new = 0
    own = _own_author_ids(account)
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
    published = pub.published_at or pub.created_at
    interval = poll_interval(channel=pub.channel, age=now - published)
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
    publication_id = (
        WebsiteComment.objects.filter(pk=website_comment_id)
        .values_list("entry__publication_id", flat=True)
        .first()
    )
    if publication_id is None:
        return None
    return publication_poll(publication_id=publication_id)


# --------------------------------------------------------------------------- webhooks


def _stored_events(event: WebhookEvent) -> list[CommentEvent]:
    """The comment events in a stored webhook event: the whole delivery, or (as publishers
    stores them) one change's ``value``, re-wrapped so the same parser reads both."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if "entry" in payload:
        return parse_comment_events(payload)
    account_id = ""
    if event.account is not None:
        key = "ig_user_id" if event.platform == ChannelKind.INSTAGRAM else "page_id"
        account_id = str(event.account.config.get(key) or "")
    if event.platform == ChannelKind.INSTAGRAM:
        body = {"object": "instagram", "entry": [{"id": account_id, "changes": [
            {"field": "comments", "value": payload}]}]}  # fmt: skip
    else:
        body = {"object": "page", "entry": [{"id": account_id, "changes": [
            {"field": "feed", "value": payload}]}]}  # fmt: skip
    return parse_comment_events(body)


def _media_from_webhook(raw: dict[str, Any]) -> list[str]:
    return [str(raw[key]) for key in ("photo", "video") if isinstance(raw.get(key), str)]


def webhook_event_ingest(*, event_id: int) -> list[Comment]:
    """Ingest the comment(s) in a webhook event stored by publishers.

    Wired as ``PUBLISHERS_COMMENT_EVENT_HANDLERS`` (publishers marks the event processed
    afterwards) and as the task ``comments.process_webhook_event``. Safe to run again: the
    comment is stored once per (channel, external id).
    """
    event = WebhookEvent.objects.select_related("account", "school").filter(pk=event_id).first()
    if event is None:
        return []
    school = event.school or (event.account.school if event.account else None)
    if school is None:
        log.info("webhook event %s belongs to no school: ignored", event_id)
        return []
    own = _own_author_ids(event.account)
    config: ScreeningConfig | None = None
    out: list[Comment] = []
    for item in _stored_events(event):
        if item.verb not in ("add", "edited", "edit", "remove", "hide", "unhide"):
            continue
        publication = None
        if item.post_id:
            publication = Publication.objects.filter(
                school=school, channel=item.platform, external_id=item.post_id
            ).first()
        remote = RemoteComment(
            external_id=item.comment_id,
            parent_external_id=item.parent_id,
            author_id=item.author_id,
            author_name=item.author_name,
            text=item.text or "",
            created_at=item.created_at or timezone.now(),
            permalink=None,
            is_hidden=item.verb == "hide",
            media_urls=_media_from_webhook(item.raw),
            raw=item.raw,
        )
        if config is None and item.text:
            config = selectors.screening_config_for(school=school)
        visibility = {"hide": St.HIDDEN, "unhide": St.VISIBLE}.get(item.verb)
        result = comment_ingest(
            school=school,
            channel=item.platform,
            remote=remote,
            publication=publication,
            post_external_id=item.post_id or "",
            via=Comment.Via.WEBHOOK,
            config=config,
            own_author_ids=own,
            removed=item.verb == "remove",
            platform_visibility=str(visibility) if visibility else None,
        )
        out.append(result.comment)
    return out


# --------------------------------------------------------------------------- platform calls


def _backoff(attempts: int) -> float:
    return float(min(ACTION_BACKOFF_CAP, ACTION_BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def _superseded(action: ModerationAction, comment: Comment) -> bool:
    """A hide or unhide that a later decision (or a deletion) has overtaken."""
    if action.platform_op not in (A.Op.HIDE, A.Op.UNHIDE):
        return False
    if comment.status == St.DELETED:
        return True
    return ModerationAction.objects.filter(
        comment_id=action.comment_id,
        pk__gt=action.pk,
        platform_op__in=[A.Op.HIDE, A.Op.UNHIDE, A.Op.DELETE],
        platform_state__in=[A.PlatformState.PENDING, A.PlatformState.DONE],
    ).exists()


def _call(adapter: Publisher, op: str, comment: Comment) -> None:
    if op == A.Op.HIDE:
        adapter.hide_comment(comment.external_id, True)
    elif op == A.Op.UNHIDE:
        adapter.hide_comment(comment.external_id, False)
    elif op == A.Op.DELETE:
        adapter.delete_comment(comment.external_id)
    elif op == A.Op.BLOCK:
        adapter.block_author(comment.author_external_id)
    else:
        raise PublisherError(f"Unknown platform operation {op!r}.", permanent=True)


def action_apply(*, action_id: int, now: datetime | None = None) -> ModerationAction | None:
    """Carry out one action's platform call (hide, unhide, delete, block).

    1. Skip unless pending and due; mark superseded if a later decision overtook it.
    2. Claim it (conditional UPDATE on the attempt count, with a short lease) so two
       workers never call at once; the platform calls are idempotent anyway (hiding or
       deleting what is already hidden or gone counts as done).
    3. On success record it and the comment's new status; on a temporary failure schedule
       the next attempt (the platform's ``retry_after``, else exponential back-off) for
       ``comments.retry_actions``; on a permanent one, or after ``MAX_ACTION_ATTEMPTS``,
       mark it failed and tell the leaders so a person can act.
    """
    now = now or timezone.now()
    action = (
        ModerationAction.objects.select_related("comment", "comment__school", "actor")
        .filter(pk=action_id)
        .first()
    )
    if action is None or action.platform_state != A.PlatformState.PENDING:
        return action
    if action.next_attempt_at is not None and action.next_attempt_at > now:
        return action
    comment = action.comment
    if _superseded(action, comment):
        ModerationAction.objects.filter(
            pk=action.pk, platform_state=A.PlatformState.PENDING
        ).update(platform_state=A.PlatformState.SUPERSEDED, completed_at=now)
        action.refresh_from_db()
        return action
    claimed = ModerationAction.objects.filter(
        pk=action.pk, platform_state=A.PlatformState.PENDING, attempts=action.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + ACTION_LEASE)
    if claimed != 1:
        return action
    attempts = action.attempts + 1
    try:
        account = channel_account_for(school_id=comment.school_id, kind=comment.channel)
        if account is None:
            raise PublisherError(
                NO_ACCOUNT.format(channel=_platform(comment.channel)), permanent=True
            )
        _call(adapter_for(account), action.platform_op, comment)
    except PublisherError as error:
        return _action_failed(action, error, attempts, now)
    except requests.RequestException as exc:  # adapters map these; belt and braces
        transient = PublisherError.transient(_platform(comment.channel), detail=type(exc).__name__)
        return _action_failed(action, transient, attempts, now)
    status = {A.Op.HIDE: St.HIDDEN, A.Op.UNHIDE: St.VISIBLE, A.Op.DELETE: St.DELETED}.get(
        A.Op(action.platform_op)
    )
    with transaction.atomic():
        ModerationAction.objects.filter(pk=action.pk).update(
            platform_state=A.PlatformState.DONE,
            completed_at=now,
            last_error="",
            next_attempt_at=None,
        )
        if status is not None:
            rows = Comment.objects.filter(pk=comment.pk)
            if status != St.DELETED:
                rows = rows.exclude(status=St.DELETED)
            rows.update(status=status, updated_at=now)
        _audit(
            f"comment.platform_{action.platform_op}",
            comment,
            # The moderator who asked, or the screening that hid it at once.
            actor=action.actor or SYSTEM_COMMENT_SCREENING,
            action=action.pk,
            attempts=attempts,
        )
    action.refresh_from_db()
    return action


def _action_failed(
    action: ModerationAction, error: PublisherError, attempts: int, now: datetime
) -> ModerationAction:
    if error.retryable and attempts < MAX_ACTION_ATTEMPTS:
        wait = max(error.retry_after or 0.0, _backoff(attempts))
        ModerationAction.objects.filter(pk=action.pk).update(
            last_error=error.message[:2000], next_attempt_at=now + timedelta(seconds=wait)
        )
        log.info("comment action %s: retry in %.0fs (%r)", action.pk, wait, error)
    else:
        with transaction.atomic():
            ModerationAction.objects.filter(pk=action.pk).update(
                platform_state=A.PlatformState.FAILED,
                last_error=error.message[:2000],
                completed_at=now,
                next_attempt_at=None,
            )
            _audit(
                "comment.platform_failed",
                action.comment,
                actor=SYSTEM_COMMENT_ACTIONS,
                action=action.pk,
                op=action.platform_op,
                attempts=attempts,
                detail=(error.detail or "")[:300],
            )
            comment_id, op, message = action.comment_id, action.platform_op, error.message

            def notify() -> None:
                from .notifications import notify_platform_failure

                what = {"hide": "hide", "unhide": "unhide", "delete": "delete"}.get(
                    op, "block the author of"
                )
                notify_platform_failure(comment_id=comment_id, what=what, message=message)

            _on_commit(notify)
    action.refresh_from_db()
    return action


def actions_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending platform calls whose retry time has come, or whose task was lost."""
    now = now or timezone.now()
    lost = Q(next_attempt_at__isnull=True, created_at__lte=now - ACTION_LEASE)
    return list(
        ModerationAction.objects.filter(
            Q(next_attempt_at__lte=now) | lost, platform_state=A.PlatformState.PENDING
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


# --------------------------------------------------------------------------- dashboard actions


def _decide(comment: Comment, *, actor: User, review: str) -> None:
    comment.review = review
    comment.decided_by = actor
    comment.decided_at = timezone.now()
    comment.updated_at = comment.decided_at
    comment.save(update_fields=["review", "decided_by", "decided_at", "updated_at"])


def _check_capability(comment: Comment, op: str) -> None:
    if op in CAPABILITIES.get(comment.channel, frozenset()):
        return
    platform = _platform(comment.channel)
    if op == "block":
        raise Conflict(BLOCK_UNSUPPORTED.format(platform=platform), code="platform_unsupported")
    raise Conflict(DELETE_UNSUPPORTED.format(platform=platform), code="platform_unsupported")


def comment_approve(*, comment: Comment, actor: User, note: str = "") -> Comment:
    """Approve: the comment stays or becomes visible (unhidden on the platform; on the
    website channel, approved)."""
    _check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        locked = _lock(comment)
        if locked.status == St.DELETED:
            raise Conflict(COMMENT_DELETED, field="status")
        unhide = _visibility_target(locked) == St.HIDDEN
        if locked.review == Rv.APPROVED and not unhide:
            return _fresh(comment)  # a repeat (double click): the current state (issue 13)
        _request(
            locked,
            kind=A.Kind.APPROVE,
            op=A.Op.UNHIDE if unhide else "",
            actor=actor,
            note=note,
        )
        _decide(locked, actor=actor, review=Rv.APPROVED)
        _audit("comment.approved", locked, actor=actor, unhide=unhide)
    return _fresh(comment)


def comment_keep_hidden(*, comment: Comment, actor: User, note: str = "") -> Comment:
    """Keep it hidden (or hide it now if it is visible: evidence first, R12)."""
    _check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        locked = _lock(comment)
        hide = _needs_hide(locked)
        if locked.review == Rv.KEPT_HIDDEN and not hide:
            return _fresh(comment)  # a repeat (double click): the current state (issue 13)
        if hide:
            _capture(locked, actor=actor, reason=Evidence.Reason.BEFORE_HIDE)
        _request(
            locked, kind=A.Kind.KEEP_HIDDEN, op=A.Op.HIDE if hide else "", actor=actor, note=note
        )
        _decide(locked, actor=actor, review=Rv.KEPT_HIDDEN)
        _audit("comment.kept_hidden", locked, actor=actor, hide=hide)
    return _fresh(comment)


def comment_delete(*, comment: Comment, actor: User, note: str = "") -> Comment:
    """Delete it on the platform, after capturing evidence (R12)."""
    _check_can_act(actor=actor, comment=comment)
    _check_capability(comment, "delete")
    with transaction.atomic():
        locked = _lock(comment)
        if locked.status == St.DELETED or locked.review == Rv.DELETED:
            raise Conflict(ALREADY_DELETED, field="status")
        evidence = _capture(locked, actor=actor, reason=Evidence.Reason.BEFORE_DELETE)
        _request(
            locked,
            kind=A.Kind.DELETE,
            op=A.Op.DELETE,
            actor=actor,
            note=note,
            data={"evidence": evidence.pk},
        )
        _decide(locked, actor=actor, review=Rv.DELETED)
        _audit("comment.delete_requested", locked, actor=actor, evidence=evidence.pk)
    return _fresh(comment)


def comment_block_author(*, comment: Comment, actor: User, note: str = "") -> ModerationAction:
    """Stop the author commenting again, where the platform allows an app to (Facebook)."""
    _check_can_act(actor=actor, comment=comment)
    _check_capability(comment, "block")
    if not comment.author_external_id:
        raise Conflict(NO_AUTHOR, field="author")
    with transaction.atomic():
        action = _request(comment, kind=A.Kind.BLOCK, op=A.Op.BLOCK, actor=actor, note=note)
        _audit("comment.block_requested", comment, actor=actor, action=action.pk)
    return action


def comment_report(
    *, comment: Comment, actor: User, reference: str = "", note: str = ""
) -> ModerationAction:
    """Record that the platform (or the police, or the LADO) was told about the comment."""
    _check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        action = _request(
            comment,
            kind=A.Kind.REPORT,
            actor=actor,
            note=note,
            data={"reference": reference.strip()[:300]},
        )
        _audit("comment.reported", comment, actor=actor, action=action.pk)
    return action


def comment_reply(
    *, comment: Comment, actor: User, device: Device | None, text: str
) -> ModerationAction:
    """Reply from the official account: a new post on the comment's channel that goes
    through the checks and the approval queue like any post (never its author's own
    approval, R8). The link is kept on the action."""
    from backend.accounts.services import DEVICE_MISSING
    from moderation.services import post_create, post_submit

    _check_can_act(actor=actor, comment=comment)
    text = text.strip()
    if not text:
        raise InvalidInput(REPLY_TEXT_REQUIRED, field="text")
    if comment.channel in REPLY_UNSUPPORTED:
        raise Conflict(REPLY_UNSUPPORTED[comment.channel], field="channel")
    if device is None:
        raise Refused(DEVICE_MISSING, code="device_required")
    if device.school_id != comment.school_id:
        raise Refused(REPLY_WRONG_DEVICE, code="device_wrong_school")
    with transaction.atomic():
        post = post_create(author=actor, device=device, text=text, channels=[comment.channel])
        action = _request(
            comment,
            kind=A.Kind.REPLY,
            actor=actor,
            data={"post": post.pk},
            reply_post=post,
        )
        _audit("comment.reply_drafted", comment, actor=actor, post=post.pk)
        post_submit(post=post, actor=actor, device=device)
    return action


def comment_assign(*, comment: Comment, actor: User, assignee: User | None) -> Comment:
    """Give the comment to a moderator (one who may see it), or take it back (None)."""
    _check_can_act(actor=actor, comment=comment)
    if assignee is not None and not selectors.user_may_moderate(user=assignee, comment=comment):
        raise InvalidInput(ASSIGNEE_NOT_MODERATOR, field="assignee")
    with transaction.atomic():
        locked = _lock(comment)
        locked.assigned_to = assignee
        locked.updated_at = timezone.now()
        locked.save(update_fields=["assigned_to", "updated_at"])
        _request(
            locked,
            kind=A.Kind.ASSIGN,
            actor=actor,
            data={"assignee": assignee.pk if assignee else None},
        )
        _audit("comment.assigned", locked, actor=actor, assignee=assignee.pk if assignee else None)
    return _fresh(comment)


def comment_note_add(*, comment: Comment, actor: User, text: str) -> ModerationAction:
    _check_can_act(actor=actor, comment=comment)
    text = text.strip()
    if not text:
        raise InvalidInput(NOTE_REQUIRED, field="text")
    with transaction.atomic():
        action = _request(comment, kind=A.Kind.NOTE, actor=actor, note=text[:5000])
        _audit("comment.note_added", comment, actor=actor, action=action.pk)
    return action


@dataclass(frozen=True)
class BulkOutcome:
    comment_id: int
    ok: bool
    detail: str = ""


BULK_ACTIONS = ("approve", "keep_hidden", "delete", "block_author", "report", "assign")


def comments_bulk(
    *,
    actor: User,
    comment_ids: Sequence[int],
    action: str,
    note: str = "",
    assignee: User | None = None,
) -> list[BulkOutcome]:
    """The same action on many comments; each succeeds or fails on its own, with the same
    checks as one at a time (a comment the actor may not see is "not found")."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(
            BULK_UNKNOWN_ACTION.format(actions=", ".join(BULK_ACTIONS)), field="action"
        )
    ids = list(dict.fromkeys(int(i) for i in comment_ids))
    if not ids:
        raise InvalidInput(BULK_EMPTY, field="ids")
    if len(ids) > BULK_LIMIT:
        raise InvalidInput(BULK_TOO_MANY.format(limit=BULK_LIMIT), field="ids")
    outcomes = []
    for comment_id in ids:
        try:
            comment = selectors.comment_get_for_user(user=actor, comment_id=comment_id)
            if action == "approve":
                comment_approve(comment=comment, actor=actor, note=note)
            elif action == "keep_hidden":
                comment_keep_hidden(comment=comment, actor=actor, note=note)
            elif action == "delete":
                comment_delete(comment=comment, actor=actor, note=note)
            elif action == "block_author":
                comment_block_author(comment=comment, actor=actor, note=note)
            elif action == "report":
                comment_report(comment=comment, actor=actor, note=note)
            else:
                comment_assign(comment=comment, actor=actor, assignee=assignee)
        except DomainError as error:
            outcomes.append(BulkOutcome(comment_id, False, error.message))
        else:
            outcomes.append(BulkOutcome(comment_id, True))
    return outcomes


# --------------------------------------------------------------------------- evidence (R12)


def _evidence_record(
    comment: Comment, *, captured_by: User | None, captured_at: datetime, reason: str
) -> dict[str, Any]:
    pub = comment.publication
    return {
        "format": EVIDENCE_FORMAT,
        "school": {"id": comment.school_id, "name": comment.school.name},
        "publication": (
            {"id": pub.pk, "post_id": pub.post_id, "external_id": pub.external_id, "url": pub.url}
            if pub is not None
            else None
        ),
        "comment": comment.snapshot(),
        "media_possibly_indecent": any(label.get("label") == "sexual" for label in comment.labels),
        "media_policy": "Attached media is never downloaded or copied: only its URL is kept.",
        "reason": reason,
        "captured_at": captured_at.isoformat(),
        "captured_by": _user_ref(captured_by) or {"system": "captured automatically"},
    }


def _capture(comment: Comment, *, actor: Actor, reason: str, reuse: bool = True) -> Evidence:
    """Capture evidence of the comment as it is now (reusing the latest record when the
    comment has not changed since, so an automatic hide and a later delete share one)."""
    if reuse:
        latest = Evidence.objects.filter(comment=comment).order_by("-captured_at", "-id").first()
        if latest is not None and latest.record.get("comment") == comment.snapshot():
            return latest
    now = timezone.now()
    canonical = canonical_json(
        _evidence_record(comment, captured_by=actor_user(actor), captured_at=now, reason=reason)
    )
    evidence = Evidence.objects.create(
        comment=comment,
        school_id=comment.school_id,
        reason=reason,
        canonical=canonical,
        sha256=sha256_text(canonical),
        captured_by=actor_user(actor),
        captured_at=now,
    )
    _audit(
        "comment.evidence_captured",
        comment,
        actor=actor,
        evidence=evidence.pk,
        sha256=evidence.sha256,
        reason=reason,
    )
    return evidence


def evidence_capture(*, comment: Comment, actor: User) -> Evidence:
    """A moderator captures evidence of the comment as it is now."""
    _check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        return _capture(_lock(comment), actor=actor, reason=Evidence.Reason.MANUAL, reuse=False)


def comment_viewed(*, comment: Comment, actor: User) -> None:
    """R14: opening an escalated comment (safeguarding material) is an audit event."""
    if comment.escalated:
        _audit("comment.viewed", comment, actor=actor)


def evidence_viewed(*, evidence: Evidence, actor: User) -> None:
    """R14: every view of evidence is an audit event."""
    audit_record(
        action="comment.evidence_viewed",
        actor=actor,
        school=School(pk=evidence.school_id),
        target=evidence,
        data={"comment": evidence.comment_id},
    )


def evidence_countersign(*, evidence: Evidence, actor: User) -> Evidence:
    """A second person (DSL or leader, not the one who captured it) countersigns."""
    if not selectors.user_may_moderate(user=actor, comment=evidence.comment):
        if evidence.comment.escalated:  # R13: others learn nothing of it
            raise NotFound(selectors.NO_SUCH_EVIDENCE)
        raise Refused(COUNTERSIGN_ROLE)
    if evidence.captured_by_id == actor.pk:
        raise Refused(COUNTERSIGN_SAME_PERSON, code="same_person")
    now = timezone.now()
    with transaction.atomic():
        signed = Evidence.objects.filter(pk=evidence.pk, countersigned_by__isnull=True).update(
            countersigned_by=actor, countersigned_at=now
        )
        if signed != 1:
            raise Conflict(ALREADY_COUNTERSIGNED, code="already_countersigned")
        audit_record(
            action="comment.evidence_countersigned",
            actor=actor,
            school=School(pk=evidence.school_id),
            target=evidence,
            data={"comment": evidence.comment_id, "sha256": evidence.sha256},
        )
    evidence.refresh_from_db()
    return evidence


@dataclass(frozen=True)
class EvidenceExport:
    filename: str
    content_type: str
    content: bytes


def bundle_signature(bundle: dict[str, Any]) -> str:
    """HMAC-SHA256 with SECRET_KEY over the canonical JSON of the bundle minus its
    signature."""
    unsigned = {k: v for k, v in bundle.items() if k != "signature"}
    key = str(settings.SECRET_KEY).encode()
    return hmac.new(key, canonical_json(unsigned).encode("utf-8"), hashlib.sha256).hexdigest()


def evidence_bundle_verify(bundle: dict[str, Any]) -> bool:
    """The bundle's signature is ours and every record still matches its SHA-256."""
    signature = (bundle.get("signature") or {}).get("value", "")
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature, bundle_signature(bundle)
    ):
        return False
    return all(
        sha256_text(str(record.get("canonical", ""))) == record.get("sha256")
        for record in bundle.get("records") or []
    )


def evidence_export(*, evidence: Evidence, actor: User, fmt: str = "json") -> EvidenceExport:
    """Export a signed JSON bundle or a PDF, only once a second person has countersigned.

    Two different people always stand behind an export: the capturer and the
    countersigner, or (for evidence the system captured) the countersigner and a different
    exporter.
    """
    if fmt not in ("json", "pdf"):
        raise InvalidInput(EXPORT_FORMAT, field="format")
    if not selectors.user_may_moderate(user=actor, comment=evidence.comment):  # R13
        raise NotFound(selectors.NO_SUCH_EVIDENCE)
    if not evidence.countersigned:
        raise Conflict(EXPORT_NEEDS_COUNTERSIGNATURE, code="countersignature_required")
    if evidence.captured_by_id is None and evidence.countersigned_by_id == actor.pk:
        raise Refused(EXPORT_NEEDS_SECOND_PERSON, code="second_person_required")
    if not evidence.intact:
        raise Conflict(EVIDENCE_TAMPERED, code="evidence_tampered")
    now = timezone.now()
    entry = {
        "evidence_id": evidence.pk,
        "reason": evidence.reason,
        "sha256": evidence.sha256,
        "canonical": evidence.canonical,
        "record": evidence.record,
        "captured_at": evidence.captured_at.isoformat(),
        "captured_by": _user_ref(evidence.captured_by),
        "countersigned_at": evidence.countersigned_at.isoformat()
        if evidence.countersigned_at
        else None,
        "countersigned_by": _user_ref(evidence.countersigned_by),
    }
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "school": {"id": evidence.school_id, "name": evidence.comment.school.name},
        "exported_at": now.isoformat(),
        "exported_by": _user_ref(actor),
        "records": [entry],
    }
    bundle["signature"] = {
        "alg": "HMAC-SHA256",
        "over": "canonical JSON of this bundle without 'signature' (sorted keys, no spaces)",
        "value": bundle_signature(bundle),
    }
    stem = f"evidence-{evidence.pk}-comment-{evidence.comment_id}"
    if fmt == "json":
        export = EvidenceExport(
            f"{stem}.json",
            "application/json",
            json.dumps(bundle, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8"),
        )
    else:
        from .pdf import evidence_pdf

        export = EvidenceExport(f"{stem}.pdf", "application/pdf", evidence_pdf(bundle))
    audit_record(
        action="comment.evidence_exported",
        actor=actor,
        school=School(pk=evidence.school_id),
        target=evidence,
        data={"comment": evidence.comment_id, "format": fmt, "sha256": evidence.sha256},
    )
    return export


# --- retention (R15) -----------------------------------------------------------------------


def comments_retention_purge(*, now: datetime | None = None) -> int:
    """Delete comments (and their action log) older than COMMENTS_RETENTION_DAYS that are no
    longer awaiting a decision and back no evidence record. Evidence, and the comments it
    is about, follow the school's safeguarding-records policy instead and are kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=int(getattr(settings, "COMMENTS_RETENTION_DAYS", 365)))
    due = _comments_past_retention(cutoff)
    with transaction.atomic():
        ids = list(due.values_list("id", flat=True)[:5000])
        if not ids:
            return 0
        Comment.objects.filter(parent_id__in=ids).update(parent=None)
        Comment.objects.filter(pk__in=ids).delete()
        audit_record(
            action="retention.comments_purged",
            data={"comments": len(ids), "cutoff": cutoff.isoformat()},
        )
    return len(ids)


def _comments_past_retention(cutoff: datetime) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(review=Comment.Review.OPEN)
        .exclude(evidence__isnull=False)
    )


def comments_retention_due(*, now: datetime | None = None) -> list[RetentionItem]:
    """What `comments_retention_purge` would delete now (the dry-run report)."""
    now = now or timezone.now()
    days = int(getattr(settings, "COMMENTS_RETENTION_DAYS", 365))
    due = _comments_past_retention(now - timedelta(days=days)).order_by("school_id", "id")
    return [
        RetentionItem(
            school_id=school_id,
            kind="comment",
            object_id=comment_id,
            why=f"received {created_at.date().isoformat()}; COMMENTS_RETENTION_DAYS={days}",
        )
        for comment_id, school_id, created_at in due.values_list("id", "school_id", "created_at")
    ]


def evidence_retention_due(*, now: datetime | None = None) -> list[RetentionItem]:
    """Comment evidence (R12) captured longer ago than its school's retention policy allows
    (read from consent, R15), except while its comment still awaits a decision."""
    now = now or timezone.now()
    candidates = list(
        Evidence.objects.filter(captured_at__lt=now - timedelta(days=MIN_EVIDENCE_DAYS))
        .exclude(comment__review=Comment.Review.OPEN)
        .order_by("school_id", "captured_at", "id")
        .values_list("id", "school_id", "captured_at")
    )
    terms = consent_selectors.retention_terms_for_schools(school_ids={c[1] for c in candidates})
    due = []
    for evidence_id, school_id, captured_at in candidates:
        days = terms[school_id].evidence_days
        if captured_at + timedelta(days=days) <= now:
            due.append(
                RetentionItem(
                    school_id=school_id,
                    kind="comment evidence",
                    object_id=evidence_id,
                    why=f"captured {captured_at.date().isoformat()}; policy: {days} days",
                )
            )
    return due


def evidence_retention_purge(
    *, actor: SystemActor, now: datetime | None = None, dry_run: bool = False
) -> list[RetentionItem]:
    """R15 (nightly, before the comments purge): delete comment evidence past its school's
    retention policy, audited per school. The comment it backed is then an ordinary old
    comment for `comments_retention_purge`. ``dry_run``: report, delete nothing."""
    if actor not in RETENTION_SWEEPERS:
        raise Refused(NOT_A_RETENTION_SWEEP)
    due = evidence_retention_due(now=now)
    if dry_run or not due:
        return due
    by_school: dict[int, list[int]] = {}
    for item in due:
        by_school.setdefault(item.school_id, []).append(item.object_id)
    terms = consent_selectors.retention_terms_for_schools(school_ids=by_school)
    with transaction.atomic():
        for school_id, ids in sorted(by_school.items()):
            Evidence.objects.filter(pk__in=ids).delete()
            audit_record(
                action="retention.evidence_purged",
                actor=actor,
                school=School(pk=school_id),
                data={"evidence_ids": ids, "policy_days": terms[school_id].evidence_days},
            )
    return due
