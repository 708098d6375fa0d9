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

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import Role
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from tests.e2e.support import PASSWORD, PHONE, TABLET, front_end_ready, launch, screenshot_dir
from tests.factories import SchoolFactory, member

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "faces" / "biden.jpg"
TEXT = "Year 4 planted trees in the school garden today. Well done, everyone!"
SLOW = 60_000  # ms: face detection on a CPU, plus the first load of the models


def test_a_post_goes_from_the_tablet_through_the_checks_to_approval(
    live_server: Any, transactional_db: None, tmp_path: Path
) -> None:
    reason = front_end_ready()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    expect = sync_api.expect
    shots = screenshot_dir(tmp_path)

    # All database work first: Playwright's sync API runs an event loop in this thread,
    # and Django refuses ORM calls while one is running.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    authenticator = TOTPDevice.objects.get(user=head, confirmed=True)
    key, step, t0, digits = (
        authenticator.bin_key,
        authenticator.step,
        authenticator.t0,
        authenticator.digits,
    )
    _, credential = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)

    def one_time_code() -> str:
        # What the head's authenticator app shows now (pure arithmetic: no database).
        return str(totp(key, step=step, t0=t0, digits=digits)).zfill(digits)

    problems: list[str] = []

    def shoot(page: Any, name: str) -> None:
        # Photos first: a screenshot of a half-loaded page shows nothing worth looking at.
        page.wait_for_function(
            "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        )
        page.screenshot(path=str(shots / name), full_page=True)

    def watch(page: Any, expected: tuple[str, ...] = ()) -> None:
        def on_response(response: Any) -> None:
            # Expected refusals: "who am I?" before signing in, and the login that asks
            # for the one-time code.
            if response.status >= 400 and not any(part in response.url for part in expected):
                problems.append(f"{response.status} {response.request.method} {response.url}")

        def on_console(message: Any) -> None:
            if message.type == "error" and not any(p in message.location["url"] for p in expected):
                problems.append(f"console: {message.text}")

        page.on("response", on_response)
        page.on("console", on_console)

    def sign_in(page: Any, email: str, code: bool = False) -> None:
        page.goto(f"{live_server.url}/signin")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if code:
            field = page.get_by_label("One-time code")
            expect(field).to_be_focused()
            field.fill(one_time_code())
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()

    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            # --- the teacher, on the school's iPad ---------------------------------------------
            tablet = browser.new_context(viewport=TABLET, has_touch=True)
            page = tablet.new_page()
            watch(page, expected=("/api/auth/me",))
            sign_in(page, "teacher@oakfield.test")

            page.get_by_role("navigation", name="Main").get_by_role(
                "link", name="This tablet"
            ).click()
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
            finding = page.locator(".finding").filter(
                has_text="A face in this photo is not identified"
            )
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
            watch(small, expected=("/api/auth/me", "/api/auth/login"))
            sign_in(small, "head@oakfield.test", code=True)

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
        finally:
            browser.close()

    post = Post.objects.get()
    assert post.status in {"publishing", "published"}, (post.status, post.status_reason)
    [approval] = post.approvals.filter(voided_at__isnull=True)
    assert approval.confirmed_images == [post.images.get().pk]
    assert problems == []
