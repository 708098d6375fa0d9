"""The email outbox (issue 13): one email per person per event, a digest when several wait."""

import re
from typing import Any

import pytest
from django.core import mail

from backend.common.actors import SYSTEM_BACKGROUND
from backend.common.errors import Refused
from backend.operations import services, tasks
from backend.operations.models import Notification
from backend.operations.services import Message
from tests.commits import committed


def test_an_event_queued_twice_is_one_email_per_person(db: None) -> None:
    for _ in range(3):
        with committed():
            services.notification_queue(
                actor=SYSTEM_BACKGROUND,
                event_key="post:1:awaiting_approval:abc",
                messages=[Message("Head@School.test", "Post 1 awaits", "Review it")],
            )

    assert [m.to for m in mail.outbox] == [["head@school.test"]]
    assert Notification.objects.get().sent_at is not None


def test_several_waiting_notifications_for_one_person_go_as_one_digest(db: None) -> None:
    Notification.objects.create(
        event_key="a", recipient="head@school.test", subject="One", body="1"
    )
    Notification.objects.create(
        event_key="b", recipient="head@school.test", subject="Two", body="2"
    )
    Notification.objects.create(event_key="b", recipient="dsl@school.test", subject="Two", body="2")

    sent = tasks.send_notifications()

    assert sent == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person["head@school.test"].subject == "2 updates from the post queue"
    assert "One" in by_person["head@school.test"].body
    assert "Two" in by_person["head@school.test"].body
    assert by_person["dsl@school.test"].subject == "Two"
    assert tasks.send_notifications() == 0  # nothing is sent twice


def test_a_mail_server_failure_keeps_the_email_for_the_next_sweep(db: None, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.operations.test_notifications.BrokenBackend"
    Notification.objects.create(event_key="a", recipient="head@school.test", subject="S", body="B")

    assert tasks.send_notifications() == 0

    assert Notification.objects.get().sent_at is None


def test_only_the_system_queues_notifications(db: None, head_teacher: Any) -> None:
    with pytest.raises(Refused, match=re.escape(services.SYSTEM_ONLY)):
        services.notification_queue(
            actor=head_teacher,  # type: ignore[arg-type]
            event_key="x",
            messages=[Message("a@b.test", "S", "B")],
        )


class BrokenBackend:
    def __init__(self, **kwargs: Any) -> None:
        pass

    def open(self) -> None:
        raise OSError("mail server down")

    def close(self) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("mail server down")
