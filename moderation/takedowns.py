"""The takedown workflow (R10): a published post must come down because someone's consent
ended or a leader asked; a leader confirms; publishers deletes it on every channel.

Moderation runs the workflow and owns the post's status; publishers keeps the takedown's
record and deletes each publication (``publishers.services``: ``publications_withdraw``,
``takedown_record_request``, ``takedown_record_confirmation``, ``publication_delete``),
and tells moderation back through ``moderation.interface``.

| step | function |
|---|---|
| consent ended for a person (the consent-ended handler) | :func:`takedown_request_for_person` |
| a leader asks | :func:`takedown_request_for_post_by_leader` |
| either way, for one post | :func:`takedown_request_for_post` |
| the post's status: takedown requested | :func:`post_mark_takedown_requested` |
| a leader confirms | :func:`takedown_confirm` |
| every publication is down: taken down | :func:`post_mark_taken_down` |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from backend.accounts.models import Role, User
from backend.accounts.selectors import user_has_role
from backend.common.actors import SYSTEM_CONSENT_ENDED, SYSTEM_PUBLISHING, Actor, require_role
from backend.common.errors import Conflict, InvalidInput, NotFound, Refused

# Moderation is the app above: it calls publishers' services and selectors directly.
from publishers import selectors as publishing_selectors
from publishers import services as publishing

from .models import Post
from .notifications import notify_leaders
from .selectors import posts_featuring_person
from .workflow import post_lock, post_transition

if TYPE_CHECKING:  # only the type: the rows are publishers', read through its selectors
    from publishers.models import Takedown

S = Post.Status

NOT_A_LEADER = "Only the school's leadership team can do this."
NO_SUCH_POST = "No such post among yours."
TAKEDOWN_NOT_PUBLISHED = "Only a published post can be taken down."
TAKEDOWN_REASON_REQUIRED = "Say why the post must come down."
CONSENT_ENDED_REASON = "Consent ended ({reason}) for someone shown or named in this post."
#: A leader may ask for these to come down (publishing: what is out already).
MAY_BE_TAKEN_DOWN = (S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.PUBLISHING, S.TAKEDOWN_REQUESTED)


def takedown_request_for_person(*, person_id: int, reason: str) -> None:
    """The consent-ended handler (R10): every post featuring the person comes down.

    For each post: the website entry is hidden at once; the post moves to
    ``takedown_requested`` and the leaders are told; a takedown waits for a leader to
    confirm deleting it on the other channels. Safe to call again.
    """
    # "Could not tell whether X accepted it" settles the post as failed, yet it may be live
    # there: such a post comes down too (the delete looks for it on the platform first).
    unknown = publishing_selectors.post_ids_with_unconfirmed_publications()
    for post in posts_featuring_person(person_id=person_id, also_post_ids=unknown):
        takedown_request_for_post(
            post_id=post.pk,
            actor=SYSTEM_CONSENT_ENDED,
            reason=CONSENT_ENDED_REASON.format(reason=reason),
            person_id=person_id,
        )


def takedown_request_for_post_by_leader(*, post_id: int, actor: User, reason: str) -> Takedown:
    """A leader asks for a published post to come down (the same flow; they then confirm)."""
    post = Post.objects.filter(pk=post_id).values("school_id", "status").first()
    if post is None:
        raise NotFound(NO_SUCH_POST)
    if not user_has_role(user=actor, school=int(post["school_id"]), roles=(Role.LEADER,)):
        raise Refused(NOT_A_LEADER)
    if not reason.strip():
        raise InvalidInput(TAKEDOWN_REASON_REQUIRED, field="reason")
    if post["status"] not in MAY_BE_TAKEN_DOWN:
        raise Conflict(TAKEDOWN_NOT_PUBLISHED, field="status")
    return takedown_request_for_post(post_id=post_id, actor=actor, reason=reason.strip())


def takedown_request_for_post(
    *, post_id: int, actor: Actor, reason: str, person_id: int | None = None
) -> Takedown:
    """One post must come down. Each step commits on its own, so the website entry is
    hidden even if a later step fails (the consent task then retries the rest).

    1. Check: a leader or the consent-ended handler (R10), never anyone else, even though
       a takedown only ever removes content.
    2. Publishers hides the website entry and stops anything not yet published.
    3. Publishers records the takedown (one per post) and audits the request.
    4. The post -> takedown_requested, leaders told.
    """
    school_id = Post.objects.values_list("school_id", flat=True).get(pk=post_id)
    require_role(
        actor=actor,
        school=school_id,
        roles=(Role.LEADER,),
        message=NOT_A_LEADER,
        system=(SYSTEM_CONSENT_ENDED,),
    )
    withdrawal = publishing.publications_withdraw(post_id=post_id, actor=actor)
    takedown = publishing.takedown_record_request(
        post_id=post_id,
        school_id=school_id,
        actor=actor,
        reason=reason,
        details={
            "website_hidden": withdrawal.website_hidden,
            "cancelled_channels": withdrawal.cancelled_channels,
            **({"person": person_id} if person_id is not None else {}),
        },
    )
    post_mark_takedown_requested(post_id=post_id, actor=actor, reason=takedown.reason)
    return takedown


def takedown_request_again_if_open(*, post_id: int) -> None:
    """After the post's publications settled: a takedown asked for while it was still
    publishing could not move the post then, so ask again now. A takedown with no
    requester was asked for by the consent-ended handler (R10)."""
    takedown = publishing_selectors.takedown_open_for_post(post_id=post_id)
    if takedown is None:
        return
    takedown_request_for_post(
        post_id=post_id,
        actor=takedown.requested_by or SYSTEM_CONSENT_ENDED,
        reason=takedown.reason,
    )


def takedown_confirm(*, takedown: Takedown, actor: User) -> Takedown:
    """A leader confirms: publishers deletes the post on every channel, retried until
    done, and tells moderation when it is down (``post_mark_taken_down``)."""
    if not user_has_role(user=actor, school=takedown.school_id, roles=(Role.LEADER,)):
        raise Refused(NOT_A_LEADER)
    return publishing.takedown_record_confirmation(takedown=takedown, actor=actor)


def post_mark_takedown_requested(*, post_id: int, actor: Actor, reason: str) -> Post | None:
    """R10: a published post must come down (consent ended, or a leader asked)."""
    with transaction.atomic():
        post = post_lock(post_id)
        if post.status not in (S.PUBLISHED, S.PARTIALLY_PUBLISHED):
            return None
        post_transition(post=post, to=S.TAKEDOWN_REQUESTED, actor=actor, reason=reason)
        notify_leaders(post_id=post_id, subject="takedown needed", note=reason)
    return post


def post_mark_taken_down(*, post_id: int) -> Post | None:
    """Publishers deleted every publication of the post."""
    with transaction.atomic():
        post = post_lock(post_id)
        if post.status != S.TAKEDOWN_REQUESTED:
            return None
        post_transition(post=post, to=S.TAKEN_DOWN, actor=SYSTEM_PUBLISHING)
    return post
