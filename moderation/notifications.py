"""Emails to leaders and authors. Bodies carry no pupil data: a link, the post's number,
its status and the reason a leader wrote, nothing from the photos or the register."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail

from backend.accounts.models import Role, User
from backend.accounts.selectors import users_with_role
from backend.common.actors import SYSTEM_BACKGROUND
from backend.operations.services import Message, notification_queue

from .models import Post


def _link(post: Post) -> str:
    return f"{settings.PUBLIC_BASE_URL}/posts/{post.pk}"


def _queue(event_key: str, people: Iterable[User], subject: str, body: str) -> int:
    """One email per person per event (issue 13): through the outbox, never sent twice."""
    return notification_queue(
        actor=SYSTEM_BACKGROUND,
        event_key=event_key,
        messages=[Message(user.email, subject, body) for user in people],
    )


def notify_awaiting_approval(*, post_id: int) -> int:
    from .models import SchoolPolicy

    post = Post.objects.select_related("school", "author").filter(pk=post_id).first()
    if post is None or post.status != Post.Status.AWAITING_APPROVAL:
        return 0
    if SchoolPolicy.objects.filter(school_id=post.school_id, daily_digest=True).exists():
        return 0  # the daily digest lists it
    leaders = users_with_role(school=post.school, roles=[Role.LEADER]).exclude(pk=post.author_id)
    when = f" It is scheduled for {post.scheduled_at:%d %b %Y %H:%M}." if post.scheduled_at else ""
    # One email per leader for this content, however often the checks ran on it.
    return _queue(
        f"post:{post.pk}:awaiting_approval:{post.content_hash}",
        leaders,
        f"[{post.school.name}] Post {post.pk} awaits your approval",
        f"A post by {post.author} passed the safeguarding checks and awaits approval.{when}\n\n"
        f"Review it: {_link(post)}\n",
    )


def notify_author(*, post_id: int, event: str, note: str = "") -> int:
    post = Post.objects.select_related("school", "author").filter(pk=post_id).first()
    if post is None:
        return 0
    body = f"Your post {post.pk} is now {post.get_status_display().lower()}.\n"
    if note:
        body += f"\n{note}\n"
    body += f"\nOpen it: {_link(post)}\n"
    return _queue(
        f"post:{post.pk}:v{post.version}:{post.status}:author:{event}",
        [post.author],
        f"[{post.school.name}] Post {post.pk}: {event}",
        body,
    )


def notify_leaders(*, post_id: int, subject: str, note: str = "") -> int:
    post = Post.objects.select_related("school").filter(pk=post_id).first()
    if post is None:
        return 0
    if post.status in (Post.Status.FAILED, Post.Status.PARTIALLY_PUBLISHED) and (
        _publishers_told_leaders(post)
    ):
        return 0  # one event, one email (issue 13)
    leaders = users_with_role(school=post.school, roles=[Role.LEADER])
    body = f"Post {post.pk} is now {post.get_status_display().lower()}.\n"
    if note:
        body += f"\n{note}\n"
    body += f"\nOpen it: {_link(post)}\n"
    return _queue(
        f"post:{post.pk}:v{post.version}:{post.status}:leaders:{subject}",
        leaders,
        f"[{post.school.name}] Post {post.pk}: {subject}",
        body,
    )


def _publishers_told_leaders(post: Post) -> bool:
    """Every channel that did not publish failed or is unconfirmed: publishers emails the
    leaders about each of those (publishers.notifications), so a summary would repeat it."""
    from publishers.selectors import publication_outcomes

    outcomes = publication_outcomes(post_id=post.pk)
    missed = [v for v in outcomes.values() if v != "published"]
    return bool(missed) and all(v in ("failed", "unconfirmed") for v in missed)


def send_approval_digests() -> int:
    """Daily, for schools that chose a digest: one email per leader listing what waits."""
    from .models import SchoolPolicy

    sent = 0
    for policy in SchoolPolicy.objects.filter(daily_digest=True).select_related("school"):
        waiting = list(
            Post.objects.filter(school=policy.school, status=Post.Status.AWAITING_APPROVAL)
            .select_related("author")
            .order_by("scheduled_at")
        )
        if not waiting:
            continue
        lines = [
            f"- Post {p.pk} by {p.author}"
            + (f", scheduled {p.scheduled_at:%d %b %H:%M}" if p.scheduled_at else "")
            + f": {_link(p)}"
            for p in waiting
        ]
        for leader in users_with_role(school=policy.school, roles=[Role.LEADER]):
            mine = [
                line for line, p in zip(lines, waiting, strict=True) if p.author_id != leader.pk
            ]
            if mine:
                sent += send_mass_mail(
                    [
                        (
                            f"[{policy.school.name}] {len(mine)} post(s) await your approval",
                            "\n".join(mine) + "\n",
                            settings.DEFAULT_FROM_EMAIL,
                            [leader.email],
                        )
                    ]
                )
    return sent
