"""R15: old comments, and comment evidence past its school's retention policy (read from
consent), deleted by the nightly purge; the dry-run reports say what would go."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import SystemActor
from backend.common.errors import Refused
from consent import selectors as consent_selectors
from consent.retention import NOT_A_RETENTION_SWEEP, RETENTION_SWEEPERS
from consent.selectors import RetentionItem

from ..models import Comment, Evidence

PURGE_BATCH = 5000


def _comments_past_retention(cutoff: datetime) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(review=Comment.Review.OPEN)
        .exclude(evidence__isnull=False)
    )


def comments_retention_purge(*, now: datetime | None = None) -> int:
    """Delete comments (and their action log) older than COMMENTS_RETENTION_DAYS that are no
    longer awaiting a decision and back no evidence record. Evidence, and the comments it
    is about, follow the school's safeguarding-records policy instead and are kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
    due = _comments_past_retention(cutoff)
    with transaction.atomic():
        ids = list(due.values_list("id", flat=True)[:PURGE_BATCH])
        if not ids:
            return 0
        Comment.objects.filter(parent_id__in=ids).update(parent=None)
        Comment.objects.filter(pk__in=ids).delete()
        audit_record(
            action="retention.comments_purged",
            data={"comments": len(ids), "cutoff": cutoff.isoformat()},
        )
    return len(ids)


def comments_retention_due(*, now: datetime | None = None) -> list[RetentionItem]:
    """What `comments_retention_purge` would delete now (the dry-run report)."""
    now = now or timezone.now()
    days = settings.COMMENTS_RETENTION_DAYS
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


def comment_evidence_retention_due(*, now: datetime | None = None) -> list[RetentionItem]:
    """Comment evidence (R12) captured longer ago than its school's retention policy allows
    (read from consent, R15), except while its comment still awaits a decision."""
    now = now or timezone.now()
    settled = Evidence.objects.exclude(comment__review=Comment.Review.OPEN)
    school_ids = set(settled.order_by().values_list("school_id", flat=True).distinct())
    terms = consent_selectors.retention_terms_for_schools(school_ids=school_ids)
    schools_by_days: dict[int, list[int]] = {}
    for school_id, term in terms.items():
        schools_by_days.setdefault(term.evidence_days, []).append(school_id)
    past_policy = Q(pk__in=[])
    for days, ids in schools_by_days.items():
        past_policy |= Q(school_id__in=ids, captured_at__lte=now - timedelta(days=days))
    due = settled.filter(past_policy).order_by("school_id", "captured_at", "id")
    return [
        RetentionItem(
            school_id=school_id,
            kind="comment evidence",
            object_id=evidence_id,
            why=(
                f"captured {captured_at.date().isoformat()}; "
                f"policy: {terms[school_id].evidence_days} days"
            ),
        )
        for evidence_id, school_id, captured_at in due.values_list("id", "school_id", "captured_at")
    ]


def comment_evidence_retention_purge(
    *, actor: SystemActor, now: datetime | None = None, dry_run: bool = False
) -> list[RetentionItem]:
    """R15 (nightly, before the comments purge): delete comment evidence past its school's
    retention policy, audited per school. The comment it backed is then an ordinary old
    comment for `comments_retention_purge`. ``dry_run``: report, delete nothing."""
    if actor not in RETENTION_SWEEPERS:
        raise Refused(NOT_A_RETENTION_SWEEP)
    due = comment_evidence_retention_due(now=now)
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
