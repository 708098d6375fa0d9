"""A publishing failure is one email per leader (issue 13), not one from publishers and
another from moderation's summary of the post."""

from collections.abc import Callable
from typing import Any

from django.core import mail

from moderation.models import Post
from publishers import services
from publishers.models import ChannelAccount, Publication
from tests.commits import committed
from tests.publishers.fakes import FakeX


def test_a_publishing_failure_emails_each_leader_once(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    head_teacher: Any,
) -> None:
    fake_x.fail("create", "forbidden")
    post = make_post(channels=("x",))
    mail.outbox.clear()

    with committed():
        services.publications_start(post_id=post.pk)

    post.refresh_from_db()
    assert post.status == Post.Status.FAILED
    assert Publication.objects.get(post=post).state == Publication.State.FAILED
    to_head = [m for m in mail.outbox if m.to == [head_teacher.email]]
    assert len(to_head) == 1, [m.subject for m in to_head]
    assert "was not published on X" in to_head[0].subject


def test_a_failure_noticed_twice_is_emailed_once(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    head_teacher: Any,
) -> None:
    from publishers.notifications import notify_publication_problem

    fake_x.fail("create", "forbidden")
    post = make_post(channels=("x",))
    services.publications_start(post_id=post.pk)
    pub = Publication.objects.get(post=post)
    mail.outbox.clear()

    # e.g. the task that noticed it ran again after its worker was restarted
    notify_publication_problem(publication_id=pub.pk)

    assert mail.outbox == []
