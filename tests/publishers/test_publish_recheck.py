"""R9 on every publishing attempt: consent, flags, names and contact details are checked
again before each platform call (a retry, "post again", a publication that waited out a
pause), not only when the post is released. The re-check is never mocked: consent is
withdrawn through the consent services and the path is then driven as in production.

The R10 takedown (consent ended -> the registered consent-ended handlers) runs in its own
task, after commit, and can be late (broker down, a handler retrying: R22). These tests switch
it off so that what they prove is that the publishing attempt stops on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import Device, User
from backend.audit.models import AuditEvent
from consent.models import Contact, GivenBy, Method, Person, Purpose
from consent.services import consent_withdraw
from moderation import approvals
from moderation import services as moderation_services
from moderation.models import Face, Post
from publishers import services
from publishers.models import ChannelAccount, Publication
from tests.commits import committed
from tests.consent.factories import ContactFactory
from tests.consent.handlers import consent_ended_handlers_replaced
from tests.moderation.factories import ALL_PHOTO, person, record, submitted
from tests.publishers.fakes import FakeX

P = Publication.State
S = Post.Status
LONG_WAIT = 3600  # seconds: X says come back in an hour, so the sweep, not the broker, retries


@pytest.fixture(autouse=True)
def _takedown_is_late() -> Iterator[None]:
    with consent_ended_handlers_replaced():
        yield


@pytest.fixture
def joe(school: Any) -> Person:
    """A pupil with photo consent for every channel when the post is approved."""
    pupil = person(school, "Joe", "Biden")
    record(pupil, *ALL_PHOTO)
    return pupil


@pytest.fixture
def mum(joe: Person) -> Contact:
    return ContactFactory(person=joe, name="Jill Biden", relationship="Mother")


def withdraw_x(joe: Person, mum: Contact, data_manager: User) -> None:
    """Joe's mother rings the office: no more photos of Joe on X."""
    with committed():
        consent_withdraw(
            person=joe,
            purposes=[Purpose.PHOTO_X],
            given_by=GivenBy.CONTACT,
            contact=mum,
            method=Method.VERBAL,
            actor=data_manager,
        )


def approve_post_showing(joe: Person, teacher: User, tablet: Device, head_teacher: User) -> Post:
    """The real flow: a photo of Joe, tagged, checked, approved (every photo confirmed,
    R20) and released, which starts publishing on X."""
    post = submitted(
        teacher, tablet, images=("biden.jpg",), channels=("x",), text="Year 4 built rockets"
    )
    with committed():
        moderation_services.face_tag(
            face=Face.objects.get(image__post=post), actor=teacher, tag="person", person_id=joe.pk
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL, post.status_reason
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=list(post.images.values_list("id", flat=True)),
        )
    return post


def x_publication(post: Post) -> Publication:
    return Publication.objects.get(post=post, channel="x")


def when_the_sweep_sends_it_again(pub: Publication) -> datetime:
    """A moment at which the beat sweep re-sends the waiting publication."""
    pub.refresh_from_db()
    assert pub.state == P.QUEUED and pub.next_attempt_at is not None
    return pub.next_attempt_at + services.REQUEUE_GRACE


def assert_stopped_by_r9(pub: Publication, fake_x: FakeX, *, creates: int) -> None:
    pub.refresh_from_db()
    assert pub.state == P.FAILED
    assert pub.error.startswith("Stopped before publishing on X:")
    assert "no consent for photos on X" in pub.error
    assert fake_x.posts == [] and len(fake_x.calls("create")) == creates
    event = AuditEvent.objects.get(action="publication.stopped_by_recheck")
    assert event.data["rule"] == "R9" and event.target_id == str(pub.pk)


def test_r9_a_retry_checks_consent_again_and_stops_without_posting(
    joe: Person,
    mum: Contact,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    fake_x: FakeX,
    x_account: ChannelAccount,
) -> None:
    fake_x.fail("create", "rate_limit", reset_in=LONG_WAIT)
    post = approve_post_showing(joe, teacher, tablet, head_teacher)
    pub = x_publication(post)
    due = when_the_sweep_sends_it_again(pub)

    withdraw_x(joe, mum, data_manager)
    with committed():
        services.publications_recover(now=due)

    assert_stopped_by_r9(pub, fake_x, creates=1)
    post.refresh_from_db()
    assert post.status == S.FAILED


def test_r9_a_publication_that_waited_out_a_pause_is_checked_again_when_resumed(
    joe: Person,
    mum: Contact,
    school: Any,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    fake_x: FakeX,
    x_account: ChannelAccount,
) -> None:
    fake_x.fail("create", "rate_limit", reset_in=LONG_WAIT)
    post = approve_post_showing(joe, teacher, tablet, head_teacher)
    pub = x_publication(post)
    approvals.publishing_pause(actor=head_teacher, school=school, reason="Incident at school")
    with committed():
        services.publications_recover(now=when_the_sweep_sends_it_again(pub))
    due = when_the_sweep_sends_it_again(pub)  # it waits for the pause
    assert len(fake_x.calls("create")) == 1

    withdraw_x(joe, mum, data_manager)
    approvals.publishing_resume(actor=head_teacher, school=school)
    with committed():
        services.publications_recover(now=due)

    assert_stopped_by_r9(pub, fake_x, creates=1)


def test_r9_post_again_is_refused_when_consent_was_withdrawn(
    joe: Person,
    mum: Contact,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    fake_x: FakeX,
    x_account: ChannelAccount,
    api_as: Any,
) -> None:
    fake_x.fail("create", "server_error")  # outcome unknown, not found: unconfirmed
    post = approve_post_showing(joe, teacher, tablet, head_teacher)
    pub = x_publication(post)
    assert pub.state == P.UNCONFIRMED

    withdraw_x(joe, mum, data_manager)
    client: APIClient = api_as(head_teacher)
    response = client.post(f"/api/publications/{pub.pk}/post-again")

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Not posted again:")
    assert "no consent for photos on X" in response.json()["detail"]
    pub.refresh_from_db()
    assert pub.state == P.UNCONFIRMED
    assert fake_x.posts == [] and len(fake_x.calls("create")) == 1


def test_r9_post_again_accepted_during_a_pause_is_checked_again_when_it_is_attempted(
    joe: Person,
    mum: Contact,
    school: Any,
    teacher: User,
    head_teacher: User,
    data_manager: User,
    tablet: Device,
    fake_x: FakeX,
    x_account: ChannelAccount,
) -> None:
    fake_x.fail("create", "server_error")
    post = approve_post_showing(joe, teacher, tablet, head_teacher)
    pub = x_publication(post)
    assert pub.state == P.UNCONFIRMED
    approvals.publishing_pause(actor=head_teacher, school=school, reason="Incident at school")
    with committed():
        services.publication_retry(publication=pub, actor=head_teacher)  # consent still holds
    due = when_the_sweep_sends_it_again(pub)  # it waits for the pause
    assert len(fake_x.calls("create")) == 1

    withdraw_x(joe, mum, data_manager)
    approvals.publishing_resume(actor=head_teacher, school=school)
    with committed():
        services.publications_recover(now=due)

    assert_stopped_by_r9(pub, fake_x, creates=1)
