"""Plain-English emails to a school's leaders when publishing or a takedown needs a person.

Bodies carry no pupil data and no post text: the school, the post's number, the channel,
what went wrong in words anyone can act on, and a link. Never a token.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from backend.accounts.models import Role, School
from backend.accounts.selectors import users_with_role
from backend.common.actors import SYSTEM_BACKGROUND
from backend.operations.services import Message, notification_queue
from publishers.models import Publication
from publishers.registry import channel_name_in_sentence as channel_name


def _post_link(post_id: int) -> str:
    return f"{str(settings.PUBLIC_BASE_URL).rstrip('/')}/posts/{post_id}"


def _link(path: str) -> str:
    return f"{str(settings.PUBLIC_BASE_URL).rstrip('/')}{path}"


def _send(school: School, roles: Iterable[str], subject: str, body: str, *, event_key: str) -> int:
    """Through the outbox (issue 13): one email per person per ``event_key``, however
    often the task that noticed the problem runs."""
    recipients = sorted({u.email for u in users_with_role(school=school, roles=list(roles))})
    return notification_queue(
        actor=SYSTEM_BACKGROUND,
        event_key=event_key,
        messages=[Message(email, f"[{school.name}] {subject}", body) for email in recipients],
    )


def _event_key(pub: Publication, what: str, attempt: int) -> str:
    return f"post:{pub.post_id}:publication:{pub.pk}:{what}:{attempt}"


def notify_publication_problem(*, publication_id: int) -> int:
    """A publication failed for good or its outcome is unknown: tell the leaders (and the
    trust administrators when the account needs reconnecting)."""
    pub = Publication.objects.select_related("school").filter(pk=publication_id).first()
    if pub is None or pub.state not in (Publication.State.FAILED, Publication.State.UNCONFIRMED):
        return 0
    where = channel_name(pub.channel)
    if pub.state == Publication.State.FAILED:
        subject = f"Post {pub.post_id} was not published on {where}"
        opening = f"Post {pub.post_id} could not be published on {where}."
    else:
        subject = f"Post {pub.post_id}: check whether it appeared on {where}"
        opening = f"We are not sure whether post {pub.post_id} appeared on {where}."
    body = f"{opening}\n\n{pub.error}\n\nOpen the post: {_post_link(pub.post_id)}\n"
    key = _event_key(pub, pub.state, pub.attempts)
    sent = _send(pub.school, [Role.LEADER], subject, body, event_key=key)
    if "reconnect" in pub.error.lower():
        # Trust administrators cannot see posts: send them to the channel settings.
        admin_body = (
            f"{opening}\n\n{pub.error}\n\nCheck the school's channels: "
            f"{_link(f'/channels/{pub.school_id}')}\n"
        )
        sent += _send(
            pub.school, [Role.TRUST_ADMIN], subject, admin_body, event_key=f"{key}:channels"
        )
    return sent


def notify_takedown_problem(*, publication_id: int, message: str) -> int:
    """Deleting a post on a platform needs a person (e.g. reconnect, or check by hand)."""
    pub = Publication.objects.select_related("school").filter(pk=publication_id).first()
    if pub is None:
        return 0
    where = channel_name(pub.channel)
    subject = f"Post {pub.post_id}: takedown on {where} needs attention"
    opening = (
        f"Post {pub.post_id} must come down from {where}, but we could not finish this "
        f"on our own.\n\n{message}\n\nWe keep trying."
    )
    key = _event_key(pub, "takedown", pub.delete_attempts)
    sent = _send(
        pub.school,
        [Role.LEADER],
        subject,
        f"{opening} Open the takedowns: {_link('/takedowns')}\n",
        event_key=key,
    )
    sent += _send(
        pub.school,
        [Role.TRUST_ADMIN],
        subject,
        f"{opening} Check the school's channels: {_link(f'/channels/{pub.school_id}')}\n",
        event_key=f"{key}:channels",
    )
    return sent
