"""The sweep for lost work (issue 13): work whose message never reached a worker, or died
with one, is found and queued again, not left to hope."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation import services as moderation_services
from moderation import tasks as moderation_tasks
from moderation.models import Post
from tests.commits import committed
from tests.moderation.factories import draft, submitted

S = Post.Status


@pytest.fixture
def tablet_and_token(school: Any) -> tuple[Any, str]:
    return device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)


def _lose(monkeypatch: Any, task: Any) -> None:
    """The message is lost on its way to a worker (a crash, a broker outage)."""
    monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)


def _age(post: Post, minutes: float) -> None:
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def test_a_post_whose_checks_were_lost_is_checked_by_the_sweep(
    teacher: Any, tablet_and_token: tuple[Any, str], monkeypatch: Any
) -> None:
    tablet, _ = tablet_and_token
    post = draft(teacher, tablet, text="Well done to the choir")
    with monkeypatch.context() as lost:
        _lose(lost, moderation_tasks.run_checks)
        moderation_services.post_submit(post=post, actor=teacher, device=tablet)
    post.refresh_from_db()
    assert post.status == S.SUBMITTED
    _age(post, 6)

    counts = moderation_tasks.sweep_lost()

    post.refresh_from_db()
    assert counts["checks"] == 1
    assert post.status == S.AWAITING_APPROVAL


def test_an_approved_post_whose_release_was_lost_is_published_by_the_sweep(
    teacher: Any, head_teacher: Any, tablet_and_token: tuple[Any, str], api_as: Any,
    monkeypatch: Any,
) -> None:  # fmt: skip
    tablet, token = tablet_and_token
    post = submitted(teacher, tablet, text="Well done to the choir", channels=("website",))
    client = api_as(head_teacher)
    client.credentials(HTTP_X_DEVICE_TOKEN=token)
    with monkeypatch.context() as lost:
        _lose(lost, moderation_tasks.release_post)
        with committed():
            response = client.post(
                f"/api/posts/{post.pk}/approve",
                {"content_hash": post.content_hash, "confirmed_images": []},
                format="json",
            )
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.status == S.APPROVED
    _age(post, 2)

    with committed():
        counts = moderation_tasks.sweep_lost()

    post.refresh_from_db()
    assert counts["releases"] == 1
    assert post.status == S.PUBLISHED


def test_a_post_waiting_briefly_is_left_alone(
    teacher: Any, tablet_and_token: tuple[Any, str], monkeypatch: Any
) -> None:
    tablet, _ = tablet_and_token
    post = draft(teacher, tablet, text="Well done to the choir")
    with monkeypatch.context() as lost:
        _lose(lost, moderation_tasks.run_checks)
        moderation_services.post_submit(post=post, actor=teacher, device=tablet)

    assert moderation_tasks.sweep_lost() == {"checks": 0, "releases": 0}
