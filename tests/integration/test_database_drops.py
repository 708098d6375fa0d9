"""Fault run (c) of issue 16: PostgreSQL drops the app's connections under load
(``pg_terminate_backend``, as a restart or failover would). The app, a real gunicorn
process with persistent connections, answers every request either normally or with a 503
and a plain JSON message, never a 500, and serves normally again afterwards without being
restarted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from backend.accounts.models import Role
from backend.common.middleware import DATABASE_UNAVAILABLE
from tests.background import ROOT, require_services, wait_for
from tests.factories import SchoolFactory, member
from tests.integration.faults import free_port

pytestmark = pytest.mark.integration

APP_NAME = "fault-run-app"
LOAD_THREADS = 6
TERMINATIONS = 12


class AppServer:
    """gunicorn serving the app against the test database, its connections named so the
    test can find and drop them."""

    def __init__(self, tmp_path: Path) -> None:
        db = connection.settings_dict
        self.port = free_port()
        self.log_path = tmp_path / "gunicorn.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "backend.settings.test",
            "DATABASE_URL": (
                f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}?application_name={APP_NAME}"
            ),
            # Persistent connections: the dropped ones are found at the next request.
            "DB_CONN_MAX_AGE": "60",
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "backend.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                str(LOAD_THREADS),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@pytest.fixture
def app_server(transactional_db: None, tmp_path: Path) -> Iterator[AppServer]:
    require_services()
    server = AppServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _get(url: str, cookie: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body or b"{}")
        except ValueError:
            return error.code, {"raw": body[:200].decode(errors="replace")}
    except urllib.error.URLError as error:  # not listening (yet)
        return 0, {"raw": str(error.reason)}


def _drop_app_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [APP_NAME],
        )
        return int(cursor.fetchone()[0])


def test_dropped_database_connections_answer_503_then_the_app_recovers_by_itself(
    app_server: AppServer,
) -> None:
    teacher = member(SchoolFactory(slug="oakfield"), Role.STAFF, email="t@oakfield.test")
    browser = Client()
    browser.force_login(teacher)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={browser.cookies['sessionid'].value}"
    me = f"{app_server.url}/api/auth/me"
    assert wait_for(lambda: _get(me, cookie)[0] == 200, timeout=60), app_server.log()
    pid = app_server.proc.pid if app_server.proc else None

    answers: Counter[int] = Counter()
    unclear: list[dict[str, Any]] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            status, body = _get(me, cookie)
            answers[status] += 1
            if status != 200 and body.get("detail") != DATABASE_UNAVAILABLE:
                unclear.append({"status": status, **body})

    threads = [threading.Thread(target=load, daemon=True) for _ in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    dropped = 0
    for _ in range(TERMINATIONS):
        time.sleep(0.25)
        dropped += _drop_app_connections()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    after = [_get(me, cookie)[0] for _ in range(10)]
    print(f"fault-run (c): {dropped} connections dropped, answers {dict(answers)}")
    assert dropped > 0
    assert set(answers) <= {200, 503}, (dict(answers), unclear[:3], app_server.log())
    assert unclear == []
    assert after == [200] * 10
    assert app_server.proc is not None and app_server.proc.pid == pid  # never restarted
