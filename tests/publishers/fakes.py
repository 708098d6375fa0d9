"""Stateful fakes of the X API v2 and Meta's Graph API, registered on ``responses``.

They speak the real HTTP contract (paths, methods, payload and error shapes taken from
the platforms' docs, tweepy's recorded cassettes and shared/research/publishers.md), keep
state so a test can post, read back and reconcile, and can be told to misbehave:

* fail the next N calls of a route (429 with reset headers, expired token, 5xx,
  duplicate, policy block, ...);
* accept a create call and *then* drop the connection (``timeout_after_accept``), which is
  the case that must never lead to a second post.

Every request is recorded (:class:`Recorded`) with its parsed query, form, multipart files
and JSON, so tests can assert on the exact bytes and alt text that were sent.

Usage::

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        x = FakeX(rsps)
        ...

``assert_all_requests_are_fired`` is off for the fakes because they register one catch-all
per HTTP method; unknown routes raise ``AssertionError`` instead of answering, and nothing
is ever passed through to the network.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses
from requests import PreparedRequest

Answer = tuple[int, dict[str, str], str]

X_HOSTS = ("api.x.com", "api.twitter.com")
GRAPH_HOST = "graph.facebook.com"


# --------------------------------------------------------------------------- recording


def sample_jpeg(label: bytes = b"") -> bytes:
    """Bytes shaped like a tiny JPEG (SOI, a segment, EOI) with CRLFs, a boundary look-alike
    and every byte value inside, so byte-exact transport through multipart is really
    tested. ``label`` makes images distinguishable."""
    return (
        b"\xff\xd8\xff\xdb\x00\x43"
        + label
        + b"\r\n--not-a-boundary\r\n\r\n"
        + bytes(range(256))
        + b"\xff\xd9"
    )


@dataclass(frozen=True)
class FilePart:
    """One file part of a multipart body, bytes exactly as received."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    host: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, FilePart] = field(default_factory=dict)
    json: Any = None

    @property
    def params(self) -> dict[str, str]:
        """Query and form fields together (the Graph API accepts either)."""
        return {**self.query, **self.form}


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, FilePart]]:
    """Split a multipart/form-data body into text fields and file parts, byte-exactly."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    assert match, f"multipart without boundary: {content_type}"
    delimiter = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    files: dict[str, FilePart] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name_match = re.search(r'\bname="([^"]*)"', disposition)
        file_match = re.search(r'filename="([^"]*)"', disposition)
        assert name_match, f"multipart part without a name: {disposition}"
        if file_match or "content-type" in headers:
            files[name_match.group(1)] = FilePart(
                file_match.group(1) if file_match else None, headers.get("content-type"), data
            )
        else:
            fields[name_match.group(1)] = data.decode()
    return fields, files


def _record(request: PreparedRequest) -> Recorded:
    url = urlsplit(str(request.url))
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    headers = {k: str(v) for k, v in request.headers.items()}
    content_type = headers.get("Content-Type", "")
    recorded = Recorded(
        method=str(request.method),
        host=url.hostname or "",
        path=url.path,
        query=dict(parse_qsl(url.query, keep_blank_values=True)),
        headers=headers,
        body=body,
    )
    if content_type.startswith("multipart/form-data"):
        recorded.form, recorded.files = parse_multipart(body, content_type)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        recorded.form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    elif content_type.startswith("application/json") and body:
        recorded.json = json.loads(body)
    return recorded


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
        (json.dumps(payload)),
    )


# --------------------------------------------------------------------------- failure plans

#: Failures that happen after the platform has done the work.
AFTER_ACCEPT = {"timeout_after_accept", "connection_error_after_accept"}


@dataclass
class _Failure:
    kind: str
    remaining: int
    options: dict[str, Any]


class _FakeService:
    """Shared machinery: catch-all registration, recording, routing and failure plans."""

    hosts: tuple[str, ...] = ()
    label = "fake"

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.requests: list[Recorded] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._routes: list[tuple[str, re.Pattern[str], str, Callable[..., Answer]]] = []
        self._routed: list[tuple[Recorded, str]] = []
        self._ids = itertools.count(1)
        self.now = datetime.now(UTC).replace(microsecond=0)
        for host in self.hosts:
            pattern = re.compile(rf"https://{re.escape(host)}/.*")
            for method in ("GET", "POST", "PUT", "DELETE"):
                rsps.add_callback(method, pattern, callback=self._handle)

    def route(self, method: str, path: str, name: str, handler: Callable[..., Answer]) -> None:
        self._routes.append((method, re.compile(path + r"$"), name, handler))

    def fail(self, route: str, kind: str, *, times: int = 1, **options: Any) -> None:
        """Make the next ``times`` calls of ``route`` fail with ``kind``."""
        self._failures.setdefault(route, []).append(_Failure(kind, times, options))

    def calls(self, route: str) -> list[Recorded]:
        """Recorded requests that were routed to ``route`` (including failed ones)."""
        return [r for r, name in self._routed if name == route]

    def _take_failure(self, route: str) -> _Failure | None:
        queue = self._failures.get(route) or []
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    def _handle(self, request: PreparedRequest) -> Answer:
        recorded = _record(request)
        self.requests.append(recorded)
        path = self._local_path(recorded)
        for method, pattern, name, handler in self._routes:
            match = pattern.match(path)
            if method == recorded.method and match:
                name = self._route_name(name, match.groups())
                self._routed.append((recorded, name))
                denied = self._check_auth(recorded)
                if denied is not None:
                    return denied
                failure = self._take_failure(name)
                if failure is not None and failure.kind not in AFTER_ACCEPT:
                    return self._failure_answer(failure)
                answer = handler(recorded, *match.groups())
                if failure is not None:
                    if failure.kind == "timeout_after_accept":
                        raise requests.exceptions.ReadTimeout("fake: read timed out")
                    raise requests.exceptions.ConnectionError("fake: connection reset by peer")
                return answer
        raise AssertionError(f"{self.label}: unexpected {recorded.method} {recorded.path}")

    def _next_id(self, base: int) -> str:
        return str(base + next(self._ids))

    # Hooks for subclasses.
    def _route_name(self, name: str, groups: tuple[str | Any, ...]) -> str:
        return name

    def _local_path(self, recorded: Recorded) -> str:
        return recorded.path

    def _check_auth(self, recorded: Recorded) -> Answer | None:
        return None

    def _failure_answer(self, failure: _Failure) -> Answer:
        if failure.kind == "timeout_before_accept":
            raise requests.exceptions.ConnectTimeout("fake: connect timed out")
        raise NotImplementedError(failure.kind)


# --------------------------------------------------------------------------- X


def _problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": "about:blank", "status": status, **extra}


class FakeX(_FakeService):
    """The X API v2 endpoints XPublisher uses, on both api.x.com and api.twitter.com.

    Failure kinds: ``rate_limit`` (option ``reset_in`` seconds), ``unauthorized``,
    ``server_error``, ``duplicate``, ``forbidden``, ``bad_request``, ``not_found``,
    ``timeout_before_accept``, ``timeout_after_accept``, ``connection_error_after_accept``.
    Routes: ``upload``, ``metadata``, ``create``, ``delete``, ``hide``, ``search``, ``me``,
    ``timeline``.
    """

    hosts = X_HOSTS
    label = "FakeX"

    def __init__(
        self,
        rsps: responses.RequestsMock,
        *,
        user_id: str = "1720000000000000001",
        username: str = "oakfieldprimary",
    ) -> None:
        super().__init__(rsps)
        self.user = {"id": user_id, "name": "Oakfield Primary", "username": username}
        self.access_level = "read-write"
        self.expired = False
        self.tweets: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.users = {user_id: self.user}
        self.route("POST", r"/2/media/upload", "upload", self._upload)
        self.route("POST", r"/2/media/metadata", "metadata", self._metadata)
        self.route("POST", r"/2/tweets", "create", self._create)
        self.route("DELETE", r"/2/tweets/(\d+)", "delete", self._delete)
        self.route("PUT", r"/2/tweets/(\d+)/hidden", "hide", self._hide)
        self.route("GET", r"/2/tweets/search/recent", "search", self._search)
        self.route("GET", r"/2/users/me", "me", self._me)
        self.route("GET", r"/2/users/(\d+)/tweets", "timeline", self._timeline)

    # ------------------------------------------------------------------ inspection

    @property
    def posts(self) -> list[dict[str, Any]]:
        """The account's own tweets, oldest first."""
        return [
            t
            for t in self.tweets.values()
            if t["author_id"] == self.user["id"] and "in_reply_to" not in t
        ]

    @property
    def uploads(self) -> list[dict[str, Any]]:
        """Uploaded media in order: ``data`` (bytes), ``mime``, ``category``, ``alt_text``."""
        return list(self.media.values())

    def add_post(self, text: str, *, age: timedelta = timedelta(0)) -> str:
        """A tweet of our own that already exists (e.g. posted last week)."""
        return self._store(self.user["id"], html.escape(text, quote=False), age=age)

    def add_reply(
        self,
        conversation_id: str,
        text: str,
        *,
        author_id: str = "2244994945",
        username: str = "a_parent",
        parent_id: str | None = None,
        age: timedelta = timedelta(0),
    ) -> str:
        """Someone replies in one of our conversations."""
        self.users.setdefault(author_id, {"id": author_id, "name": username, "username": username})
        tweet_id = self._store(author_id, text, age=age, conversation_id=conversation_id)
        self.tweets[tweet_id]["in_reply_to"] = parent_id or conversation_id
        return tweet_id

    def _store(self, author_id: str, text: str, *, age: timedelta, **extra: Any) -> str:
        tweet_id = self._next_id(1912000000000000000)
        self.tweets[tweet_id] = {
            "id": tweet_id,
            "text": text,
            "author_id": author_id,
            "created_at": self.now - age + timedelta(seconds=len(self.tweets)),
            "conversation_id": extra.get("conversation_id", tweet_id),
            "hidden": False,
        }
        return tweet_id

    # ------------------------------------------------------------------ auth & failures

    def _check_auth(self, recorded: Recorded) -> Answer | None:
        auth = recorded.headers.get("Authorization", "")
        if self.expired or not auth.startswith("OAuth ") or "oauth_signature=" not in auth:
            return _json(401, _problem(401, "Unauthorized", "Unauthorized"))
        return None

    def _failure_answer(self, failure: _Failure) -> Answer:
        kind = failure.kind
        if kind == "rate_limit":
            reset = int(self.now.timestamp()) + int(failure.options.get("reset_in", 120))
            headers = {
                "x-rate-limit-limit": "100",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            }
            return _json(429, _problem(429, "Too Many Requests", "Too Many Requests"), headers)
        if kind == "unauthorized":
            return _json(401, _problem(401, "Unauthorized", "Unauthorized"))
        if kind == "server_error":
            return _json(503, _problem(503, "Service Unavailable", "Service Unavailable"))
        if kind == "duplicate":
            return self._duplicate()
        if kind == "forbidden":
            return _json(
                403,
                _problem(403, "Forbidden", "You are not permitted to perform this action."),
            )
        if kind == "bad_request":
            return _json(
                400,
                {
                    "errors": [{"message": "Text is too long."}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        if kind == "not_found":
            return self._not_found("0")
        return super()._failure_answer(failure)

    @staticmethod
    def _duplicate() -> Answer:
        return _json(
            403,
            _problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            ),
        )

    @staticmethod
    def _not_found(tweet_id: str) -> Answer:
        return _json(
            404,
            {
                "errors": [
                    {
                        "value": tweet_id,
                        "detail": f"Could not find tweet with id: [{tweet_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "id",
                        "resource_id": tweet_id,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ],
                "title": "Not Found Error",
                "detail": f"Could not find tweet with id: [{tweet_id}].",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            },
        )

    # ------------------------------------------------------------------ handlers

    def _upload(self, r: Recorded) -> Answer:
        assert r.host == "api.x.com", "v2 media upload lives on api.x.com"
        part = r.files.get("media")
        assert part is not None, "upload without a media part"
        media_id = self._next_id(1880000000000000000)
        self.media[media_id] = {
            "data": part.data,
            "mime": part.content_type,
            "category": r.form.get("media_category"),
            "alt_text": None,
        }
        return _json(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(part.data),
                    "expires_after_secs": 86400,
                    "image": {"image_type": part.content_type, "w": 640, "h": 480},
                }
            },
        )

    def _metadata(self, r: Recorded) -> Answer:
        assert r.host == "api.x.com", "v2 media metadata lives on api.x.com"
        media_id = str(r.json["id"])
        if media_id not in self.media:
            return _json(400, {"errors": [{"message": "Invalid media id"}]})
        alt = r.json["metadata"]["alt_text"]["text"]
        self.media[media_id]["alt_text"] = alt
        return _json(
            200, {"data": {"id": media_id, "associated_metadata": {"alt_text": {"text": alt}}}}
        )

    def _create(self, r: Recorded) -> Answer:
        text = str(r.json.get("text") or "")
        media_ids = (r.json.get("media") or {}).get("media_ids") or []
        if any(m not in self.media for m in media_ids):
            return _json(400, {"errors": [{"message": "Your media IDs are invalid."}]})
        stored = html.escape(text, quote=False)
        if any(t["text"].split(" https://t.co/")[0] == stored for t in self.posts):
            return self._duplicate()
        if media_ids:
            # X appends a t.co link to the media, as the live API does.
            stored += " https://t.co/AbC123xYz"
        tweet_id = self._store(self.user["id"], stored, age=timedelta(0))
        self.tweets[tweet_id]["media_ids"] = list(media_ids)
        headers = {"location": f"https://api.twitter.com/2/tweets/{tweet_id}"}
        body = {"data": {"id": tweet_id, "text": stored, "edit_history_tweet_ids": [tweet_id]}}
        return _json(201, body, headers)

    def _delete(self, r: Recorded, tweet_id: str) -> Answer:
        if self.tweets.pop(tweet_id, None) is None:
            return self._not_found(tweet_id)
        return _json(200, {"data": {"deleted": True}})

    def _hide(self, r: Recorded, tweet_id: str) -> Answer:
        if tweet_id not in self.tweets:
            return self._not_found(tweet_id)
        self.tweets[tweet_id]["hidden"] = bool(r.json["hidden"])
        return _json(200, {"data": {"hidden": bool(r.json["hidden"])}})

    def _me(self, r: Recorded) -> Answer:
        return _json(200, {"data": self.user}, {"x-access-level": self.access_level})

    def _tweet_payload(self, tweet: dict[str, Any]) -> dict[str, Any]:
        payload = {
            "id": tweet["id"],
            "text": tweet["text"],
            "edit_history_tweet_ids": [tweet["id"]],
            "author_id": tweet["author_id"],
            "conversation_id": tweet["conversation_id"],
            "created_at": tweet["created_at"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        if "in_reply_to" in tweet:
            payload["in_reply_to_user_id"] = self.user["id"]
            payload["referenced_tweets"] = [{"type": "replied_to", "id": tweet["in_reply_to"]}]
        return payload

    def _page(self, r: Recorded, tweets: list[dict[str, Any]]) -> dict[str, Any]:
        """Newest first, ``max_results`` a page, ``next_token`` = offset of the next page."""
        tweets = sorted(tweets, key=lambda t: int(t["id"]), reverse=True)
        size = int(r.query.get("max_results", 10))
        start = int(r.query.get("next_token") or 0)
        page = tweets[start : start + size]
        if not page:
            return {"meta": {"result_count": 0}}
        meta: dict[str, Any] = {
            "newest_id": page[0]["id"],
            "oldest_id": page[-1]["id"],
            "result_count": len(page),
        }
        if start + size < len(tweets):
            meta["next_token"] = str(start + size)
        return {"data": [self._tweet_payload(t) for t in page], "meta": meta}

    def _search(self, r: Recorded) -> Answer:
        match = re.search(r"conversation_id:(\d+)", r.query.get("query", ""))
        assert match, "reply search must filter on conversation_id"
        since_id = int(r.query.get("since_id") or 0)
        replies = [
            t
            for t in self.tweets.values()
            if t["conversation_id"] == match.group(1)
            and "in_reply_to" in t
            and int(t["id"]) > since_id
        ]
        body = self._page(r, replies)
        if "data" in body:
            authors = {t["author_id"] for t in body["data"]}
            body["includes"] = {"users": [self.users[a] for a in sorted(authors)]}
        return _json(200, body)

    def _timeline(self, r: Recorded, user_id: str) -> Answer:
        assert user_id == self.user["id"], "reconciliation must read our own timeline"
        start = r.query.get("start_time")
        since = (
            datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if start else None
        )
        own = [t for t in self.posts if since is None or t["created_at"] >= since]
        return _json(200, self._page(r, own))


# --------------------------------------------------------------------------- Graph API


def _graph_error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    kind: str = "OAuthException",
    transient: bool = False,
    headers: dict[str, str] | None = None,
) -> Answer:
    error: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "is_transient": transient,
        "fbtrace_id": "AbCdEfGh123",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return _json(status, {"error": error}, headers)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1]) if cursor else 0


