"""End to end, the teacher's and the head teacher's journeys of issue 17, in Chromium
against the live server, with real photos, real face detection and real recognition:

The teacher, on the school's tablet, is offered only the channels the school has connected
(item 6), drafts "Well done Amara Okoye and Leo at sports day!" with three photos: Amara
(enrolled, consent on file), Leo (enrolled, no photo consent) and a visiting adult nobody
enrolled. The checks block it. "Use the first name only" applies at once with Undo (item 1);
the message under the status says what the checks say now, never a stale "running" (item 2);
"Blur all faces without consent" fixes Leo in one tap; the adult is tagged as an adult with
consent on file. The post waits for approval.

The head teacher, on a phone, sees who tagged the adult and when beside that face (item 11),
taps the photo to open it full screen, pinches to zoom (a real two-finger touch gesture
through Chromium's DevTools protocol) with the face numbers outside the faces (item 8), and
approves. The post is on the school's website feed, Leo blurred. Opening the post recorded
on the server the version the head teacher saw (item 9).

Screenshots: set E2E_SCREENSHOTS=/some/dir to keep them.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from backend.accounts.models import Role, School, User
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from consent.models import Purpose
from moderation.models import Post, PostSeen
from tests.e2e.support import PHONE, TABLET, Browsing, one_time_codes
from tests.factories import SchoolFactory, member
from tests.moderation.factories import (
    ALL_PHOTO,
    FIXTURES,
    enrol,
    open_dpia,
    person,
    record,
    submitted,
)
from tests.publishers.factories import connect

TEXT = "Well done Amara Okoye and Leo at sports day!"
FIXED_TEXT = "Well done Amara and Leo at sports day!"
ADULT = "Mrs Collins (governor)"
SLOW = 90_000  # ms: face detection and recognition on a shared CPU


def _oakfield() -> School:
    # factory_boy's result is typed as the factory; the models below want the School.
    return SchoolFactory(slug="oakfield", name="Oakfield Primary")


@dataclass
class World:
    """What the journey starts from, made before the browser starts (Playwright's sync API
    runs an event loop in this thread, and Django refuses the ORM while one runs)."""

    teacher: User
    head: User
    code: Callable[[], str]
    credential: str
    photos: list[Path]


def _world(folder: Path) -> World:
    school = _oakfield()
    open_dpia(school)
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    amara = person(school, "Amara", "Okoye", mis_id="AO1")
    record(amara, Purpose.BIOMETRIC, Purpose.FIRST_NAME_ONLY, *ALL_PHOTO)
    enrol(amara, "obama.jpg")
    leo = person(school, "Leo", "Hart", mis_id="LH1")
    record(leo, Purpose.BIOMETRIC)  # recognised, but no consent to appear in photos
    enrol(leo, "biden.jpg")
    connect(school, "x", enabled=False)
    _, credential = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    photos = [FIXTURES / "obama2.jpg", FIXTURES / "biden.jpg", _adult_photo(folder)]
    return World(teacher, head, one_time_codes(head), credential, photos)


def _adult_photo(folder: Path) -> Path:
    """The astronaut's face without her mission patch (which HOG takes for a face too)."""
    path = folder / "visitor.jpg"
    with Image.open(FIXTURES / "astronaut.jpg") as photo:
        photo.crop((95, 0, 345, 250)).resize((500, 500)).save(path, "JPEG", quality=92)
    return path


def _overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


