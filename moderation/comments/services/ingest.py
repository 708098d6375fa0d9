"""Storing each comment once per (channel, external id), however often and in whatever
order the platform delivers it, then screening it (screening.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import School
from backend.common.actors import SYSTEM_COMMENT_INGEST
from moderation.screening import ScreeningConfig
from publishers.base import RemoteComment

from ..models import Comment, ModerationAction
from .access import comment_reload
from .action_log import action_record, audit_comment
from .screening import LazyScreeningConfig, screen_and_act

if TYPE_CHECKING:  # the type only: comments reach publications through publishers' selectors
    from publishers.models import Publication

A = ModerationAction
St = Comment.Status


@dataclass(frozen=True)
class IngestResult:
    comment: Comment
    created: bool


def comment_ingest(
    *,
    school: School,
    channel: str,
    remote: RemoteComment,
    publication: Publication | None = None,
    post_external_id: str = "",
    via: str = Comment.Via.POLL,
    config: ScreeningConfig | None = None,
    own_author_ids: Iterable[str] = (),
    removed: bool = False,
    platform_visibility: str | None = None,
) -> IngestResult:
    """Store a comment once per (channel, external id), screen it and act on the verdict.

    1. Already stored (a redelivery, a webhook after a poll, a reply delivered before its
       parent...): fill in what was missing, note an edit or a removal; nothing twice.
    2. New: store it, link its parent and any replies that arrived first, screen it.
    3. Held or escalated: capture evidence, then hide it on the platform at once (R11,
       R12); escalated: tell the DSL (R13). Website comments stay unapproved (R11).
    """
    external_id = str(remote.external_id)[:200]
    lazy = LazyScreeningConfig(school, config)
    with transaction.atomic():
        existing = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("school")
            .filter(channel=channel, external_id=external_id)
            .first()
        )
        if existing is not None:
            _ingest_again(
                existing,
                remote,
                lazy=lazy,
                publication=publication,
                removed=removed,
                platform_visibility=platform_visibility,
            )
            return IngestResult(comment_reload(existing), False)
        author_id = str(remote.author_id or "")[:200]
        author_is_new = bool(author_id) and not (
            Comment.objects.filter(
                school=school, channel=channel, author_external_id=author_id
            ).exists()
        )
        try:
            with transaction.atomic():
                comment = _comment_create(
                    school=school,
                    channel=channel,
                    remote=remote,
                    publication=publication,
                    post_external_id=post_external_id,
                    via=via,
                    removed=removed,
                )
        except IntegrityError:
            # Stored by a concurrent delivery a moment ago: that one screens it.
            found = Comment.objects.get(channel=channel, external_id=external_id)
            return IngestResult(comment_reload(found), False)
        _ingest_new(
            comment,
            lazy=lazy,
            own_author_ids=own_author_ids,
            author_is_new=author_is_new,
            removed=removed,
        )
    return IngestResult(comment_reload(comment), True)


def _comment_create(
    *,
    school: School,
    channel: str,
    remote: RemoteComment,
    publication: Publication | None,
    post_external_id: str,
    via: str,
    removed: bool,
) -> Comment:
    parent_id = str(remote.parent_external_id or "")[:200]
    return Comment.objects.create(
        school=school,
        publication=publication,
        channel=channel,
        external_id=str(remote.external_id)[:200],
        post_external_id=post_external_id[:200],
        parent=(
            Comment.objects.filter(channel=channel, external_id=parent_id).first()
            if parent_id
            else None
        ),
        parent_external_id=parent_id,
        author_external_id=str(remote.author_id or "")[:200],
        author_name=str(remote.author_name or "")[:200],
        text=remote.text or "",
        platform_created_at=remote.created_at,
        permalink=str(remote.permalink or "")[:1000],
        media_urls=[str(url) for url in remote.media_urls],
        status=St.DELETED if removed else (St.HIDDEN if remote.is_hidden else St.VISIBLE),
        received_via=via,
    )


def _ingest_new(
    comment: Comment,
    *,
    lazy: LazyScreeningConfig,
    own_author_ids: Iterable[str],
    author_is_new: bool,
    removed: bool,
) -> None:
    """Link replies that arrived first, audit, then screen (unless it is our own)."""
    Comment.objects.filter(
        channel=comment.channel, parent_external_id=comment.external_id, parent__isnull=True
    ).update(parent=comment)
    audit_comment(
        "comment.received",
        comment,
        actor=SYSTEM_COMMENT_INGEST,
        via=comment.received_via,
        publication=comment.publication_id,
    )
    author_id = comment.author_external_id
    if author_id and author_id in set(own_author_ids):
        # The school's own account (a reply of ours): never screened or hidden.
        Comment.objects.filter(pk=comment.pk).update(screened_at=timezone.now())
    elif comment.text or not removed:
        screen_and_act(comment, lazy=lazy, author_is_new=author_is_new, edit=False)


def _fill_missing(comment: Comment, remote: RemoteComment, publication: Publication | None) -> None:
    """What an earlier delivery lacked (author, link, media, publication)."""
    fill: dict[str, Any] = {}
    for field, value in (
        ("author_external_id", str(remote.author_id or "")[:200]),
        ("author_name", str(remote.author_name or "")[:200]),
        ("permalink", str(remote.permalink or "")[:1000]),
    ):
        if value and not getattr(comment, field):
            fill[field] = value
    if remote.media_urls and not comment.media_urls:
        fill["media_urls"] = [str(url) for url in remote.media_urls]
    if publication is not None and comment.publication_id is None:
        fill["publication"] = publication
    if fill:
        for field, value in fill.items():
            setattr(comment, field, value)
        comment.save(update_fields=[*fill, "updated_at"])


def _platform_change(comment: Comment, *, removed: bool, platform_visibility: str | None) -> None:
    """Removed, hidden or unhidden on the platform itself: record it (never screened)."""
    if removed and comment.status != St.DELETED:
        comment.status = St.DELETED
        comment.save(update_fields=["status", "updated_at"])
        action_record(
            comment,
            kind=A.Kind.PLATFORM_CHANGE,
            actor=SYSTEM_COMMENT_INGEST,
            data={"verb": "remove"},
        )
        audit_comment("comment.removed_on_platform", comment, actor=SYSTEM_COMMENT_INGEST)
    elif platform_visibility in (St.HIDDEN, St.VISIBLE) and comment.status != St.DELETED:
        if comment.status != platform_visibility:
            comment.status = platform_visibility
            comment.save(update_fields=["status", "updated_at"])
            action_record(
                comment,
                kind=A.Kind.PLATFORM_CHANGE,
                actor=SYSTEM_COMMENT_INGEST,
                data={"status": platform_visibility},
            )
            audit_comment(
                "comment.visibility_changed_on_platform",
                comment,
                actor=SYSTEM_COMMENT_INGEST,
                status=platform_visibility,
            )


def _ingest_again(
    comment: Comment,
    remote: RemoteComment,
    *,
    lazy: LazyScreeningConfig,
    publication: Publication | None,
    removed: bool,
    platform_visibility: str | None,
) -> None:
    now = timezone.now()
    _fill_missing(comment, remote, publication)
    _platform_change(comment, removed=removed, platform_visibility=platform_visibility)
    text = remote.text or ""
    if not text or text == comment.text:
        return
    if comment.screened_at is None:
        # A placeholder (e.g. a "remove" event that came before the comment): fill it in.
        comment.text = text
        comment.save(update_fields=["text", "updated_at"])
        screen_and_act(comment, lazy=lazy, author_is_new=False, edit=False)
        return
    comment.previous_texts = [
        *comment.previous_texts,
        {"text": comment.text, "until": now.isoformat()},
    ]
    comment.text = text
    comment.edited_at = now
    comment.save(update_fields=["previous_texts", "text", "edited_at", "updated_at"])
    action_record(comment, kind=A.Kind.EDITED, actor=SYSTEM_COMMENT_INGEST)
    audit_comment("comment.edited", comment, actor=SYSTEM_COMMENT_INGEST)
    screen_and_act(comment, lazy=lazy, author_is_new=False, edit=True)
