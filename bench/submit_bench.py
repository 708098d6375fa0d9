"""``submit_p95_ms``: a teacher's submission of a post with one photo from an enrolled
tablet, through gunicorn (3 sync workers) on PostgreSQL, 20 tablets at once.

One submission is the tablet's three requests: create the draft (``POST /api/posts``),
upload the photo (``POST /api/posts/{id}/images``: decode, strip metadata, store the original
and its variants) and submit (``POST /api/posts/{id}/submit``: queue the check on the
broker; no worker runs here, so the check itself is not in the figure and the queue is
emptied afterwards). The photo is a 4000x3000 JPEG (a 12 MP tablet photo, about 2 MB).
Each of the 20 tablets submits BENCH_SUBMISSIONS times (default 2), back to back.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import time
import uuid
from typing import Any

import requests

from .metrics import Metric, median, metric, percentile, skipped
from .queue_bench import http_session, signed_in_client
from .services import ServiceMissing, django_on_postgres, gunicorn, purge_queue

TABLETS = 20


def _photo() -> bytes:
    from tests.faces.realistic import portrait_on_canvas

    return portrait_on_canvas("obama2.jpg").jpeg


def _tablets(count: int) -> list[tuple[Any, str]]:
    """``count`` teachers, each with a signed-in client and an enrolled tablet's token."""
    from backend.accounts.models import Membership, Role, School, User
    from backend.accounts.services import device_enrol
    from backend.common.actors import SYSTEM_SHELL

    tag = uuid.uuid4().hex[:8]
    school = School.objects.create(slug=f"submit-bench-{tag}", name="Submit Bench School")
    tablets = []
    for n in range(count):
        teacher = User.objects.create_user(email=f"teacher{n}-{tag}@bench.test", password="x")
        Membership.objects.create(user=teacher, school=school, role=Role.STAFF)
        _, token = device_enrol(school=school, name=f"iPad {n}", actor=SYSTEM_SHELL)
        tablets.append((signed_in_client(teacher), token))
    return tablets


def _submit(session: requests.Session, base: str, photo: bytes) -> dict[str, float]:
    """The three requests of one submission; seconds for each and in total."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    draft = session.post(
        f"{base}/api/posts", json={"text": "Sports day!", "channels": ["website"]}, timeout=120
    )
    draft.raise_for_status()
    times["create"] = time.perf_counter() - start
    post_id = draft.json()["id"]
    began = time.perf_counter()
    upload = session.post(
        f"{base}/api/posts/{post_id}/images",
        files={"image": ("photo.jpg", io.BytesIO(photo), "image/jpeg")},
        data={"alt_text": "Pupils running"},
        timeout=120,
    )
    upload.raise_for_status()
    times["upload"] = time.perf_counter() - began
    began = time.perf_counter()
    session.post(f"{base}/api/posts/{post_id}/submit", timeout=120).raise_for_status()
    times["submit"] = time.perf_counter() - began
    times["total"] = time.perf_counter() - start
    return times


def run() -> dict[str, Any]:
    try:
        env = django_on_postgres()
    except ServiceMissing as exc:
        return {"metrics": [skipped("submit_p95_ms", "ms", str(exc))]}
    rounds = int(os.environ.get("BENCH_SUBMISSIONS", "2"))
    tablets = _tablets(TABLETS)
    photo = _photo()
    results: list[dict[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    with gunicorn(env, workers=3) as server:
        base = server.url
        sessions = []
        for client, token in tablets:
            session = http_session(client, base)
            session.headers["X-Device-Token"] = token
            sessions.append(session)
        _submit(sessions[0], base, photo)  # warm a worker (imports, first decode)

        def tablet(session: requests.Session) -> None:
            for _ in range(rounds):
                try:
                    times = _submit(session, base, photo)
                except requests.RequestException as exc:
                    with lock:
                        errors.append(str(exc)[:200])
                    continue
                with lock:
                    results.append(times)

        threads = [threading.Thread(target=tablet, args=(s,)) for s in sessions]
        cpu_before = server.cpu_seconds()
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(1, len(results))
    purge_queue(env)  # the checks queued here are not run by anyone
    if not results:
        return {
            "metrics": [skipped("submit_p95_ms", "ms", f"every submission failed: {errors[:2]}")]
        }
    totals = [r["total"] * 1000 for r in results]
    steps = {
        k: percentile([r[k] * 1000 for r in results], 95) for k in ("create", "upload", "submit")
    }
    metrics: list[Metric] = [
        metric(
            "submit_p95_ms",
            percentile(totals, 95),
            "ms",
            n=len(totals),
            notes=(
                f"{TABLETS} tablets at once x {rounds}, 12 MP JPEG ({len(photo) // 1024} KiB), "
                f"create+upload+submit through gunicorn 3 workers on PostgreSQL; p50 "
                f"{median(totals):.0f} ms; p95 per step: create {steps['create']:.0f}, upload "
                f"{steps['upload']:.0f}, submit {steps['submit']:.0f} ms; "
                f"{len(results) / wall:.2f} submissions/s; server CPU {cpu_ms:.0f} ms a "
                f"submission; errors {len(errors)}"
            ),
            digits=0,
        )
    ]
    return {"metrics": metrics}


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
