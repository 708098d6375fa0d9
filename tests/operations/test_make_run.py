"""`make run`'s embedded stack (scripts/run_embedded.py, issue 13): serves on the port given
with feed links on that port, prints the demo logins last, stops web, worker and beat
together on SIGTERM, and a second start serves in under 15 seconds."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED_ONLY = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                 "CELERY_TASK_ALWAYS_EAGER", "PUBLIC_BASE_URL", "RUN_ADDR"}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answering(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """What `make run` does once installed: prepare, then run. Seconds until it answers."""
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", "embedded_prepare"], cwd=ROOT, env=env, check=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "scripts/run_embedded.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    port = int(env["PORT"])
    deadline = time.monotonic() + 240
    while not _answering(port):
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)
    return proc, time.monotonic() - started


def _stop(proc: subprocess.Popen[bytes], port: int) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    assert not _answering(port), "something still holds the port"


def test_run_serves_on_the_port_given_with_feed_links_on_it_and_restarts_fast(
    tmp_path: Path,
) -> None:
    port = _free_port()
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_ONLY}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "backend.settings.local", "VAR_DIR": str(var), "PORT": str(port)}
    )
    log = tmp_path / "run.log"

    proc, _ = _start(env, log)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/news/demo/feed.rss") as feed:
            rss = feed.read().decode()
        assert f"http://127.0.0.1:{port}/news/demo/" in rss
        assert "127.0.0.1:8000" not in rss
        deadline = time.monotonic() + 60
        while "Every demo user's password" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        printed = log.read_text()
        # The logins come last, in a box, and are kept in var/demo-logins.txt.
        assert "| Demo tablet credential (X-Device-Token): " in printed
        assert "demo-school-2026" in (var / "demo-logins.txt").read_text()
        assert (var / "log" / "worker.log").exists()
    finally:
        _stop(proc, port)

    again, seconds = _start(env, log)
    _stop(again, port)
    assert seconds < 15, f"a second start took {seconds:.1f} s"
