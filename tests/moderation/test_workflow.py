"""One state machine: every allowed move works, every other is refused with a message."""

from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.common.errors import Conflict
from moderation.models import Post
from moderation.workflow import STALE, TRANSITIONS, cannot, post_transition

S = Post.Status
ALLOWED = [(a, b) for a, tos in TRANSITIONS.items() for b in sorted(tos)]
REFUSED = [(a, b) for a in S.values for b in S.values if b not in TRANSITIONS[a]]


def _post(school: Any, author: Any, status: str) -> Post:
    return Post.objects.create(
        school=school, author=author, text="x", channels=["website"], status=status
    )


@pytest.mark.parametrize("start,to", ALLOWED)
def test_every_allowed_transition_moves_and_is_audited(
    school: Any, teacher: Any, start: str, to: str
) -> None:
    post = _post(school, teacher, start)
    post_transition(post=post, to=to, actor=teacher)
    post.refresh_from_db()
    assert post.status == to
    event = AuditEvent.objects.get(action=f"post.{to}", target_id=str(post.pk))
    assert event.data["from"] == start


@pytest.mark.parametrize("start,to", REFUSED)
def test_every_other_transition_is_refused_with_a_clear_message(
    school: Any, teacher: Any, start: str, to: str
) -> None:
    post = _post(school, teacher, start)
    with pytest.raises(Conflict) as err:
        post_transition(post=post, to=to, actor=teacher)
    assert err.value.message == cannot(start, to)
    post.refresh_from_db()
    assert post.status == start


def test_a_transition_from_a_stale_status_changes_nothing(school: Any, teacher: Any) -> None:
    post = _post(school, teacher, S.AWAITING_APPROVAL)
    stale = Post.objects.get(pk=post.pk)
    post_transition(post=post, to=S.APPROVED, actor=teacher)
    with pytest.raises(Conflict) as err:
        post_transition(post=stale, to=S.REJECTED, actor=teacher)
    assert err.value.message == STALE
    post.refresh_from_db()
    assert post.status == S.APPROVED
