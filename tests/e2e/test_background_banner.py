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

from backend.accounts.models import Role
from tests.background import WorkerWithBeat, require_services, wait_for
from tests.e2e.support import TABLET, Browsing, one_time_codes
from tests.factories import SchoolFactory, member

PERIOD = 4.0  # HEARTBEAT_SECONDS for this test


def healthz(base: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_killing_the_worker_turns_healthz_503_and_shows_a_leader_the_banner(
    e2e: Browsing, settings: Any, tmp_path: Path
) -> None:
    require_services()
    expect = e2e.expect
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as deployed: work needs a worker
    settings.HEARTBEAT_SECONDS = PERIOD

    # All database work first: Playwright's sync API runs an event loop in this thread.
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test", head_teacher=True)
    one_time_code = one_time_codes(head)

    worker = WorkerWithBeat(
        tmp_path=tmp_path, heartbeat_seconds=PERIOD, media_root=settings.MEDIA_ROOT
    )
    worker.start()
    try:
        assert wait_for(lambda: healthz(e2e.base_url)[0] == 200, timeout=180), (
            healthz(e2e.base_url),
            worker.log(),
        )
        with e2e.chromium() as browser:
            page = browser.new_context(viewport=TABLET).new_page()
            e2e.sign_in_with_code(page, head.email, one_time_code)
            expect(page.get_by_role("heading", name="Your schools and roles")).to_be_visible()
            banner = page.get_by_role("alert", name="Background work has stopped")
            expect(banner).to_have_count(0)

            worker.kill()
            killed = time.monotonic()
            # Beat's own heartbeat goes stale a moment before the worker's (beat records its
            # beat when it sends, the worker when it consumes): wait for the worker's.
            assert wait_for(
                lambda: "worker" in healthz(e2e.base_url)[1].get("failing", []),
                timeout=6 * PERIOD,
            )
            noticed = time.monotonic() - killed
            status, body = healthz(e2e.base_url)
            assert status == 503 and "worker" in body["failing"], body
            assert body["worker"]["ok"] is False
            # Within two heartbeat periods (plus the half-second we look every, and slack for
            # a loaded machine).
            assert noticed <= 2 * PERIOD + 3, noticed

            page.reload()
            expect(banner).to_be_visible()
            expect(banner).to_contain_text("Background work has stopped since")
            expect(banner).to_contain_text("posts will not publish")
            expect(banner).to_contain_text("Tell your IT contact.")
            page.screenshot(path=str(e2e.shots / "background-stopped.png"))
    finally:
        worker.stop()
