"""Facebook Page adapter (Graph API, Page access token).

Publishing paths, chosen so that only one call can ever create a post:

* text only: ``POST /{page}/feed``;
* one image: ``POST /{page}/photos`` with the bytes, caption and ``alt_text_custom``;
* several images: each to ``/{page}/photos`` with ``published=false`` (unpublished photos are
  invisible, so repeating these is harmless), then one ``POST /{page}/feed`` with
  ``attached_media``. That last call is the one that must not be repeated.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import requests

from backend.common.channels import ChannelKind
from publishers.base import (
    AccountField,
    AccountSpec,
    CommentPage,
    MediaItem,
    PublisherError,
    PublishRequest,
    PublishResult,
    RemoteComment,
    RemotePost,
)
from publishers.http import DEFAULT_TIMEOUT, Timeout
from publishers.meta.common import META_ACCOUNT_FIELDS, MetaPublisher, ignore_missing
from publishers.meta.graph import DEFAULT_VERSION, Params, parse_graph_time

__all__ = ["COMMENT_FIELDS", "FacebookPagePublisher", "post_url"]

log = logging.getLogger(__name__)

PLATFORM = "Facebook"

#: Fields read for each comment (``from`` is absent when Meta hides the author).
COMMENT_FIELDS = (
    "id,message,created_time,from{id,name},parent{id},is_hidden,can_hide,can_remove,"
    "permalink_url,attachment"
)


def post_url(post_id: str) -> str:
    """Public URL of a Page post id such as ``{page}_{post}``."""
    page, _, post = post_id.partition("_")
    if post:
        return f"https://www.facebook.com/{page}/posts/{post}"
    return f"https://www.facebook.com/{post_id}"


def _source(item: MediaItem) -> dict[str, tuple[str, bytes, str]]:
    """The multipart ``source`` part: the caller's bytes, unchanged."""
    extension = item.mime.rsplit("/", 1)[-1] or "bin"
    return {"source": (f"image.{extension}", item.data, item.mime)}


def _alt(item: MediaItem) -> dict[str, str]:
    return {"alt_text_custom": item.alt_text} if item.alt_text else {}


