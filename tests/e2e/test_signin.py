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
from typing import Any

import pytest

from backend.accounts.models import Role
from tests.e2e.support import PASSWORD, PHONE, TABLET, front_end_ready, launch
from tests.factories import SchoolFactory, member


def test_a_teacher_signs_in_and_sees_their_school_and_role(
    live_server: Any, transactional_db: None, tmp_path: Path
) -> None:
    reason = front_end_ready()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )

    # All database work first: Playwright's sync API runs an event loop in this thread,
    # and Django refuses ORM calls while one is running.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    member(school, Role.STAFF, email="teacher@oakfield.test")

    # The built page and its script really come from this server (whitenoise finders).
    html = urllib.request.urlopen(f"{live_server.url}/signin").read().decode()
    script = re.search(r'src="(/static/assets/[^"]+\.js)"', html)
    assert script, "the served index.html does not load the built script"
    with urllib.request.urlopen(f"{live_server.url}{script.group(1)}") as response:
        assert response.status == 200
        assert "javascript" in response.headers["Content-Type"]

    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            tablet = browser.new_context(viewport=TABLET, has_touch=True)
            page = tablet.new_page()

            def on_console(message: Any) -> None:
                # GET /api/auth/me answers 403 until someone signs in: expected.
                if message.type == "error" and "/api/auth/me" not in message.location["url"]:
                    problems.append(f"console: {message.text}")

            def on_response(response: Any) -> None:
                if response.status >= 400 and "/api/auth/me" not in response.url:
                    problems.append(f"{response.status} {response.url}")

            page.on("console", on_console)
            page.on("response", on_response)

            page.goto(f"{live_server.url}/")
            sync_api.expect(page).to_have_url(re.compile(r"/signin$"))
            page.get_by_label("Email").fill("teacher@oakfield.test")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()

            sync_api.expect(
                page.get_by_role("heading", name="Your schools and roles")
            ).to_be_visible()
            sync_api.expect(page).to_have_url(f"{live_server.url}/")
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
            small.goto(f"{live_server.url}/")
            sync_api.expect(
                small.get_by_role("heading", name="Your schools and roles")
            ).to_be_visible()
            small.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
        finally:
            browser.close()

    assert (tmp_path / "dashboard-tablet.png").stat().st_size > 0
    assert problems == []
