"""Pure helpers for Meta webhooks (Facebook Page ``feed`` and Instagram ``comments``).

The Django view stays tiny: answer the GET handshake with :func:`verify_subscription`,
check every POST with :func:`verify_signature` over the *raw* body (before any JSON
parsing), answer 200 at once and hand :func:`parse_comment_events` output to a task.
Events are hints, not truth: Meta redelivers, reorders and may omit fields, so consumers
de-duplicate on ``comment_id`` and re-fetch the comment before acting on it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from publishers.meta.graph import parse_graph_time

__all__ = ["CommentEvent", "parse_comment_events", "verify_signature", "verify_subscription"]

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """True when ``X-Hub-Signature-256`` is ``sha256=<hex HMAC of raw_body>`` with our secret.

    Constant-time comparison; a missing header, a malformed value or an empty secret is
    simply "not verified".
    """
    if not header or not app_secret:
        return False
    header = header.strip()
    if not header.lower().startswith(_PREFIX):
        return False
    received = header[len(_PREFIX) :].strip().lower()
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(received.encode(), expected.encode())


def verify_subscription(params: Mapping[str, Any], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo back (as plain text, HTTP 200) when Meta's GET handshake
    is genuine; ``None`` means answer 403.

    ``params`` can be a Django ``QueryDict`` or any mapping of query parameters.
    """
    mode = params.get("hub.mode")
    token = params.get("hub.verify_token")
    challenge = params.get("hub.challenge")
    if mode != "subscribe" or not verify_token or not isinstance(token, str):
        return None
    if not isinstance(challenge, str) or not challenge:
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return challenge


Platform = Literal["facebook", "instagram"]


@dataclass(frozen=True)
class CommentEvent:
    """One comment change announced by a webhook.

    ``verb`` is Meta's (``add``, ``edited``, ``remove``, ``hide``, ``unhide``; Instagram only
    sends ``add``). ``parent_id`` is ``None`` for a comment on the post itself.
    ``account_id`` is the Page id or Instagram account id the event belongs to.
    """

    platform: Platform
    account_id: str
    verb: str
    comment_id: str
    post_id: str | None
    parent_id: str | None
    author_id: str | None
    author_name: str | None
    text: str | None
    created_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


def parse_comment_events(payload: dict[str, Any]) -> list[CommentEvent]:
    """Comment events in a webhook payload; anything else (likes, posts, malformed entries)
    is skipped rather than raising, because a 500 makes Meta retry and eventually disable
    the subscription."""
    if not isinstance(payload, dict):
        return []
    kind = payload.get("object")
    events: list[CommentEvent] = []
    for entry in _dicts(payload.get("entry")):
        account_id = str(entry.get("id") or "")
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            if kind == "page" and change.get("field") == "feed":
                event = _facebook_event(account_id, value)
            elif kind == "instagram" and change.get("field") in ("comments", "live_comments"):
                event = _instagram_event(account_id, value)
            else:
                event = None
            if event is not None:
                events.append(event)
    return events


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _facebook_event(page_id: str, value: dict[str, Any]) -> CommentEvent | None:
    if value.get("item") != "comment" or not value.get("comment_id"):
        return None
    author = _dict(value.get("from"))
    post_id = _str(value.get("post_id"))
    parent_id = _str(value.get("parent_id"))
    return CommentEvent(
        platform="facebook",
        account_id=page_id,
        verb=str(value.get("verb") or "add"),
        comment_id=str(value["comment_id"]),
        post_id=post_id,
        # Top-level comments name the post itself as their parent.
        parent_id=None if parent_id == post_id else parent_id,
        author_id=_str(author.get("id")),
        author_name=_str(author.get("name")),
        text=_str(value.get("message")),
        created_at=parse_graph_time(value.get("created_time")),
        raw=value,
    )


def _instagram_event(ig_user_id: str, value: dict[str, Any]) -> CommentEvent | None:
    if not value.get("id"):
        return None
    author = _dict(value.get("from"))
    media = _dict(value.get("media"))
    return CommentEvent(
        platform="instagram",
        account_id=ig_user_id,
        verb="add",
        comment_id=str(value["id"]),
        post_id=_str(media.get("id")),
        parent_id=_str(value.get("parent_id")),
        author_id=_str(author.get("id")),
        author_name=_str(author.get("username")),
        text=_str(value.get("text")),
        created_at=None,
        raw=value,
    )
