"""The procedures part of the demo school: the escalated allegation from the comments demo
gets an evidence record (so its report pack opens), a report recorded to the website's
provider with its outcome pending, a drafted letter to a parent, a mention watch on the
school's name, and an X budget. Idempotent: nothing is added twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.accounts.models import Role
from moderation.comments import selectors as comment_selectors
from moderation.comments import services as comment_services

from . import selectors, services

if TYPE_CHECKING:
    from backend.accounts.demo import Demo


def seed(demo: Demo) -> None:
    dsl, head = demo.users.get("dsl"), demo.users.get("head")
    if dsl is None or head is None or not head.memberships.filter(role=Role.LEADER).exists():
        return
    if selectors.mention_watch_for(school=demo.school).pk is None:
        services.mention_watch_update(
            school=demo.school, actor=head, terms=[demo.school.name, "#DemoPrimary"]
        )
    if selectors.x_budget_for(school=demo.school).pk is None:
        services.x_budget_update(school=demo.school, actor=head, monthly_budget_usd="10.00")
    case = comment_selectors.comments_for_user(
        user=dsl, school_id=demo.school.pk, escalated=True
    ).first()
    if case is None:
        return
    if not comment_selectors.comment_evidence_for_comment(user=dsl, comment=case).exists():
        comment_services.comment_evidence_capture(comment=case, actor=dsl)
    if not selectors.reports_for_case(comment_id=case.pk).exists():
        services.platform_report_record(
            comment_id=case.pk,
            actor=dsl,
            platform="website",
            reference="DEMO-001",
            note="Kept unapproved; the website provider was told.",
        )
    if not selectors.letters_for_case(comment_id=case.pk).exists():
        services.parent_letter_draft(
            comment_id=case.pk,
            actor=dsl,
            details=services.LetterDetails(
                recipient_name="Mr and Mrs Smith",
                meeting_when="Tuesday at 3.30pm",
                meeting_with="Mrs Helen Head, headteacher",
                note_taker="Ms Dana Safeguarding",
                event="our harvest festival news item",
            ),
        )
