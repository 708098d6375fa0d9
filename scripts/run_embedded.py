"""The embedded default: a real Celery worker (with beat) on the filesystem broker beside
the development web server, both stopped together. Nothing else to install or start."""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "backend.settings.local"
        ),
    }
    python = sys.executable
    worker = subprocess.Popen(
        [
            python,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            "--schedule",
            str(ROOT / "var" / "celerybeat-schedule"),
        ],
        cwd=ROOT,
        env=env,
    )
    addr = os.environ.get("RUN_ADDR", "127.0.0.1:8000")
    web = subprocess.Popen(
        [python, "manage.py", "runserver", addr, "--noreload"], cwd=ROOT, env=env
    )
    print(f"Serving the demo school at http://{addr}/ (Ctrl-C stops web and worker)", flush=True)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
