"""X (Twitter) adapter on tweepy 4.17.0's ``tweepy.Client`` (API v2, OAuth 1.0a user context).

Why a subclass of ``tweepy.Client``: tweepy 4.17 still uploads media to the retired v1.1
host and never sets an HTTP timeout, so :class:`XApiClient` adds the v2 media endpoints and
swaps in a session with a default timeout. Everything else is tweepy's own code.

Errors are mapped in one place, :func:`map_x_error`, following the research notes: 429 waits
until the reset time, 401 needs a reconnect, "duplicate content" or a 5xx/timeout on the
create call means the post may exist (reconcile), other 400/403s are permanent, and 404 on
delete or hide means the job is already done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy  # type: ignore[import-untyped, unused-ignore]
from tweepy.auth import OAuth1UserHandler  # type: ignore[import-untyped, unused-ignore]

from backend.common.channels import ChannelKind
from publishers.base import (
    API_BASE_FIELD,
    AccountField,
    AccountSpec,
    CommentPage,
    Connection,
    HealthReport,
    Publisher,
    PublisherError,
    PublishRequest,
    PublishResult,
    RemoteComment,
    RemotePost,
    find_matching_post,
)
from publishers.http import DEFAULT_TIMEOUT, Timeout, TimeoutSession, transport_error

__all__ = ["MEDIA_HOST", "XApiClient", "XPublisher", "map_x_error", "parse_media_id"]

log = logging.getLogger(__name__)

PLATFORM = "X"
#: Host of the v2 media endpoints (tweepy's own calls still go to api.twitter.com).
MEDIA_HOST = "https://api.x.com"
API_HOST = "https://api.twitter.com"
#: X's reply search covers the last 7 days only.
REPLY_SEARCH_WINDOW = timedelta(days=7)
MAX_IMAGES = 4
MAX_ALT_TEXT = 1000
#: Used when a 429 arrives without an ``x-rate-limit-reset`` header (X windows are 15 min).
DEFAULT_RATE_LIMIT_WAIT = 60.0


# --------------------------------------------------------------------------- low level


def parse_media_id(payload: Any) -> str:
    """Pull the media id out of an upload answer, whichever shape X used.

    The v2 endpoint answers ``{"data": {"id": "..."}}``; older and transitional shapes used
    ``id``, ``media_id_string`` or a numeric ``media_id``. Ids are kept as strings because
    they exceed 2**53.
    """
    candidates: list[Any] = []
    if isinstance(payload, dict):
        data = payload.get("data")
        if isinstance(data, dict):
            candidates += [data.get("id"), data.get("media_id_string"), data.get("media_id")]
        candidates += [payload.get("id"), payload.get("media_id_string"), payload.get("media_id")]
    for candidate in candidates:
        if isinstance(candidate, (str, int)) and not isinstance(candidate, bool):
            text = str(candidate).strip()
            if text:
                return text
    raise PublisherError.transient(PLATFORM, detail="media upload answer had no media id")


def _raise_for_status(response: requests.Response) -> None:
    """Raise the same tweepy exception tweepy's own ``request`` would, so one mapping
    function handles the media endpoints and tweepy's endpoints alike."""
    status = response.status_code
    if status == 400:
        raise tweepy.BadRequest(response)
    if status == 401:
        raise tweepy.Unauthorized(response)
    if status == 403:
        raise tweepy.Forbidden(response)
    if status == 404:
        raise tweepy.NotFound(response)
    if status == 429:
        reset = response.headers.get("x-rate-limit-reset")
        reset_time = int(reset) if reset and reset.isdigit() else None
        raise tweepy.TooManyRequests(response, reset_time=reset_time)
    if status >= 500:
        raise tweepy.TwitterServerError(response)
    if not 200 <= status < 300:
        raise tweepy.HTTPException(response)


