"""The record of what was done about a comment: audit events and moderation actions, and
the platform calls they queue.

Platform calls never happen inside a request: each one is a ``ModerationAction`` carried
out by the task ``comments.apply_action`` (retried with back-off, idempotent), queued
after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import Actor, actor_user
from backend.common.channels import ChannelKind
from backend.common.dispatch import send_after_commit

from ..models import Comment, ModerationAction

A = ModerationAction
St = Comment.Status


def audit_comment(event: str, comment: Comment, *, actor: Actor, **data: Any) -> None:
    # Ids and labels only: never the comment's text or its author (the log is append-only).
    audit_record(
        action=event,
        actor=actor,
        school=School(pk=comment.school_id),
        target=comment,
        data={"channel": comment.channel, **data},
    )


def after_commit(func: Callable[[], Any]) -> None:
    transaction.on_commit(func)


def _queue_platform_call(action: ModerationAction) -> None:
    from ..tasks import apply_action  # the tasks import the services: import at call time

    send_after_commit(apply_action, action.pk)  # comments.retry_actions sends it if lost


def action_record(
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
        _queue_platform_call(action)
    return action


def visibility_target(comment: Comment) -> str:
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


def needs_hide(comment: Comment) -> bool:
    """Whether hiding it needs a platform call.

    On the website channel "hidden" also means "pending", which the publishers' own
    approval screen could still approve: a held website comment is rejected there too, so
    only an approval here (with its screening and evidence) ever publishes it.
    """
    if comment.status == St.DELETED:
        return False
    if visibility_target(comment) == St.VISIBLE:
        return True
    return (
        comment.channel == ChannelKind.WEBSITE
        and not ModerationAction.objects.filter(
            comment=comment,
            platform_op=A.Op.HIDE,
            platform_state__in=[A.PlatformState.PENDING, A.PlatformState.DONE],
        ).exists()
    )
