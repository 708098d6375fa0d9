"""What every end-to-end test needs: the built front end served by Django, Debian's
Chromium, and Playwright. Tests skip, saying why, when one is missing."""

import os
import shutil
from pathlib import Path
from typing import Any

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


def one_time_codes(user: Any) -> Any:
    """A function giving ``user``'s current one-time code. The device is read now (database
    work must happen before Playwright's sync API starts its event loop in this thread)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits
    return lambda: str(totp(key, step=step, t0=t0, digits=digits)).zfill(digits)


def sign_in_with_code(page: Any, base_url: str, email: str, code: Any) -> None:
    """Sign in with the test password and a one-time code (``code()`` gives it)."""
    page.goto(f"{base_url}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("One-time code").fill(code())
    page.get_by_role("button", name="Sign in").click()
