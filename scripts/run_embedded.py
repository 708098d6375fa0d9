"""The embedded default (`make run`): the web server, and a Celery worker with beat on the
embedded broker, started and stopped together. Nothing else to install or start.

- Serves on RUN_ADDR (host:port), or 127.0.0.1:$PORT, default 127.0.0.1:8000; links in
  emails and the website feed follow it (PUBLIC_BASE_URL, unless set).
- Ctrl-C, SIGTERM or SIGHUP stop web, worker and beat together; nothing keeps the port.
- The worker's logs go to var/log/worker.log; a worker that dies is started again (and
  said so on the console), so background work never stops silently.
- Once the server answers, the demo logins (var/demo-logins.txt, written by seed_demo)
  are printed last, in a box.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


VAR_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var")
#: A worker that dies is started again, but not more often than this in RESTART_WINDOW.
MAX_RESTARTS = 5
RESTART_WINDOW = 600.0


class Stop(Exception):
    """SIGTERM or SIGHUP: stop everything, as Ctrl-C does."""


def served_address() -> str:
    addr = os.environ.get("RUN_ADDR", "").strip()
    if addr:
        return addr if ":" in addr else f"127.0.0.1:{addr}"
    return f"127.0.0.1:{os.environ.get('PORT', '8000').strip() or '8000'}"


def embedded_env(addr: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "backend.settings.local"
        ),
        "RUN_ADDR": addr,
        "VAR_DIR": str(VAR_DIR),
        "PYTHONUNBUFFERED": "1",
    }
    return env


def start_worker(env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
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
            # No broadcasts on the filesystem broker (see backend/operations/transport.py).
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--schedule",
            str(VAR_DIR / "celerybeat-schedule"),
        ],
        cwd=ROOT,
        # Two glibc malloc arenas, not one per thread, as the Dockerfile sets for every
        # container: ~40 MB less resident (docs/performance.md).
        env={"MALLOC_ARENA_MAX": "2", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def answering(addr: str) -> bool:
    host, _, port = addr.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def boxed(text: str) -> str:
    lines = text.rstrip().splitlines() or [""]
    width = max(len(line) for line in lines)
    edge = "+" + "-" * (width + 2) + "+"
    return "\n".join([edge, *(f"| {line.ljust(width)} |" for line in lines), edge])


def welcome(addr: str) -> str:
    logins = VAR_DIR / "demo-logins.txt"
    text = f"The demo school is at http://{addr}/\n"
    text += "Press Ctrl-C to stop web, worker and beat. Worker logs: var/log/worker.log\n\n"
    text += logins.read_text() if logins.exists() else "(no demo logins: run `manage.py seed_demo`)"
    return boxed(text)


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> int:
    addr = served_address()
    env = embedded_env(addr)
    (VAR_DIR / "log").mkdir(parents=True, exist_ok=True)
    worker_log = open(VAR_DIR / "log" / "worker.log", "ab")
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGHUP, _raise_stop)
    worker = start_worker(env, worker_log)
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", addr, "--noreload"], cwd=ROOT, env=env
    )
    restarts: list[float] = []
    announced = gave_up = False
    started = time.monotonic()
    try:
        while True:
            if web.poll() is not None:
                print(f"The web server stopped (exit code {web.returncode}).", flush=True)
                return web.returncode or 1
            if not announced and answering(addr):
                print("\n" + welcome(addr), flush=True)
                announced = True
            elif not announced and time.monotonic() - started > 120:
                print(f"The web server does not answer on {addr} yet.", flush=True)
                announced = True
            if worker.poll() is not None and not gave_up:
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < RESTART_WINDOW]
                if len(restarts) >= MAX_RESTARTS:
                    print(
                        f"The background worker keeps stopping (exit code {worker.returncode});"
                        " not restarting it. Posts will not publish: see var/log/worker.log.",
                        flush=True,
                    )
                    gave_up = True
                else:
                    print(
                        f"The background worker stopped (exit code {worker.returncode});"
                        " starting it again. Details in var/log/worker.log.",
                        flush=True,
                    )
                    restarts.append(now)
                    worker = start_worker(env, worker_log)
            time.sleep(0.5)
    except (KeyboardInterrupt, Stop):
        print("\nStopping web, worker and beat...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stop_all([web, worker])
        worker_log.close()


if __name__ == "__main__":
    sys.exit(main())
