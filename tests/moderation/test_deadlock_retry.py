"""Submitting survives one database deadlock (issue 16 item 2): PostgreSQL rolls the
transaction back, retry_on_deadlock runs it again, and the post moves from the status it
had, not the one the rolled-back attempt left in memory."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from moderation import services
from moderation.models import Post
from moderation.services import drafting
from tests.commits import commits_for_real
from tests.common.faults import database_error
from tests.moderation.factories import draft


@commits_for_real
def test_it_submits_after_one_deadlock(
    teacher: Any, tablet: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = draft(teacher, tablet)
    attempts: list[int] = []

    def deadlock_once(queued: Post) -> None:
        # The hand-off runs after the status UPDATE: the worst place to be rolled back.
        attempts.append(queued.pk)
        if len(attempts) == 1:
            raise database_error("40P01")

    monkeypatch.setattr(drafting, "checks_queue", deadlock_once)
    services.post_submit(post=post, actor=teacher, device=tablet)
    assert len(attempts) == 2
    assert Post.objects.get(pk=post.pk).status == Post.Status.SUBMITTED


@commits_for_real
def test_it_leaves_the_draft_when_the_retry_deadlocks_too(
    teacher: Any, tablet: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = draft(teacher, tablet)

    def always_deadlock(queued: Post) -> None:
        raise database_error("40P01")

    monkeypatch.setattr(drafting, "checks_queue", always_deadlock)
    with pytest.raises(OperationalError):
        services.post_submit(post=post, actor=teacher, device=tablet)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT
