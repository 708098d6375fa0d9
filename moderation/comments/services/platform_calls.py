"""Carrying out the platform calls the moderation actions queued (hide, unhide, delete,
block): claimed once, retried with back-off, superseded by a later decision, and a person
told when one fails for good."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import requests
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from backend.common.actors import SYSTEM_COMMENT_ACTIONS, SYSTEM_COMMENT_SCREENING
from publishers.adapters import adapter_for
from publishers.base import Publisher, PublisherError
from publishers.registry import channel_platform_name
from publishers.selectors import channel_account_for

from ..models import Comment, ModerationAction
from .action_log import after_commit, audit_comment
from .messages import NO_ACCOUNT

log = logging.getLogger(__name__)

A = ModerationAction
St = Comment.Status

MAX_ACTION_ATTEMPTS = 8
ACTION_LEASE = timedelta(minutes=2)
ACTION_BACKOFF_BASE = 30.0
ACTION_BACKOFF_CAP = 3600.0
# What a failure email says could not be done, by platform operation.
FAILED_WHAT = {"hide": "hide", "unhide": "unhide", "delete": "delete"}
STATUS_AFTER = {A.Op.HIDE: St.HIDDEN, A.Op.UNHIDE: St.VISIBLE, A.Op.DELETE: St.DELETED}


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


def _call_platform(action: ModerationAction, comment: Comment) -> None:
    """The call itself, through the school's account for the comment's channel."""
    account = channel_account_for(school_id=comment.school_id, kind=comment.channel)
    if account is None:
        raise PublisherError(
            NO_ACCOUNT.format(channel=channel_platform_name(comment.channel)), permanent=True
        )
    _call(adapter_for(account), action.platform_op, comment)


def _claim(action: ModerationAction, now: datetime) -> bool:
    """Skip unless pending and due; mark it superseded if a later decision overtook it;
    otherwise claim it (conditional UPDATE on the attempt count, with a short lease)."""
    if action.platform_state != A.PlatformState.PENDING:
        return False
    if action.next_attempt_at is not None and action.next_attempt_at > now:
        return False
    if _superseded(action, action.comment):
        ModerationAction.objects.filter(
            pk=action.pk, platform_state=A.PlatformState.PENDING
        ).update(platform_state=A.PlatformState.SUPERSEDED, completed_at=now)
        action.refresh_from_db()
        return False
    claimed = ModerationAction.objects.filter(
        pk=action.pk, platform_state=A.PlatformState.PENDING, attempts=action.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + ACTION_LEASE)
    return claimed == 1


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
    if action is None or not _claim(action, now):
        return action
    attempts = action.attempts + 1
    comment = action.comment
    try:
        _call_platform(action, comment)
    except PublisherError as error:
        return _action_failed(action, error, attempts, now)
    except requests.RequestException as exc:  # adapters map these; belt and braces
        transient = PublisherError.transient(
            channel_platform_name(comment.channel), detail=type(exc).__name__
        )
        return _action_failed(action, transient, attempts, now)
    _action_done(action, attempts, now)
    action.refresh_from_db()
    return action


def _action_done(action: ModerationAction, attempts: int, now: datetime) -> None:
    comment = action.comment
    status = STATUS_AFTER.get(A.Op(action.platform_op))
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
        audit_comment(
            f"comment.platform_{action.platform_op}",
            comment,
            # The moderator who asked, or the screening that hid it at once.
            actor=action.actor or SYSTEM_COMMENT_SCREENING,
            action=action.pk,
            attempts=attempts,
        )


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
            audit_comment(
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
                from ..notifications import notify_platform_failure

                what = FAILED_WHAT.get(op, "block the author of")
                notify_platform_failure(comment_id=comment_id, what=what, message=message)

            after_commit(notify)
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
