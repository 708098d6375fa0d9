"""What X costs: the estimate shown before approval, month-to-date spend from recorded
calls, the budget, and reply polling (off unless a leader turns it on)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from backend.accounts.models import School, User
from backend.audit.models import AuditEvent
from backend.common.errors import Conflict, Refused
from moderation import approvals
from moderation.comments import selectors as comment_selectors
from moderation.comments.models import Comment
from moderation.models import Post
from procedures import selectors, services
from procedures.costs import post_cost
from procedures.gates import X_OVER_BUDGET
from procedures.models import XCall
from tests.comments.conftest import publish


def test_it_shows_the_higher_x_cost_for_a_post_with_a_link() -> None:
    plain = post_cost("Sports day was brilliant!")
    linked = post_cost("Photos from sports day: https://oakfield.sch.uk/news/42")

    assert (plain.cost_usd, plain.has_link) == (Decimal("0.015"), False)
    assert (linked.cost_usd, linked.has_link) == (Decimal("0.2"), True)


def test_it_takes_the_prices_from_settings(settings: Any) -> None:
    settings.X_PRICE_POST = 0.02

    assert post_cost("Hello").cost_usd == Decimal("0.02")


def test_it_estimates_a_posts_cost_before_approval(
    school: School, teacher: User, head_teacher: User
) -> None:
    post = Post.objects.create(
        school=school, author=teacher, text="Read the newsletter at www.oakfield.sch.uk",
        channels=["x"], status=Post.Status.AWAITING_APPROVAL,
    )  # fmt: skip

    estimate = selectors.x_post_estimate(post_id=post.pk, user=head_teacher)

    assert estimate.cost.has_link and estimate.cost.cost_usd == Decimal("0.2")
    assert not estimate.over_budget


def test_it_asks_a_leader_when_a_post_would_pass_the_budget(
    school: School, teacher: User, head_teacher: User
) -> None:
    services.x_budget_update(school=school, actor=head_teacher, monthly_budget_usd="0.10")
    post = Post.objects.create(
        school=school, author=teacher, text="See https://example.org", channels=["x"],
        status=Post.Status.AWAITING_APPROVAL,
    )  # fmt: skip

    estimate = selectors.x_post_estimate(post_id=post.pk, user=head_teacher)

    assert estimate.over_budget and "a leader must confirm it" in estimate.notice


def test_it_sums_month_to_date_spend_from_recorded_calls(school: School) -> None:
    services.x_call_record(school_id=school.pk, kind="post", key="post:1", purpose="post")
    services.x_call_record(school_id=school.pk, kind="post_with_link", key="post:2", purpose="post")
    services.x_call_record(school_id=school.pk, kind="other_read", key="r:1", purpose="x", units=4)
    # the same call recorded again (a retried task) is not charged twice
    services.x_call_record(school_id=school.pk, kind="post", key="post:1", purpose="post")

    assert selectors.x_spend_month_to_date(school_id=school.pk) == Decimal("0.235")
    assert XCall.objects.count() == 3


def test_it_keeps_x_reply_polling_off_for_a_new_school(school: School) -> None:
    assert selectors.x_budget_for(school=school).reply_polling_enabled is False


def test_it_turns_x_reply_polling_off_and_on_in_the_comments_settings(
    school: School, head_teacher: User
) -> None:
    services.x_budget_update(school=school, actor=head_teacher, reply_polling_enabled=False)
    assert "x" not in comment_selectors.screening_settings_for(school=school).fetch_channels

    services.x_budget_update(school=school, actor=head_teacher, reply_polling_enabled=True)
    assert "x" in comment_selectors.screening_settings_for(school=school).fetch_channels


def test_it_lets_only_leaders_set_the_budget(school: School, safeguarding_lead: User) -> None:
    with pytest.raises(Refused):
        services.x_budget_update(school=school, actor=safeguarding_lead, monthly_budget_usd="5")


def test_it_prices_this_months_x_posts_and_reply_reads_once(school: School, teacher: User) -> None:
    publish(school, teacher, "x", "1800000000000000001", text="Newsletter: https://oakfield.sch.uk")
    publish(school, teacher, "x", "1800000000000000002", text="Sports day!")
    Comment.objects.create(school=school, channel="x", external_id="1800000000000000003")

    first = services.x_usage_sync(school_id=school.pk)
    again = services.x_usage_sync(school_id=school.pk)

    assert (first, again) == (3, 0)
    assert selectors.x_spend_month_to_date(school_id=school.pk) == Decimal("0.220")


def test_it_polls_every_channel_but_x_for_a_new_school(school: School) -> None:
    channels = comment_selectors.screening_settings_for(school=school).fetch_channels

    assert "x" not in channels and "facebook" in channels


def _over_budget_with_reply_polling(school: School, head_teacher: User) -> None:
    services.x_budget_update(
        school=school, actor=head_teacher, monthly_budget_usd="0.10", reply_polling_enabled=True
    )
    services.x_call_record(school_id=school.pk, kind="post_with_link", key="p:1", purpose="post")


def test_it_pauses_x_reply_polling_first_when_the_month_is_over_budget(
    school: School, head_teacher: User
) -> None:
    _over_budget_with_reply_polling(school, head_teacher)

    paused = services.x_reply_polling_pause_if_over_budget(school_id=school.pk)
    again = services.x_reply_polling_pause_if_over_budget(school_id=school.pk)

    assert (paused, again) == (True, False)
    assert "x" not in comment_selectors.screening_settings_for(school=school).fetch_channels
    assert selectors.x_budget_for(school=school).reply_polling_enabled is False
    assert AuditEvent.objects.filter(action="procedures.x_reply_polling_paused").count() == 1


def test_it_keeps_x_reply_polling_on_within_the_budget(school: School, head_teacher: User) -> None:
    services.x_budget_update(
        school=school, actor=head_teacher, monthly_budget_usd="5", reply_polling_enabled=True
    )
    services.x_call_record(school_id=school.pk, kind="post_with_link", key="p:1", purpose="post")

    assert services.x_reply_polling_pause_if_over_budget(school_id=school.pk) is False
    assert "x" in comment_selectors.screening_settings_for(school=school).fetch_channels


def _awaiting_x_post(school: School, teacher: User, head_teacher: User) -> Post:
    services.x_budget_update(school=school, actor=head_teacher, monthly_budget_usd="0.10")
    return Post.objects.create(
        school=school, author=teacher, text="See https://example.org", channels=["x"],
        status=Post.Status.AWAITING_APPROVAL,
    )  # fmt: skip


def test_it_refuses_to_approve_an_x_post_over_budget_until_the_leader_accepts_the_cost(
    school: School, teacher: User, head_teacher: User
) -> None:
    post = _awaiting_x_post(school, teacher, head_teacher)

    with pytest.raises(Conflict) as refused:
        approvals.post_approve(
            post_id=post.pk, approver=head_teacher, content_hash=post.content_hash
        )

    assert refused.value.code == X_OVER_BUDGET
    assert selectors.x_over_budget_notice(school_id=school.pk, text=post.text) in str(
        refused.value.message
    )
    assert not post.approvals.exists()


def test_it_approves_an_x_post_over_budget_once_the_leader_accepts_the_cost(
    school: School, teacher: User, head_teacher: User
) -> None:
    post = _awaiting_x_post(school, teacher, head_teacher)

    approvals.post_approve(
        post_id=post.pk,
        approver=head_teacher,
        content_hash=post.content_hash,
        acknowledged=[X_OVER_BUDGET],
    )

    recorded = AuditEvent.objects.get(action="post.approval_recorded")
    assert recorded.data["acknowledged"] == [X_OVER_BUDGET]


def test_it_asks_nothing_of_the_approver_for_a_post_not_going_to_x(
    school: School, teacher: User, head_teacher: User
) -> None:
    post = _awaiting_x_post(school, teacher, head_teacher)
    Post.objects.filter(pk=post.pk).update(channels=["website"])

    approvals.post_approve(post_id=post.pk, approver=head_teacher, content_hash=post.content_hash)

    assert post.approvals.count() == 1
