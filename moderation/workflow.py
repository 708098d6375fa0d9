"""The one state machine for posts. Every status change goes through `post_transition`.

The guard is in the database: the UPDATE only matches a row still in the status the caller
saw, so two leaders clicking at once, or a task retried, produce exactly one outcome; the
loser gets a Conflict with a plain message.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.common.actors import Actor
from backend.common.errors import Conflict

from .models import Post

S = Post.Status

# Which statuses each status may move to. Anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.CHECKING}),
    S.CHECKING: frozenset({S.CHECKING, S.BLOCKED, S.NEEDS_TAGGING, S.AWAITING_APPROVAL}),
    S.BLOCKED: frozenset({S.CHECKING, S.EXPIRED}),
    S.NEEDS_TAGGING: frozenset({S.CHECKING, S.EXPIRED}),
    S.AWAITING_APPROVAL: frozenset(
        {S.CHECKING, S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED, S.EXPIRED}
    ),
    S.CHANGES_REQUESTED: frozenset({S.CHECKING, S.EXPIRED}),
    S.APPROVED: frozenset({S.CHECKING, S.SCHEDULED, S.PUBLISHING, S.AWAITING_APPROVAL}),
    S.SCHEDULED: frozenset({S.CHECKING, S.PUBLISHING, S.AWAITING_APPROVAL}),
    S.PUBLISHING: frozenset({S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.FAILED}),
    S.FAILED: frozenset({S.PUBLISHING, S.AWAITING_APPROVAL}),
    S.PUBLISHED: frozenset({S.TAKEDOWN_REQUESTED}),
    S.PARTIALLY_PUBLISHED: frozenset({S.TAKEDOWN_REQUESTED, S.PUBLISHING}),
    S.TAKEDOWN_REQUESTED: frozenset({S.TAKEN_DOWN}),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
    S.TAKEN_DOWN: frozenset(),
}

# Statuses in which the content can still change (an edit sends the post back to checking).
EDITABLE = frozenset(
    {
        S.DRAFT,
        S.BLOCKED,
        S.NEEDS_TAGGING,
        S.AWAITING_APPROVAL,
        S.CHANGES_REQUESTED,
        S.APPROVED,
        S.SCHEDULED,
        S.CHECKING,
    }
)
# Statuses before approval: a post still here at its scheduled time expires (issue: R9).
BEFORE_APPROVAL = frozenset(
    {S.SUBMITTED, S.CHECKING, S.BLOCKED, S.NEEDS_TAGGING, S.AWAITING_APPROVAL, S.CHANGES_REQUESTED}
)


def cannot(post_status: str, to: str) -> str:
    return f"A post that is {post_status.replace('_', ' ')} cannot become {to.replace('_', ' ')}."


STALE = "Someone else changed this post a moment ago. Reload it and try again."


def post_lock(post_id: int) -> Post:
    """The post, locked for the rest of the caller's transaction (``select_for_update``),
    so decisions that count or compare (approvals, settling) see one truth."""
    return Post.objects.select_for_update(of=("self",)).select_related("school").get(pk=post_id)


def post_transition(
    *,
    post: Post,
    to: str,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Post:
    """Move `post` from the status it has in memory to `to`, or raise Conflict.

    `changes` are extra fields written in the same UPDATE (e.g. version, content_hash).
    `actor` is who moved it: a person, or the system step by name (hole 12), as the audit
    log shows it.
    """
    if to not in TRANSITIONS[post.status]:
        raise Conflict(cannot(post.status, to), field="status")
    now = timezone.now()
    with transaction.atomic():
        updated = Post.objects.filter(pk=post.pk, status=post.status).update(
            status=to, status_reason=reason, updated_at=now, **changes
        )
        if updated != 1:
            raise Conflict(STALE, field="status", code="stale")
        audit_record(
            action=f"post.{to}",
            actor=actor,
            school=post.school,
            target=post,
            data={
                "from": post.status,
                "to": to,
                "version": changes.get("version", post.version),
                **({"reason": reason} if reason else {}),
                **(data or {}),
            },
        )
    previous = post.status
    post.status, post.status_reason, post.updated_at = to, reason, now
    for field, value in changes.items():
        setattr(post, field, value)
    post._previous_status = previous  # type: ignore[attr-defined]
    return post