class FacebookPagePublisher(MetaPublisher):
    """Publishes to and moderates one Facebook Page with a Page access token."""

    kind = ChannelKind.FACEBOOK
    label = ChannelKind.FACEBOOK.label
    platform = PLATFORM
    comment_actions = frozenset({"hide", "unhide", "delete", "block"})
    account_id_field = "page_id"
    token_field = "page_access_token"
    account_spec = AccountSpec(
        help_text=(
            "From Meta for Developers: a long-lived Page access token and the app secret. "
            "The Page id is in the Page's About section."
        ),
        fields=(
            AccountField("page_access_token", "Page access token", secret=True, required=True),
            AccountField("app_secret", "App secret", secret=True, required=True),
            AccountField(
                "webhook_verify_token",
                "Webhook verify token",
                secret=True,
                help_text=(
                    "Optional: any long random text, the same as in the app's webhook settings."
                ),
            ),
            AccountField("page_id", "Page id", required=True),
            *META_ACCOUNT_FIELDS,
        ),
    )
    required_scopes = frozenset(
        {
            "pages_show_list",
            "pages_read_engagement",
            "pages_manage_posts",
            "pages_read_user_content",
            "pages_manage_engagement",
            "pages_manage_metadata",
        }
    )

    def __init__(
        self,
        page_id: str,
        page_access_token: str,
        app_secret: str,
        *,
        app_id: str | None = None,
        graph_version: str = DEFAULT_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        upload_timeout: Timeout = (5.0, 60.0),
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(
            page_id,
            page_access_token,
            app_secret,
            app_id=app_id,
            graph_version=graph_version,
            timeout=timeout,
            session=session,
        )
        self.upload_timeout = upload_timeout

    @property
    def page_id(self) -> str:
        return self.account_id

    # ------------------------------------------------------------------ publishing

    def publish(self, req: PublishRequest) -> PublishResult:
        log.info("facebook: publishing %s with %d image(s)", req.idempotency_key, len(req.media))
        if not req.media:
            body = self.graph.post(f"{self.page_id}/feed", {"message": req.text}, creating=True)
            return self._result(body.get("id"))
        if len(req.media) == 1:
            item = req.media[0]
            body = self.graph.post(
                f"{self.page_id}/photos",
                {"message": req.text, "published": "true", **_alt(item)},
                files=_source(item),
                creating=True,
                timeout=self.upload_timeout,
            )
            return self._result(body.get("post_id") or body.get("id"))
        photo_ids = [self._upload_unpublished(item) for item in req.media]
        attached = {
            f"attached_media[{i}]": json.dumps({"media_fbid": photo_id})
            for i, photo_id in enumerate(photo_ids)
        }
        body = self.graph.post(
            f"{self.page_id}/feed", {"message": req.text, **attached}, creating=True
        )
        return self._result(body.get("id"))

    def _upload_unpublished(self, item: MediaItem) -> str:
        body = self.graph.post(
            f"{self.page_id}/photos",
            {"published": "false", **_alt(item)},
            files=_source(item),
            timeout=self.upload_timeout,
        )
        photo_id = body.get("id")
        if not photo_id:
            raise PublisherError.transient(PLATFORM, detail="photo upload answer had no id")
        return str(photo_id)

    @staticmethod
    def _result(post_id: Any) -> PublishResult:
        if not post_id:
            # A 2xx without an id: the post very likely exists, so reconcile.
            raise PublisherError.unknown_outcome(PLATFORM, detail="create answer had no id")
        return PublishResult(external_id=str(post_id), url=post_url(str(post_id)))

    def find_existing(self, req: PublishRequest, *, since: datetime) -> PublishResult | None:
        """Match the text against the Page's own posts published since ``since``."""
        params: Params = {
            "fields": "id,message,created_time,permalink_url",
            "since": int(since.replace(tzinfo=since.tzinfo or UTC).timestamp()),
            "limit": 25,
        }
        return self.reconcile(
            req.text, since, f"{self.page_id}/published_posts", params, self._remote_post
        )

    @staticmethod
    def _remote_post(item: dict[str, Any]) -> RemotePost | None:
        if not item.get("id"):
            return None
        post_id = str(item["id"])
        return RemotePost(
            external_id=post_id,
            text=str(item.get("message") or ""),
            created_at=parse_graph_time(item.get("created_time")),
            url=str(item.get("permalink_url") or post_url(post_id)),
        )

    # ------------------------------------------------------------------ comments

    def fetch_comments(self, external_id: str, cursor: str | None) -> CommentPage:
        """All comments and replies (``filter=stream``), newest first, 100 a page."""
        params: Params = {
            "filter": "stream",
            "order": "reverse_chronological",
            "limit": 100,
            "fields": COMMENT_FIELDS,
        }
        return self.read_comments(f"{external_id}/comments", params, cursor, self._comment)

    @staticmethod
    def _comment(item: dict[str, Any]) -> list[RemoteComment]:
        if not item.get("id"):
            return []
        author = item.get("from") or {}
        parent = item.get("parent") or {}
        attachment = item.get("attachment") or {}
        image = ((attachment.get("media") or {}).get("image") or {}).get("src")
        media_urls = [str(image)] if image else []
        return [
            RemoteComment(
                external_id=str(item["id"]),
                parent_external_id=str(parent["id"]) if parent.get("id") else None,
                author_id=str(author["id"]) if author.get("id") else None,
                author_name=author.get("name"),
                text=str(item.get("message") or ""),
                created_at=parse_graph_time(item.get("created_time")) or datetime.now(UTC),
                permalink=item.get("permalink_url"),
                is_hidden=bool(item.get("is_hidden")),
                media_urls=media_urls,
                raw=item,
            )
        ]

    def hide_comment(self, comment_id: str, hidden: bool) -> None:
        with ignore_missing():
            self.graph.post(comment_id, {"is_hidden": "true" if hidden else "false"})

    def block_author(self, author_id: str) -> None:
        """``POST /{page}/blocked``: the person can no longer comment on or message the Page."""
        self.graph.post(f"{self.page_id}/blocked", {"user": author_id})

    # ------------------------------------------------------------------ health

    def account_problems(self) -> list[str]:
        """A Page token's ``/me`` is the Page itself; anything else is the wrong token."""
        me = self.graph.get("me", {"fields": "id,name"})
        if str(me.get("id")) != self.page_id:
            return [
                "The Facebook connection is for a different Page or a personal profile. "
                "An administrator should reconnect the school's Facebook Page."
            ]
        return []