class XApiClient(tweepy.Client):  # type: ignore[misc]
    """``tweepy.Client`` with a timeout on every request and the v2 media endpoints.

    Always OAuth 1.0a user context, always ``wait_on_rate_limit=False`` (workers must not
    sleep for 15 minutes) and always plain ``dict`` results.
    """

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            access_token=access_token,
            access_token_secret=access_token_secret,
            return_type=dict,
            wait_on_rate_limit=False,
        )
        self.session = TimeoutSession(timeout)

    def __repr__(self) -> str:
        return "XApiClient(auth='oauth1-user')"

    def _oauth1(self) -> Any:
        return OAuth1UserHandler(
            self.consumer_key, self.consumer_secret, self.access_token, self.access_token_secret
        ).apply_auth()

    def _media_call(self, method: str, route: str, **kwargs: Any) -> dict[str, Any]:
        response = self.session.request(
            method,
            MEDIA_HOST + route,
            auth=self._oauth1(),
            headers={"User-Agent": self.user_agent},
            **kwargs,
        )
        _raise_for_status(response)
        if not response.content:
            return {}
        body = response.json()
        return body if isinstance(body, dict) else {}

    def upload_image(self, data: bytes, mime: str, *, timeout: Timeout | None = None) -> str:
        """``POST /2/media/upload`` (multipart, one shot) and return the media id.

        The bytes are sent exactly as given. Images up to 5 MB fit in one request; chunked
        upload is not needed for still images.
        """
        extension = mime.rsplit("/", 1)[-1] or "bin"
        body = self._media_call(
            "POST",
            "/2/media/upload",
            files={"media": (f"image.{extension}", data, mime)},
            data={"media_category": "tweet_image"},
            timeout=timeout,
        )
        return parse_media_id(body)

    def set_alt_text(self, media_id: str, text: str) -> None:
        """``POST /2/media/metadata`` with the image's alt text (X allows 1000 chars)."""
        self._media_call(
            "POST",
            "/2/media/metadata",
            json={"id": media_id, "metadata": {"alt_text": {"text": text}}},
        )


# --------------------------------------------------------------------------- error mapping


def _retry_after(exc: Any) -> float:
    reset_time = getattr(exc, "reset_time", None)
    if isinstance(reset_time, int):
        return max(1.0, reset_time - time.time())
    return DEFAULT_RATE_LIMIT_WAIT


def _detail(exc: Any) -> str:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    messages = "; ".join(str(m) for m in getattr(exc, "api_messages", []) or [])
    return f"HTTP {status}: {messages}" if messages else f"HTTP {status}"


def _is_duplicate(exc: Any) -> bool:
    messages = " ".join(str(m) for m in getattr(exc, "api_messages", []) or []).lower()
    return "duplicate" in messages or 187 in (getattr(exc, "api_codes", []) or [])


def map_x_error(exc: Exception, *, creating: bool = False) -> PublisherError:
    """Translate a tweepy or requests exception into a :class:`PublisherError`.

    ``creating`` marks the ``POST /2/tweets`` call, the only one whose failure may hide a
    success.
    """
    if isinstance(exc, PublisherError):
        return exc
    if isinstance(exc, requests.RequestException):
        return transport_error(PLATFORM, exc, creating=creating)
    detail = _detail(exc)
    if isinstance(exc, tweepy.TooManyRequests):
        return PublisherError.rate_limited(PLATFORM, _retry_after(exc), detail=detail)
    if isinstance(exc, tweepy.Unauthorized):
        return PublisherError.reconnect(PLATFORM, detail=detail)
    if isinstance(exc, tweepy.NotFound):
        return PublisherError.missing(PLATFORM, detail=detail)
    if isinstance(exc, tweepy.TwitterServerError):
        if creating:
            return PublisherError.unknown_outcome(PLATFORM, detail=detail)
        return PublisherError.transient(PLATFORM, detail=detail)
    if isinstance(exc, tweepy.Forbidden):
        if _is_duplicate(exc):
            if creating:
                # X refuses a tweet identical to a recent one: ours may already be live.
                return PublisherError.unknown_outcome(PLATFORM, detail=detail)
            return PublisherError.rejected(
                PLATFORM, "It matches a post that is already published.", detail=detail
            )
        if "oauth1 app permissions" in detail.lower():
            return PublisherError(
                "The X app is not allowed to post (it has read-only permission). Give it "
                "Read and Write permission in the X developer portal, then reconnect X.",
                permanent=True,
                needs_reconnect=True,
                platform=PLATFORM,
                detail=detail,
            )
        return PublisherError.rejected(
            PLATFORM,
            "It may break X's rules, or the account may not be allowed to do this.",
            detail=detail,
        )
    if isinstance(exc, tweepy.BadRequest):
        return PublisherError.rejected(
            PLATFORM,
            "X said the request was not valid (for example, text too long).",
            detail=detail,
        )
    if isinstance(exc, tweepy.HTTPException):
        return PublisherError.rejected(PLATFORM, detail=detail)
    raise exc


@contextmanager
def _x_errors(*, creating: bool = False, missing_ok: bool = False) -> Iterator[None]:
    """Run a block of X calls, translating failures; optionally treat 404 as done."""
    try:
        yield
    except (tweepy.TweepyException, requests.RequestException) as exc:
        error = map_x_error(exc, creating=creating)
        if missing_ok and error.not_found:
            return
        raise error from exc


# --------------------------------------------------------------------------- the adapter


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _status_url(tweet_id: str, username: str | None = None) -> str:
    return f"https://x.com/{username or 'i/web'}/status/{tweet_id}"


class XPublisher(Publisher):
    """Publishes to and moderates one X account.

    ``user_id`` (the account's numeric id) saves a ``GET /2/users/me`` call during
    reconciliation; it is looked up and cached when not given. Reading replies needs paid
    API access, so comment fetching may fail with a permanent error on the free tier.
    """

    kind = ChannelKind.X
    label = ChannelKind.X.label
    platform = PLATFORM
    comment_actions = frozenset({"hide", "unhide"})
    comment_poll_max_age = REPLY_SEARCH_WINDOW
    api_hosts = (API_HOST, MEDIA_HOST)
    account_spec = AccountSpec(
        help_text=(
            "From the X developer portal: the app's API key and secret, and an access token "
            "and secret for the school's account with read and write permission."
        ),
        fields=(
            AccountField("consumer_key", "API key (consumer key)", secret=True, required=True),
            AccountField(
                "consumer_secret", "API key secret (consumer secret)", secret=True, required=True
            ),
            AccountField("access_token", "Access token", secret=True, required=True),
            AccountField("access_token_secret", "Access token secret", secret=True, required=True),
            AccountField(
                "user_id",
                "Account's numeric user id",
                help_text="Optional: looked up when blank.",
            ),
            API_BASE_FIELD,
        ),
    )

    @classmethod
    def connect(cls, connection: Connection, **options: Any) -> XPublisher:
        secrets = connection.secrets
        publisher = cls(
            secrets["consumer_key"],
            secrets["consumer_secret"],
            secrets["access_token"],
            secrets["access_token_secret"],
            user_id=str(connection.config.get("user_id") or "") or None,
            **options,
        )
        if connection.session is not None:
            publisher.client.session = connection.session
        return publisher

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        *,
        user_id: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        upload_timeout: Timeout = (5.0, 60.0),
        max_reply_pages: int = 5,
    ) -> None:
        self.client = XApiClient(
            consumer_key, consumer_secret, access_token, access_token_secret, timeout=timeout
        )
        self.user_id = user_id
        self.upload_timeout = upload_timeout
        self.max_reply_pages = max_reply_pages

    def __repr__(self) -> str:
        return f"XPublisher(user_id={self.user_id!r})"

    # ------------------------------------------------------------------ publishing

    def publish(self, req: PublishRequest) -> PublishResult:
        if len(req.media) > MAX_IMAGES:
            raise PublisherError(
                f"X allows at most {MAX_IMAGES} images in one post; this post has "
                f"{len(req.media)}.",
                permanent=True,
                platform=PLATFORM,
            )
        media_ids: list[str] = []
        with _x_errors():
            for item in req.media:
                media_id = self.client.upload_image(
                    item.data, item.mime, timeout=self.upload_timeout
                )
                if item.alt_text:
                    # X rejects longer alt text; a clipped description beats none at all.
                    self.client.set_alt_text(media_id, item.alt_text[:MAX_ALT_TEXT])
                media_ids.append(media_id)
        log.info("x: creating post %s with %d image(s)", req.idempotency_key, len(media_ids))
        with _x_errors(creating=True):
            body = self.client.create_tweet(text=req.text, media_ids=media_ids or None)
        tweet_id = str((body.get("data") or {}).get("id") or "")
        if not tweet_id:
            # Accepted (2xx) but unreadable: the post probably exists.
            raise PublisherError.unknown_outcome(PLATFORM, detail="create answer had no id")
        return PublishResult(external_id=tweet_id, url=_status_url(tweet_id))

    def _own_user_id(self) -> str:
        if self.user_id is None:
            with _x_errors():
                body = self.client.get_me(user_auth=True)
            self.user_id = str((body.get("data") or {}).get("id") or "") or None
            if self.user_id is None:
                raise PublisherError.transient(PLATFORM, detail="users/me had no id")
        return self.user_id

    def find_existing(self, req: PublishRequest, *, since: datetime) -> PublishResult | None:
        user_id = self._own_user_id()
        with _x_errors():
            body = self.client.get_users_tweets(
                user_id,
                start_time=since,
                max_results=100,
                exclude=["retweets", "replies"],
                tweet_fields=["created_at"],
                user_auth=True,
            )
        posts = [
            RemotePost(
                external_id=str(t["id"]),
                text=str(t.get("text") or ""),
                created_at=_parse_time(t.get("created_at")),
                url=_status_url(str(t["id"])),
            )
            for t in body.get("data") or []
            if isinstance(t, dict) and t.get("id")
        ]
        found = find_matching_post(req.text, posts, since=since)
        return PublishResult(found.external_id, found.url) if found else None

    def delete(self, external_id: str) -> None:
        with _x_errors(missing_ok=True):
            self.client.delete_tweet(external_id, user_auth=True)

    # ------------------------------------------------------------------ comments

    def fetch_comments(self, external_id: str, cursor: str | None) -> CommentPage:
        """Replies in the post's conversation newer than ``cursor`` (a tweet id).

        Follows ``next_token`` pages up to ``max_reply_pages`` so the returned cursor (the
        newest id) never skips older pages. Only the last 7 days are searchable.
        """
        comments: list[RemoteComment] = []
        newest = cursor
        next_token: str | None = None
        for _ in range(self.max_reply_pages):
            params: dict[str, Any] = {
                "max_results": 100,
                "tweet_fields": [
                    "author_id",
                    "conversation_id",
                    "created_at",
                    "in_reply_to_user_id",
                    "referenced_tweets",
                    "attachments",
                ],
                "expansions": ["author_id", "attachments.media_keys"],
                "user_fields": ["username", "name"],
                "media_fields": ["url", "preview_image_url", "type"],
                "user_auth": True,
            }
            if cursor:
                params["since_id"] = cursor
            if next_token:
                params["next_token"] = next_token
            with _x_errors():
                body = self.client.search_recent_tweets(
                    f"conversation_id:{external_id} is:reply", **params
                )
            comments += self._replies(external_id, body)
            meta = body.get("meta") or {}
            if next_token is None and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            next_token = meta.get("next_token")
            if not next_token:
                break
        return CommentPage(comments=comments, cursor=newest, has_more=False)

    @staticmethod
    def _replies(root_id: str, body: dict[str, Any]) -> list[RemoteComment]:
        includes = body.get("includes") or {}
        users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
        media = {
            str(m.get("media_key")): m for m in includes.get("media") or [] if isinstance(m, dict)
        }
        replies = []
        for tweet in body.get("data") or []:
            if not isinstance(tweet, dict) or not tweet.get("id"):
                continue
            parent = next(
                (
                    str(ref.get("id"))
                    for ref in tweet.get("referenced_tweets") or []
                    if isinstance(ref, dict) and ref.get("type") == "replied_to"
                ),
                None,
            )
            author_id = str(tweet["author_id"]) if tweet.get("author_id") else None
            user = users.get(author_id or "", {})
            keys = (tweet.get("attachments") or {}).get("media_keys") or []
            urls = [
                str(media[k].get("url") or media[k].get("preview_image_url"))
                for k in keys
                if k in media and (media[k].get("url") or media[k].get("preview_image_url"))
            ]
            tweet_id = str(tweet["id"])
            replies.append(
                RemoteComment(
                    external_id=tweet_id,
                    parent_external_id=None if parent in (None, root_id) else parent,
                    author_id=author_id,
                    author_name=user.get("username"),
                    text=str(tweet.get("text") or ""),
                    created_at=_parse_time(tweet.get("created_at")) or datetime.now(UTC),
                    permalink=_status_url(tweet_id, user.get("username")),
                    is_hidden=False,
                    media_urls=urls,
                    raw=tweet,
                )
            )
        return replies

    def hide_comment(self, comment_id: str, hidden: bool) -> None:
        """``PUT /2/tweets/{id}/hidden``: only works on replies to our own conversations."""
        with _x_errors(missing_ok=True):
            if hidden:
                self.client.hide_reply(comment_id, user_auth=True)
            else:
                self.client.unhide_reply(comment_id, user_auth=True)

    def delete_comment(self, comment_id: str) -> None:
        raise PublisherError.unsupported(
            PLATFORM, "deleting other people's replies. Hide the reply instead"
        )

    def block_author(self, author_id: str) -> None:
        raise PublisherError.unsupported(
            PLATFORM, "apps to block accounts. Block them in the X app instead"
        )

    # ------------------------------------------------------------------ health

    def check_health(self) -> HealthReport:
        """Call ``GET /2/users/me`` and read the ``x-access-level`` header.

        A token can be valid yet read-only (the app was created without write permission
        or the token predates the change), which would make every publish fail with 403.
        """
        try:
            response = self.client.request("GET", "/2/users/me", user_auth=True)
        except (tweepy.TweepyException, requests.RequestException) as exc:
            return HealthReport(ok=False, problems=[map_x_error(exc).message])
        problems = []
        body = response.json() if response.content else {}
        user_id = (body.get("data") or {}).get("id") if isinstance(body, dict) else None
        if user_id:
            self.user_id = str(user_id)
        access = response.headers.get("x-access-level", "")
        if access and "write" not in access:
            problems.append(
                "The X connection is read-only, so it cannot post. Give the X app Read and "
                "Write permission in the X developer portal, then reconnect X."
            )
        return HealthReport(ok=not problems, problems=problems)
