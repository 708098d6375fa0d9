"""A fake X (API v2) for tests with a real worker: the worker is a separate process, so
``responses`` cannot reach it. A tiny threaded HTTP server on 127.0.0.1 speaks the
endpoints the X adapter needs to post text and to reconcile, and the account's
``api_base`` points the adapter at it (honoured because the worker runs with
DJANGO_DEBUG and PUBLISHERS_ALLOW_CUSTOM_HOSTS set)."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USER_ID = "1720000000000000001"


class FakeXServer:
    """The X endpoints XPublisher uses for a text post and for reconciliation.

    ``stall_creates``: how many create calls are accepted (stored) and then held without
    an answer until ``release`` is set, the moment a crash would hurt most.
    ``answer_delay``: every create is stored at once and answered after a random wait of up
    to this many seconds, so a worker killed at a random moment is often killed there.
    """

    def __init__(self, stall_creates: int = 1, answer_delay: float = 0.0) -> None:
        self.tweets: list[dict[str, Any]] = []
        self.create_calls = 0
        self.stall_creates = stall_creates
        self.answer_delay = answer_delay
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
                elif fake.answer_delay:
                    time.sleep(random.uniform(0, fake.answer_delay))
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
