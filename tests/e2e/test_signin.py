"""End to end: a teacher signs in through the real page, served by Django from the built
front end, in Debian's Chromium driven by Playwright.

Builds nothing itself: `make install` (or `cd frontend && npm ci && npm run build`) must
have made frontend/dist before pytest starts, because settings pick up STATICFILES_DIRS
when they are imported. Skips, saying why, when the build, Chromium or Playwright is
missing.
"""

import re
import urllib.request
from pathlib import Path

from backend.accounts.models import Role
from tests.e2e.support import PASSWORD, PHONE, TABLET, Browsing
from tests.factories import SchoolFactory, member


def test_a_teacher_signs_in_and_sees_their_school_and_role(e2e: Browsing, tmp_path: Path) -> None:
    sync_api = e2e.sync_api

    # All database work first: Playwright's sync API runs an event loop in this thread,
    # and Django refuses ORM calls while one is running.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    member(school, Role.STAFF, email="teacher@oakfield.test")

    # The built page and its script really come from this server (whitenoise finders).
    html = urllib.request.urlopen(f"{e2e.base_url}/signin").read().decode()
    script = re.search(r'src="(/static/assets/[^"]+\.js)"', html)
    assert script, "the served index.html does not load the built script"
    with urllib.request.urlopen(f"{e2e.base_url}{script.group(1)}") as response:
        assert response.status == 200
        assert "javascript" in response.headers["Content-Type"]

    with e2e.chromium() as browser:
        tablet = browser.new_context(viewport=TABLET, has_touch=True)
        page = tablet.new_page()
        # GET /api/auth/me answers 403 until someone signs in: expected.
        e2e.watch(page, expected=("/api/auth/me",), console=True)

        page.goto(f"{e2e.base_url}/")
        sync_api.expect(page).to_have_url(re.compile(r"/signin$"))
        # The form the redirect showed, not a fresh /signin.
        page.get_by_label("Email").fill("teacher@oakfield.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        sync_api.expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
        sync_api.expect(page).to_have_url(f"{e2e.base_url}/")
        sync_api.expect(
            page.get_by_role("heading", name="Oakfield Primary", exact=True)
        ).to_be_visible()
        sync_api.expect(
            page.get_by_role("list", name="Your roles at Oakfield Primary")
        ).to_have_text("Staff")
        nav = page.get_by_role("navigation", name="Main")
        sync_api.expect(nav.get_by_role("link", name="New post")).to_be_visible()
        sync_api.expect(nav.get_by_role("link", name="My posts")).to_be_visible()
        sync_api.expect(nav.get_by_role("link", name="Approval queue")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "dashboard-tablet.png"), full_page=True)

        # The same session on a phone-sized screen.
        phone = browser.new_context(
            viewport=PHONE, has_touch=True, is_mobile=True, storage_state=tablet.storage_state()
        )
        small = phone.new_page()
        small.goto(f"{e2e.base_url}/")
        sync_api.expect(small.get_by_role("heading", name="Your schools and roles")).to_be_visible()
        small.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)

    assert (tmp_path / "dashboard-tablet.png").stat().st_size > 0
    assert e2e.problems == []
