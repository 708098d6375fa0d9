"""Queue-list latency with 10,000 posts and 50 concurrent leaders, and SQL queries per page
(constant, not per row)."""

import json
import statistics
import sys
import threading
import time
from typing import Any


def _seed(posts: int) -> tuple[Any, list[Any]]:
    from django.utils import timezone

    from backend.accounts.models import Membership, Role, School, User
    from moderation.models import Post

    school = School.objects.create(slug="queue-bench", name="Queue Bench School")
    author = User.objects.create_user(email="author@bench.test", password="x")
    Membership.objects.create(user=author, school=school, role=Role.STAFF)
    leaders = []
    for n in range(50):
        leader = User.objects.create_user(email=f"leader{n}@bench.test", password="x")
        Membership.objects.create(user=leader, school=school, role=Role.STAFF)
        leaders.append(leader)
    now = timezone.now()
    statuses = [
        Post.Status.AWAITING_APPROVAL,
        Post.Status.PUBLISHED,
        Post.Status.DRAFT,
        Post.Status.SCHEDULED,
    ]
    Post.objects.bulk_create(
        [
            Post(
                school=school,
                author=author,
                text=f"Post number {n} about school life",
                channels=["website", "facebook"],
                status=statuses[n % len(statuses)],
                scheduled_at=now + timezone.timedelta(minutes=n) if n % 3 else None,
                submitted_at=now,
            )
            for n in range(posts)
        ],
        batch_size=2000,
    )
    return school, leaders


def _client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def run(posts: int = 10_000, leaders: int = 50, requests_each: int = 8) -> dict[str, Any]:
    from bench.django_setup import setup

    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.accounts.models import Membership, Role

    school, users = _seed(posts)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for user in users:
        Membership.objects.create(user=user, school=school, role=Role.LEADER)
        TOTPDevice.objects.create(user=user, confirmed=True, name="bench")
    from django_otp import DEVICE_ID_SESSION_KEY

    clients = []
    for user in users[:leaders]:
        client = _client_for(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
        clients.append(client)

    url = "/api/posts?status=awaiting_approval&status=scheduled"
    queries = {}
    for page in (1, 5):
        with CaptureQueriesContext(connection) as ctx:
            response = clients[0].get(f"{url}&page={page}")
        assert response.status_code == 200, response.content[:200]
        queries[f"page_{page}"] = len(ctx.captured_queries)

    single = []
    for n in range(20):
        start = time.perf_counter()
        clients[0].get(f"{url}&page={1 + n % 5}")
        single.append(time.perf_counter() - start)

    latencies: list[float] = []
    lock = threading.Lock()

    def leader(client: Any) -> None:
        from django.db import connections

        mine = []
        for n in range(requests_each):
            start = time.perf_counter()
            response = client.get(f"{url}&page={1 + n % 5}")
            mine.append(time.perf_counter() - start)
            assert response.status_code == 200
        with lock:
            latencies.extend(mine)
        connections.close_all()

    http = _over_http(
        [c.cookies["sessionid"].value for c in clients], url, requests_each=requests_each
    )

    threads = [threading.Thread(target=leader, args=(c,)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "posts": posts,
        "concurrent_leaders": len(clients),
        "requests": len(latencies),
        "database": connection.vendor,
        "one_leader_latency_ms_p50": round(statistics.median(single) * 1000, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "requests_per_second": round(len(latencies) / wall, 1),
        "sql_queries_per_page": queries,
        "over_http_gunicorn": http,
    }


def _over_http(session_ids: list[str], url: str, *, requests_each: int) -> dict[str, Any]:
    """The same queue page through gunicorn (3 workers, as in production on 2 cores), one
    thread per leader, each with its own signed-in session."""
    import os
    import socket
    import subprocess
    import urllib.request

    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.test"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "backend.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()

        def leader(session_id: str) -> None:
            nonlocal errors
            session = requests.Session()
            session.cookies.set("sessionid", session_id)
            mine = []
            for n in range(requests_each):
                start = time.perf_counter()
                response = session.get(f"{base}{url}&page={1 + n % 5}", timeout=60)
                mine.append(time.perf_counter() - start)
                if response.status_code != 200:
                    with lock:
                        errors += 1
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=leader, args=(sid,)) for sid in session_ids]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    return {
        "workers": 3,
        "requests": len(latencies),
        "errors": errors,
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "requests_per_second": round(len(latencies) / wall, 1),
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
