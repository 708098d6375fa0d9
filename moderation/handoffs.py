"""Moderation's side of the hand-offs with publishers, reached through
``moderation.interface``: the post's status once its publications settle, and a leader
acting on one channel of a post that already settled."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from backend.accounts.models import User
from backend.common.actors import SYSTEM_PUBLISHING
from backend.common.errors import Conflict
from publishers import selectors as publishing_selectors
from publishers.registry import channel_name_in_sentence

from . import approvals, interface
from .models import Post
from .notifications import notify_leaders
from .workflow import TRANSITIONS, post_lock, post_transition

S = Post.Status

#: A leader may post again on one channel of a post in these statuses.
MAY_PUBLISH_AGAIN = (S.PUBLISHING, S.FAILED, S.PARTIALLY_PUBLISHED)


def post_publications_settled(*, post_id: int) -> Post | None:
    """Publishers calls this when a publication reaches a final state; when none is still
    in flight the post becomes published, partially published or failed."""
    outcomes = publishing_selectors.publication_outcomes(post_id=post_id)
    if not outcomes or any(v in ("queued", "attempting") for v in outcomes.values()):
        return None
    done = [c for c, v in outcomes.items() if v == "published"]
    to = S.PUBLISHED if len(done) == len(outcomes) else S.PARTIALLY_PUBLISHED if done else S.FAILED
    with transaction.atomic():
        post = post_lock(post_id)
        if post.status == to or to not in TRANSITIONS[post.status]:
            return None
        failed = sorted(c for c, v in outcomes.items() if v != "published")
        names = ", ".join(channel_name_in_sentence(c) for c in failed)
        reason = "" if to == S.PUBLISHED else f"Not published on {names}."
        post_transition(
            post=post, to=to, actor=SYSTEM_PUBLISHING, reason=reason, data={"outcomes": outcomes}
        )
        if to != S.PUBLISHED:
            notify_leaders(post_id=post_id, subject="publishing problem", note=reason)
    return post


def post_recheck_reason_for_channels(*, post_id: int, channels: Sequence[str]) -> str | None:
    """R9 for the channels about to be published (``approvals.post_recheck_reason``)."""
    post = Post.objects.select_related("school").get(pk=post_id)
    return approvals.post_recheck_reason(post, channels=channels)


def post_publishing_resume(*, post_id: int, actor: User, reason: str) -> None:
    """A leader acts on one channel of a post that already settled (failed or partly
    published): put the post back into ``publishing`` so that it settles again from the
    new outcomes (both moves are in the transition table)."""
    with transaction.atomic():
        post = post_lock(post_id)
        if post.status in (S.FAILED, S.PARTIALLY_PUBLISHED):
            post_transition(post=post, to=S.PUBLISHING, actor=actor, reason=reason)


def post_publish_again(*, post_id: int, channel: str, actor: User, reason: str) -> str:
    """A leader posts again on one channel: the post must be publishing or settled, and
    consent and flags must still hold for that channel (R9). The post goes back to
    publishing; returns the content hash the new attempt is bound to."""
    with transaction.atomic():
        post = post_lock(post_id)
        if post.status not in MAY_PUBLISH_AGAIN:
            status = post.get_status_display().lower()
            raise Conflict(interface.RETRY_WRONG_STATUS.format(status=status))
        why = approvals.post_recheck_reason(post, channels=[channel])
        if why is not None:
            raise Conflict(interface.RETRY_STOPPED.format(why=why), code="recheck_failed")
        post_publishing_resume(post_id=post_id, actor=actor, reason=reason)
    return post.content_hash
