"""Emails about comments go out once per event and person (issue 13)."""

from django.core import mail

from backend.accounts.models import User
from moderation.comments import tasks
from moderation.comments.models import Comment
from moderation.comments.notifications import notify_escalated
from publishers.models import Publication
from tests.comments.conftest import Platforms
from tests.commits import committed

THREAT = "I know where you live. Watch your back, I'll be waiting outside the gate for you"


def test_r13_an_escalation_noticed_twice_is_emailed_once(
    platforms: Platforms, x_post: Publication, safeguarding_lead: User
) -> None:
    reply_id = platforms.x.add_reply(x_post.external_id, THREAT)
    with committed():
        tasks.poll_due()
    comment = Comment.objects.get(channel="x", external_id=reply_id)
    assert comment.escalated
    assert [m.to for m in mail.outbox] == [[safeguarding_lead.email]]

    # e.g. screening ran again after its worker was restarted mid-task
    notify_escalated(comment_id=comment.pk)

    assert [m.to for m in mail.outbox] == [[safeguarding_lead.email]]
