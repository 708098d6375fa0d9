"""Fault run (b) of issue 16: the broker (Redis) is killed while staff submit and leaders
approve posts, then started again, empty. Every request is answered without a server
error (the state change committed; the message was lost), and every post reaches its next
state with nobody touching it: the worker's beat sweeps find the waiting posts and send
their work again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from moderation.models import Post
from tests.background import WorkerWithBeat, require_services, wait_for
from tests.integration.faults import FAST_SWEEPS, PrivateRedis, approve, oakfield_staff
from tests.moderation.factories import draft, submitted

pytestmark = pytest.mark.integration

S = Post.Status
POSTS_EACH_WAY = 4


def _statuses(ids: list[int]) -> dict[int, str]:
    return dict(Post.objects.filter(pk__in=ids).values_list("pk", "status"))


def test_posts_submitted_and_approved_while_redis_is_down_move_on_once_it_is_back(
    transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    require_services()
    from backend.celery import app

    oakfield = oakfield_staff()
    teacher, tablet = oakfield.teacher, oakfield.tablet
    drafts = [draft(teacher, tablet, text=f"Choir practice {n}") for n in range(POSTS_EACH_WAY)]
    waiting = [
        submitted(teacher, tablet, text=f"Sports day {n}", channels=("website",))
        for n in range(POSTS_EACH_WAY)
    ]
    assert {p.status for p in waiting} == {S.AWAITING_APPROVAL}

    broker = PrivateRedis(tmp_path)
    broker.start()
    worker = WorkerWithBeat(tmp_path=tmp_path, heartbeat_seconds=5, media_root=settings.MEDIA_ROOT)
    worker.env.update(
        FAST_SWEEPS,
        REDIS_URL=broker.url,
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND=broker.url,
    )
    # The web side (this process) sends to the private broker and counts sign-ins in it.
    settings.CACHES = {
        "default": {
            "BACKEND": "backend.common.cache.FallbackRedisCache",
            "LOCATION": broker.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue)
    app.conf.update(task_always_eager=False, broker_url=broker.url, task_default_queue=worker.queue)
    answers: list[int] = []
    try:
        worker.start()
        assert wait_for(lambda: " ready." in worker.log(), timeout=90), worker.log()
        broker.kill()  # the broker dies; the worker and beat keep trying to reconnect

        staff = oakfield.on_tablet(teacher)
        for post in drafts:
            answers.append(staff.post(f"/api/posts/{post.pk}/submit", format="json").status_code)
        leader = oakfield.on_tablet(oakfield.head)
        for post in waiting:
            answers.append(approve(leader, post).status_code)
        signing_in = APIClient().post(  # the throttle counts in the cache that is down
            "/api/auth/login", {"email": teacher.email, "password": "wrong"}, format="json"
        )
        answers.append(signing_in.status_code)

        assert answers[:-1] == [200] * (2 * POSTS_EACH_WAY), answers
        assert answers[-1] < 500, answers
        submitted_ids = [p.pk for p in drafts]
        approved_ids = [p.pk for p in waiting]
        assert set(_statuses(submitted_ids).values()) == {S.SUBMITTED}
        assert set(_statuses(approved_ids).values()) == {S.APPROVED}

        broker.start()  # back on the same port, empty: every message sent before is gone
        back = time.monotonic()

        def every_post_moved_on() -> bool:
            checked = set(_statuses(submitted_ids).values())
            released = set(_statuses(approved_ids).values())
            return not checked & {S.SUBMITTED, S.CHECKING} and released == {S.PUBLISHED}

        assert wait_for(every_post_moved_on, timeout=120, step=1), (
            _statuses(submitted_ids),
            _statuses(approved_ids),
            worker.log(),
        )
        print(
            f"fault-run (b): answers during the outage {answers}, every post moved on "
            f"{time.monotonic() - back:.0f} s after Redis was back"
        )
    finally:
        worker.stop()
        broker.kill()
        app.conf.update(
            task_always_eager=saved[0], broker_url=saved[1], task_default_queue=saved[2]
        )
