"""Emails about comments. Bodies never quote the comment or name its author (email is not
where safeguarding material should live): the school, the channel, the reasons' names and
a link to the dashboard."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mass_mail

from backend.accounts.models import Role
from backend.accounts.selectors import users_with_role

from .models import Comment

CHANNEL_NAMES = {
    "website": "the school website",
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
}


def _link(comment: Comment) -> str:
    return f"{str(settings.PUBLIC_BASE_URL).rstrip('/')}/comments/{comment.pk}"


def _send(comment: Comment, roles: Sequence[str], subject: str, body: str) -> int:
    recipients = sorted({u.email for u in users_with_role(school=comment.school, roles=roles)})
    if not recipients:
        return 0
    return send_mass_mail(
        [
            (f"[{comment.school.name}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [email])
            for email in recipients
        ]
    )


def notify_escalated(*, comment_id: int) -> int:
    """R13: tell the DSL (the leaders when the school has no DSL) that a comment was
    escalated and is hidden."""
    comment = Comment.objects.select_related("school").filter(pk=comment_id).first()
    if comment is None or not comment.escalated:
        return 0
    reasons = ", ".join(sorted({str(label.get("label")) for label in comment.labels})) or "-"
    channel = CHANNEL_NAMES.get(comment.channel, comment.channel)
    body = (
        f"A comment on {channel} was escalated to safeguarding ({reasons}).\n"
        f"It has been hidden from the public and evidence has been captured.\n\n"
        f"Review it: {_link(comment)}\n"
    )
    roles: list[str] = [Role.DSL]
    if not users_with_role(school=comment.school, roles=roles).exists():
        roles = [Role.LEADER]
    return _send(comment, roles, f"Comment {comment.pk} escalated to safeguarding", body)


def notify_platform_failure(*, comment_id: int, what: str, message: str) -> int:
    """A hide or delete could not be carried out: a person must do it by hand."""
    comment = Comment.objects.select_related("school").filter(pk=comment_id).first()
    if comment is None:
        return 0
    channel = CHANNEL_NAMES.get(comment.channel, comment.channel)
    body = (
        f"We could not {what} comment {comment.pk} on {channel}.\n{message}\n\n"
        f"Please do it in the {channel} app, then record it on the dashboard: {_link(comment)}\n"
    )
    roles: list[str] = [Role.DSL, Role.LEADER] if comment.escalated else [Role.LEADER]
    return _send(comment, roles, f"Comment {comment.pk}: could not {what} it", body)
