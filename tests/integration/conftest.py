"""Integration fixtures: a real Celery worker process on Redis, against the test database."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.integration.fake_x import FakeXServer

ROOT = Path(__file__).resolve().parents[2]


def _require_services() -> str:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and DATABASE_URL=postgres://... (make test sets both)")
    return redis_url


class WorkerProcess:
    def __init__(self, queue: str, env: dict[str, str]):
        self.queue, self.env, self.proc = queue, env, None  # type: ignore[var-annotated]

    def start(self) -> None:
        self.proc = subprocess.Popen(  # type: ignore[assignment]
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                self.queue,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def stop(self, *, kill: bool = False) -> str:
        if self.proc is None:
            return ""
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        out, _ = self.proc.communicate(timeout=30)
        self.proc = None
        return out.decode(errors="replace")


@pytest.fixture
def celery_worker_process(transactional_db: None, settings: Any) -> Iterator[WorkerProcess]:
    redis_url = _require_services()
    from backend.celery import app

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "PRIVATE_MEDIA_ROOT": settings.MEDIA_ROOT,
    }
    queue = f"it-{uuid.uuid4().hex[:8]}"
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    worker = WorkerProcess(queue, env)
    worker.start()
    time.sleep(0.5)
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.update(task_always_eager=saved[0], broker_url=saved[1], result_backend=saved[2])


@pytest.fixture
def fake_x_server() -> Iterator[FakeXServer]:
    server = FakeXServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
