"""Work queued with transaction.on_commit (the checks task, the leaders' email) runs when
the transaction commits and never after a rollback, in tests as in production."""

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from backend.accounts.models import Device, User
from moderation import services
from moderation.models import Post
from tests.moderation.factories import draft

S = Post.Status


class RequestFailed(Exception):
    """Something later in the same request went wrong, so its transaction rolls back."""


def test_it_runs_the_checks_and_emails_the_leaders_when_a_submit_commits(
    teacher: User, head_teacher: User, tablet: Device, django_capture_on_commit_callbacks: Any
) -> None:
    post = draft(teacher, tablet, text="Sports day was brilliant!")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.post_submit(post=post, actor=teacher, device=tablet)

    post.refresh_from_db()
    assert callbacks
    assert post.status == S.AWAITING_APPROVAL
    assert [message.to for message in mail.outbox] == [[head_teacher.email]]


def test_it_runs_no_work_queued_in_a_transaction_that_rolls_back(
    teacher: User, head_teacher: User, tablet: Device, django_capture_on_commit_callbacks: Any
) -> None:
    post = draft(teacher, tablet, text="Sports day was brilliant!")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RequestFailed), transaction.atomic():
            services.post_submit(post=post, actor=teacher, device=tablet)
            raise RequestFailed

    post.refresh_from_db()
    assert callbacks == []
    assert post.status == S.DRAFT
    assert mail.outbox == []
