"""``publish_latency_ms``: a leader's approval to the post being published, with a real Celery
worker (solo pool) on Redis and PostgreSQL, on the website channel and on X (a local fake
X API server, the one the integration tests use, reached over HTTP by the worker).

Each sample: a text post awaiting approval, ``post_approve`` by a leader (the release is
queued when the transaction commits), then the publication is polled every 10 ms until it
is ``published``. Measured BENCH_PUBLISHES times per channel (default 5), one at a time.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from typing import Any

from .metrics import Metric, median, metric, percentile, skipped
from .services import ServiceMissing, celery_worker, check_redis, django_on_postgres, redis_url

CHANNELS = ("website", "x")
METRIC = {"website": "publish_latency_ms", "x": "publish_latency_ms_x"}
TIMEOUT_S = 30.0


def _school() -> tuple[Any, Any, Any, Any]:
    from backend.accounts.models import Role
    from backend.accounts.services import device_enrol
    from backend.common.actors import SYSTEM_SHELL
    from tests.factories import SchoolFactory, member

    tag = uuid.uuid4().hex[:8]
    school = SchoolFactory(slug=f"publish-bench-{tag}", name="Publish Bench Primary")
    teacher = member(school, Role.STAFF, email=f"teacher-{tag}@bench.test")
    leader = member(school, Role.LEADER, email=f"leader-{tag}@bench.test")
    device, _ = device_enrol(school=school, name="iPad", actor=SYSTEM_SHELL)
    return school, teacher, leader, device


def _one(channel: str, teacher: Any, leader: Any, device: Any) -> float | str:
    """Approval to published in ms; if it did not publish within TIMEOUT_S, where it
    stopped (the post's status and the publication's state)."""
    from django.db import transaction

    from moderation.approvals import post_approve
    from moderation.models import Post
    from publishers.models import Publication
    from tests.publishers.factories import post_ready_to_publish

    post = post_ready_to_publish(
        teacher, device, channels=(channel,), text=f"Harvest festival {uuid.uuid4().hex[:6]}",
        status=Post.Status.AWAITING_APPROVAL,
    )  # fmt: skip
    start = time.perf_counter()
    with transaction.atomic():
        post_approve(post_id=post.pk, approver=leader, content_hash=post.content_hash)
    while time.perf_counter() - start < TIMEOUT_S:
        state = (
            Publication.objects.filter(post_id=post.pk, channel=channel)
            .values_list("state", flat=True)
            .first()
        )
        if state == Publication.State.PUBLISHED:
            return (time.perf_counter() - start) * 1000
        time.sleep(0.01)
    post.refresh_from_db()
    return f"post {post.status}, publication {state or 'not created'}"


def run() -> dict[str, Any]:
    names = [METRIC[c] for c in CHANNELS]
    os.environ.update(PUBLISHERS_ALLOW_CUSTOM_HOSTS="true")
    try:
        check_redis(redis_url())
        env = django_on_postgres()
    except ServiceMissing as exc:
        return {"metrics": [skipped(n, "ms", str(exc)) for n in names]}
    from tests.integration.test_publish_exactly_once import USER_ID, FakeXServer
    from tests.publishers.factories import connect

    repeats = int(os.environ.get("BENCH_PUBLISHES", "5"))
    fake_x = FakeXServer(stall_creates=0)
    fake_x.start()
    school, teacher, leader, device = _school()
    connect(school, "x", config={"api_base": fake_x.url, "user_id": USER_ID})
    env = {**env, "PUBLISHERS_ALLOW_CUSTOM_HOSTS": "true"}
    samples: dict[str, list[float]] = {c: [] for c in CHANNELS}
    failures: dict[str, list[str]] = {c: [] for c in CHANNELS}
    try:
        with celery_worker(env):
            _one("website", teacher, leader, device)  # the worker starting up is not a sample
            for _ in range(repeats):
                for channel in CHANNELS:
                    outcome = _one(channel, teacher, leader, device)
                    if isinstance(outcome, str):
                        failures[channel].append(outcome)
                    else:
                        samples[channel].append(outcome)
    finally:
        fake_x.stop()
    metrics: list[Metric] = []
    for channel in CHANNELS:
        values = samples[channel]
        name = METRIC[channel]
        if not values:
            metrics.append(skipped(name, "ms", f"nothing published within {TIMEOUT_S:g} s"))
            continue
        metrics.append(
            metric(
                name,
                median(values),
                "ms",
                n=len(values),
                notes=(
                    f"approval to published on {channel}"
                    f"{' (local fake X over HTTP)' if channel == 'x' else ''}; real worker "
                    f"(solo) on Redis, PostgreSQL; max {max(values):.0f} ms, p95 "
                    f"{percentile(values, 95):.0f} ms; not published in {TIMEOUT_S:g} s: "
                    f"{len(failures[channel])} {failures[channel]}; target < 2000 ms on the "
                    "website"
                ),
                digits=0,
            )
        )
    return {"metrics": metrics}


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
