"""What each platform lets the comment services do, read from the publishers' registry
(each publisher class declares it), so a moderator hears "not possible" at once instead of
after a failed call."""

from __future__ import annotations

from backend.common.errors import Conflict
from publishers.registry import channel_comment_actions, channel_platform_name

from ..models import Comment
from .messages import BLOCK_UNSUPPORTED, DELETE_UNSUPPORTED


def check_capability(comment: Comment, op: str) -> None:
    """Refuse (409) an operation the comment's platform does not let an app do."""
    if op in channel_comment_actions(comment.channel):
        return
    platform = channel_platform_name(comment.channel)
    if op == "block":
        raise Conflict(BLOCK_UNSUPPORTED.format(platform=platform), code="platform_unsupported")
    raise Conflict(DELETE_UNSUPPORTED.format(platform=platform), code="platform_unsupported")
