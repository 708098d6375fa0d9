"""Accessibility of every main screen (issue 17), in Chromium against the live server.

axe-core (frontend/node_modules/axe-core, a dev dependency) checks each screen at a tablet
(820 px) and a phone (390 px) width, signed in as the role that uses it: no serious or
critical violation of WCAG 2.2 AA. On every one of those screens, at both widths, a keyboard
user reaches every control with Tab from the top, and each control shows where focus is.
Every screen is photographed at 390, 820 and 1280 px wide (set E2E_SCREENSHOTS=/some/dir
to keep them).

One browser for the module; each role's screens reuse one page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings

from backend.accounts.models import Role, School
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from consent.models import Contact, Person
from moderation.comments.models import Comment
from publishers.services import website_comment_submit
from tests.comments.conftest import website_entry
from tests.e2e.support import PHONE, TABLET, Browsing, one_time_codes
from tests.factories import SchoolFactory, member
from tests.moderation.factories import draft, submitted

AXE = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
LAPTOP = {"width": 1280, "height": 800}
THREAT = "I know where you live. Watch your back"

# What axe reports, reduced to what a reader of a failure needs.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ")),
  }));
}"""

# The controls a keyboard user must be able to reach: every visible, enabled element that
# takes focus. Radio buttons of one group are one stop (arrow keys move within it).
# Each focus the walk makes is recorded: which control, whether it is on screen and shows
# a focus indicator.
START_WALK = """() => {
  const native = "a[href], button, input, select, textarea, summary";
  const controls = [...document.querySelectorAll(`${native}, [tabindex]`)].filter((el) => {
    // A native control taken out of the Tab order (tabindex="-1") is still one to reach.
    if (el.tabIndex < 0 && !el.matches(native)) return false;
    if (el.matches(":disabled, input[type=hidden]") || el.closest("[inert]")) return false;
    const box = el.getBoundingClientRect();
    // checkVisibility: not in a folded <details>, not display: none or visibility: hidden.
    return box.width > 0 && box.height > 0 && el.checkVisibility({ visibilityProperty: true });
  });
  const name = (el) =>
    el.type === "radio" && el.name ? `radio group ${el.name}` : el.outerHTML.slice(0, 120);
  // Named before the walk: focusing may restyle a control and so change its HTML.
  const names = new Map(controls.map((el) => [el, name(el)]));
  const stop = (el) => names.get(el) ?? name(el);
  // Something that looks clickable (a pointer cursor) but is no control cannot be used
  // from the keyboard at all.
  const pointers = [...document.body.querySelectorAll("*")].filter(
    (el) =>
      getComputedStyle(el).cursor === "pointer" &&
      getComputedStyle(el.parentElement).cursor !== "pointer" &&
      !el.closest(`${native}, label, [tabindex]`) &&
      el.checkVisibility({ visibilityProperty: true }),
  );
  window.__walk = {
    stops: [...names.values(), ...pointers.map((el) => `clickable ${el.outerHTML.slice(0, 120)}`)],
    reached: [],
    unindicated: [],
  };
  // Start from the top of the page, wherever the screen put focus when it drew.
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute("tabindex");
  document.addEventListener("focusin", (event) => {
    const el = event.target;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const indicated = outlined || style.boxShadow !== "none";
    if (!(box.width > 0 && box.height > 0) || !indicated) window.__walk.unindicated.push(stop(el));
    window.__walk.reached.push(stop(el));
  }, true);
  return controls.length;
}"""

WALK_RESULT = """() => {
  const reached = new Set(window.__walk.reached);
  return {
    unreached: [...new Set(window.__walk.stops.filter((stop) => !reached.has(stop)))],
    unindicated: [...new Set(window.__walk.unindicated)],
  };
}"""


@dataclass(frozen=True)
class World:
    base: str
    head_code: Callable[[], str]
    teacher_screens: dict[str, str]
    head_screens: dict[str, str]


@pytest.fixture
def world(e2e: Browsing) -> World:
    """A school with something on every screen; all database work before Playwright."""
    school = cast(School, SchoolFactory(slug="oakfield", name="Oakfield Primary"))
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(
        school,
        *(Role.LEADER, Role.STAFF, Role.TRUST_ADMIN, Role.CONSENT_ADMIN),
        email="head@oakfield.test",
        head_teacher=True,  # R13: sees escalated comments
    )
    device, _ = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    mine = draft(teacher, device, text="Harvest festival: thank you for the donations!")
    waiting = submitted(teacher, device, text="Year 5 visited the museum today.")
    entry = website_entry(school, teacher, text="Sports day was brilliant!")
    website_comment_submit(entry=entry, author_name="A Parent", text=THREAT)
    amelia = Person.objects.create(
        school=school, kind="pupil", mis_id="A123", legal_first_name="Amelia",
        last_name="Jones", year_group="Year 4", registration_group="4B",
    )  # fmt: skip
    Contact.objects.create(
        person=amelia, name="Mum Jones", relationship="Mother", has_parental_responsibility=True
    )
    threat = Comment.objects.get(school=school, escalated=True)  # held by the screening
    s = school.pk
    return World(
        base=e2e.base_url,
        head_code=one_time_codes(head),
        teacher_screens={
            "home": "/",
            "new-post": "/posts/new",
            "my-posts": "/posts",
            "post": f"/posts/{mine.pk}",
            "this-tablet": "/this-tablet",
            "consent-lookup": f"/consent/{s}",
        },
        head_screens={
            "queue": "/queue",
            "review": f"/queue/{waiting.pk}",
            "publishing": "/publishing",
            "takedowns": "/takedowns",
            "comments": "/comments",
            "comment": f"/comments/{threat.pk}",
            "screening": "/comments/settings",
            "channels": "/channels",
            "devices": "/devices",
            "roles": "/roles",
            "person": f"/consent/{s}/people/{amelia.pk}",
            "import": f"/consent/{s}/imports",
        },
    )


