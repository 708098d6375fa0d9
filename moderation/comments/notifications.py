"""Emails about comments. Bodies never quote the comment or name its author (email is not
where safeguarding material should live): the school, the channel, the reasons' names and
a link to the dashboard."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings

from backend.accounts.models import Role, User
from backend.accounts.selectors import users_seeing_escalations, users_with_role
from backend.common.actors import SYSTEM_BACKGROUND
from backend.operations.services import Message, notification_queue
from publishers.registry import channel_name_in_sentence

from .models import Comment


def _link(comment: Comment) -> str:
    return f"{str(settings.PUBLIC_BASE_URL).rstrip('/')}/comments/{comment.pk}"


log = logging.getLogger(__name__)


def _recipients(comment: Comment, roles: Sequence[str]) -> Iterable[User]:
    """Who hears about this comment: for an escalated one only those who may see it, the
    DSL and the head teacher (R13), never every leader."""
    if comment.escalated:
        return users_seeing_escalations(school=comment.school_id)
    return users_with_role(school=comment.school, roles=roles)


def _send(
    comment: Comment, roles: Sequence[str], subject: str, body: str, *, event_key: str
) -> int:
    recipients = sorted({u.email for u in _recipients(comment, roles)})
    if not recipients:
        if comment.escalated:
            log.error(
                "School %s has no DSL or head teacher: nobody can see escalated comment %s.",
                comment.school_id,
                comment.pk,
            )
        return 0
    # Through the outbox (issue 13): one email per person per event, however often the
    # screening or the platform retry that noticed it runs.
    return notification_queue(
        actor=SYSTEM_BACKGROUND,
        event_key=event_key,
        messages=[
            Message(email, f"[{comment.school.name}] {subject}", body) for email in recipients
        ],
    )


def notify_escalated(*, comment_id: int) -> int:
    """R13: tell the DSL and the head teacher (nobody else may see it) that a comment was
    escalated and is hidden."""
    comment = Comment.objects.select_related("school").filter(pk=comment_id).first()
    if comment is None or not comment.escalated:
        return 0
    reasons = ", ".join(sorted({str(label.get("label")) for label in comment.labels})) or "-"
    channel = channel_name_in_sentence(comment.channel)
    body = (
        f"A comment on {channel} was escalated to safeguarding ({reasons}).\n"
        f"It has been hidden from the public and evidence has been captured.\n\n"
        f"Review it: {_link(comment)}\n"
    )
    return _send(
        comment,
        [Role.DSL],
        f"Comment {comment.pk} escalated to safeguarding",
        body,
        event_key=f"comment:{comment.pk}:escalated",
    )


def notify_platform_failure(*, comment_id: int, what: str, message: str) -> int:
    """A hide or delete could not be carried out: a person must do it by hand."""
    comment = Comment.objects.select_related("school").filter(pk=comment_id).first()
    if comment is None:
        return 0
    channel = channel_name_in_sentence(comment.channel)
    body = (
        f"We could not {what} comment {comment.pk} on {channel}.\n{message}\n\n"
        f"Please do it in the {channel} app, then record it on the dashboard: {_link(comment)}\n"
    )
    # An escalated comment's failure goes only to the DSL and head teacher (`_recipients`).
    return _send(
        comment,
        [Role.LEADER],
        f"Comment {comment.pk}: could not {what} it",
        body,
        event_key=f"comment:{comment.pk}:could_not:{what}",
    )
