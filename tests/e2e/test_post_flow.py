"""End to end, the whole safeguarding path in Chromium against the live server:

A teacher stores the tablet's credential on "This tablet" (the server confirms it), drafts
a post with a real photo of a face nobody enrolled (biden.jpg), sends it for checks and
sees "Needs tagging" with the face boxed on the photo; blurs the face and sees the post
pass. The head teacher signs in on a phone with a real one-time code, confirms for the
photo that no other identifiable person is in it (R20: one tick per photo, whatever the
detector found; the blurred face no longer counts) and approves it.

The checks run as Celery tasks, eagerly in test settings, queued with on_commit. (The
live server's requests commit for real, so the checks have run before each API answer
returns: the test sees "Needs tagging" without waiting for a worker.)

Screenshots: set E2E_SCREENSHOTS=/some/dir to keep them.
"""

import re
from pathlib import Path
from typing import Any

from backend.accounts.models import Role
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from tests.e2e.support import PHONE, TABLET, Browsing, one_time_codes
from tests.factories import SchoolFactory, member

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "faces" / "biden.jpg"
TEXT = "Year 4 planted trees in the school garden today. Well done, everyone!"
SLOW = 60_000  # ms: face detection on a CPU, plus the first load of the models


def test_a_post_goes_from_the_tablet_through_the_checks_to_approval(e2e: Browsing) -> None:
    expect, shoot = e2e.expect, e2e.shoot

    # All database work first: Playwright's sync API runs an event loop in this thread,
    # and Django refuses ORM calls while one is running.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    # What the head's authenticator app shows now (pure arithmetic: no database).
    one_time_code = one_time_codes(head)
    _, credential = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)

    def sign_in_and_wait(page: Any, email: str, code: bool = False) -> None:
        e2e.sign_in(page, email)
        if code:
            field = page.get_by_label("One-time code")
            expect(field).to_be_focused()
            field.fill(one_time_code())
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()

    with e2e.chromium() as browser:
        # --- the teacher, on the school's iPad ---------------------------------------------
        tablet = browser.new_context(viewport=TABLET, has_touch=True)
        page = tablet.new_page()
        e2e.watch(page, expected=("/api/auth/me",), console=True)
        sign_in_and_wait(page, "teacher@oakfield.test")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="This tablet").click()
        page.get_by_label("Device credential").fill(credential)
        page.get_by_role("button", name="Save on this tablet").click()
        expect(page.get_by_text("Checked with the server: this is")).to_contain_text(
            "Year 3 iPad at Oakfield Primary"
        )
        assert credential not in page.content()

        page.get_by_role("navigation", name="Main").get_by_role("link", name="New post").click()
        page.get_by_label("Text", exact=True).fill(TEXT)
        expect(page.get_by_text("School website: 69 of 10,000")).to_be_visible()
        page.get_by_role("button", name="Save draft and add photos").click()
        expect(page.get_by_role("heading", name="Draft post", level=1)).to_be_visible()

        page.get_by_label("Photo", exact=True).set_input_files(str(PHOTO))
        page.get_by_label("Describe the photo (alt text)").fill("A smiling man in a suit")
        page.get_by_role("button", name="Add photo").click()
        expect(page.get_by_text("Photo added.")).to_be_visible()
        expect(page.get_by_role("img", name="A smiling man in a suit")).to_be_visible()

        page.get_by_role("button", name="Send for checks").click()
        panel = page.locator(".status-panel")
        expect(panel).to_contain_text("Needs tagging", timeout=SLOW)
        finding = page.locator(".finding").filter(has_text="A face in this photo is not identified")
        expect(finding).to_be_visible()
        expect(finding).to_contain_text("Face 1 in photo 1")
        for remedy in ("Tag this face", "Blur this face", "Not a face"):
            expect(finding.get_by_role("button", name=remedy)).to_be_visible()
        box = page.locator(".face-box")
        expect(box).to_have_count(1)
        # The box sits on the face as drawn: inside the photo, a plausible face size.
        photo_box = page.get_by_role("img", name="A smiling man in a suit").bounding_box()
        face_box = box.bounding_box()
        assert photo_box and face_box
        assert (
            photo_box["x"] <= face_box["x"]
            and face_box["x"] + face_box["width"] <= photo_box["x"] + photo_box["width"] + 1
        )
        assert 0.15 < face_box["width"] / photo_box["width"] < 0.8
        expect(page.get_by_text("Unidentified", exact=True)).to_be_visible()
        shoot(page, "1-needs-tagging-tablet.png")

        finding.get_by_role("button", name="Blur this face").click()
        expect(
            page.get_by_text("Blurred face 1 in photo 1. The checks say: waiting for approval.")
        ).to_be_focused()
        expect(panel).to_contain_text("Waiting for approval", timeout=SLOW)
        expect(page.get_by_text("Blurred", exact=True)).to_be_visible()
        shoot(page, "2-passed-tablet.png")

        # --- the head teacher, on a phone ------------------------------------------------
        phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        small = phone.new_page()
        e2e.watch(small, console=True)
        sign_in_and_wait(small, "head@oakfield.test", code=True)

        # On a phone the menu folds away behind one button.
        small.get_by_role("button", name="Menu").click()
        small.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Approval queue"
        ).click()
        expect(small.get_by_text("1 post: waiting for approval.")).to_be_visible()
        shoot(small, "3-queue-phone.png")
        small.get_by_role("link", name=re.compile("^Year 4 planted trees")).click()
        expect(
            small.get_by_role("heading", name=re.compile("^Review: Year 4 planted"))
        ).to_be_visible()
        expect(small.get_by_text("No identifiable face is left in this photo")).to_be_visible()
        shoot(small, "4-review-phone.png")

        small.get_by_role("button", name="Approve this post").click()
        confirm = small.get_by_role(
            "checkbox", name="Photo 1: No other identifiable person in this photo"
        )
        expect(confirm).to_be_focused()
        confirm.check()
        small.get_by_role("button", name="Approve this post").click()
        expect(
            small.get_by_text(
                re.compile(
                    r"^Approved(\. It is being published now| and published"
                    r"|\. It will be published) to the school website( in a moment)?\.$"
                )
            )
        ).to_be_visible(timeout=SLOW)
        shoot(small, "5-approved-phone.png")

    post = Post.objects.get()
    assert post.status in {"publishing", "published"}, (post.status, post.status_reason)
    [approval] = post.approvals.filter(voided_at__isnull=True)
    assert approval.confirmed_images == [post.images.get().pk]
    assert e2e.problems == []
