"""Emails to leaders and authors. Bodies carry no pupil data: a link, the post's number,
its status and the reason a leader wrote, nothing from the photos or the register."""

from django.conf import settings
from django.core.mail import send_mass_mail

from backend.accounts.models import Role
from backend.accounts.selectors import users_with_role

from .models import Post


def _link(post: Post) -> str:
    return f"{settings.PUBLIC_BASE_URL}/posts/{post.pk}"


def notify_awaiting_approval(*, post_id: int) -> int:
    from .models import SchoolPolicy

    post = Post.objects.select_related("school", "author").filter(pk=post_id).first()
    if post is None or post.status != Post.Status.AWAITING_APPROVAL:
        return 0
    if SchoolPolicy.objects.filter(school_id=post.school_id, daily_digest=True).exists():
        return 0  # the daily digest lists it
    leaders = users_with_role(school=post.school, roles=[Role.LEADER]).exclude(pk=post.author_id)
    when = f" It is scheduled for {post.scheduled_at:%d %b %Y %H:%M}." if post.scheduled_at else ""
    messages = [
        (
            f"[{post.school.name}] Post {post.pk} awaits your approval",
            f"A post by {post.author} passed the safeguarding checks and awaits approval.{when}\n\n"
            f"Review it: {_link(post)}\n",
            settings.DEFAULT_FROM_EMAIL,
            [leader.email],
        )
        for leader in leaders
    ]
    return send_mass_mail(messages, fail_silently=False)


def notify_author(*, post_id: int, event: str, note: str = "") -> int:
    post = Post.objects.select_related("school", "author").filter(pk=post_id).first()
    if post is None:
        return 0
    body = f"Your post {post.pk} is now {post.get_status_display().lower()}.\n"
    if note:
        body += f"\n{note}\n"
    body += f"\nOpen it: {_link(post)}\n"
    return send_mass_mail(
        [
            (
                f"[{post.school.name}] Post {post.pk}: {event}",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [post.author.email],
            )
        ]
    )


def notify_leaders(*, post_id: int, subject: str, note: str = "") -> int:
    post = Post.objects.select_related("school").filter(pk=post_id).first()
    if post is None:
        return 0
    leaders = users_with_role(school=post.school, roles=[Role.LEADER])
    body = f"Post {post.pk} is now {post.get_status_display().lower()}.\n"
    if note:
        body += f"\n{note}\n"
    body += f"\nOpen it: {_link(post)}\n"
    return send_mass_mail(
        [
            (
                f"[{post.school.name}] Post {post.pk}: {subject}",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [leader.email],
            )
            for leader in leaders
        ]
    )


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
