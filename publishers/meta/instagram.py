"""Instagram professional-account adapter (Instagram Graph API via graph.facebook.com).

Instagram does not take uploads: it fetches each image from ``MediaItem.public_url`` (a
signed HTTPS URL that must stay valid for at least an hour). Publishing is three steps:

1. create a media container (one image, or one per image plus a ``CAROUSEL`` container);
   containers are invisible, so repeating this step is harmless;
2. poll the container's ``status_code`` until ``FINISHED``, for a bounded time;
3. ``POST /{ig-user-id}/media_publish`` with ``creation_id``: the one call that must not be
   repeated. A container whose status is already ``PUBLISHED`` has been published, so
   :meth:`InstagramPublisher.publish_container` treats it as done and reconciles instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from backend.common.channels import ChannelKind
from publishers.base import (
    AccountField,
    AccountSpec,
    CommentPage,
    PublisherError,
    PublishRequest,
    PublishResult,
    RemoteComment,
    RemotePost,
)
from publishers.http import DEFAULT_TIMEOUT, Timeout
from publishers.meta.common import META_ACCOUNT_FIELDS, MetaPublisher, ignore_missing
from publishers.meta.graph import DEFAULT_VERSION, Params, parse_graph_time

__all__ = ["COMMENT_FIELDS", "InstagramPublisher"]

log = logging.getLogger(__name__)

PLATFORM = "Instagram"
MAX_CAROUSEL = 10
MAX_CAPTION = 2200
_AUTHOR_FIELDS = "id,text,timestamp,username,hidden,from{id,username}"
#: Top-level comments with their replies nested (the comments edge omits replies).
COMMENT_FIELDS = f"{_AUTHOR_FIELDS},replies{{{_AUTHOR_FIELDS}}}"
#: Containers expire after 24 hours, so a PUBLISHED one was published within that window.
CONTAINER_LIFETIME = timedelta(hours=24)


class InstagramPublisher(MetaPublisher):
    """Publishes to and moderates one Instagram professional account.

    ``access_token`` is the token of the Facebook Page linked to the Instagram account.
    ``sleep`` and ``clock`` are injectable so tests do not wait; ``max_wait`` bounds how long
    one container may stay ``IN_PROGRESS`` before we give up for now (a transient error).
    """

    kind = ChannelKind.INSTAGRAM
    label = ChannelKind.INSTAGRAM.label
    platform = PLATFORM
    # Instagram lets an app hide and delete comments, but not block their authors.
    comment_actions = frozenset({"hide", "unhide", "delete"})
    account_id_field = "ig_user_id"
    token_field = "access_token"
    account_spec = AccountSpec(
        help_text=(
            "An Instagram professional account linked to the school's Facebook Page: the "
            "Page's access token, the app secret and the Instagram account id."
        ),
        fields=(
            AccountField(
                "access_token",
                "Access token",
                secret=True,
                required=True,
                help_text="Of the Facebook Page linked to the Instagram account.",
            ),
            AccountField("app_secret", "App secret", secret=True, required=True),
            AccountField("ig_user_id", "Instagram professional account id", required=True),
            *META_ACCOUNT_FIELDS,
        ),
    )
    required_scopes = frozenset(
        {
            "instagram_basic",
            "instagram_content_publish",
            "instagram_manage_comments",
            "pages_show_list",
            "pages_read_engagement",
        }
    )

    def __init__(
        self,
        ig_user_id: str,
        access_token: str,
        app_secret: str,
        *,
        app_id: str | None = None,
        graph_version: str = DEFAULT_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        max_wait: float = 60.0,
        poll_interval: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            ig_user_id,
            access_token,
            app_secret,
            app_id=app_id,
            graph_version=graph_version,
            timeout=timeout,
            session=session,
        )
        self.max_wait = max_wait
        self.poll_interval = poll_interval
        self._sleep = sleep
        self._clock = clock

    @property
    def ig_user_id(self) -> str:
        return self.account_id

    # ------------------------------------------------------------------ publishing

    def publish(self, req: PublishRequest) -> PublishResult:
        container_id = self.create_container(req)
        return self.publish_container(container_id, req)

    def create_container(self, req: PublishRequest) -> str:
        """Create (and return the id of) the container to publish; safe to repeat.

        Callers that store the id can resume with :meth:`publish_container` after a crash
        instead of creating a new container.
        """
        self._validate(req)
        if len(req.media) == 1:
            item = req.media[0]
            fields = {"image_url": str(item.public_url), "caption": req.text}
            if item.alt_text:
                fields["alt_text"] = item.alt_text
            return self._new_container(fields)
        children = []
        for item in req.media:
            fields = {"image_url": str(item.public_url), "is_carousel_item": "true"}
            if item.alt_text:
                fields["alt_text"] = item.alt_text
            child = self._new_container(fields)
            self.wait_until_ready(child)
            children.append(child)
        return self._new_container(
            {"media_type": "CAROUSEL", "children": ",".join(children), "caption": req.text}
        )

    def publish_container(self, container_id: str, req: PublishRequest) -> PublishResult:
        """Wait for the container, then make the single ``media_publish`` call.

        If the container is already ``PUBLISHED`` (an earlier attempt went through), find
        that post instead of publishing again.
        """
        status = self.wait_until_ready(container_id)
        if status == "PUBLISHED":
            found = self.find_existing(req, since=datetime.now(UTC) - CONTAINER_LIFETIME)
            if found is None:
                raise PublisherError.unknown_outcome(
                    PLATFORM, detail=f"container {container_id} already PUBLISHED, post not found"
                )
            return found
        log.info("instagram: publishing %s", req.idempotency_key)
        body = self.graph.post(
            f"{self.ig_user_id}/media_publish", {"creation_id": container_id}, creating=True
        )
        media_id = body.get("id")
        if not media_id:
            raise PublisherError.unknown_outcome(PLATFORM, detail="publish answer had no id")
        return PublishResult(external_id=str(media_id), url=self._permalink(str(media_id)))

    def wait_until_ready(self, container_id: str) -> str:
        """Poll ``status_code`` until ``FINISHED`` or ``PUBLISHED``; return that status.

        ``ERROR`` is permanent (Instagram could not use the image), ``EXPIRED`` and running
        out of ``max_wait`` are transient (start again / try later).
        """
        deadline = self._clock() + self.max_wait
        while True:
            body = self.graph.get(container_id, {"fields": "status_code,status"})
            status = str(body.get("status_code") or "")
            if status in ("FINISHED", "PUBLISHED"):
                return status
            if status == "ERROR":
                raise PublisherError(
                    "Instagram could not use one of the images (it may be the wrong size or "
                    "format, or the link to it stopped working).",
                    permanent=True,
                    platform=PLATFORM,
                    detail=f"container {container_id}: {body.get('status')}",
                )
            if status == "EXPIRED":
                raise PublisherError.transient(PLATFORM, detail=f"container {container_id} expired")
            if self._clock() >= deadline:
                raise PublisherError(
                    "Instagram is still processing the images. We will try again shortly.",
                    retry_after=self.poll_interval * 5,
                    platform=PLATFORM,
                    detail=f"container {container_id} still {status or 'unknown'}",
                )
            self._sleep(self.poll_interval)

    def _new_container(self, fields: dict[str, str]) -> str:
        body = self.graph.post(f"{self.ig_user_id}/media", fields)
        container_id = body.get("id")
        if not container_id:
            raise PublisherError.transient(PLATFORM, detail="container answer had no id")
        return str(container_id)

    @staticmethod
    def _validate(req: PublishRequest) -> None:
        problem = None
        if not req.media:
            problem = "Instagram posts need at least one image."
        elif len(req.media) > MAX_CAROUSEL:
            problem = f"Instagram allows at most {MAX_CAROUSEL} images in one post."
        elif len(req.text) > MAX_CAPTION:
            problem = f"Instagram captions can be at most {MAX_CAPTION} characters."
        elif any(not (m.public_url or "").startswith("https://") for m in req.media):
            problem = "An image has no public link for Instagram to fetch it from."
        elif any(m.mime.lower() not in ("image/jpeg", "image/jpg") for m in req.media):
            problem = "Instagram only accepts JPEG images."
        if problem:
            raise PublisherError(problem, permanent=True, platform=PLATFORM)

    def _permalink(self, media_id: str) -> str:
        """The post's public URL; the post exists even if this read fails, so never raise."""
        try:
            body = self.graph.get(media_id, {"fields": "permalink"})
        except PublisherError:
            return ""
        return str(body.get("permalink") or "")

    def find_existing(self, req: PublishRequest, *, since: datetime) -> PublishResult | None:
        """Match the caption against the account's 25 most recent posts."""
        params: Params = {"fields": "id,caption,timestamp,permalink", "limit": 25}
        return self.reconcile(
            req.text, since, f"{self.ig_user_id}/media", params, self._remote_post
        )

    @staticmethod
    def _remote_post(item: dict[str, Any]) -> RemotePost | None:
        if not item.get("id"):
            return None
        return RemotePost(
            external_id=str(item["id"]),
            text=str(item.get("caption") or ""),
            created_at=parse_graph_time(item.get("timestamp")),
            url=str(item.get("permalink") or ""),
        )

    # ------------------------------------------------------------------ comments

    def fetch_comments(self, external_id: str, cursor: str | None) -> CommentPage:
        params: Params = {"fields": COMMENT_FIELDS, "limit": 50}
        return self.read_comments(f"{external_id}/comments", params, cursor, self._comments)

    @classmethod
    def _comments(cls, item: dict[str, Any]) -> list[RemoteComment]:
        """A top-level comment followed by its replies (``parent`` set to the comment)."""
        top = cls._comment(item, parent=None)
        if top is None:
            return []
        replies = ((item.get("replies") or {}).get("data")) or []
        return [top] + [
            reply
            for raw in replies
            if isinstance(raw, dict)
            and (reply := cls._comment(raw, parent=top.external_id)) is not None
        ]

    @staticmethod
    def _comment(item: dict[str, Any], *, parent: str | None) -> RemoteComment | None:
        if not item.get("id"):
            return None
        author = item.get("from") or {}
        raw = {k: v for k, v in item.items() if k != "replies"}
        return RemoteComment(
            external_id=str(item["id"]),
            parent_external_id=parent,
            author_id=str(author["id"]) if author.get("id") else None,
            author_name=author.get("username") or item.get("username"),
            text=str(item.get("text") or ""),
            created_at=parse_graph_time(item.get("timestamp")) or datetime.now(UTC),
            permalink=None,
            is_hidden=bool(item.get("hidden")),
            media_urls=[],
            raw=raw,
        )

    def hide_comment(self, comment_id: str, hidden: bool) -> None:
        """``POST /{comment-id}`` with ``hide=true|false``."""
        with ignore_missing():
            self.graph.post(comment_id, {"hide": "true" if hidden else "false"})

    def block_author(self, author_id: str) -> None:
        raise PublisherError.unsupported(
            PLATFORM,
            "apps to block accounts. Hide or delete their comments here, or block them in "
            "the Instagram app",
        )

    # ------------------------------------------------------------------ health

    def account_problems(self) -> list[str]:
        """The account answers, and today's publishing quota is not used up."""
        self.graph.get(self.ig_user_id, {"fields": "id,username"})
        body = self.graph.get(
            f"{self.ig_user_id}/content_publishing_limit", {"fields": "quota_usage,config"}
        )
        data = body.get("data") or [{}]
        usage = data[0].get("quota_usage") if isinstance(data[0], dict) else None
        total = ((data[0].get("config") or {}) if isinstance(data[0], dict) else {}).get(
            "quota_total"
        )
        if isinstance(usage, int) and isinstance(total, int) and usage >= total:
            return [
                f"Instagram's limit of {total} app posts in 24 hours has been reached; new "
                "posts will wait until it frees up."
            ]
        return []
