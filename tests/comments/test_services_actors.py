"""Hole 12 (issue 11) / R14: comment work nobody clicked is named in the audit log: the
poll that stored the comment, the screening that hid it and captured evidence (R11, R12),
and the task that carried the hide out on the platform."""

from __future__ import annotations

from backend.audit.models import AuditEvent
from moderation.comments import tasks
from moderation.comments.models import Comment
from publishers.models import Publication
from tests.comments.conftest import Platforms
from tests.commits import committed

THREAT = "I know where you live. Watch your back, I'll be waiting outside the gate for you"


def _labels(comment: Comment) -> dict[str, str]:
    events = AuditEvent.objects.filter(target_type="comments.comment", target_id=str(comment.pk))
    return {e.action: e.actor_label for e in events}


def test_r14_a_comment_hidden_by_screening_names_the_system_steps(
    platforms: Platforms, x_post: Publication
) -> None:
    reply_id = platforms.x.add_reply(x_post.external_id, THREAT)

    with committed():
        tasks.poll_due()

    comment = Comment.objects.get(channel="x", external_id=reply_id)
    labels = _labels(comment)
    assert labels["comment.received"] == "system:comment_ingest"
    assert labels["comment.screened"] == "system:comment_screening"
    assert labels["comment.evidence_captured"] == "system:comment_screening"
    assert labels["comment.hide_requested"] == "system:comment_screening"
    assert labels["comment.platform_hide"] == "system:comment_screening"
    assert not any(label == "system" for label in labels.values())
