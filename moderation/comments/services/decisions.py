"""A moderator's decisions on one comment from the dashboard: approve, keep hidden,
delete, block the author, report, assign, add a note; and the audited view (R14).

Permission and school scope are checked here, so the API, the admin, the command and the
tasks behave alike. Any hide or delete captures evidence first (R12).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.common.errors import Conflict, InvalidInput
from backend.common.normalise import clean_text
from backend.common.retry import retry_on_deadlock

from .. import selectors
from ..models import Comment, Evidence, ModerationAction
from .access import check_can_act, comment_lock, comment_reload
from .action_log import action_record, audit_comment, needs_hide, visibility_target
from .evidence import comment_evidence_take
from .messages import (
    ALREADY_DELETED,
    ASSIGNEE_NOT_MODERATOR,
    COMMENT_DELETED,
    NO_AUTHOR,
    NOTE_REQUIRED,
)
from .platforms import check_capability

A = ModerationAction
St = Comment.Status
Rv = Comment.Review


def _decide(comment: Comment, *, actor: User, review: str) -> None:
    comment.review = review
    comment.decided_by = actor
    comment.decided_at = timezone.now()
    comment.updated_at = comment.decided_at
    comment.save(update_fields=["review", "decided_by", "decided_at", "updated_at"])


def comment_viewed(*, comment: Comment, actor: User) -> None:
    """R14: opening an escalated comment (safeguarding material) is an audit event."""
    if comment.escalated:
        audit_comment("comment.viewed", comment, actor=actor)


@retry_on_deadlock
def comment_approve(*, comment: Comment, actor: User, note: str = "") -> Comment:
    """Approve: the comment stays or becomes visible (unhidden on the platform; on the
    website channel, approved)."""
    check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        locked = comment_lock(comment)
        if locked.status == St.DELETED:
            raise Conflict(COMMENT_DELETED, field="status")
        unhide = visibility_target(locked) == St.HIDDEN
        if locked.review == Rv.APPROVED and not unhide:
            return comment_reload(comment)  # a repeat (double click): the current state (issue 13)
        action_record(
            locked,
            kind=A.Kind.APPROVE,
            op=A.Op.UNHIDE if unhide else "",
            actor=actor,
            note=note,
        )
        _decide(locked, actor=actor, review=Rv.APPROVED)
        audit_comment("comment.approved", locked, actor=actor, unhide=unhide)
    return comment_reload(comment)


@retry_on_deadlock
def comment_keep_hidden(*, comment: Comment, actor: User, note: str = "") -> Comment:
    """Keep it hidden (or hide it now if it is visible: evidence first, R12)."""
    check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        locked = comment_lock(comment)
        hide = needs_hide(locked)
        if locked.review == Rv.KEPT_HIDDEN and not hide:
            return comment_reload(comment)  # a repeat (double click): the current state (issue 13)
        if hide:
            comment_evidence_take(locked, actor=actor, reason=Evidence.Reason.BEFORE_HIDE)
        action_record(
            locked, kind=A.Kind.KEEP_HIDDEN, op=A.Op.HIDE if hide else "", actor=actor, note=note
        )
        _decide(locked, actor=actor, review=Rv.KEPT_HIDDEN)
        audit_comment("comment.kept_hidden", locked, actor=actor, hide=hide)
    return comment_reload(comment)


@retry_on_deadlock
def comment_delete(*, comment: Comment, actor: User, note: str = "") -> Comment:
    """Delete it on the platform, after capturing evidence (R12)."""
    check_can_act(actor=actor, comment=comment)
    check_capability(comment, "delete")
    with transaction.atomic():
        locked = comment_lock(comment)
        if locked.status == St.DELETED or locked.review == Rv.DELETED:
            raise Conflict(ALREADY_DELETED, field="status")
        evidence = comment_evidence_take(locked, actor=actor, reason=Evidence.Reason.BEFORE_DELETE)
        action_record(
            locked,
            kind=A.Kind.DELETE,
            op=A.Op.DELETE,
            actor=actor,
            note=note,
            data={"evidence": evidence.pk},
        )
        _decide(locked, actor=actor, review=Rv.DELETED)
        audit_comment("comment.delete_requested", locked, actor=actor, evidence=evidence.pk)
    return comment_reload(comment)


def comment_block_author(*, comment: Comment, actor: User, note: str = "") -> ModerationAction:
    """Stop the author commenting again, where the platform allows an app to (Facebook)."""
    check_can_act(actor=actor, comment=comment)
    check_capability(comment, "block")
    if not comment.author_external_id:
        raise Conflict(NO_AUTHOR, field="author")
    with transaction.atomic():
        action = action_record(comment, kind=A.Kind.BLOCK, op=A.Op.BLOCK, actor=actor, note=note)
        audit_comment("comment.block_requested", comment, actor=actor, action=action.pk)
    return action


def comment_report(
    *, comment: Comment, actor: User, reference: str = "", note: str = ""
) -> ModerationAction:
    """Record that the platform (or the police, or the LADO) was told about the comment."""
    check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        action = action_record(
            comment,
            kind=A.Kind.REPORT,
            actor=actor,
            note=note,
            data={"reference": reference.strip()[:300]},
        )
        audit_comment("comment.reported", comment, actor=actor, action=action.pk)
    return action


def comment_assign(*, comment: Comment, actor: User, assignee: User | None) -> Comment:
    """Give the comment to a moderator (one who may see it), or take it back (None)."""
    check_can_act(actor=actor, comment=comment)
    if assignee is not None and not selectors.user_may_moderate(user=assignee, comment=comment):
        raise InvalidInput(ASSIGNEE_NOT_MODERATOR, field="assignee")
    with transaction.atomic():
        locked = comment_lock(comment)
        locked.assigned_to = assignee
        locked.updated_at = timezone.now()
        locked.save(update_fields=["assigned_to", "updated_at"])
        action_record(
            locked,
            kind=A.Kind.ASSIGN,
            actor=actor,
            data={"assignee": assignee.pk if assignee else None},
        )
        audit_comment(
            "comment.assigned", locked, actor=actor, assignee=assignee.pk if assignee else None
        )
    return comment_reload(comment)


def comment_note_add(*, comment: Comment, actor: User, text: str) -> ModerationAction:
    check_can_act(actor=actor, comment=comment)
    text = clean_text(text, field="text", required=False, multiline=True)
    if not text:
        raise InvalidInput(NOTE_REQUIRED, field="text")
    with transaction.atomic():
        action = action_record(comment, kind=A.Kind.NOTE, actor=actor, note=text[:5000])
        audit_comment("comment.note_added", comment, actor=actor, action=action.pk)
    return action