class Journey:
    """The browser side: one method per stretch of the journey, each as its person does it."""

    def __init__(self, e2e: Browsing) -> None:
        self.e2e = e2e
        self.expect = e2e.expect
        self.shoot = e2e.shoot

    def settled(self, page: Any) -> None:
        """The flash once the checks have answered: it says what they say now (item 2)."""
        flash = page.locator(".flash")
        self.expect(flash).to_contain_text("The checks say:", timeout=SLOW)
        self.expect(flash).not_to_contain_text("running")

    def teacher_drafts(self, page: Any, world: World) -> None:
        expect = self.expect
        self.e2e.sign_in(page, "teacher@oakfield.test")
        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_role("link", name="This tablet").click()
        page.get_by_label("Device credential").fill(world.credential)
        page.get_by_role("button", name="Save on this tablet").click()
        expect(page.get_by_text("Checked with the server: this is")).to_be_visible()

        nav.get_by_role("link", name="New post").click()
        # Item 6: X is switched off, Facebook and Instagram are not connected.
        not_offered = re.compile(r"^Not offered: X, Facebook, Instagram\.")
        expect(page.get_by_text(not_offered)).to_be_visible()
        expect(page.get_by_role("checkbox")).to_have_count(1)
        page.get_by_label("Text", exact=True).fill(TEXT)
        page.get_by_role("button", name="Save draft and add photos").click()
        expect(page.get_by_role("heading", name="Draft post", level=1)).to_be_visible()
        alts = ("Running the relay", "Holding the cup", "Our visitor")
        for number, (photo, alt) in enumerate(zip(world.photos, alts, strict=True), start=1):
            page.get_by_label("Photo", exact=True).set_input_files(str(photo))
            page.get_by_label("Describe the photo (alt text)").fill(alt)
            page.get_by_role("button", name="Add photo").click()
            heading = page.get_by_role("heading", name=f"Photo {number}", exact=True)
            expect(heading).to_be_visible()

        page.get_by_role("button", name="Send for checks").click()
        expect(page.locator(".status-panel")).to_contain_text("Blocked", timeout=SLOW)
        self.settled(page)
        self.shoot(page, "j1-blocked-tablet.png")

    def teacher_fixes(self, page: Any) -> None:
        expect = self.expect
        flash = page.locator(".flash")
        # Item 1: one tap, applied at once, with Undo.
        name = page.locator(".finding").filter(has_text="Amara Okoye")
        name.get_by_role("button", name="Use the first name only").click()
        expect(flash).to_contain_text("Changed “Amara Okoye” to “Amara”.")
        expect(page.get_by_role("button", name=re.compile("^Undo"))).to_be_visible()
        self.settled(page)

        # The visitor: an adult whose consent is on file, tagged by the teacher.
        unknown = page.locator(".finding").filter(has_text="A face in this photo is not identified")
        unknown.get_by_role("button", name="Tag this face").click()
        page.get_by_label("An adult whose photo consent is on file").check()
        page.get_by_label("The adult's name").fill(ADULT)
        page.get_by_label(re.compile("^I confirm this is an adult")).check()
        page.get_by_role("button", name="Tag as adult with consent").click()
        expect(flash).to_contain_text(f"as {ADULT}, an adult with consent")
        self.settled(page)

        # Leo has no photo consent: one tap blurs him (and any face not yet tagged).
        page.get_by_role("button", name="Blur all faces without consent").click()
        expect(flash).to_contain_text("Blurred every face without consent.")
        self.settled(page)
        expect(page.get_by_text(FIXED_TEXT)).to_be_visible()  # no name flagged any more
        expect(page.locator(".status-panel")).to_contain_text("Waiting for approval")
        self.shoot(page, "j2-ready-tablet.png")

    def leader_opens_the_post(self, small: Any, world: World) -> Any:
        expect = self.expect
        self.e2e.sign_in_with_code(small, "head@oakfield.test", world.code)
        small.get_by_role("button", name="Menu").click()
        nav = small.get_by_role("navigation", name="Main")
        nav.get_by_role("link", name="Approval queue").click()
        small.get_by_role("link", name=FIXED_TEXT).click()
        title = re.compile("^Review: Well done")
        expect(small.get_by_role("heading", name=title)).to_be_visible()

        # Item 11: who tagged the adult, and when, beside that face.
        visitor = small.get_by_role("article", name="Photo 3")
        tagged = (
            rf"Tagged as an adult by {re.escape(str(world.teacher))}, \d{{1,2}} \w{{3}} \d{{4}}"
        )
        adult = visitor.locator(".face-item").filter(has_text=ADULT)
        expect(adult).to_contain_text(re.compile(tagged))

        # Item 8: the face's number sits beside the face, not on it.
        face_box = visitor.locator(".face-box").first.bounding_box()
        badge = visitor.locator(".face-box__number").first.bounding_box()
        assert face_box and badge and not _overlaps(face_box, badge), (face_box, badge)
        return visitor

    def leader_pinches_the_photo(self, phone: Any, small: Any, visitor: Any) -> None:
        """Item 8: tap the photo for full screen, then a real two-finger pinch (touch events
        through Chromium's DevTools protocol, as a phone's screen sends them)."""
        expect = self.expect
        visitor.get_by_role("img", name="Our visitor").click()
        viewer = small.get_by_role("dialog", name="Photo 3")
        frame = viewer.get_by_test_id("viewer-frame")
        expect(frame).to_have_attribute("data-zoom", "1.00")
        box = frame.bounding_box()
        assert box
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

        def fingers(spread: float) -> list[dict[str, float]]:
            return [{"x": cx - spread, "y": cy, "id": 0}, {"x": cx + spread, "y": cy, "id": 1}]

        touch = phone.new_cdp_session(small)
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": fingers(40)})
        for spread in (60, 80, 100, 120):
            move = {"type": "touchMove", "touchPoints": fingers(spread)}
            touch.send("Input.dispatchTouchEvent", move)
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        expect(frame).to_have_attribute("data-zoom", re.compile(r"^(2|3)\.\d\d$"))
        zoomed = frame.bounding_box()
        assert zoomed and zoomed["width"] > box["width"] * 1.9
        faces = viewer.get_by_role("list", name="Faces in this photo")
        expect(faces).to_contain_text("Tagged as an adult by")
        self.shoot(small, "j3-zoomed-phone.png", full_page=False)
        viewer.get_by_role("button", name="Close").click()
        expect(viewer).to_have_count(0)

    def leader_approves(self, small: Any) -> None:
        small.get_by_role("button", name="Approve this post").click()
        for number in (1, 2, 3):
            confirm = f"Photo {number}: No other identifiable person in this photo"
            small.get_by_role("checkbox", name=confirm).check()
        small.get_by_role("button", name="Approve this post").click()
        self.expect(small.get_by_text(re.compile(r"^Approved"))).to_be_visible(timeout=SLOW)
        self.shoot(small, "j4-approved-phone.png")

        small.goto(f"{self.e2e.base_url}/news/oakfield/")
        self.expect(small.get_by_text(FIXED_TEXT).first).to_be_visible(timeout=SLOW)
        self.shoot(small, "j5-website-phone.png")


