"""End to end (issue 13): the worker dies, and it does not go unnoticed. A real worker with
beat runs against the test database; it is killed (SIGKILL, as a crash); /healthz turns 503
naming the worker within two heartbeat periods, and a leader signed in through the real
page sees the banner. Needs PostgreSQL and Redis (a worker process must share the
database), the built front end, Chromium and Playwright; skips, saying why, without them."""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import Role
from tests.background import WorkerWithBeat, require_services, wait_for
from tests.e2e.support import PASSWORD, TABLET, front_end_ready, launch, screenshot_dir
from tests.factories import SchoolFactory, member

PERIOD = 4.0  # HEARTBEAT_SECONDS for this test


def healthz(base: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_killing_the_worker_turns_healthz_503_and_shows_a_leader_the_banner(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    reason = front_end_ready()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    require_services()
    expect = sync_api.expect
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as deployed: work needs a worker
    settings.HEARTBEAT_SECONDS = PERIOD

    # All database work first: Playwright's sync API runs an event loop in this thread.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    device = TOTPDevice.objects.get(user=head, confirmed=True)
    key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits

    worker = WorkerWithBeat(
        tmp_path=tmp_path, heartbeat_seconds=PERIOD, media_root=settings.MEDIA_ROOT
    )
    worker.start()
    try:
        assert wait_for(lambda: healthz(live_server.url)[0] == 200, timeout=180), (
            healthz(live_server.url),
            worker.log(),
        )
        with sync_api.sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_context(viewport=TABLET).new_page()
                page.goto(f"{live_server.url}/signin")
                page.get_by_label("Email").fill(head.email)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.get_by_label("One-time code").fill(
                    str(totp(key, step=step, t0=t0, digits=digits)).zfill(digits)
                )
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
                banner = page.get_by_role("alert", name="Background work has stopped")
                expect(banner).to_have_count(0)

                worker.kill()
                killed = time.monotonic()
                assert wait_for(lambda: healthz(live_server.url)[0] == 503, timeout=6 * PERIOD)
                noticed = time.monotonic() - killed
                status, body = healthz(live_server.url)
                assert status == 503 and "worker" in body["failing"], body
                assert body["worker"]["ok"] is False
                # Within two heartbeat periods (plus the half-second we look every).
                assert noticed <= 2 * PERIOD + 1.5, noticed

                page.reload()
                expect(banner).to_be_visible()
                expect(banner).to_contain_text("Background work has stopped since")
                expect(banner).to_contain_text("posts will not publish")
                expect(banner).to_contain_text("Tell your IT contact.")
                page.screenshot(path=str(screenshot_dir(tmp_path) / "background-stopped.png"))
            finally:
                browser.close()
    finally:
        worker.stop()
