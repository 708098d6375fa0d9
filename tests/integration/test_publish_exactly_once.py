"""Exactly once with a real Celery worker on Redis: the worker is killed while X is handling
the create call (X has already accepted the post), restarted, and recovery reconciles.
The post must exist exactly once on the fake X, and the publication must know its id.

The worker is a separate process, so ``responses`` cannot reach it: a tiny threaded HTTP
server on 127.0.0.1 speaks the X API v2 endpoints the adapter needs, and the account's
``api_base`` points the adapter at it (honoured because the worker runs with DJANGO_DEBUG
and PUBLISHERS_ALLOW_CUSTOM_HOSTS set).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from backend.accounts.models import Role
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from publishers import services, tasks
from publishers.models import Publication
from tests.factories import SchoolFactory, member
from tests.publishers.factories import connect, post_ready_to_publish

pytestmark = pytest.mark.integration

USER_ID = "1720000000000000001"


class FakeXServer:
    """The X endpoints XPublisher uses for a text post and for reconciliation.

    ``stall_creates``: how many create calls are accepted (stored) and then held without
    an answer until ``release`` is set, the moment a crash would hurt most.
    """

    def __init__(self, stall_creates: int = 1) -> None:
        self.tweets: list[dict[str, Any]] = []
        self.create_calls = 0
        self.stall_creates = stall_creates
        self.accepted = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the worker that asked was killed

            def _authorised(self) -> bool:
                auth = self.headers.get("Authorization", "")
                if auth.startswith("OAuth ") and "oauth_signature=" in auth:
                    return True
                self._send(401, {"title": "Unauthorized", "status": 401})
                return False

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                url = urlsplit(self.path)
                if url.path == "/2/users/me":
                    user = {"id": USER_ID, "name": "Oakfield", "username": "oakfield"}
                    self._send(200, {"data": user}, {"x-access-level": "read-write"})
                elif url.path == f"/2/users/{USER_ID}/tweets":
                    start = parse_qs(url.query).get("start_time", [""])[0]
                    since = (
                        datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                        if start
                        else None
                    )
                    with fake.lock:
                        own = [t for t in fake.tweets if since is None or t["at"] >= since]
                    data = [
                        {
                            "id": t["id"],
                            "text": t["text"],
                            "edit_history_tweet_ids": [t["id"]],
                            "created_at": t["at"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                        }
                        for t in reversed(own)
                    ]
                    self._send(
                        200,
                        {"data": data, "meta": {"result_count": len(data)}}
                        if data
                        else {"meta": {"result_count": 0}},
                    )
                else:
                    self._send(404, {"title": "Not Found Error"})

            def do_POST(self) -> None:
                if not self._authorised():
                    return
                if urlsplit(self.path).path != "/2/tweets":
                    self._send(404, {"title": "Not Found Error"})
                    return
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.create_calls += 1
                    tweet_id = str(1912000000000000000 + len(fake.tweets) + 1)
                    fake.tweets.append(
                        {"id": tweet_id, "text": body.get("text", ""), "at": datetime.now(UTC)}
                    )
                    stall = fake.stall_creates > 0
                    fake.stall_creates -= 1
                if stall:
                    # X has the post; the answer never reaches the worker.
                    fake.accepted.set()
                    fake.release.wait(timeout=120)
                self._send(
                    201,
                    {
                        "data": {
                            "id": tweet_id,
                            "text": body.get("text", ""),
                            "edit_history_tweet_ids": [tweet_id],
                        }
                    },
                )

        return Handler


@pytest.fixture
def fake_x_server() -> Iterator[FakeXServer]:
    server = FakeXServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_worker_killed_mid_publish_still_posts_exactly_once(
    celery_worker_process: Any, fake_x_server: FakeXServer, settings: Any, monkeypatch: Any
) -> None:
    worker = celery_worker_process
    # The worker must honour the account's custom API host (the local fake).
    worker.stop()
    worker.env.update(DJANGO_DEBUG="true", PUBLISHERS_ALLOW_CUSTOM_HOSTS="true")
    worker.start()
    settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS = True
    # Work this test queues goes to this test's worker.
    for name in ("publish", "reconcile", "delete_publication"):
        task = getattr(tasks, name)
        monkeypatch.setattr(
            task,
            "delay",
            lambda object_id, _t=task: _t.apply_async(args=[object_id], queue=worker.queue),
        )

    school = SchoolFactory(slug="integration", name="Integration Primary")
    teacher = member(school, Role.STAFF, email="teacher@integration.test")
    device, _ = device_enrol(school=school, name="iPad", actor=SYSTEM_SHELL)
    connect(school, "x", config={"api_base": fake_x_server.url, "user_id": USER_ID})
    post = post_ready_to_publish(teacher, device, channels=("x",), text="Exactly once, please")

    services.publications_start(post_id=post.pk)

    # 1. The worker claimed the publication and X accepted the post; no answer yet.
    assert fake_x_server.accepted.wait(timeout=60), worker.stop()
    pub = Publication.objects.get(post=post, channel="x")
    assert pub.state == Publication.State.ATTEMPTING and pub.attempts == 1

    # 2. The worker dies mid-publish and comes back.
    worker.stop(kill=True)
    fake_x_server.release.set()
    worker.start()

    # 3. Recovery (the beat sweep) reconciles instead of posting again.
    counts = tasks.recover_stuck.apply_async(
        kwargs={"older_than_seconds": 0}, queue=worker.queue
    ).get(timeout=90)
    assert counts["reconciled"] == 1

    pub.refresh_from_db()
    assert pub.state == Publication.State.PUBLISHED
    assert [t["text"] for t in fake_x_server.tweets] == ["Exactly once, please"]
    assert pub.external_id == fake_x_server.tweets[0]["id"]
    assert fake_x_server.create_calls == 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    # 4. A redelivered publish message (acks_late) changes nothing.
    assert tasks.publish.apply_async(args=[pub.pk], queue=worker.queue).get(timeout=60) == (
        "published"
    )
    assert fake_x_server.create_calls == 1 and len(fake_x_server.tweets) == 1


def test_a_post_goes_out_once_through_the_real_worker(
    celery_worker_process: Any, fake_x_server: FakeXServer, settings: Any, monkeypatch: Any
) -> None:
    worker = celery_worker_process
    worker.stop()
    worker.env.update(DJANGO_DEBUG="true", PUBLISHERS_ALLOW_CUSTOM_HOSTS="true")
    worker.start()
    settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS = True
    fake_x_server.stall_creates = 0
    sent: list[Any] = []
    monkeypatch.setattr(
        tasks.publish,
        "delay",
        lambda object_id: sent.append(
            tasks.publish.apply_async(args=[object_id], queue=worker.queue)
        ),
    )
    school = SchoolFactory(slug="integration", name="Integration Primary")
    teacher = member(school, Role.STAFF, email="teacher@integration.test")
    device, _ = device_enrol(school=school, name="iPad", actor=SYSTEM_SHELL)
    connect(school, "x", config={"api_base": fake_x_server.url})
    post = post_ready_to_publish(teacher, device, channels=("x", "website"), text="Hello")

    services.publications_start(post_id=post.pk)
    services.publications_start(post_id=post.pk)  # a second release changes nothing

    assert len(sent) >= 2
    assert {result.get(timeout=60) for result in sent} == {"published"}
    assert fake_x_server.create_calls == 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
