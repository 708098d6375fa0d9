"""R10 end to end, for a pupil who is in a published post by face match and, separately,
by a staff tag (test_takedown.py proves the by-name branch).

Nothing is mocked between the two ends: the post goes through the checks, approval (every
photo confirmed, R20) and publishing to the website, X and Facebook fakes (the real HTTP
contract); the pupil's parent withdraws consent through the consent services, whose
outbox task calls the publishers' takedown handler; a leader confirms through the API and
the platforms receive the deletes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import Device, User
from consent.models import GivenBy, Method, Person, Purpose
from consent.services import consent_withdraw
from moderation import approvals
from moderation import services as moderation_services
from moderation.models import Face, Post
from publishers.models import ChannelAccount, Publication, Takedown, WebsiteEntry
from tests.commits import committed
from tests.consent.factories import ContactFactory
from tests.moderation.factories import ALL_PHOTO, enrol, open_dpia, person, record, submitted
from tests.publishers.fakes import FakeGraph, FakeX

P = Publication.State
S = Post.Status
CHANNELS = ("website", "x", "facebook")
# No name in the text or alt text: only the face can tie the post to the pupil.
TEXT = "Year 4 built rockets this afternoon"
ALT = "A pupil holding a rocket"


@pytest.fixture
def channels(
    fake_x: FakeX,
    x_account: ChannelAccount,
    fake_graph: FakeGraph,
    facebook_account: ChannelAccount,
) -> tuple[FakeX, FakeGraph]:
    return fake_x, fake_graph


def approve(post: Post, head_teacher: User) -> Post:
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL, post.status_reason
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=list(post.images.values_list("id", flat=True)),
        )
    post.refresh_from_db()
    assert post.status == S.PUBLISHED, post.status_reason
    return post


def withdraw_photo_consent(pupil: Person, data_manager: User) -> None:
    """The pupil's mother withdraws photo consent on every channel (R10)."""
    mum = ContactFactory(person=pupil, name="Pat Parent", relationship="Mother")
    with committed():
        consent_withdraw(
            person=pupil,
            purposes=ALL_PHOTO,
            given_by=GivenBy.CONTACT,
            contact=mum,
            method=Method.PAPER_FORM,
            actor=data_manager,
        )


def assert_taken_down_everywhere_after_a_leader_confirms(
    post: Post, fake_x: FakeX, fake_graph: FakeGraph, head_teacher: User, api_as: Any
) -> None:
    entry = WebsiteEntry.objects.get(publication__post=post)
    page = f"/news/{post.school.slug}/{entry.pk}/"
    assert Client().get(page).status_code == 404  # the website entry went at once
    post.refresh_from_db()
    assert post.status == S.TAKEDOWN_REQUESTED
    takedown = Takedown.objects.get(post=post)
    assert takedown.state == Takedown.State.AWAITING_CONFIRMATION
    assert fake_x.calls("delete") == [] and fake_graph.calls("delete") == []
    x_id = Publication.objects.get(post=post, channel="x").external_id
    fb_id = Publication.objects.get(post=post, channel="facebook").external_id

    with committed():
        response = api_as(head_teacher).post(f"/api/takedowns/{takedown.pk}/confirm")

    assert response.status_code == 200, response.content
    assert [r.path for r in fake_x.calls("delete")] == [f"/2/tweets/{x_id}"]
    assert [r.path.rsplit("/", 1)[-1] for r in fake_graph.calls("delete")] == [fb_id]
    assert fake_x.posts == [] and fake_graph.posts == {}
    assert set(Publication.objects.filter(post=post).values_list("state", flat=True)) == {
        P.TAKEN_DOWN
    }
    takedown.refresh_from_db()
    assert takedown.state == Takedown.State.DONE
    post.refresh_from_db()
    assert post.status == S.TAKEN_DOWN


def test_r10_a_pupil_matched_by_face_is_taken_down_on_every_channel(
    school: Any,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    channels: tuple[FakeX, FakeGraph],
    api_as: Any,
) -> None:
    fake_x, fake_graph = channels
    open_dpia(school)
    barack = person(school, "Barack", "Obama", mis_id="OB1")
    record(barack, Purpose.BIOMETRIC, *ALL_PHOTO)
    enrol(barack, "obama.jpg")
    post = submitted(teacher, tablet, images=("obama2.jpg",), channels=CHANNELS, text=TEXT, alt=ALT)
    face = Face.objects.get(image__post=post)
    assert face.person_id == barack.pk and face.tag == ""  # identified by the face alone
    approve(post, head_teacher)
    assert len(fake_x.posts) == 1 and len(fake_graph.posts) == 1

    withdraw_photo_consent(barack, data_manager)

    assert_taken_down_everywhere_after_a_leader_confirms(
        post, fake_x, fake_graph, head_teacher, api_as
    )


def test_r10_a_pupil_tagged_by_staff_is_taken_down_on_every_channel(
    school: Any,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    channels: tuple[FakeX, FakeGraph],
    api_as: Any,
) -> None:
    fake_x, fake_graph = channels
    joe = person(school, "Joe", "Biden")
    record(joe, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("biden.jpg",), channels=CHANNELS, text=TEXT, alt=ALT)
    face = Face.objects.get(image__post=post)
    assert face.person_id is None  # nobody enrolled: staff say who it is
    with committed():
        moderation_services.face_tag(face=face, actor=teacher, tag="person", person_id=joe.pk)
    approve(post, head_teacher)
    assert len(fake_x.posts) == 1 and len(fake_graph.posts) == 1

    withdraw_photo_consent(joe, data_manager)

    assert_taken_down_everywhere_after_a_leader_confirms(
        post, fake_x, fake_graph, head_teacher, api_as
    )


def test_r10_a_post_whose_outcome_on_x_is_unknown_comes_down_there_too(
    school: Any,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    fake_x: FakeX,
    x_account: ChannelAccount,
    api_as: Any,
) -> None:
    """X timed out and the post was not in its listing, so the post settled as failed with
    X "unconfirmed" for a leader to check. It may be live all the same: when consent ends
    it must come down there too, not wait for someone to mark it as posted."""
    fake_x.fail("create", "server_error")
    joe = person(school, "Joe", "Biden")
    record(joe, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("biden.jpg",), channels=("x",), text=TEXT, alt=ALT)
    with committed():
        moderation_services.face_tag(
            face=Face.objects.get(image__post=post), actor=teacher, tag="person", person_id=joe.pk
        )
    post.refresh_from_db()
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=list(post.images.values_list("id", flat=True)),
        )
    pub = Publication.objects.get(post=post, channel="x")
    assert pub.state == P.UNCONFIRMED
    tweet_id = fake_x.add_post(TEXT)  # X had taken it after all; its listing was late

    withdraw_photo_consent(joe, data_manager)

    takedown = Takedown.objects.get(post=post)
    assert takedown.state == Takedown.State.AWAITING_CONFIRMATION
    with committed():
        response = api_as(head_teacher).post(f"/api/takedowns/{takedown.pk}/confirm")
    assert response.status_code == 200, response.content
    assert [r.path for r in fake_x.calls("delete")] == [f"/2/tweets/{tweet_id}"]
    assert fake_x.posts == []
    pub.refresh_from_db()
    assert pub.state == P.TAKEN_DOWN
    takedown.refresh_from_db()
    assert takedown.state == Takedown.State.DONE