class FakeGraph(_FakeService):
    """The Graph API endpoints the Facebook Page and Instagram adapters use.

    Checks the pinned version prefix, the ``Authorization: Bearer`` token and that
    ``appsecret_proof`` matches it. Failure kinds: ``rate_limit`` (code 4, ``X-App-Usage``),
    ``page_rate_limit`` (code 32 with ``X-Business-Use-Case-Usage``; option ``minutes``),
    ``expired_token`` (190/463), ``server_error`` (code 2, HTTP 500), ``duplicate`` (506),
    ``policy_block`` (368), ``permission`` (200), ``invalid_parameter`` (100),
    ``feed_limit`` (341), ``publish_limit`` (IG 9/2207042), ``not_found`` (100/33),
    ``timeout_before_accept``, ``timeout_after_accept``, ``connection_error_after_accept``.

    Routes: ``feed``, ``photos``, ``published_posts``, ``comments``, ``comment_update``,
    ``delete``, ``blocked``, ``me``, ``debug_token``, ``container``, ``container_status``,
    ``media_publish``, ``media_list``, ``permalink``, ``ig_user``, ``publishing_limit``.
    """

    hosts = (GRAPH_HOST,)
    label = "FakeGraph"
    PAGE_SCOPES = [
        "pages_show_list",
        "pages_read_engagement",
        "pages_manage_posts",
        "pages_read_user_content",
        "pages_manage_engagement",
        "pages_manage_metadata",
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_comments",
    ]

    def __init__(
        self,
        rsps: responses.RequestsMock,
        *,
        app_id: str = "4242424242",
        app_secret: str = "app-secret-value",
        page_id: str = "104000000000001",
        page_token: str = "EAAPageTokenValue",
        ig_user_id: str = "17841400000000001",
        version: str = "v25.0",
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.page_id = page_id
        self.page_token = page_token
        self.ig_user_id = ig_user_id
        self.version = version
        super().__init__(rsps)
        self.expired = False
        self.scopes = list(self.PAGE_SCOPES)
        self.me_id = page_id
        self.quota_usage = 0
        self.posts: dict[str, dict[str, Any]] = {}  # Facebook posts by id, in order
        self.photos: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.blocked: list[str] = []
        self.containers: dict[str, dict[str, Any]] = {}
        self.ig_media: dict[str, dict[str, Any]] = {}
        self._next_statuses: list[str] = []
        p, ig, obj = re.escape(page_id), re.escape(ig_user_id), r"([\w]+)"
        self.route("POST", rf"/{p}/feed", "feed", self._feed)
        self.route("POST", rf"/{p}/photos", "photos", self._photos)
        self.route("GET", rf"/{p}/published_posts", "published_posts", self._published_posts)
        self.route("POST", rf"/{p}/blocked", "blocked", self._block)
        self.route("GET", r"/me", "me", self._me)
        self.route("GET", r"/debug_token", "debug_token", self._debug_token)
        self.route("POST", rf"/{ig}/media", "container", self._container)
        self.route("POST", rf"/{ig}/media_publish", "media_publish", self._media_publish)
        self.route("GET", rf"/{ig}/media", "media_list", self._media_list)
        self.route("GET", rf"/{ig}/content_publishing_limit", "publishing_limit", self._limit)
        self.route("GET", rf"/({ig})", "ig_user", self._ig_user)
        self.route("GET", rf"/{obj}/comments", "comments", self._comments)
        self.route("GET", rf"/{obj}", "object", self._object)
        self.route("POST", rf"/{obj}", "comment_update", self._comment_update)
        self.route("DELETE", rf"/{obj}", "delete", self._delete)

    # ------------------------------------------------------------------ inspection

    def add_post(self, message: str, *, age: timedelta = timedelta(0)) -> str:
        """A Page post that already exists."""
        return self._new_post(message, [], age=age)

    def add_comment(
        self,
        on: str,
        message: str,
        *,
        author: tuple[str, str] | None = ("5550001", "A Parent"),
        parent: str | None = None,
        age: timedelta = timedelta(0),
        image: str | None = None,
    ) -> str:
        """A comment on a Facebook post or Instagram media (``author=None``: ``from`` omitted,
        as Meta does for people who have not authorised the app)."""
        comment_id = f"{on.split('_')[-1]}_{self._next_id(900000)}"
        self.comments[comment_id] = {
            "id": comment_id,
            "on": on,
            "message": message,
            "author": author,
            "parent": parent,
            "created": self.now - age + timedelta(seconds=len(self.comments)),
            "hidden": False,
            "image": image,
        }
        return comment_id

    def add_ig_media(self, caption: str, *, age: timedelta = timedelta(0)) -> str:
        """An Instagram post that already exists."""
        media_id = self._next_id(17900000000000000)
        self.ig_media[media_id] = {
            "id": media_id,
            "caption": caption,
            "timestamp": self.now - age + timedelta(seconds=len(self.ig_media)),
            "permalink": f"https://www.instagram.com/p/Fake{media_id[-6:]}/",
            "images": [],
        }
        return media_id

    def set_container_statuses(self, *statuses: str) -> None:
        """Statuses the next created container reports on successive polls (then the last)."""
        self._next_statuses = list(statuses)

    # ------------------------------------------------------------------ auth & failures

    def _route_name(self, name: str, groups: tuple[str | Any, ...]) -> str:
        """Single-object GETs are a container status poll or a permalink read."""
        if name == "object" and groups and groups[0] in self.containers:
            return "container_status"
        if name == "object" and groups and groups[0] in self.ig_media:
            return "permalink"
        return name

    def _local_path(self, recorded: Recorded) -> str:
        prefix = f"/{self.version}/"
        assert recorded.path.startswith(prefix), f"unpinned Graph call: {recorded.path}"
        return recorded.path[len(prefix) - 1 :]

    def _check_auth(self, recorded: Recorded) -> Answer | None:
        auth = recorded.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        app_token = f"{self.app_id}|{self.app_secret}"
        if token not in (self.page_token, app_token):
            return _graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        expected = hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        if recorded.params.get("appsecret_proof") != expected:
            return _graph_error(
                400,
                100,
                "Invalid appsecret_proof provided in the API argument",
                kind="GraphMethodException",
            )
        if self.expired and token == self.page_token:
            return _graph_error(
                400,
                190,
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons.",
                subcode=460,
            )
        return None

    def _failure_answer(self, failure: _Failure) -> Answer:
        kind = failure.kind
        if kind == "rate_limit":
            usage = json.dumps({"call_count": 100, "total_cputime": 20, "total_time": 25})
            return _graph_error(
                403,
                4,
                "(#4) Application request limit reached",
                transient=True,
                headers={"X-App-Usage": usage},
            )
        if kind == "page_rate_limit":
            minutes = int(failure.options.get("minutes", 15))
            usage = json.dumps(
                {
                    self.page_id: [
                        {
                            "type": "pages",
                            "call_count": 100,
                            "total_cputime": 10,
                            "total_time": 10,
                            "estimated_time_to_regain_access": minutes,
                        }
                    ]
                }
            )
            return _graph_error(
                403,
                32,
                "(#32) Page request limit reached",
                headers={"X-Business-Use-Case-Usage": usage},
            )
        if kind == "expired_token":
            return _graph_error(
                400,
                190,
                "Error validating access token: Session has expired on Friday, 01-May-26 "
                "10:00:00 PDT.",
                subcode=463,
            )
        if kind == "server_error":
            return _graph_error(
                500,
                2,
                "An unexpected error has occurred. Please retry your request later.",
                transient=True,
            )
        if kind == "duplicate":
            return _graph_error(400, 506, "Duplicate status message")
        if kind == "policy_block":
            return _graph_error(
                400,
                368,
                "The action attempted has been deemed abusive or is otherwise disallowed",
            )
        if kind == "permission":
            return _graph_error(
                403,
                200,
                "(#200) Requires pages_manage_posts permission to manage the object",
            )
        if kind == "invalid_parameter":
            return _graph_error(400, 100, "(#100) Invalid parameter", kind="GraphMethodException")
        if kind == "feed_limit":
            return _graph_error(400, 341, "(#341) Feed action request limit reached")
        if kind == "publish_limit":
            return _graph_error(
                400,
                9,
                "Application request limit reached",
                subcode=2207042,
            )
        if kind == "not_found":
            return self._missing("0")
        return super()._failure_answer(failure)

    @staticmethod
    def _missing(object_id: str) -> Answer:
        return _graph_error(
            400,
            100,
            f"Unsupported request - method type: get. Object with ID '{object_id}' does not "
            "exist, cannot be loaded due to missing permissions, or does not support this "
            "operation.",
            subcode=33,
            kind="GraphMethodException",
        )

    # ------------------------------------------------------------------ Facebook handlers

    def _new_post(
        self, message: str, photo_ids: list[str], *, age: timedelta = timedelta(0)
    ) -> str:
        post_id = f"{self.page_id}_{self._next_id(122000000000000000)}"
        self.posts[post_id] = {
            "id": post_id,
            "message": message,
            "photos": photo_ids,
            "created": self.now - age + timedelta(seconds=len(self.posts)),
        }
        return post_id

    def _feed(self, r: Recorded) -> Answer:
        attached = [
            json.loads(v)["media_fbid"]
            for k, v in sorted(r.form.items())
            if k.startswith("attached_media[")
        ]
        for photo_id in attached:
            photo = self.photos.get(photo_id)
            if photo is None or photo["published"]:
                return _graph_error(400, 100, "(#100) Invalid attached_media")
        post_id = self._new_post(r.form.get("message", ""), attached)
        for photo_id in attached:
            self.photos[photo_id]["post_id"] = post_id
        return _json(200, {"id": post_id})

    def _photos(self, r: Recorded) -> Answer:
        part = r.files.get("source")
        if part is None and "url" not in r.form:
            return _graph_error(400, 324, "(#324) Requires upload file")
        photo_id = self._next_id(123000000000000000)
        published = r.form.get("published", "true") != "false"
        self.photos[photo_id] = {
            "id": photo_id,
            "data": part.data if part else None,
            "mime": part.content_type if part else None,
            "alt_text": r.form.get("alt_text_custom"),
            "published": published,
            "post_id": None,
        }
        if not published:
            return _json(200, {"id": photo_id})
        post_id = self._new_post(r.form.get("message", ""), [photo_id])
        self.photos[photo_id]["post_id"] = post_id
        return _json(200, {"id": photo_id, "post_id": post_id})

    def _published_posts(self, r: Recorded) -> Answer:
        since = int(r.query.get("since", 0))
        posts = sorted(self.posts.values(), key=lambda p: p["created"], reverse=True)
        data = [
            {
                "id": p["id"],
                "message": p["message"],
                "created_time": p["created"].strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "permalink_url": f"https://www.facebook.com/{p['id'].replace('_', '/posts/')}",
            }
            for p in posts
            if p["created"].timestamp() >= since
        ][: int(r.query.get("limit", 25))]
        return _json(200, {"data": data})

    def _block(self, r: Recorded) -> Answer:
        user = r.form["user"]
        self.blocked.append(user)
        return _json(200, {user: True})

    def _me(self, r: Recorded) -> Answer:
        return _json(200, {"id": self.me_id, "name": "Oakfield Primary School"})

    def _debug_token(self, r: Recorded) -> Answer:
        valid = r.query.get("input_token") == self.page_token and not self.expired
        return _json(
            200,
            {
                "data": {
                    "app_id": self.app_id,
                    "type": "PAGE",
                    "application": "School Post Queue",
                    "data_access_expires_at": 0,
                    "expires_at": 0,
                    "is_valid": valid,
                    "profile_id": self.page_id,
                    "scopes": self.scopes,
                    "user_id": "10000000000001",
                }
            },
        )

    def _comment_payload(self, c: dict[str, Any], fields: str) -> dict[str, Any]:
        if c["on"] in self.ig_media:
            payload: dict[str, Any] = {
                "id": c["id"],
                "text": c["message"],
                "timestamp": c["created"].strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "hidden": c["hidden"],
            }
            if c["author"]:
                payload["username"] = c["author"][1]
                payload["from"] = {"id": c["author"][0], "username": c["author"][1]}
            replies = [
                self._comment_payload(x, "")
                for x in self.comments.values()
                if x["parent"] == c["id"]
            ]
            if replies and "replies{" in fields:
                payload["replies"] = {"data": replies}
            return payload
        payload = {
            "id": c["id"],
            "message": c["message"],
            "created_time": c["created"].strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "is_hidden": c["hidden"],
            "can_hide": True,
            "can_remove": True,
            "permalink_url": f"https://www.facebook.com/{c['on']}?comment_id={c['id']}",
        }
        if c["author"]:
            payload["from"] = {"id": c["author"][0], "name": c["author"][1]}
        if c["parent"]:
            payload["parent"] = {"id": c["parent"]}
        if c["image"]:
            payload["attachment"] = {
                "type": "photo",
                "media": {"image": {"height": 480, "width": 640, "src": c["image"]}},
            }
        return payload

    def _comments(self, r: Recorded, on: str) -> Answer:
        if on not in self.posts and on not in self.ig_media:
            return self._missing(on)
        fields = r.query.get("fields", "")
        if on in self.ig_media:
            chosen = [c for c in self.comments.values() if c["on"] == on and not c["parent"]]
        else:
            assert r.query.get("filter") == "stream", "read replies too (filter=stream)"
            chosen = [c for c in self.comments.values() if c["on"] == on]
        chosen.sort(key=lambda c: c["created"], reverse=True)
        limit = int(r.query.get("limit", 25))
        start = _offset(r.query.get("after"))
        page = chosen[start : start + limit]
        body: dict[str, Any] = {"data": [self._comment_payload(c, fields) for c in page]}
        if page:
            body["paging"] = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}
            }
            if start + limit < len(chosen):
                body["paging"]["next"] = (
                    f"https://graph.facebook.com/{self.version}/{on}/comments"
                    f"?limit={limit}&after={_cursor(start + len(page))}"
                )
        return _json(200, body)

    def _comment_update(self, r: Recorded, object_id: str) -> Answer:
        comment = self.comments.get(object_id)
        if comment is None:
            return self._missing(object_id)
        flag = r.params.get("is_hidden", r.params.get("hide"))
        assert flag in ("true", "false"), "hide or unhide expected"
        comment["hidden"] = flag == "true"
        return _json(200, {"success": True})

    def _delete(self, r: Recorded, object_id: str) -> Answer:
        for store in (self.posts, self.comments, self.ig_media):
            if store.pop(object_id, None) is not None:
                return _json(200, {"success": True})
        return self._missing(object_id)

    # ------------------------------------------------------------------ Instagram handlers

    def _container(self, r: Recorded) -> Answer:
        f = r.form
        container_id = self._next_id(18000000000000000)
        if f.get("media_type") == "CAROUSEL":
            children = f.get("children", "").split(",")
            if not 2 <= len(children) <= 10 or any(
                c not in self.containers or not self.containers[c]["carousel_item"]
                for c in children
            ):
                return _graph_error(
                    400, 100, "(#100) Invalid children", kind="GraphMethodException"
                )
        elif not f.get("image_url", "").startswith("https://"):
            return _graph_error(400, 100, "(#100) image_url is required")
        statuses = self._next_statuses or ["FINISHED"]
        self._next_statuses = []
        self.containers[container_id] = {
            "id": container_id,
            "fields": dict(f),
            "carousel_item": f.get("is_carousel_item") == "true",
            "statuses": list(statuses),
        }
        return _json(200, {"id": container_id})

    def _container_status(self, container_id: str) -> Answer:
        container = self.containers[container_id]
        statuses = container["statuses"]
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        text = {
            "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
            "IN_PROGRESS": "In Progress: Media is still being processed.",
            "ERROR": "Error: Media download has failed. The media URI doesn't meet our "
            "requirements.",
            "EXPIRED": "Expired",
            "PUBLISHED": "Published",
        }[status]
        return _json(200, {"status_code": status, "status": text, "id": container_id})

    def _media_publish(self, r: Recorded) -> Answer:
        container = self.containers.get(r.form.get("creation_id", ""))
        if container is None:
            return self._missing(r.form.get("creation_id", ""))
        if container["statuses"][0] == "PUBLISHED":
            return _graph_error(400, 100, "(#100) The media has already been published")
        if container["statuses"][0] != "FINISHED":
            return _graph_error(
                400,
                9007,
                "The media is not ready for publishing, please wait for a moment",
                subcode=2207027,
            )
        fields = container["fields"]
        children = fields.get("children", "").split(",") if fields.get("children") else []
        items = [self.containers[c]["fields"] for c in children] or [fields]
        media_id = self.add_ig_media(fields.get("caption", ""))
        self.ig_media[media_id]["images"] = [
            {"image_url": i.get("image_url"), "alt_text": i.get("alt_text")} for i in items
        ]
        container["statuses"] = ["PUBLISHED"]
        return _json(200, {"id": media_id})

    def _media_list(self, r: Recorded) -> Answer:
        media = sorted(self.ig_media.values(), key=lambda m: m["timestamp"], reverse=True)
        data = [
            {
                "id": m["id"],
                "caption": m["caption"],
                "timestamp": m["timestamp"].strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "permalink": m["permalink"],
            }
            for m in media[: int(r.query.get("limit", 25))]
        ]
        return _json(200, {"data": data})

    def _limit(self, r: Recorded) -> Answer:
        return _json(
            200,
            {
                "data": [
                    {
                        "quota_usage": self.quota_usage,
                        "config": {"quota_total": 100, "quota_duration": 86400},
                    }
                ]
            },
        )

    def _ig_user(self, r: Recorded, ig_user_id: str) -> Answer:
        return _json(200, {"id": ig_user_id, "username": "oakfieldprimary"})

    def _object(self, r: Recorded, object_id: str) -> Answer:
        """GET on a single object: container status or a published media's permalink."""
        if object_id in self.containers:
            return self._container_status(object_id)
        if object_id in self.ig_media:
            media = self.ig_media[object_id]
            return _json(200, {"id": object_id, "permalink": media["permalink"]})
        return self._missing(object_id)
