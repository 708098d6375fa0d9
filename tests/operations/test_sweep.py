"""The sweep for lost work (issue 13): work whose message never reached a worker, or died
with one, is found and queued again, not left to hope."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation import services as moderation_services
from moderation import tasks as moderation_tasks
from moderation.comments import tasks as comments_tasks
from moderation.comments.models import Comment, PollState
from moderation.models import Post
from publishers import tasks as publishers_tasks
from publishers.models import Publication, WebsiteComment
from tests.comments.conftest import website_entry
from tests.commits import committed
from tests.moderation.factories import draft, submitted
from tests.publishers.factories import post_ready_to_publish

S = Post.Status


@pytest.fixture
def tablet_and_token(school: Any) -> tuple[Any, str]:
    return device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)


def _lose(monkeypatch: Any, task: Any) -> None:
    """The message is lost on its way to a worker (a crash, a broker outage)."""
    monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)


def _submitted_with_checks_lost(teacher: Any, tablet: Any, monkeypatch: Any) -> Post:
    post = draft(teacher, tablet, text="Well done to the choir")
    with monkeypatch.context() as lost:
        _lose(lost, moderation_tasks.run_checks)
        moderation_services.post_submit(post=post, actor=teacher, device=tablet)
    return post


def _age(post: Post, minutes: float) -> None:
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def _sweep_later(post: Post, minutes: float, sweep: Callable[[], dict[str, int]]) -> dict[str, int]:
    """``minutes`` after the post last changed, ``sweep`` runs and its queued work with it;
    the post is read again. Returns what the sweep counted."""
    _age(post, minutes)
    with committed():
        counts = sweep()
    post.refresh_from_db()
    return counts


def test_a_post_whose_checks_were_lost_is_checked_by_the_sweep(
    teacher: Any, tablet_and_token: tuple[Any, str], monkeypatch: Any
) -> None:
    post = _submitted_with_checks_lost(teacher, tablet_and_token[0], monkeypatch)
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

    counts = _sweep_later(post, 2, moderation_tasks.sweep_lost)

    assert counts["releases"] == 1
    assert post.status == S.PUBLISHED


def test_a_post_waiting_briefly_is_left_alone(
    teacher: Any, tablet_and_token: tuple[Any, str], monkeypatch: Any
) -> None:
    _submitted_with_checks_lost(teacher, tablet_and_token[0], monkeypatch)

    assert moderation_tasks.sweep_lost() == {"checks": 0, "releases": 0}


def test_a_released_post_whose_publications_were_never_created_is_published_by_the_sweep(
    teacher: Any, tablet_and_token: tuple[Any, str]
) -> None:
    """Issue 16: the release committed ``publishing`` and the worker died before the
    publications were written; the publishers sweep starts them."""
    tablet, _ = tablet_and_token
    post = post_ready_to_publish(teacher, tablet, channels=("website",))
    assert not Publication.objects.filter(post=post).exists()

    counts = _sweep_later(post, 3, publishers_tasks.recover_stuck)

    assert counts["started"] == 1
    assert post.status == S.PUBLISHED
    assert Publication.objects.filter(post=post).count() == 1


def test_a_post_just_released_is_not_started_twice_by_the_sweep(
    teacher: Any, tablet_and_token: tuple[Any, str]
) -> None:
    tablet, _ = tablet_and_token
    post = post_ready_to_publish(teacher, tablet, channels=("website",))

    assert publishers_tasks.recover_stuck()["started"] == 0
    assert not Publication.objects.filter(post=post).exists()


def test_the_sweep_deadlines_come_from_the_settings(
    teacher: Any, tablet_and_token: tuple[Any, str], monkeypatch: Any, settings: Any
) -> None:
    post = _submitted_with_checks_lost(teacher, tablet_and_token[0], monkeypatch)
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now() - timedelta(seconds=20))
    settings.SWEEP_CHECKS_LOST_AFTER_SECONDS = 10

    assert moderation_tasks.sweep_lost()["checks"] == 1


def test_a_sweep_that_cannot_reach_the_broker_still_finishes(
    teacher: Any, tablet_and_token: tuple[Any, str], monkeypatch: Any
) -> None:
    post = _submitted_with_checks_lost(teacher, tablet_and_token[0], monkeypatch)
    _age(post, 6)

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(moderation_tasks.run_checks, "delay", broker_down)

    assert moderation_tasks.sweep_lost()["checks"] == 1
    post.refresh_from_db()
    assert post.status == S.SUBMITTED  # tried again at the next sweep


def test_a_website_comment_whose_screening_was_lost_is_screened_by_the_next_sweep(
    school: Any, teacher: Any, monkeypatch: Any
) -> None:
    """Issue 16: the comment was stored, its screening message lost, and its news item is
    old enough to be read only twice a day: the sweep reads it now."""
    entry = website_entry(school, teacher)
    now = timezone.now()
    PollState.objects.create(
        publication_id=entry.publication_id,
        school=school,
        channel="website",
        last_polled_at=now - timedelta(minutes=4),
        next_poll_at=now + timedelta(hours=12),
    )
    with monkeypatch.context() as lost:
        _lose(lost, comments_tasks.ingest_website_comment)
        with committed():
            Client().post(f"/news/{school.slug}/{entry.pk}/", {"author_name": "A", "text": "Hi"})
    left = WebsiteComment.objects.get(entry=entry)
    WebsiteComment.objects.filter(pk=left.pk).update(created_at=now - timedelta(minutes=3))
    assert not Comment.objects.filter(channel="website").exists()

    with committed():
        comments_tasks.poll_due()

    assert Comment.objects.filter(channel="website", external_id=str(left.pk)).exists()
