"""Who may act on a comment, and the row lock every decision takes."""

from __future__ import annotations

from backend.accounts.models import User
from backend.accounts.selectors import user_has_role
from backend.common.errors import NotFound, Refused

from .. import selectors
from ..models import Comment
from .messages import NOT_A_MODERATOR


def check_can_act(*, actor: User, comment: Comment) -> None:
    """Moderators act; a member who may merely see the comment is refused (403); anyone
    else learns nothing (404)."""
    if selectors.user_may_moderate(user=actor, comment=comment):
        return
    public = (
        not comment.escalated
        and comment.verdict == Comment.Verdict.OK
        and comment.status == Comment.Status.VISIBLE
        and user_has_role(user=actor, school=comment.school_id, roles=selectors.READER_ROLES)
    )
    if public:
        raise Refused(NOT_A_MODERATOR)
    raise NotFound(selectors.NO_SUCH_COMMENT)


def comment_lock(comment: Comment) -> Comment:
    """The comment's row, locked until the transaction ends (two moderators at once)."""
    return (
        Comment.objects.select_for_update(of=("self",)).select_related("school").get(pk=comment.pk)
    )


def comment_reload(comment: Comment) -> Comment:
    """The comment as stored now, with what the API renders."""
    return Comment.objects.select_related("school", "assigned_to", "decided_by").get(pk=comment.pk)
