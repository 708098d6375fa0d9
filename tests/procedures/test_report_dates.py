"""A report to a platform is dated between the comment's appearance and now (issue 16: the
fuzz run recorded one in the year 347, whose time the API could not even write back)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.accounts.models import User
from backend.common.errors import InvalidInput
from moderation.comments.models import Comment
from procedures import services
from procedures.services.reports import REPORTED_BEFORE_COMMENT


def test_a_report_dated_before_the_comment_appeared_is_refused_naming_the_field(
    threat: Comment, safeguarding_lead: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.platform_report_record(
            comment_id=threat.pk,
            actor=safeguarding_lead,
            platform="facebook",
            reported_at=datetime(347, 6, 24, 12, 0, tzinfo=UTC),
        )

    assert refused.value.field == "reported_at"
    assert refused.value.message.startswith(REPORTED_BEFORE_COMMENT.split("(")[0])


def test_a_report_dated_after_the_comment_appeared_is_recorded(
    threat: Comment, safeguarding_lead: User
) -> None:
    appeared = threat.platform_created_at or threat.created_at

    report = services.platform_report_record(
        comment_id=threat.pk, actor=safeguarding_lead, platform="facebook", reported_at=appeared
    )

    assert report.reported_at == appeared
