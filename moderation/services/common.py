"""What the drafting and face-review services share: a change after submission voids the
approvals and sends the post back to the checks."""

from typing import Any

from django.utils import timezone

from backend.common.dispatch import send_after_commit

from ..models import Approval, Post
from ..workflow import post_transition

S = Post.Status

NOT_EDITABLE = "This post can no longer be changed."


def content_changed(*, post: Post, actor: Any) -> None:
    """After submission, any change voids approvals and sends the post back to the checks."""
    if post.status == S.DRAFT:
        return
    Approval.objects.filter(post=post, voided_at__isnull=True).update(voided_at=timezone.now())
    post.refresh_from_db(fields=["status", "version"])
    post_transition(
        post=post,
        to=S.CHECKING,
        actor=actor,
        reason="Edited after submission",
        version=post.version + 1,
    )
    checks_queue(post)


def checks_queue(post: Post) -> None:
    from ..tasks import run_checks

    send_after_commit(run_checks, post.pk)
