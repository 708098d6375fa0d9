"""Soak test of the embedded stack (issue 13): `make run`'s web server, worker and beat on
SQLite and the embedded broker, under a steady load, for as long as asked.

    .venv/bin/python scripts/soak.py --minutes 30          # on demand (docs/operations.md)
    .venv/bin/python scripts/soak.py --minutes 0.75        # what tests/operations runs

Each round a teacher (through the tablet's credential) writes a post for the website and
sends it for checks; a leader approves every post awaiting approval with a double click
(two approvals at once: the second must answer 200 or 409, never 500); a parent comments on
a published news item through the public form; and /healthz is asked whether the worker
and beat are alive. Afterwards every post must have been published (none lost), and the
run passes only with zero 5xx answers, the worker and beat alive at every look after they
first came up, and the worker never restarted. Everything is written under a temporary
VAR_DIR, never the developer's var/. Prints a JSON report; exit status 0 when it passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-school-2026"  # backend.accounts.demo.DEMO_PASSWORD
TEACHER, LEADER = "teacher@demo.invalid", "head@demo.invalid"
COMMENT = "Lovely to see the children enjoying the day, well done everyone!"


#: Whatever CI exports, the soak runs the embedded default: SQLite and the filesystem broker.
NOT_EMBEDDED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_DEFAULT_QUEUE",
    "PUBLIC_BASE_URL",
    "RUN_ADDR",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def embedded_env(var_dir: Path, port: int, heartbeat: float, broker: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_EMBEDDED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "backend.settings.local",
            "VAR_DIR": str(var_dir),
            "PORT": str(port),
            "HEARTBEAT_SECONDS": str(heartbeat),
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            # One soak client is every "parent" at once: the per-address limit on the
            # public comment form would (rightly) stop it after five comments.
            "WEBSITE_COMMENTS_PER_ADDRESS": "100000",
            "WEBSITE_COMMENTS_PER_ENTRY": "100000",
        }
    )
    if broker:  # e.g. the stock "filesystem://", to compare
        env["CELERY_BROKER_URL"] = broker
    return env


@dataclass
class Report:
    minutes: float
    rounds: int = 0
    posts_submitted: int = 0
    posts_published: int = 0
    lost_posts: list[int] = field(default_factory=list)
    approvals_sent: int = 0
    approval_answers: Counter[int] = field(default_factory=Counter)
    comments_sent: int = 0
    comments_screened: int = 0
    server_errors: list[str] = field(default_factory=list)
    health_checks: int = 0
    health_failures: list[str] = field(default_factory=list)
    worker_restarts: int = 0
    worker_crashes: list[str] = field(default_factory=list)
    stopped_cleanly: bool = False

    @property
    def passed(self) -> bool:
        return (
            self.posts_submitted > 0
            and not self.lost_posts
            and not self.server_errors
            and not self.health_failures
            and self.worker_restarts == 0
            and not self.worker_crashes
            and self.stopped_cleanly
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "minutes": self.minutes,
            "rounds": self.rounds,
            "posts_submitted": self.posts_submitted,
            "posts_published": self.posts_published,
            "lost_posts": self.lost_posts,
            "approvals_sent": self.approvals_sent,
            "approval_answers": dict(self.approval_answers),
            "comments_sent": self.comments_sent,
            "comments_screened": self.comments_screened,
            "server_errors": self.server_errors[:20],
            "health_checks": self.health_checks,
            "health_failures": self.health_failures[:20],
            "worker_restarts": self.worker_restarts,
            "worker_crashes": self.worker_crashes[:5],
            "stopped_cleanly": self.stopped_cleanly,
        }


class Session:
    """A signed-in browser: session cookie, CSRF header and the tablet credential."""

    def __init__(self, base: str, report: Report, device_token: str) -> None:
        self.base, self.report = base, report
        self.http = requests.Session()
        self.http.headers["X-Device-Token"] = device_token

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        token = self.http.cookies.get("csrftoken")
        headers = {"X-CSRFToken": token} if token and method != "GET" else {}
        response = self.http.request(method, self.base + path, headers=headers, timeout=60, **kw)
        if response.status_code >= 500:
            self.report.server_errors.append(f"{method} {path}: {response.status_code}")
        return response

    def login(self, email: str, otp: str = "") -> None:
        self.call("GET", "/api/auth/csrf")
        body = {"email": email, "password": PASSWORD, "otp_token": otp}
        response = self.call("POST", "/api/auth/login", json=body)
        response.raise_for_status()


def one_time_code(email: str) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
    if device is None:
        return ""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def double_click_approve(leader: Session, post: dict[str, Any], report: Report) -> None:
    body = {"content_hash": post["content_hash"], "confirmed_images": []}
    answers: list[int] = []

    def click() -> None:
        answers.append(
            leader.call("POST", f"/api/posts/{post['id']}/approve", json=body).status_code
        )

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    report.approvals_sent += len(answers)
    report.approval_answers.update(answers)


def comment_on_website(base: str, entry_path: str, report: Report) -> None:
    parent = requests.Session()
    page = parent.get(base + entry_path, timeout=60)
    if page.status_code >= 500:
        report.server_errors.append(f"GET {entry_path}: {page.status_code}")
        return
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not found:
        return
    form = {"csrfmiddlewaretoken": found.group(1), "author_name": "A Parent", "text": COMMENT}
    response = parent.post(
        base + entry_path, data=form, headers={"Referer": base + entry_path}, timeout=60
    )
    if response.status_code >= 500:
        report.server_errors.append(f"POST {entry_path}: {response.status_code}")
    report.comments_sent += 1


def health(base: str, report: Report) -> None:
    try:
        response = requests.get(base + "/healthz", timeout=30)
    except requests.RequestException as exc:
        report.health_failures.append(f"{time.strftime('%H:%M:%S')} {type(exc).__name__}")
        return
    report.health_checks += 1
    if response.status_code != 200:
        failing = response.json().get("failing", []) if response.content else []
        report.health_failures.append(f"{time.strftime('%H:%M:%S')} {failing}")


def wait_until(check: Any, timeout: float, step: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return False


def soak(
    minutes: float, heartbeat: float, var_dir: Path, interval: float, broker: str = ""
) -> Report:
    report = Report(minutes=minutes)
    port = free_port()
    env = embedded_env(var_dir, port, heartbeat, broker)
    subprocess.run([sys.executable, "manage.py", "embedded_prepare"], cwd=ROOT, env=env, check=True)
    for name in NOT_EMBEDDED - set(env):
        os.environ.pop(name, None)
    os.environ.update(env)
    import django

    django.setup()
    from moderation.comments.models import Comment
    from moderation.models import Post
    from publishers.models import WebsiteEntry

    base = f"http://127.0.0.1:{port}"
    run_log = (var_dir / "log" / "run.log").open("wb")
    stack = subprocess.Popen(
        [sys.executable, "scripts/run_embedded.py"],
        cwd=ROOT,
        env=env,
        stdout=run_log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_until(
            lambda: requests.get(base + "/healthz", timeout=5).ok if _answers(port) else False,
            timeout=240,
            step=2,
        ):
            report.health_failures.append("never healthy")
            return report
        device_token = (var_dir / "demo-device-token.txt").read_text().strip()
        teacher, leader = (Session(base, report, device_token) for _ in range(2))
        teacher.login(TEACHER)
        leader.login(LEADER, one_time_code(LEADER))
        mine: set[int] = set()
        commented: set[int] = set()
        end = time.monotonic() + minutes * 60
        while time.monotonic() < end:
            report.rounds += 1
            text = f"Soak round {report.rounds}: our pupils enjoyed the science fair today."
            created = teacher.call(
                "POST", "/api/posts", json={"text": text, "channels": ["website"]}
            )
            if created.status_code == 201:
                post_id = created.json()["id"]
                if teacher.call("POST", f"/api/posts/{post_id}/submit").ok:
                    mine.add(post_id)
                    report.posts_submitted += 1
            for post_id in Post.objects.filter(
                pk__in=mine, status=Post.Status.AWAITING_APPROVAL
            ).values_list("id", flat=True):
                detail = leader.call("GET", f"/api/posts/{post_id}")
                if detail.ok:
                    double_click_approve(leader, detail.json(), report)
            for entry in WebsiteEntry.objects.filter(publication__post_id__in=mine).exclude(
                publication__post_id__in=commented
            )[:2]:
                comment_on_website(base, f"/news/demo/{entry.pk}/", report)
                commented.add(entry.publication.post_id)
            health(base, report)
            time.sleep(interval)

        # Drain: everything submitted must be published.
        def all_published() -> bool:
            waiting = Post.objects.filter(pk__in=mine, status=Post.Status.AWAITING_APPROVAL)
            for post_id in waiting.values_list("id", flat=True):
                detail = leader.call("GET", f"/api/posts/{post_id}")
                if detail.ok:
                    double_click_approve(leader, detail.json(), report)
            return Post.objects.filter(pk__in=mine, status=Post.Status.PUBLISHED).count() == len(
                mine
            )

        wait_until(all_published, timeout=180, step=3)
        published = set(
            Post.objects.filter(pk__in=mine, status=Post.Status.PUBLISHED).values_list(
                "id", flat=True
            )
        )
        report.posts_published = len(published)
        report.lost_posts = sorted(mine - published)
        # Website comments are screened when submitted (issue 13), not at the next poll. The
        # demo's own comments are on the same feed: count only ours.
        ours = Comment.objects.filter(channel="website", text=COMMENT, screened_at__isnull=False)
        wait_until(lambda: ours.count() >= report.comments_sent, timeout=60)
        report.comments_screened = ours.count()
        health(base, report)
    finally:
        stack.send_signal(signal.SIGTERM)
        try:
            stack.wait(timeout=40)
            report.stopped_cleanly = not _answers(port)
        except subprocess.TimeoutExpired:
            stack.kill()
        run_log.close()
    log_text = (var_dir / "log" / "run.log").read_text(errors="replace")
    report.worker_restarts = log_text.count("The background worker stopped")
    worker_log = var_dir / "log" / "worker.log"
    if worker_log.exists():
        report.worker_crashes = [
            line.strip()
            for line in worker_log.read_text(errors="replace").splitlines()
            if "Unrecoverable error" in line or "CRITICAL" in line
        ]
    return report


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--heartbeat", type=float, default=5.0, help="HEARTBEAT_SECONDS")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between rounds")
    parser.add_argument("--var-dir", type=Path, default=None, help="default: a new temp dir")
    parser.add_argument("--report", type=Path, default=None, help="also write the JSON here")
    parser.add_argument("--broker", default="", help="broker URL (default: the embedded one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="soak-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    report = soak(args.minutes, args.heartbeat, var_dir, args.interval, args.broker)
    result = {
        "started": started,
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "broker": args.broker or "embeddedfs:// (default)",
        "var_dir": str(var_dir),
        **report.as_dict(),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.report:
        args.report.write_text(text + "\n")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
