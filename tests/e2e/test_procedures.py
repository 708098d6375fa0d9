"""End to end, what the guidance tells a school to do after a threat appears (issue 18), in
Chromium against the live server:

The head teacher signs in (real one-time code), finds the escalated threat on the comments
dashboard, opens its case, prepares the report pack (the facts Facebook's form asks for,
from the evidence record), records the report with the platform's reference, drafts the
letter inviting the parent to a meeting, and sends it. Photographed on an iPad.

No platform is contacted: the comment and its evidence are stored as the ingest path leaves
them (held, hidden, evidence captured) and nothing here calls a platform.

Screenshots: set E2E_SCREENSHOTS=/some/dir to keep them.
"""

import re
from pathlib import Path
from typing import Any

from django.utils import timezone

from backend.accounts.models import Role, School, User
from moderation.comments import services as comment_services
from moderation.comments.models import Comment
from procedures.models import ParentLetter, PlatformReport
from tests.e2e.support import TABLET, Browsing, one_time_codes
from tests.factories import SchoolFactory, member

THREAT = "I know where you live. Watch your back, I'll be waiting at the gate"


def _escalated_threat(school: School, head: User) -> Comment:
    """A threat as the ingest path leaves it: held, hidden, escalated, evidence captured."""
    threat = Comment.objects.create(
        school=school,
        channel="facebook",
        external_id="104000000000001_555",
        post_external_id="104000000000001_1",
        author_external_id="6660001",
        author_name="Angry Parent",
        text=THREAT,
        platform_created_at=timezone.now(),
        permalink="https://www.facebook.com/104000000000001/posts/1?comment_id=555",
        status=Comment.Status.HIDDEN,
        verdict=Comment.Verdict.ESCALATE,
        labels=[
            {
                "label": "threat",
                "score": 0.97,
                "span": [0, 23],
                "screener": "threat",
                "reason": "a threat to someone's safety",
            }
        ],  # fmt: skip
        escalated=True,
        review=Comment.Review.OPEN,
    )
    comment_services.comment_evidence_capture(comment=threat, actor=head)
    return threat


def _report_it(page: Any, expect: Any, shots: Path) -> None:
    """Open the report pack, then record the report made to Facebook."""
    page.get_by_role("button", name="Prepare the report pack").click()
    expect(page.get_by_role("definition").filter(has_text=THREAT).first).to_be_visible()
    expect(page.get_by_text("Someone may be in danger.")).to_be_visible()
    expect(page.get_by_text("Angry Parent (id 6660001)").first).to_be_visible()
    page.screenshot(path=str(shots / "r2-report-pack-tablet.png"), full_page=True)

    record = page.get_by_role("form", name="Record a report")
    record.get_by_label("Reported to").select_option("facebook")
    record.get_by_label("Reference number (if the platform gave one)").fill("FB-2026-123")
    record.get_by_role("button", name="Record the report").click()
    expect(page.get_by_text("Report to Facebook recorded.")).to_be_visible()
    reports = page.get_by_role("list", name="Reports to platforms")
    expect(reports).to_contain_text("reference FB-2026-123")
    expect(reports).to_contain_text("Awaiting the platform")


def _write_to_the_parent(page: Any, expect: Any, shots: Path) -> None:
    """Draft the letter from the case, check it, and send it."""
    letter = page.get_by_role("form", name="Draft a letter")
    letter.get_by_label("To (the parent or carer)").fill("Mr Angry Parent")
    letter.get_by_label("When the meeting is").fill("Tuesday 9 June at 3.30pm")
    letter.get_by_label("Who they will meet").fill("Mrs Head, headteacher")
    letter.get_by_label("Colleague taking notes").fill("Mr Patel, deputy head")
    letter.get_by_role("button", name="Draft the letter").click()
    letters = page.get_by_role("list", name="Letters")
    expect(letters.get_by_label("Letter")).to_have_value(
        re.compile(r"^Dear Mr Angry Parent,[\s\S]*family member or a friend")
    )
    page.screenshot(path=str(shots / "r3-letter-draft-tablet.png"), full_page=True)
    letters.get_by_role("button", name="Send the letter").click()
    expect(page.get_by_text("Letter marked as sent and kept on the case.")).to_be_visible()
    expect(letters).to_contain_text("sent by")
    page.screenshot(path=str(shots / "r4-letter-sent-tablet.png"), full_page=True)


def test_a_head_teacher_reports_a_threat_and_writes_to_the_parent(e2e: Browsing) -> None:
    expect, shots = e2e.expect, e2e.shots

    # --- all database work first (Playwright's sync API runs an event loop in this thread) ---
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    one_time_code = one_time_codes(head)
    threat = _escalated_threat(school, head)

    with e2e.chromium() as browser:
        page = e2e.watch(browser.new_context(viewport=TABLET, has_touch=True).new_page())
        e2e.sign_in_with_code(page, "head@oakfield.test", one_time_code)
        expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()

        # --- the escalation on the dashboard --------------------------------------------
        page.goto(f"{e2e.base_url}/comments?view=escalated")
        expect(page.get_by_text("I know where you live").first).to_be_visible()
        expect(page.get_by_role("heading", name="Mentions of the school")).to_be_visible()
        page.screenshot(path=str(shots / "r1-dashboard-tablet.png"), full_page=True)
        page.goto(f"{e2e.base_url}/comments/{threat.pk}")
        expect(page.get_by_role("heading", name="Report to the platform")).to_be_visible()

        _report_it(page, expect, shots)
        _write_to_the_parent(page, expect, shots)

    assert e2e.problems == []
    report = PlatformReport.objects.get()
    assert (report.reference, report.reported_by_id) == ("FB-2026-123", head.pk)
    sent = ParentLetter.objects.get()
    assert sent.status == ParentLetter.Status.SENT and sent.sent_by_id == head.pk
