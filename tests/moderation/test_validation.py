"""Validation at the posts' edges (issue 16 item 4): a post is scheduled from now to a year
ahead (a slip such as the year 9999 answers 400 naming scheduled_at, and the post is not
approved), and a reason or note made only of invisible characters is no reason."""

from __future__ import annotations

from typing import Any

import pytest

from backend.common.errors import InvalidInput
from moderation import approvals
from moderation.models import Post, PostNote
from tests.commits import commits_for_real
from tests.moderation.factories import submitted

S = Post.Status
FAR_FUTURE = "9999-01-01T09:00:00Z"


def test_it_refuses_a_draft_scheduled_in_9999(tablet_as: Any, teacher: Any) -> None:
    response = tablet_as(teacher).post(
        "/api/posts",
        {"text": "Choir", "channels": ["website"], "scheduled_at": FAR_FUTURE},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "scheduled_at"
    assert not Post.objects.exists()


@commits_for_real
def test_it_refuses_an_approval_scheduled_in_9999(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any
) -> None:
    client = tablet_as(teacher)
    post_id = client.post("/api/posts", {"text": "Choir", "channels": ["website"]}, format="json")
    detail = client.post(f"/api/posts/{post_id.json()['id']}/submit").json()
    assert detail["status"] == S.AWAITING_APPROVAL
    response = api_as(head_teacher).post(
        f"/api/posts/{detail['id']}/approve",
        {"content_hash": detail["content_hash"], "scheduled_at": FAR_FUTURE},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "scheduled_at"
    post = Post.objects.get(pk=detail["id"])
    assert post.status == S.AWAITING_APPROVAL and not post.approvals.exists()


def test_it_refuses_a_rejection_reason_of_invisible_characters(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    post = submitted(teacher, tablet)
    with pytest.raises(InvalidInput) as err:
        approvals.post_reject(post_id=post.pk, actor=head_teacher, reason="\u200b\u2060\x07")
    assert err.value.field == "reason"
    assert Post.objects.get(pk=post.pk).status == post.status


def test_it_stores_a_note_without_control_characters(teacher: Any, tablet: Any) -> None:
    post = submitted(teacher, tablet)
    approvals.post_note_add(post=post, author=teacher, text=" Line one\x1b\nline\u200b two ")
    assert PostNote.objects.get(post=post).text == "Line one\nline two"