def test_a_teacher_fixes_a_post_in_one_tap_and_a_leader_on_a_phone_approves_it(
    e2e: Browsing, tmp_path: Path
) -> None:
    world = _world(tmp_path)
    journey = Journey(e2e)

    # On failure, what each screen showed when the journey stopped.
    with e2e.chromium(photograph_failures=True) as browser:
        tablet = browser.new_context(viewport=TABLET, has_touch=True).new_page()
        e2e.watch(tablet, expected=("/api/auth/me",))
        journey.teacher_drafts(tablet, world)
        journey.teacher_fixes(tablet)

        phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        small = phone.new_page()
        e2e.watch(small)
        visitor = journey.leader_opens_the_post(small, world)
        journey.leader_pinches_the_photo(phone, small, visitor)
        journey.leader_approves(small)

    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED, (post.status, post.status_reason)
    assert post.text == FIXED_TEXT
    assert PostSeen.objects.filter(post=post, user=world.head).exists()  # item 9
    assert e2e.problems == []


CHOIR = "Choir at 3pm in the hall on Friday."
CHOIR_NOW = "Choir at 4pm in the main hall on Friday."
ASKED = "Say which hall, please: we have two."
HOME = "Your schools and roles"


def test_changes_asked_on_a_laptop_reach_the_teachers_home_and_a_phone_shows_the_words_changed(
    e2e: Browsing,
) -> None:
    """Items 5 and 9: the head asks for changes on a laptop; the teacher's home page says so
    with the comment; after the teacher's edit, the head on a phone (another device: nothing
    in the browser carries over) sees exactly which words changed since the laptop."""
    expect = e2e.expect
    school = _oakfield()
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    current_code = one_time_codes(head)
    used: set[str] = set()

    def code() -> str:
        # A one-time code signs in once: the second device waits for the next one.
        while (now := current_code()) in used:
            time.sleep(1)
        used.add(now)
        return now

    device, credential = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    post = submitted(teacher, device, text=CHOIR)
    assert post.status == Post.Status.AWAITING_APPROVAL, (post.status, post.status_reason)
    review = f"{e2e.base_url}/queue/{post.pk}"

    with e2e.chromium() as browser:
        laptop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        e2e.watch(laptop)
        e2e.sign_in_with_code(laptop, "head@oakfield.test", code)
        expect(laptop.get_by_role("heading", name=HOME)).to_be_visible()
        laptop.goto(review)
        expect(laptop.get_by_role("heading", name="Changed since you last looked")).to_have_count(0)
        laptop.get_by_role("button", name="Request changes").click()
        laptop.get_by_label("What needs changing?").fill(ASKED)
        laptop.get_by_role("button", name="Request changes").last.click()
        expect(laptop.get_by_text("Changes requested. The author has been told.")).to_be_visible()

        tablet = browser.new_context(viewport=TABLET, has_touch=True).new_page()
        e2e.watch(tablet, expected=("/api/auth/me",))
        tablet.add_init_script(
            f"localStorage.setItem('school-post-queue.device-credential', {credential!r})"
        )
        e2e.sign_in(tablet, "teacher@oakfield.test")
        changes = tablet.get_by_role("region", name="1 post needs your changes")
        expect(changes).to_contain_text(f"The leader said: “{ASKED}”")
        e2e.shoot(tablet, "k1-home-changes-tablet.png")
        changes.get_by_role("link", name=CHOIR).click()
        tablet.get_by_role("button", name="Edit text, channels or time").click()
        tablet.get_by_label("Text", exact=True).fill(CHOIR_NOW)
        tablet.get_by_role("button", name="Save and check again").click()
        expect(tablet.locator(".status-panel")).to_contain_text(
            "Waiting for approval", timeout=SLOW
        )

        phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        small = phone.new_page()
        e2e.watch(small)
        e2e.sign_in_with_code(small, "head@oakfield.test", code)
        expect(small.get_by_role("heading", name=HOME)).to_be_visible()
        small.goto(review)
        changed = small.get_by_role("region", name=re.compile("^Changed since you last looked"))
        expect(changed).to_contain_text("version 1 → 2")
        text = changed.get_by_label("The text now, with its changes")
        expect(text.locator("del")).to_have_text([re.compile(r"^removed: 3pm\s*$")])
        expect(text.locator("ins")).to_have_text(
            [re.compile(r"^added: 4pm\s*$"), re.compile(r"^added: main\s*$")]
        )
        e2e.shoot(small, "k2-changed-words-phone.png")

    assert e2e.problems == []
