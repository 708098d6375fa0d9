"""End to end, a threatening comment from a parent (issue 17), in Chromium against the live
server:

A parent comments on a news item on the school website from their phone: a threat. The
screening holds it (nothing shows on the website) and escalates it to the DSL, capturing
evidence first. The DSL signs in on a phone (real one-time code) and finds it at the top
of the comments, on the first screen. Keeping it hidden is the main button; showing it asks
first, naming the threat. The DSL keeps it hidden, reads the evidence record as a record (not
raw JSON), countersigns the record the screening captured and captures another. Because
they countersigned it, they are told a second person must export it and offered no button
that would fail. The head teacher, another leader, signs in on a laptop and downloads the PDF
and the signed JSON.

Screenshots at 390 and 1280 px wide: set E2E_SCREENSHOTS=/some/dir to keep them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from backend.accounts.models import Role
from moderation.comments.selectors import EXPORT_NEEDS_SECOND_PERSON
from tests.comments.conftest import website_entry
from tests.e2e.support import PHONE, Browsing, one_time_codes
from tests.factories import SchoolFactory, member

THREAT = "I know where you live. Watch your back, I'll be waiting at the school gate"
LAPTOP = {"width": 1280, "height": 800}


def _parent_comments(page: Any, expect: Any, news_url: str, shots: Path) -> None:
    """A parent, not signed in, comments on the news item; nothing appears on the page."""
    page.goto(news_url)
    page.get_by_label("Your name").fill("A Parent")
    page.get_by_label("Comment", exact=True).fill(THREAT)
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_text("No comments yet.")).to_be_visible()  # R11: held, not shown
    page.screenshot(path=str(shots / "dsl-01-parent-comment-390.png"), full_page=True)


def _dsl_finds_it_first(page: Any, expect: Any, base: str, shots: Path) -> None:
    """On a phone the escalated comment is on the first screen (item 16)."""
    page.goto(f"{base}/comments")
    cards = page.get_by_role("list", name="Comments").get_by_role("listitem")
    expect(cards.first).to_contain_text("Escalated")
    expect(cards.first).to_contain_text("Threat")
    box = cards.first.bounding_box()
    assert box is not None and box["y"] + 40 < PHONE["height"], box
    page.screenshot(path=str(shots / "dsl-02-comments-390.png"))
    cards.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Comment by A Parent")).to_be_visible()


def _dsl_keeps_it_hidden(page: Any, expect: Any, shots: Path) -> None:
    """The safe action is primary; showing it asks first and names the risk (item 14)."""
    decide = page.get_by_role("region", name="Decide")
    keep = decide.get_by_role("button", name="Keep hidden")
    expect(keep).to_have_class(re.compile(r"\bbutton--primary\b"))
    decide.get_by_role("button", name="Show it publicly").click()
    expect(decide.get_by_role("group", name="Confirm")).to_contain_text(
        "It was escalated to the DSL as: threat."
    )
    page.screenshot(path=str(shots / "dsl-03-show-asks-first-390.png"), full_page=True)
    decide.get_by_role("button", name="Cancel").click()
    decide.get_by_role("button", name="Keep hidden").click()
    expect(page.get_by_text(re.compile(r"^Done: kept hidden\."))).to_be_visible()


def _dsl_reads_countersigns_and_captures(page: Any, expect: Any, shots: Path) -> None:
    """The record reads as a record (item 12); the countersigner of automatic evidence is
    told a second person must export it, with no button that would fail (item 13)."""
    records = page.get_by_role("list", name="Evidence records")
    automatic = records.get_by_role("listitem").filter(has_text="the screening (automatically)")
    automatic.get_by_role("button", name="View the record").click()
    record = automatic.get_by_role("group", name="The evidence record")
    expect(record.locator("blockquote")).to_have_text(THREAT)
    expect(record).to_contain_text("A Parent")
    expect(record).to_contain_text("SHA-256")
    expect(automatic.get_by_text("Intact: matches its SHA-256")).to_be_visible()

    automatic.get_by_role("button", name="Countersign").click()
    expect(page.get_by_text("Evidence countersigned.", exact=True)).to_be_visible()
    expect(automatic.get_by_text(EXPORT_NEEDS_SECOND_PERSON)).to_be_visible()
    expect(automatic.get_by_role("link", name=re.compile("Download"))).to_have_count(0)
    page.screenshot(path=str(shots / "dsl-04-evidence-390.png"), full_page=True)

    page.get_by_role("button", name="Capture evidence now").click()
    mine = records.get_by_role("listitem").filter(has_text="Captured by hand")
    expect(mine.get_by_text("You captured it: someone else must countersign.")).to_be_visible()


def _another_leader_exports(page: Any, expect: Any, url: str, shots: Path) -> None:
    """The head teacher downloads the countersigned record as a PDF and signed JSON."""
    page.goto(url)
    automatic = (
        page.get_by_role("list", name="Evidence records")
        .get_by_role("listitem")
        .filter(has_text="the screening (automatically)")
    )
    expect(automatic.get_by_text("you may export it")).to_be_visible()
    page.screenshot(path=str(shots / "dsl-05-export-1280.png"), full_page=True)
    with page.expect_download() as pdf_download:
        automatic.get_by_role("link", name="Download PDF").click()
    pdf = Path(pdf_download.value.path())
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as json_download:
        automatic.get_by_role("link", name="Download the record (signed JSON)").click()
    bundle = json.loads(Path(json_download.value.path()).read_text())
    [entry] = bundle["records"]
    assert entry["record"]["comment"]["text"] == THREAT
    assert entry["countersigned_by"]["email"] == "dsl@oakfield.test"
    assert bundle["exported_by"]["email"] == "head@oakfield.test"


def test_a_parent_s_threat_is_held_escalated_countersigned_and_exported_by_another_leader(
    e2e: Browsing,
) -> None:
    expect, shots = e2e.expect, e2e.shots

    # --- all database work first (Playwright's sync API runs an event loop in this thread) ---
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    dsl = member(school, Role.DSL, Role.STAFF, email="dsl@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    entry = website_entry(school, teacher, text="Harvest festival: thank you for the donations!")
    dsl_code, head_code = one_time_codes(dsl), one_time_codes(head)
    base, watch = e2e.base_url, e2e.watch

    with e2e.chromium() as browser:
        phone = {"viewport": PHONE, "has_touch": True, "is_mobile": True}
        parent = watch(browser.new_context(**phone).new_page())
        _parent_comments(parent, expect, f"{base}/news/oakfield/{entry.pk}/", shots)

        dsl_page = watch(browser.new_context(**phone).new_page())
        e2e.sign_in_with_code(dsl_page, "dsl@oakfield.test", dsl_code)
        expect(dsl_page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
        _dsl_finds_it_first(dsl_page, expect, base, shots)
        comment_url = dsl_page.url
        _dsl_keeps_it_hidden(dsl_page, expect, shots)
        _dsl_reads_countersigns_and_captures(dsl_page, expect, shots)

        laptop = browser.new_context(viewport=LAPTOP, accept_downloads=True)
        head_page = watch(laptop.new_page())
        e2e.sign_in_with_code(head_page, "head@oakfield.test", head_code)
        expect(head_page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
        _another_leader_exports(head_page, expect, comment_url, shots)

    assert e2e.problems == []
