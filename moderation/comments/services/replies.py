"""A reply from the school's official account to a comment: drafted as a post that goes
through the checks and the approval queue like any other."""

from __future__ import annotations

from django.db import transaction

from backend.accounts.models import Device, User
from backend.common.channels import ChannelKind
from backend.common.errors import Conflict, InvalidInput, Refused

from ..models import Comment, ModerationAction
from .access import check_can_act
from .action_log import action_record, audit_comment
from .messages import REPLY_TEXT_REQUIRED, REPLY_WRONG_DEVICE

REPLY_UNSUPPORTED: dict[str, str] = {
    ChannelKind.INSTAGRAM: (
        "Instagram posts need a photo, so a reply cannot go through the queue as a post. "
        "Reply in the Instagram app, or draft a post with a photo."
    ),
    ChannelKind.WEBSITE: (
        "The website feed has no replies: a reply would be a new news item. Approve the "
        "comment, or draft a news post."
    ),
}


def comment_reply(
    *, comment: Comment, actor: User, device: Device | None, text: str
) -> ModerationAction:
    """Reply from the official account: a new post on the comment's channel that goes
    through the checks and the approval queue like any post (never its author's own
    approval, R8). The link is kept on the action."""
    from backend.accounts.services import DEVICE_MISSING
    from moderation.services import post_create, post_submit

    check_can_act(actor=actor, comment=comment)
    text = text.strip()
    if not text:
        raise InvalidInput(REPLY_TEXT_REQUIRED, field="text")
    if comment.channel in REPLY_UNSUPPORTED:
        raise Conflict(REPLY_UNSUPPORTED[comment.channel], field="channel")
    if device is None:
        raise Refused(DEVICE_MISSING, code="device_required")
    if device.school_id != comment.school_id:
        raise Refused(REPLY_WRONG_DEVICE, code="device_wrong_school")
    with transaction.atomic():
        post = post_create(author=actor, device=device, text=text, channels=[comment.channel])
        action = action_record(
            comment,
            kind=ModerationAction.Kind.REPLY,
            actor=actor,
            data={"post": post.pk},
            reply_post=post,
        )
        audit_comment("comment.reply_drafted", comment, actor=actor, post=post.pk)
        post_submit(post=post, actor=actor, device=device)
    return action
