"""What publishers may ask or tell moderation about a post: its only way in.

publishers imports this module and nothing else of moderation (``from moderation import
interface``), and gets plain values back (dataclasses, ids, strings), never moderation's
models. Moderation is the app above: it calls publishers' services and selectors directly
(release -> ``publishers.services.publications_start``; the takedown workflow in
``moderation/takedowns.py``).

| publishers asks or tells | function |
|---|---|
| what to publish for a post (school, channels, approved hash, status) | :func:`post_to_publish` |
| the approved text and metadata-free image bytes (R6) | :func:`post_publishable` |
| may it still go out on this channel (R9)? | :func:`post_recheck_reason` |
| is the school's publishing paused? | :func:`school_publishing_paused` |
| a publication settled (final state) | :func:`post_publications_settled` |
| a leader resolved a settled channel ("mark as posted") | :func:`post_publishing_resume` |
| a leader posts again on a channel | :func:`post_publish_again` |
| every publication of a post is down | :func:`post_taken_down` |
| posts still publishing (the recover sweep) | :func:`post_ids_publishing` |
| published posts of a school (the demo's backfill) | :func:`post_ids_published` |
| may this user see the post (its APIs)? | :func:`post_id_visible_to` |
| escalated website comments (R13, its comment list) | :func:`website_comment_ids_escalated` |
| a leader asks for a takedown (its takedown API) | :func:`takedown_request_for_post_by_leader` |
| a leader confirms a takedown (its takedown API) | :func:`takedown_confirm` |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from backend.accounts.models import User

# Only models and selectors here, which import nothing of publishers: the workflow
# modules behind this door (handoffs, takedowns) call publishers, so they are imported
# when a function runs. That keeps the dependency one way while the apps load:
# moderation -> publishers -> moderation.interface, and never round again.
from . import selectors
from .models import Post
from .selectors import PublishableContent, PublishableImage

if TYPE_CHECKING:  # publishers' row, handed back to publishers' own APIs
    from publishers.models import Takedown

S = Post.Status

RETRY_STOPPED = "Not posted again: {why}"
RETRY_WRONG_STATUS = "A post that is {status} cannot be posted again."

__all__ = [
    "RETRY_STOPPED",
    "RETRY_WRONG_STATUS",
    "PostToPublish",
    "PublishableContent",
    "PublishableImage",
    "post_id_visible_to",
    "post_ids_published",
    "post_ids_publishing",
    "post_publications_settled",
    "post_publish_again",
    "post_publishable",
    "post_publishing_resume",
    "post_recheck_reason",
    "post_taken_down",
    "post_to_publish",
    "school_publishing_paused",
    "takedown_confirm",
    "takedown_request_for_post_by_leader",
    "website_comment_ids_escalated",
]


@dataclass(frozen=True)
class PostToPublish:
    post_id: int
    school_id: int
    channels: list[str]
    content_hash: str
    is_published: bool


def post_to_publish(*, post_id: int) -> PostToPublish | None:
    """Where and what a released post goes out as; None when there is no such post."""
    post = (
        Post.objects.filter(pk=post_id)
        .values("school_id", "channels", "content_hash", "status")
        .first()
    )
    if post is None:
        return None
    return PostToPublish(
        post_id=post_id,
        school_id=int(post["school_id"]),
        channels=list(post["channels"] or []),
        content_hash=str(post["content_hash"]),
        is_published=post["status"] == S.PUBLISHED,
    )


def post_publishable(*, post_id: int) -> PublishableContent:
    """Exactly what a publisher may send for an approved post (R6)."""
    return selectors.post_publishable(post_id=post_id)


def post_recheck_reason(*, post_id: int, channel: str) -> str | None:
    """Why the post must not go out on ``channel`` now (R9: consent, flags, names, contact
    details, checked again on the stored faces), or None."""
    from . import handoffs

    return handoffs.post_recheck_reason_for_channels(post_id=post_id, channels=[channel])


def school_publishing_paused(*, school_id: int) -> bool:
    return selectors.school_publishing_paused(school_id=school_id)


def post_publications_settled(*, post_id: int) -> None:
    """A publication of the post reached a final state: the post becomes published,
    partially published or failed once none is in flight, and a takedown asked for while
    it was still publishing is asked for again."""
    from . import handoffs, takedowns

    handoffs.post_publications_settled(post_id=post_id)
    takedowns.takedown_request_again_if_open(post_id=post_id)


def post_publishing_resume(*, post_id: int, actor: User, reason: str) -> None:
    """A settled post (failed or partly published) goes back to publishing, so it settles
    again from the outcome a leader just recorded."""
    from . import handoffs

    handoffs.post_publishing_resume(post_id=post_id, actor=actor, reason=reason)


def post_publish_again(*, post_id: int, channel: str, actor: User, reason: str) -> str:
    """A leader posts again on ``channel``: Conflict (``RETRY_WRONG_STATUS``,
    ``RETRY_STOPPED``) unless the post may still go out there; returns the content hash."""
    from . import handoffs

    return handoffs.post_publish_again(post_id=post_id, channel=channel, actor=actor, reason=reason)


def post_taken_down(*, post_id: int) -> None:
    from . import takedowns

    takedowns.post_mark_taken_down(post_id=post_id)


def post_ids_publishing(*, released_before: datetime | None = None) -> set[int]:
    """Posts in ``publishing``; with ``released_before``, only those unchanged since then."""
    return selectors.post_ids_in_status(status=S.PUBLISHING, updated_before=released_before)


def post_ids_published(*, school_id: int) -> set[int]:
    return selectors.post_ids_in_status(status=S.PUBLISHED, school_id=school_id)


def post_id_visible_to(*, user: User, post_id: int) -> int:
    """The post's id when ``user`` may see it; NotFound otherwise (another school's post
    is not found, never forbidden)."""
    return selectors.post_get(user=user, post_id=post_id).pk


def takedown_request_for_post_by_leader(*, post_id: int, actor: User, reason: str) -> Takedown:
    """A leader asks for a published post to come down (``POST /api/posts/<id>/takedown``)."""
    from . import takedowns

    return takedowns.takedown_request_for_post_by_leader(
        post_id=post_id, actor=actor, reason=reason
    )


def takedown_confirm(*, takedown: Takedown, actor: User) -> Takedown:
    """A leader confirms a takedown (``POST /api/takedowns/<id>/confirm``)."""
    from . import takedowns

    return takedowns.takedown_confirm(takedown=takedown, actor=actor)


def website_comment_ids_escalated(*, school_ids: set[int]) -> set[int]:
    """Ids of publishers' website comments that comment screening escalated at these
    schools (R13: only the DSL and the head teacher see them)."""
    # Imported when asked: the comments app builds on publishers' models, so loading it
    # here would make loading publishers need the comments app first.
    from .comments.selectors import escalated_website_comment_ids

    return escalated_website_comment_ids(school_ids=school_ids)
