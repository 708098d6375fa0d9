"""Exactly once with a real Celery worker on Redis: the worker is killed while X is handling
the create call (X has already accepted the post), restarted, and recovery reconciles.
The post must exist exactly once on the fake X, and the publication must know its id.

The fake X is ``tests/integration/fake_x.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import Role
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from publishers import services, tasks
from publishers.models import Publication
from tests.factories import SchoolFactory, member
from tests.integration.fake_x import USER_ID, FakeXServer
from tests.publishers.factories import connect, post_ready_to_publish

pytestmark = pytest.mark.integration


def test_a_worker_killed_mid_publish_still_posts_exactly_once(
    celery_worker_process: Any, fake_x_server: FakeXServer, settings: Any, monkeypatch: Any
) -> None:
    worker = celery_worker_process
    # The worker must honour the account's custom API host (the local fake).
    worker.stop()
    worker.env.update(DJANGO_DEBUG="true", PUBLISHERS_ALLOW_CUSTOM_HOSTS="true")
    worker.start()
    settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS = True
    # Work this test queues goes to this test's worker.
    for name in ("publish", "reconcile", "delete_publication"):
        task = getattr(tasks, name)
        monkeypatch.setattr(
            task,
            "delay",
            lambda object_id, _t=task: _t.apply_async(args=[object_id], queue=worker.queue),
        )

    school = SchoolFactory(slug="integration", name="Integration Primary")
    teacher = member(school, Role.STAFF, email="teacher@integration.test")
    device, _ = device_enrol(school=school, name="iPad", actor=SYSTEM_SHELL)
    connect(school, "x", config={"api_base": fake_x_server.url, "user_id": USER_ID})
    post = post_ready_to_publish(teacher, device, channels=("x",), text="Exactly once, please")

    services.publications_start(post_id=post.pk)

    # 1. The worker claimed the publication and X accepted the post; no answer yet.
    assert fake_x_server.accepted.wait(timeout=60), worker.stop()
    pub = Publication.objects.get(post=post, channel="x")
    assert pub.state == Publication.State.ATTEMPTING and pub.attempts == 1

    # 2. The worker dies mid-publish and comes back.
    worker.stop(kill=True)
    fake_x_server.release.set()
    worker.start()

    # 3. Recovery (the beat sweep) reconciles instead of posting again.
    counts = tasks.recover_stuck.apply_async(
        kwargs={"older_than_seconds": 0}, queue=worker.queue, ignore_result=False
    ).get(timeout=90)
    assert counts["reconciled"] == 1

    pub.refresh_from_db()
    assert pub.state == Publication.State.PUBLISHED
    assert [t["text"] for t in fake_x_server.tweets] == ["Exactly once, please"]
    assert pub.external_id == fake_x_server.tweets[0]["id"]
    assert fake_x_server.create_calls == 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    # 4. A redelivered publish message (acks_late) changes nothing.
    redelivered = tasks.publish.apply_async(args=[pub.pk], queue=worker.queue, ignore_result=False)
    assert redelivered.get(timeout=60) == "published"
    assert fake_x_server.create_calls == 1 and len(fake_x_server.tweets) == 1


def test_a_post_goes_out_once_through_the_real_worker(
    celery_worker_process: Any, fake_x_server: FakeXServer, settings: Any, monkeypatch: Any
) -> None:
    worker = celery_worker_process
    worker.stop()
    worker.env.update(DJANGO_DEBUG="true", PUBLISHERS_ALLOW_CUSTOM_HOSTS="true")
    worker.start()
    settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS = True
    fake_x_server.stall_creates = 0
    sent: list[Any] = []
    monkeypatch.setattr(
        tasks.publish,
        "delay",
        lambda object_id: sent.append(
            tasks.publish.apply_async(args=[object_id], queue=worker.queue, ignore_result=False)
        ),
    )
    school = SchoolFactory(slug="integration", name="Integration Primary")
    teacher = member(school, Role.STAFF, email="teacher@integration.test")
    device, _ = device_enrol(school=school, name="iPad", actor=SYSTEM_SHELL)
    connect(school, "x", config={"api_base": fake_x_server.url})
    post = post_ready_to_publish(teacher, device, channels=("x", "website"), text="Hello")

    services.publications_start(post_id=post.pk)
    services.publications_start(post_id=post.pk)  # a second release changes nothing

    assert len(sent) >= 2
    assert {result.get(timeout=60) for result in sent} == {"published"}
    assert fake_x_server.create_calls == 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