@pytest.fixture
def browser(world: World, e2e: Browsing) -> Iterator[tuple[Any, Any]]:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: npm install in frontend/")
    with e2e.chromium() as opened:
        yield opened, e2e.expect


def _settle(page: Any, expect: Any) -> None:
    """The screen has drawn: its heading is shown and nothing is still loading."""
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator(".loading")).to_have_count(0)


def _check_every_screen(
    page: Any, expect: Any, base: str, screens: dict[str, str], shots: Path
) -> list[str]:
    """axe at the tablet and phone widths, a photograph at each of the three widths."""
    found: list[str] = []
    for size in (TABLET, PHONE, LAPTOP):
        page.set_viewport_size(size)
        for name, path in screens.items():
            page.goto(f"{base}{path}")
            _settle(page, expect)
            page.screenshot(path=str(shots / f"{name}-{size['width']}.png"), full_page=True)
            if size is LAPTOP:
                continue
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(RUN_AXE, WCAG_22_AA):
                if violation["impact"] in BLOCKING:
                    found.append(f"{name} at {size['width']} px: {violation}")
    return found


def _walk_by_keyboard(page: Any, expect: Any, base: str, screens: dict[str, str]) -> list[str]:
    """Tab through each screen from the top at the tablet and phone widths: every control
    is reached and shows focus."""
    problems: list[str] = []
    for size, (screen, path) in product((TABLET, PHONE), screens.items()):
        page.set_viewport_size(size)
        name = f"{screen} at {size['width']} px"
        page.goto(f"{base}{path}")
        _settle(page, expect)
        controls = page.evaluate(START_WALK)
        # A date field takes a Tab for each of its parts, so the number of presses is not
        # the number of controls: press on until all are reached, or well past it.
        for _ in range(0, 3 * controls + 10, 10):
            for _ in range(10):
                page.keyboard.press("Tab")
            walk = page.evaluate(WALK_RESULT)
            if not walk["unreached"]:
                break
        problems += [f"{name}: Tab never reaches {stop}" for stop in walk["unreached"]]
        problems += [f"{name}: no visible focus on {stop}" for stop in walk["unindicated"]]
    return problems


def test_every_main_screen_has_no_serious_accessibility_problem_at_tablet_and_phone_widths(
    world: World, browser: tuple[Any, Any], e2e: Browsing
) -> None:
    chromium, expect = browser
    shots = e2e.shots
    found: list[str] = []

    anonymous = chromium.new_context(has_touch=True).new_page()
    found += _check_every_screen(anonymous, expect, world.base, {"signin": "/signin"}, shots)

    teacher = chromium.new_context(has_touch=True).new_page()
    e2e.sign_in(teacher, "teacher@oakfield.test")
    expect(teacher.get_by_role("heading", name="Your schools and roles")).to_be_visible()
    found += _check_every_screen(teacher, expect, world.base, world.teacher_screens, shots)

    head = chromium.new_context(has_touch=True).new_page()
    e2e.sign_in_with_code(head, "head@oakfield.test", world.head_code)
    expect(head.get_by_role("heading", name="Your schools and roles")).to_be_visible()
    found += _check_every_screen(head, expect, world.base, world.head_screens, shots)

    assert found == []


def test_every_main_screen_is_operable_by_keyboard_with_visible_focus(
    world: World, browser: tuple[Any, Any], e2e: Browsing
) -> None:
    chromium, expect = browser
    problems: list[str] = []

    anonymous = chromium.new_context(viewport=TABLET).new_page()
    problems += _walk_by_keyboard(anonymous, expect, world.base, {"signin": "/signin"})

    teacher = chromium.new_context(viewport=TABLET).new_page()
    e2e.sign_in(teacher, "teacher@oakfield.test")
    expect(teacher.get_by_role("heading", name="Your schools and roles")).to_be_visible()
    problems += _walk_by_keyboard(teacher, expect, world.base, world.teacher_screens)

    head = chromium.new_context(viewport=TABLET).new_page()
    e2e.sign_in_with_code(head, "head@oakfield.test", world.head_code)
    expect(head.get_by_role("heading", name="Your schools and roles")).to_be_visible()
    problems += _walk_by_keyboard(head, expect, world.base, world.head_screens)

    assert problems == []


def test_an_escalated_comment_is_decided_with_the_keyboard_alone(
    world: World, browser: tuple[Any, Any], e2e: Browsing
) -> None:
    chromium, expect = browser
    head = chromium.new_context(viewport=TABLET).new_page()
    e2e.sign_in_with_code(head, "head@oakfield.test", world.head_code)
    expect(head.get_by_role("heading", name="Your schools and roles")).to_be_visible()
    head.goto(f"{world.base}{world.head_screens['comment']}")
    _settle(head, expect)
    keep = head.get_by_role("region", name="Decide").get_by_role("button", name="Keep hidden")
    for _ in range(60):
        head.keyboard.press("Tab")
        if keep.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached 'Keep hidden'")
    head.keyboard.press("Enter")
    expect(head.get_by_text("Done: kept hidden.", exact=False)).to_be_visible()
