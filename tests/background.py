"""A real Celery worker with embedded beat, as deployed (local settings: tasks are not run
inline), on Redis and the test database, on a queue of its own so parallel test processes
sharing the broker never take each other's work. For tests of liveness and of work that
waits for a worker (issue 13). Needs PostgreSQL and Redis (`make test` sets both)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def require_services() -> str:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and DATABASE_URL=postgres://... (make test sets both)")
    return redis_url


class WorkerWithBeat:
    def __init__(self, *, tmp_path: Path, heartbeat_seconds: float, media_root: str) -> None:
        redis_url = require_services()
        db = connection.settings_dict
        self.queue = f"bg-{uuid.uuid4().hex[:8]}"
        self.log_path = tmp_path / f"{self.queue}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "backend.settings.local",
            "DATABASE_URL": (
                f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "HEARTBEAT_SECONDS": str(heartbeat_seconds),
            "VAR_DIR": str(tmp_path / "var"),
            "PRIVATE_MEDIA_ROOT": media_root,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        self.schedule = tmp_path / f"{self.queue}-beat"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--schedule",
                str(self.schedule),
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: beat runs in a child process that must die with it.
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean shutdown, nothing said."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_for(check: Any, *, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return False
