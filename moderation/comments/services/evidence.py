"""R12: evidence of a comment, captured before anything hides or deletes it, and the second
person's countersignature that export needs. R14: every view of it is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.actors import Actor, actor_user
from backend.common.errors import Conflict, NotFound, Refused

from .. import selectors
from ..models import Comment, Evidence, canonical_json, sha256_text
from .access import check_can_act, comment_lock
from .action_log import audit_comment
from .messages import ALREADY_COUNTERSIGNED, COUNTERSIGN_ROLE, COUNTERSIGN_SAME_PERSON

COMMENT_EVIDENCE_FORMAT = "school-post-queue/comment-evidence/v1"
MEDIA_POLICY = "Attached media is never downloaded or copied: only its URL is kept."


def user_ref(user: User | None) -> dict[str, Any] | None:
    """A person as an evidence record names them."""
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "name": user.full_name}


def _comment_evidence_record(
    comment: Comment, *, captured_by: User | None, captured_at: datetime, reason: str
) -> dict[str, Any]:
    pub = comment.publication
    return {
        "format": COMMENT_EVIDENCE_FORMAT,
        "school": {"id": comment.school_id, "name": comment.school.name},
        "publication": (
            {"id": pub.pk, "post_id": pub.post_id, "external_id": pub.external_id, "url": pub.url}
            if pub is not None
            else None
        ),
        "comment": comment.snapshot(),
        "media_possibly_indecent": any(label.get("label") == "sexual" for label in comment.labels),
        "media_policy": MEDIA_POLICY,
        "reason": reason,
        "captured_at": captured_at.isoformat(),
        "captured_by": user_ref(captured_by) or {"system": "captured automatically"},
    }


def comment_evidence_take(
    comment: Comment, *, actor: Actor, reason: str, reuse: bool = True
) -> Evidence:
    """Capture evidence of the comment as it is now (reusing the latest record when the
    comment has not changed since, so an automatic hide and a later delete share one).
    The caller holds the comment's lock and has checked the actor."""
    if reuse:
        latest = Evidence.objects.filter(comment=comment).order_by("-captured_at", "-id").first()
        if latest is not None and latest.record.get("comment") == comment.snapshot():
            return latest
    now = timezone.now()
    canonical = canonical_json(
        _comment_evidence_record(
            comment, captured_by=actor_user(actor), captured_at=now, reason=reason
        )
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
    audit_comment(
        "comment.evidence_captured",
        comment,
        actor=actor,
        evidence=evidence.pk,
        sha256=evidence.sha256,
        reason=reason,
    )
    return evidence


def comment_evidence_capture(*, comment: Comment, actor: User) -> Evidence:
    """A moderator captures evidence of the comment as it is now."""
    check_can_act(actor=actor, comment=comment)
    with transaction.atomic():
        return comment_evidence_take(
            comment_lock(comment), actor=actor, reason=Evidence.Reason.MANUAL, reuse=False
        )


def comment_evidence_viewed(*, evidence: Evidence, actor: User) -> None:
    """R14: every view of evidence is an audit event."""
    audit_record(
        action="comment.evidence_viewed",
        actor=actor,
        school=School(pk=evidence.school_id),
        target=evidence,
        data={"comment": evidence.comment_id},
    )


def comment_evidence_countersign(*, evidence: Evidence, actor: User) -> Evidence:
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
