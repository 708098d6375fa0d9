"""What every end-to-end test needs: the built front end served by Django, Debian's
Chromium, and Playwright. Tests skip, saying why, when one is missing. A test asks for the
``e2e`` fixture (conftest.py), a ``Browsing``, and opens Chromium with ``e2e.chromium()``
once its database work is done."""

import os
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"
TABLET = {"width": 820, "height": 1180}  # iPad Air, portrait
PHONE = {"width": 390, "height": 844}
# Refused on purpose: asking who is signed in before signing in, and the login that asks
# for the one-time code.
SIGN_IN_REFUSALS = ("/api/auth/me", "/api/auth/login")


def front_end_ready() -> str | None:
    """Why the test cannot run, or None."""
    index = Path(settings.FRONTEND_DIST) / "index.html"
    if not index.exists():
        return "frontend/dist/index.html is missing: run `make install` (npm run build) first"
    if Path(settings.FRONTEND_DIST) not in [Path(p) for p in settings.STATICFILES_DIRS]:
        return "frontend/dist was built after settings were imported: rerun pytest"
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium"),
        headless=True,
        args=CHROMIUM_ARGS,
    )


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $E2E_SCREENSHOTS to keep them, else the test's tmp dir."""
    wanted = os.environ.get("E2E_SCREENSHOTS")
    path = Path(wanted) if wanted else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def photograph(page: Any, path: Path, full_page: bool = True) -> None:
    """A screenshot once every photo has loaded (a half-loaded page shows nothing worth
    looking at)."""
    page.wait_for_function(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(path), full_page=full_page)


def one_time_codes(user: Any) -> Any:
    """A function giving ``user``'s current one-time code. The device is read now (database
    work must happen before Playwright's sync API starts its event loop in this thread)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits
    return lambda: str(totp(key, step=step, t0=t0, digits=digits)).zfill(digits)


def sign_in(page: Any, base_url: str, email: str) -> None:
    """Sign in with the test password (enough for staff, who have no one-time code)."""
    page.goto(f"{base_url}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in_with_code(page: Any, base_url: str, email: str, code: Any) -> None:
    """Sign in with the test password and a one-time code (``code()`` gives it)."""
    sign_in(page, base_url, email)
    page.get_by_label("One-time code").fill(code())
    page.get_by_role("button", name="Sign in").click()


def playwright_or_skip() -> Any:
    """Playwright's sync API, or skip the test saying what is missing (the build, Chromium or
    the playwright package)."""
    reason = front_end_ready()
    if reason:
        pytest.skip(reason)
    return pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )


@contextmanager
def chromium(sync_api: Any, failure_shots: Path | None = None) -> Iterator[Any]:
    """Debian's Chromium under Playwright, closed however the test ends. Start it after all
    database work: Playwright's sync API runs an event loop in this thread, and Django
    refuses ORM calls while one is running. With ``failure_shots``, a failing test leaves
    there a photograph of what each of its pages showed when it stopped."""
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        except Exception:
            if failure_shots is not None:
                pages = [page for context in browser.contexts for page in context.pages]
                for number, page in enumerate(pages):
                    path = failure_shots / f"failed-{number}.png"
                    page.screenshot(path=str(path), full_page=True)
            raise
        finally:
            browser.close()


def record_failed_requests(
    page: Any,
    problems: list[str],
    expected: tuple[str, ...] = SIGN_IN_REFUSALS,
    console: bool = False,
) -> Any:
    """Note in ``problems`` every request the page makes that fails (4xx/5xx), and with
    ``console`` every error the page logs, except those from URLs containing one of
    ``expected`` (by default asking who is signed in and signing in, which answer 403/400
    on purpose); returns the page."""

    def on_response(response: Any) -> None:
        if response.status >= 400 and not any(part in response.url for part in expected):
            problems.append(f"{response.status} {response.request.method} {response.url}")

    def on_console(message: Any) -> None:
        if message.type == "error" and not any(p in message.location["url"] for p in expected):
            problems.append(f"console: {message.text}")

    page.on("response", on_response)
    if console:
        page.on("console", on_console)
    return page


@dataclass
class Browsing:
    """What an end-to-end test drives Chromium with (the ``e2e`` fixture gives it): the
    live server's address, where screenshots go, and the failed requests noted so far.
    Starts no browser itself: ``chromium()`` does, after the test's database work."""

    sync_api: Any
    base_url: str
    shots: Path
    problems: list[str] = field(default_factory=list)

    @property
    def expect(self) -> Any:
        return self.sync_api.expect

    def chromium(self, photograph_failures: bool = False) -> AbstractContextManager[Any]:
        return chromium(self.sync_api, self.shots if photograph_failures else None)

    def watch(
        self, page: Any, expected: tuple[str, ...] = SIGN_IN_REFUSALS, console: bool = False
    ) -> Any:
        """Note the page's failed requests (and console errors) in ``problems``."""
        return record_failed_requests(page, self.problems, expected, console)

    def shoot(self, page: Any, name: str, full_page: bool = True) -> None:
        photograph(page, self.shots / name, full_page)

    def sign_in(self, page: Any, email: str) -> None:
        sign_in(page, self.base_url, email)

    def sign_in_with_code(self, page: Any, email: str, code: Any) -> None:
        sign_in_with_code(page, self.base_url, email, code)
