"""Report packs for the platforms, and the record of reports made and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.common.errors import Conflict, InvalidInput
from moderation.comments import selectors as comment_selectors
from moderation.comments import services as comment_services

from .. import selectors
from ..models import Platform, PlatformReport
from ..packs import AuthorHistory, PlatformPack, build_packs, may_be_in_danger
from .common import audit, case_to_act_on

NOT_HELD = "A report pack is for a held or escalated comment; this one passed screening."
NO_EVIDENCE = "Capture evidence of this comment first: the pack is filled from the evidence record."
EVIDENCE_TAMPERED = "The evidence record no longer matches its hash; tell the DSL at once."
BAD_PLATFORM = "Choose one of: {platforms}."
REPORTED_IN_FUTURE = "The time of the report cannot be in the future."
REPORTED_BEFORE_COMMENT = "The time of the report cannot be before the comment appeared ({day})."
# Someone may report a comment before our poller stores it: a day's grace before that.
REPORT_BEFORE_STORED_GRACE = timedelta(days=1)
BAD_OUTCOME = "Choose one of: {outcomes}."


@dataclass(frozen=True)
class ReportPackSet:
    comment_id: int
    channel: str
    evidence_id: int
    evidence_sha256: str
    may_be_in_danger: bool
    packs: list[PlatformPack]


def report_pack_build(*, comment_id: int, actor: User) -> ReportPackSet:
    """The report pack for every platform, filled from the latest evidence record.

    1. The actor may act on the comment (R13), and it is held or escalated.
    2. Its latest evidence record, which must still match its hash (R12).
    3. The author's history at the school says how long this has been going on.
    4. Opening it is a view of evidence: an audit event (R14).
    """
    comment = case_to_act_on(actor=actor, comment_id=comment_id)
    if not comment.is_held:
        raise Conflict(NOT_HELD)
    evidence = comment_selectors.comment_evidence_for_comment(user=actor, comment=comment).last()
    if evidence is None:
        raise Conflict(NO_EVIDENCE)
    if not evidence.intact:
        raise Conflict(EVIDENCE_TAMPERED)
    first, last, count = comment_selectors.comment_author_history(comment=comment)
    record = evidence.record
    packs = build_packs(
        record,
        sha256=evidence.sha256,
        history=AuthorHistory(first_at=first, last_at=last, count=count),
        school_slug=comment.school.slug,
    )
    audit(
        "report_pack_viewed",
        actor=actor,
        school=comment.school,
        target=evidence,
        comment=comment.pk,
        sha256=evidence.sha256,
    )
    return ReportPackSet(
        comment_id=comment.pk,
        channel=comment.channel,
        evidence_id=evidence.pk,
        evidence_sha256=evidence.sha256,
        may_be_in_danger=may_be_in_danger(record),
        packs=packs,
    )


def platform_report_record(
    *,
    comment_id: int,
    actor: User,
    platform: str,
    reported_at: datetime | None = None,
    reference: str = "",
    note: str = "",
) -> PlatformReport:
    """A leader or the DSL records that they reported the comment to a platform. The
    comment's own timeline gets a "reported" action too, so the case shows it everywhere."""
    comment = case_to_act_on(actor=actor, comment_id=comment_id)
    if platform not in Platform.values:
        raise InvalidInput(
            BAD_PLATFORM.format(platforms=", ".join(Platform.values)), field="platform"
        )
    now = timezone.now()
    reported_at = reported_at or now
    if reported_at > now:
        raise InvalidInput(REPORTED_IN_FUTURE, field="reported_at")
    appeared = comment.platform_created_at or comment.created_at - REPORT_BEFORE_STORED_GRACE
    if reported_at < appeared:
        raise InvalidInput(
            REPORTED_BEFORE_COMMENT.format(day=appeared.date().isoformat()), field="reported_at"
        )
    with transaction.atomic():
        report = PlatformReport.objects.create(
            school=comment.school,
            comment_id=comment.pk,
            platform=platform,
            reported_at=reported_at,
            reported_by=actor,
            reference=reference.strip()[:200],
            note=note.strip(),
        )
        comment_services.comment_report(
            comment=comment, actor=actor, reference=report.reference, note=f"Reported to {platform}"
        )
        audit(
            "platform_report_recorded",
            actor=actor,
            school=comment.school,
            target=report,
            comment=comment.pk,
            platform=platform,
            reference=report.reference,
            reported_at=reported_at.isoformat(),
        )
    return report


def platform_report_outcome_record(
    *, report_id: int, actor: User, outcome: str, note: str = ""
) -> PlatformReport:
    """What the platform did about a report (removed, restricted, nothing...)."""
    report = selectors.report_get_for_user(user=actor, report_id=report_id)
    case_to_act_on(actor=actor, comment_id=report.comment_id)
    if outcome not in PlatformReport.Outcome.values:
        raise InvalidInput(
            BAD_OUTCOME.format(outcomes=", ".join(PlatformReport.Outcome.values)), field="outcome"
        )
    with transaction.atomic():
        report = PlatformReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
        previous = report.outcome
        report.outcome = outcome
        report.outcome_note = note.strip()
        report.outcome_recorded_by = actor
        report.outcome_recorded_at = timezone.now()
        report.save()
        audit(
            "platform_report_outcome_recorded",
            actor=actor,
            school=report.school,
            target=report,
            comment=report.comment_id,
            outcome=outcome,
            previous=previous,
        )
    return report
