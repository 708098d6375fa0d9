"""Comments delivered by Facebook and Instagram webhooks (stored and de-duplicated by
publishers), ingested like polled ones."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from backend.common.channels import ChannelKind
from moderation.screening import ScreeningConfig
from publishers import selectors as publishers_selectors
from publishers.base import RemoteComment
from publishers.meta.webhooks import CommentEvent, parse_comment_events

from .. import selectors
from ..models import Comment
from .ingest import comment_ingest

log = logging.getLogger(__name__)

COMMENT_VERBS = ("add", "edited", "edit", "remove", "hide", "unhide")
St = Comment.Status


def _stored_events(
    *, payload: Any, platform: str, account_config: dict[str, Any]
) -> list[CommentEvent]:
    """The comment events in a stored webhook event: the whole delivery, or (as publishers
    stores them) one change's ``value``, re-wrapped so the same parser reads both."""
    payload = payload if isinstance(payload, dict) else {}
    if "entry" in payload:
        return parse_comment_events(payload)
    key = "ig_user_id" if platform == ChannelKind.INSTAGRAM else "page_id"
    account_id = str(account_config.get(key) or "")
    if platform == ChannelKind.INSTAGRAM:
        body = {"object": "instagram", "entry": [{"id": account_id, "changes": [
            {"field": "comments", "value": payload}]}]}  # fmt: skip
    else:
        body = {"object": "page", "entry": [{"id": account_id, "changes": [
            {"field": "feed", "value": payload}]}]}  # fmt: skip
    return parse_comment_events(body)


def _media_from_webhook(raw: dict[str, Any]) -> list[str]:
    return [str(raw[key]) for key in ("photo", "video") if isinstance(raw.get(key), str)]


def _remote_comment(item: CommentEvent) -> RemoteComment:
    return RemoteComment(
        external_id=item.comment_id,
        parent_external_id=item.parent_id,
        author_id=item.author_id,
        author_name=item.author_name,
        text=item.text or "",
        created_at=item.created_at or timezone.now(),
        permalink=None,
        is_hidden=item.verb == "hide",
        media_urls=_media_from_webhook(item.raw),
        raw=item.raw,
    )


def webhook_event_ingest(*, event_id: int) -> list[Comment]:
    """Ingest the comment(s) in a webhook event stored by publishers.

    Wired as ``PUBLISHERS_COMMENT_EVENT_HANDLERS`` (publishers marks the event processed
    afterwards) and as the task ``comments.process_webhook_event``. Safe to run again: the
    comment is stored once per (channel, external id).
    """
    event = publishers_selectors.webhook_event_get(event_id=event_id)
    if event is None:
        return []
    school = event.school or (event.account.school if event.account else None)
    if school is None:
        log.info("webhook event %s belongs to no school: ignored", event_id)
        return []
    own = publishers_selectors.channel_account_own_ids(account=event.account)
    items = _stored_events(
        payload=event.payload,
        platform=event.platform,
        account_config=event.account.config if event.account is not None else {},
    )
    config: ScreeningConfig | None = None
    out: list[Comment] = []
    for item in items:
        if item.verb not in COMMENT_VERBS:
            continue
        publication = None
        if item.post_id:
            publication = publishers_selectors.publication_by_external_id(
                school_id=school.pk, channel=item.platform, external_id=item.post_id
            )
        if config is None and item.text:
            config = selectors.screening_config_for(school=school)
        visibility = {"hide": St.HIDDEN, "unhide": St.VISIBLE}.get(item.verb)
        result = comment_ingest(
            school=school,
            channel=item.platform,
            remote=_remote_comment(item),
            publication=publication,
            post_external_id=item.post_id or "",
            via=Comment.Via.WEBHOOK,
            config=config,
            own_author_ids=own,
            removed=item.verb == "remove",
            platform_visibility=str(visibility) if visibility else None,
        )
        out.append(result.comment)
    return out
