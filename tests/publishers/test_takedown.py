"""R10 takedown: the website entry disappears at once; every other channel is deleted after
a leader confirms, retried until done (404 = done), audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_CONSENT_ENDED
from moderation import takedowns
from moderation.models import Post
from publishers import services
from publishers.models import ChannelAccount, Publication, Takedown, WebsiteEntry
from publishers.services import common as services_common
from tests.commits import committed
from tests.moderation.factories import person
from tests.publishers.fakes import FakeGraph, FakeX

P = Publication.State
S = Post.Status


@pytest.fixture
def published(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    fake_graph: FakeGraph,
    facebook_account: ChannelAccount,
) -> Post:
    post = make_post(
        channels=("website", "x", "facebook"),
        text="Well done Amelia Jones on the climb!",
        images=1,
    )
    with committed():
        services.publications_start(post_id=post.pk)
    post.refresh_from_db()
    assert post.status == S.PUBLISHED
    return post


@pytest.fixture
def amelia(school: Any) -> Any:
    return person(school, "Amelia", "Jones")


def entry_of(post: Post) -> WebsiteEntry:
    return WebsiteEntry.objects.get(publication__post=post)


def public_page(post: Post) -> str:
    return f"/news/{post.school.slug}/{entry_of(post).pk}/"


def test_when_consent_ends_the_website_entry_disappears_at_once(
    published: Post, amelia: Any, fake_x: FakeX, fake_graph: FakeGraph, head_teacher: Any
) -> None:
    client = Client()
    assert client.get(public_page(published)).status_code == 200
    image = f"{public_page(published)}images/0.jpg"
    assert client.get(image).status_code == 200

    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")

    assert client.get(public_page(published)).status_code == 404
    assert client.get(image).status_code == 404
    assert "climb" not in client.get(f"/news/{published.school.slug}/feed.rss").content.decode()
    published.refresh_from_db()
    assert published.status == S.TAKEDOWN_REQUESTED
    takedown = Takedown.objects.get(post=published)
    assert takedown.state == Takedown.State.AWAITING_CONFIRMATION
    assert takedown.requested_by is None
    # The other channels wait for a leader.
    assert len(fake_x.posts) == 1 and len(fake_graph.posts) == 1
    assert fake_x.calls("delete") == []
    assert any("takedown needed" in m.subject for m in mail.outbox)


def test_the_request_is_audited_with_the_person_but_no_pupil_data_is_emailed(
    published: Post, amelia: Any, head_teacher: Any
) -> None:
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")

    event = AuditEvent.objects.get(action="takedown.requested")
    assert event.data["person"] == amelia.pk and event.data["website_hidden"] is True
    assert not any("Amelia" in m.body or "Jones" in m.body for m in mail.outbox)


def test_asking_again_is_harmless(published: Post, amelia: Any, head_teacher: Any) -> None:
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")
    takedowns.takedown_request_for_person(person_id=amelia.pk, reason="expired")
    takedowns.takedown_request_for_post(
        post_id=published.pk, actor=SYSTEM_CONSENT_ENDED, reason="again"
    )

    assert Takedown.objects.filter(post=published).count() == 1
    assert AuditEvent.objects.filter(action="takedown.requested").count() == 2
    published.refresh_from_db()
    assert published.status == S.TAKEDOWN_REQUESTED


def test_a_leader_confirms_and_every_channel_is_deleted(
    published: Post, amelia: Any, fake_x: FakeX, fake_graph: FakeGraph, head_teacher: Any
) -> None:
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")
    takedown = Takedown.objects.get(post=published)

    with committed():
        takedowns.takedown_confirm(takedown=takedown, actor=head_teacher)

    assert fake_x.posts == [] and fake_graph.posts == {}
    assert set(Publication.objects.filter(post=published).values_list("state", flat=True)) == {
        P.TAKEN_DOWN
    }
    takedown.refresh_from_db()
    assert takedown.state == Takedown.State.DONE and takedown.confirmed_by == head_teacher
    published.refresh_from_db()
    assert published.status == S.TAKEN_DOWN
    assert not entry_of(published).images.exists()
    audited = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"takedown.confirmed", "publication.taken_down", "takedown.done"} <= audited


def test_only_a_leader_confirms(
    published: Post, amelia: Any, teacher: Any, safeguarding_lead: Any
) -> None:
    from backend.common.errors import Refused

    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")
    takedown = Takedown.objects.get(post=published)
    for user in (teacher, safeguarding_lead):
        with pytest.raises(Refused, match=re.escape(services.NOT_A_LEADER)):
            takedowns.takedown_confirm(takedown=takedown, actor=user)


def test_confirming_twice_is_refused(
    published: Post, amelia: Any, head_teacher: Any, deputy_head: Any
) -> None:
    from backend.common.errors import Conflict

    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")
    takedown = Takedown.objects.get(post=published)
    with committed():
        takedowns.takedown_confirm(takedown=takedown, actor=head_teacher)
    with pytest.raises(Conflict, match=re.escape(services.TAKEDOWN_ALREADY_CONFIRMED)):
        takedowns.takedown_confirm(takedown=takedown, actor=deputy_head)


def test_a_delete_that_fails_for_a_while_is_retried_until_done(
    published: Post, amelia: Any, fake_x: FakeX, head_teacher: Any
) -> None:
    fake_x.fail("delete", "server_error", times=2)
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")

    with committed():
        takedowns.takedown_confirm(
            takedown=Takedown.objects.get(post=published), actor=head_teacher
        )

    assert fake_x.posts == []
    assert len(fake_x.calls("delete")) == 3
    x_pub = Publication.objects.get(post=published, channel="x")
    assert x_pub.state == P.TAKEN_DOWN and x_pub.delete_attempts == 2


def test_a_post_already_gone_counts_as_deleted(
    published: Post, amelia: Any, fake_x: FakeX, head_teacher: Any
) -> None:
    fake_x.tweets.clear()  # someone deleted it in the X app
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")

    with committed():
        takedowns.takedown_confirm(
            takedown=Takedown.objects.get(post=published), actor=head_teacher
        )

    assert Publication.objects.get(post=published, channel="x").state == P.TAKEN_DOWN
    published.refresh_from_db()
    assert published.status == S.TAKEN_DOWN


def test_an_expired_token_keeps_the_delete_pending_and_tells_people(
    published: Post, amelia: Any, fake_x: FakeX, head_teacher: Any, trust_admin: Any
) -> None:
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")
    fake_x.expired = True
    mail.outbox.clear()

    with committed():
        takedowns.takedown_confirm(
            takedown=Takedown.objects.get(post=published), actor=head_teacher
        )

    x_pub = Publication.objects.get(post=published, channel="x")
    assert x_pub.state == P.PUBLISHED and x_pub.next_attempt_at is not None
    assert "reconnect" in x_pub.error
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert any(
        to == trust_admin.email and "takedown on X needs attention" in s for to, s in subjects
    )
    published.refresh_from_db()
    assert published.status == S.TAKEDOWN_REQUESTED

    fake_x.expired = False  # reconnected
    with committed():
        services.publications_recover(now=x_pub.next_attempt_at + timedelta(seconds=1))

    assert fake_x.posts == []
    published.refresh_from_db()
    assert published.status == S.TAKEN_DOWN


def test_a_leader_can_ask_for_a_takedown_by_hand(
    published: Post, fake_x: FakeX, head_teacher: Any
) -> None:
    with committed():
        takedown = takedowns.takedown_request_for_post_by_leader(
            post_id=published.pk, actor=head_teacher, reason="Parent asked us to remove it"
        )

    assert takedown.requested_by == head_teacher
    assert Client().get(public_page(published)).status_code == 404
    published.refresh_from_db()
    assert published.status == S.TAKEDOWN_REQUESTED
    with committed():
        takedowns.takedown_confirm(takedown=takedown, actor=head_teacher)
    assert fake_x.posts == []


def test_a_takedown_while_still_publishing_stops_what_has_not_gone_out(
    make_post: Callable[..., Post],
    amelia: Any,
    fake_x: FakeX,
    x_account: ChannelAccount,
    monkeypatch: Any,
    head_teacher: Any,
) -> None:
    post = make_post(channels=("website", "x"), text="Amelia Jones won the race")
    with monkeypatch.context() as patched:
        patched.setattr(services_common, "queue_task", lambda *args, **kwargs: None)
        services.publications_start(post_id=post.pk)

    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")

    assert set(Publication.objects.filter(post=post).values_list("state", flat=True)) == {
        P.TAKEN_DOWN
    }
    assert fake_x.requests == []
    assert not WebsiteEntry.objects.filter(publication__post=post).exists()
    takedown = Takedown.objects.get(post=post)
    with committed():
        takedowns.takedown_confirm(takedown=takedown, actor=head_teacher)
    takedown.refresh_from_db()
    assert takedown.state == Takedown.State.DONE


def test_a_takedown_finds_an_unconfirmed_post_before_deleting_it(
    make_post: Callable[..., Post],
    amelia: Any,
    fake_x: FakeX,
    x_account: ChannelAccount,
    head_teacher: Any,
) -> None:
    fake_x.fail("create", "server_error")
    post = make_post(channels=("x", "website"), text="Amelia Jones and friends")
    with committed():
        services.publications_start(post_id=post.pk)
    assert Publication.objects.get(post=post, channel="x").state == P.UNCONFIRMED
    tweet_id = fake_x.add_post("Amelia Jones and friends")  # it did go out after all

    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")
        takedowns.takedown_confirm(takedown=Takedown.objects.get(post=post), actor=head_teacher)

    assert tweet_id not in fake_x.tweets
    assert Publication.objects.get(post=post, channel="x").external_id == tweet_id
