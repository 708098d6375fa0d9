"""Emails about posts go out once per event and person (issue 13), through the outbox."""

from typing import Any

from django.core import mail

from moderation import services
from moderation.models import Post
from tests.commits import committed
from tests.moderation.factories import submitted

S = Post.Status


def test_one_post_produces_one_approval_email_per_leader(
    teacher: Any, head_teacher: Any, deputy_head: Any, tablet: Any
) -> None:
    mail.outbox.clear()
    post = submitted(teacher, tablet, text="Well done to the choir")
    assert post.status == S.AWAITING_APPROVAL
    # The same content goes through the checks again (an edit that changed nothing,
    # as a redelivered or re-queued check does): nothing new for the leaders to see.
    with committed():
        services.post_edit(post=post, actor=teacher, device=tablet, text="Well done to the choir")
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and post.version == 2

    approval_emails = sorted(m.to[0] for m in mail.outbox if "awaits your approval" in m.subject)
    assert approval_emails == sorted([head_teacher.email, deputy_head.email])
