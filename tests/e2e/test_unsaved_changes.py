"""End to end, item 1 of issue 17 in Chromium: unsaved text is never thrown away without
asking. A teacher changes a draft's text on the tablet and follows "Back to my posts": the
app asks in its own dialog; she stays and the text is still there. The nav bar's "My posts"
asks too, and leaving goes. Closing the tab with unsaved text gets the browser's own question.

Screenshots: set E2E_SCREENSHOTS=/some/dir to keep them.
"""

import re
from typing import Any

from backend.accounts.models import Role
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from tests.e2e.support import TABLET, Browsing
from tests.factories import SchoolFactory, member
from tests.moderation.factories import draft

QUESTION = "You have changes you haven't saved. Leave and lose them?"
TYPED = "Year 4 planted trees today. Well done, everyone!"


def test_leaving_a_half_edited_post_inside_the_app_asks_first(e2e: Browsing) -> None:
    expect = e2e.expect
    # All database work first: Playwright's sync API runs an event loop in this thread.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    device, _ = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    post = draft(teacher, device, text="Year 4 planted trees today.")
    post_url = f"{e2e.base_url}/posts/{post.pk}"

    with e2e.chromium(photograph_failures=True) as browser:
        page = browser.new_context(viewport=TABLET, has_touch=True).new_page()
        e2e.watch(page, expected=("/api/auth/me",), console=True)
        e2e.sign_in(page, "teacher@oakfield.test")
        expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
        page.goto(post_url)

        def type_a_change() -> None:
            text = page.get_by_label("Text", exact=True)
            text.click()
            text.fill(TYPED)

        type_a_change()
        page.get_by_role("link", name="Back to my posts").click()
        question = page.get_by_role("alertdialog", name=QUESTION)
        expect(question).to_be_visible()
        expect(question.get_by_role("button", name="Stay and keep editing")).to_be_focused()
        e2e.shoot(page, "unsaved-changes-question-tablet.png", full_page=False)

        question.get_by_role("button", name="Stay and keep editing").click()
        expect(question).to_be_hidden()
        expect(page).to_have_url(post_url)
        expect(page.get_by_label("Text", exact=True)).to_have_value(TYPED)

        page.get_by_role("navigation", name="Main").get_by_role("link", name="My posts").click()
        question.get_by_role("button", name="Leave and lose them").click()
        expect(page.get_by_role("heading", name="My posts", level=1)).to_be_visible()
        expect(page).to_have_url(re.compile(r"/posts$"))

        # Closing the tab with unsaved text: the browser's own question; answering no keeps it.
        page.goto(post_url)
        type_a_change()
        asked: list[str] = []

        def answer_stay(dialog: Any) -> None:
            asked.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", answer_stay)
        page.close(run_before_unload=True)
        expect(page.get_by_label("Text", exact=True)).to_have_value(TYPED)
        assert asked == ["beforeunload"]
        assert not e2e.problems, e2e.problems
