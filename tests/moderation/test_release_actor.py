"""Hole 12 (issue 11): the scheduled release is the system's, and it says so. People
approve; only the release task (a named system actor) publishes what is due (R9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_CHECKS, SYSTEM_CONSENT_ENDED, SYSTEM_RELEASE
from backend.common.errors import Refused
from moderation import approvals
from moderation.models import Post
from tests.commits import committed
from tests.moderation.factories import submitted


@pytest.fixture
def publications(monkeypatch: Any) -> list[int]:
    """Stand-in for the publishers app's entry point: records which posts were released."""
    started: list[int] = []
    import publishers.services

    monkeypatch.setattr(
        publishers.services, "publications_start", lambda *, post_id: started.append(post_id)
    )
    return started


@pytest.fixture
def scheduled(teacher: Any, head_teacher: Any, tablet: Any) -> Post:
    post = submitted(teacher, tablet, text="Our harvest festival")
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            scheduled_at=timezone.now() + timedelta(days=1),
        )
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    return post


def test_r9_the_scheduled_release_is_named_in_the_audit_log(
    scheduled: Post, publications: list[int]
) -> None:
    with committed():
        approvals.posts_release_due(actor=SYSTEM_RELEASE, now=timezone.now() + timedelta(days=2))

    assert publications == [scheduled.pk]
    event = AuditEvent.objects.get(action="post.publishing", target_id=str(scheduled.pk))
    assert event.actor is None and event.actor_label == "system:release_due"


def test_hole12_nobody_releases_a_post_by_hand(
    scheduled: Post, head_teacher: Any, publications: list[int]
) -> None:
    for actor in (head_teacher, SYSTEM_CONSENT_ENDED):
        with pytest.raises(Refused) as err:
            # mypy refuses a person here too (post_release takes a SystemActor).
            approvals.post_release(post_id=scheduled.pk, actor=actor)  # type: ignore[arg-type]
        assert err.value.message == approvals.NOT_RELEASER
    scheduled.refresh_from_db()
    assert scheduled.status == Post.Status.SCHEDULED and publications == []


def test_r14_the_check_run_is_named_in_the_audit_log(teacher: Any, tablet: Any) -> None:
    """Hole 12: the checks move the post on their own, and the log says which step did."""
    post = submitted(teacher, tablet, text="Our harvest festival")

    moves = AuditEvent.objects.filter(
        target_id=str(post.pk), action__in=["post.checking", "post.awaiting_approval"]
    ).order_by("seq")

    assert [(e.action, e.actor_label) for e in moves] == [
        ("post.checking", SYSTEM_CHECKS.name),
        ("post.awaiting_approval", SYSTEM_CHECKS.name),
    ]
    assert all(e.actor is None for e in moves)
