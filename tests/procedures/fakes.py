"""Local fakes of the mention search endpoints, registered on ``responses`` in the style of
tests/publishers/fakes.py: the real HTTP contract (paths, query parameters, payload shapes),
every request recorded, nothing passed through to the network.

* Bluesky ``GET /xrpc/app.bsky.feed.searchPosts`` (public AppView, no auth): ``q``, ``sort``,
  ``limit`` (1-100), ``since``; answers ``{"posts": [postView], "hitsTotal"}``.
* X ``GET /2/tweets/search/recent`` (bearer token): ``query``, ``max_results`` (10-100),
  ``since_id``; answers ``{"data", "includes": {"users"}, "meta"}``.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import responses
from requests import PreparedRequest

BLUESKY_URL = "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts"
X_SEARCH_URL = "https://api.x.com/2/tweets/search/recent"


def _query(request: PreparedRequest) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(str(request.url)).query))


@dataclass
class FakeBluesky:
    rsps: responses.RequestsMock
    posts: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.rsps.add_callback("GET", re.compile(re.escape(BLUESKY_URL)), callback=self._search)

    def add_post(self, text: str, *, handle: str = "someone.bsky.social") -> str:
        rkey = f"3kabc{next(self._ids):04d}"
        did = f"did:plc:fake{len(self.posts)}"
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.posts.append({
            "uri": uri,
            "cid": f"bafyrei{rkey}",
            "author": {"did": did, "handle": handle, "displayName": handle.split(".")[0]},
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": now},
            "indexedAt": now,
            "replyCount": 0, "repostCount": 0, "likeCount": 0,
        })  # fmt: skip
        return uri

    def _search(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = _query(request)
        self.requests.append(query)
        if not query.get("q"):
            return 400, {}, json.dumps({"error": "BadQueryString", "message": "q is required"})
        limit = int(query.get("limit", 25))
        assert 1 <= limit <= 100, "limit must be 1-100"
        term = query["q"].casefold()
        since = query.get("since", "")
        hits = [
            p for p in reversed(self.posts)
            if term in p["record"]["text"].casefold() and p["record"]["createdAt"] >= since
        ]  # fmt: skip
        body = {"posts": hits[:limit], "hitsTotal": len(hits)}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


@dataclass
class FakeXSearch:
    rsps: responses.RequestsMock
    tweets: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rsps.add_callback("GET", re.compile(re.escape(X_SEARCH_URL)), callback=self._search)

    def add_post(self, text: str, *, username: str = "someone") -> str:
        tweet_id = str(1900000000000000000 + len(self.tweets) + 1)
        self.tweets.append({
            "id": tweet_id, "text": text, "author_id": f"77{len(self.tweets)}",
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "username": username,
        })  # fmt: skip
        return tweet_id

    def _search(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = _query(request)
        self.requests.append(query)
        if not str(request.headers.get("Authorization", "")).startswith("Bearer "):
            return 401, {}, json.dumps({"title": "Unauthorized", "status": 401})
        assert 10 <= int(query.get("max_results", 10)) <= 100, "max_results must be 10-100"
        term = query["query"].split('"')[1].casefold()
        since_id = int(query.get("since_id") or 0)
        hits = [t for t in self.tweets if term in t["text"].casefold() and int(t["id"]) > since_id]
        if not hits:
            return 200, {}, json.dumps({"meta": {"result_count": 0}})
        body = {
            "data": [{k: t[k] for k in ("id", "text", "author_id", "created_at")} for t in hits],
            "includes": {
                "users": [{"id": t["author_id"], "username": t["username"]} for t in hits]
            },
            "meta": {"newest_id": hits[-1]["id"], "result_count": len(hits)},
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)
