"""Hole 12 (issue 11): publishers' services take a required actor. The consent-ended
takedown and the daily health check act as named system actors; a person needs the role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_CONSENT_ENDED
from backend.common.errors import Refused
from moderation import takedowns
from moderation.models import Post
from publishers import services
from publishers.models import ChannelAccount, Takedown, WebsiteEntry
from tests.commits import committed
from tests.moderation.factories import person
from tests.publishers.fakes import FakeX


@pytest.fixture
def on_the_website(make_post: Callable[..., Post]) -> Post:
    post = make_post(channels=("website",), text="Well done Amelia Jones!", images=1)
    with committed():
        services.publications_start(post_id=post.pk)
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    return post


def test_r10_the_consent_ended_takedown_is_named_in_the_audit_log(
    on_the_website: Post, school: Any
) -> None:
    amelia = person(school, "Amelia", "Jones")
    with committed():
        takedowns.takedown_request_for_person(person_id=amelia.pk, reason="withdrawn")

    requested = AuditEvent.objects.get(action="takedown.requested")
    assert requested.actor is None and requested.actor_label == SYSTEM_CONSENT_ENDED.name
    moved = AuditEvent.objects.get(action="post.takedown_requested")
    assert moved.actor_label == "system:consent_ended"


def test_r10_a_member_of_staff_cannot_take_a_post_down_through_the_shared_service(
    on_the_website: Post, teacher: Any
) -> None:
    with pytest.raises(Refused) as err:
        takedowns.takedown_request_for_post(post_id=on_the_website.pk, actor=teacher, reason="mine")
    assert err.value.message == takedowns.NOT_A_LEADER
    assert not Takedown.objects.exists()
    assert WebsiteEntry.objects.get(publication__post=on_the_website).withdrawn_at is None


def test_hole12_the_daily_health_check_is_named_in_the_audit_log(
    x_account: ChannelAccount, fake_x: FakeX
) -> None:
    assert services.channel_accounts_check_health_all() == 1
    event = AuditEvent.objects.get(action="channel_account.health_checked")
    assert event.actor is None and event.actor_label == "system:check_health"


def test_hole12_a_system_actor_the_service_does_not_list_cannot_connect_a_channel(
    school: Any,
) -> None:
    with pytest.raises(Refused) as err:
        services.channel_account_create(
            school=school, actor=SYSTEM_CONSENT_ENDED, kind="website", display_name="News"
        )
    assert err.value.message == services.NOT_CHANNEL_ADMIN
    assert not ChannelAccount.objects.filter(kind="website").exists()
