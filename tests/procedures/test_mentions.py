"""Mentions of the school beyond its own posts: searched on Bluesky (and X where turned
on and within budget), screened like comments, the DSL alerted when a pupil is named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.accounts.models import School, User
from backend.audit.models import AuditEvent
from backend.common.errors import NotFound
from backend.operations.models import Notification
from procedures import selectors, services
from procedures.models import Mention, MentionWatch, XBudget, XCall
from tests.consent.factories import PersonFactory
from tests.procedures.conftest import Searches


@pytest.fixture
def watch(school: School, head_teacher: User) -> MentionWatch:
    return services.mention_watch_update(
        school=school, actor=head_teacher, terms=["Oakfield Primary"]
    )


def test_it_alerts_the_dsl_when_a_mention_names_a_pupil(
    searches: Searches,
    watch: MentionWatch,
    school: School,
    safeguarding_lead: User,
    head_teacher: User,
    deputy_head: User,
) -> None:
    PersonFactory(school=school, legal_first_name="Ava", last_name="Brown")
    searches.bluesky.add_post("Ava Brown from Oakfield Primary is a total loser lol")

    run = services.mentions_search(school_id=school.pk)

    mention = Mention.objects.get()
    assert (run.new, run.alerted) == (1, 1)
    assert mention.names_pupil and mention.alerted
    assert mention.url.startswith("https://bsky.app/profile/someone.bsky.social/post/")
    told = Notification.objects.filter(event_key=f"mention:{mention.pk}:alert")
    # R13: the DSL and the head teacher, not every leader
    assert sorted(n.recipient for n in told) == sorted(
        [safeguarding_lead.email, head_teacher.email]
    )
    assert "Ava" not in told[0].body  # the email never quotes the post


def test_it_lists_an_ordinary_mention_without_an_alert(
    searches: Searches, watch: MentionWatch, school: School
) -> None:
    searches.bluesky.add_post("Great concert at Oakfield Primary tonight")

    services.mentions_search(school_id=school.pk)

    mention = Mention.objects.get()
    assert not mention.alerted and mention.verdict == "ok"
    assert not Notification.objects.exists()


def test_r13_an_alerted_mention_is_for_the_dsl_and_head_only(
    searches: Searches,
    watch: MentionWatch,
    school: School,
    safeguarding_lead: User,
    deputy_head: User,
) -> None:
    searches.bluesky.add_post("Oakfield Primary teachers, I know where you live. Watch your back")
    services.mentions_search(school_id=school.pk)
    mention = Mention.objects.get()
    assert mention.alerted

    assert list(selectors.mentions_for_user(user=safeguarding_lead)) == [mention]
    with pytest.raises(NotFound):
        selectors.mention_get_for_user(user=deputy_head, mention_id=mention.pk)


def test_it_stores_a_mention_once_however_often_it_is_found(
    searches: Searches, watch: MentionWatch, school: School
) -> None:
    searches.bluesky.add_post("Oakfield Primary fair on Saturday")

    services.mentions_search(school_id=school.pk)
    watch.refresh_from_db()
    watch.cursors = {}  # as if the cursor were lost: the same post comes back
    watch.save()
    second = services.mentions_search(school_id=school.pk)

    assert second.new == 0 and Mention.objects.count() == 1


def test_it_skips_an_x_mention_search_over_budget_with_a_notice(
    searches: Searches, watch: MentionWatch, school: School, head_teacher: User
) -> None:
    services.mention_watch_update(school=school, actor=head_teacher, x_search_enabled=True)
    services.x_budget_update(school=school, actor=head_teacher, monthly_budget_usd="1.00")
    services.x_call_record(
        school_id=school.pk,
        kind=XCall.Kind.POST_WITH_LINK,
        key="post:earlier",
        purpose="post",
        units=5,
    )  # $1.00 spent already
    searches.x.add_post("Oakfield Primary is a disgrace")

    run = services.mentions_search(school_id=school.pk)

    assert searches.x.requests == []
    assert any("X mention search skipped" in notice for notice in run.notices)
    watch.refresh_from_db()
    assert watch.last_notice.startswith("X mention search skipped")
    assert AuditEvent.objects.filter(action="procedures.mention_search_notice").exists()


def test_it_searches_x_within_budget_and_records_each_read(
    searches: Searches, watch: MentionWatch, school: School, head_teacher: User
) -> None:
    services.mention_watch_update(
        school=school, actor=head_teacher, x_search_enabled=True, bluesky_enabled=False
    )
    XBudget.objects.create(school=school, monthly_budget_usd=Decimal("10"))
    searches.x.add_post("Oakfield Primary nativity was lovely")

    services.mentions_search(school_id=school.pk)

    mention = Mention.objects.get()
    assert mention.source == "x" and mention.url.endswith(mention.external_id)
    call = XCall.objects.get()
    assert (call.kind, call.cost_usd) == ("other_read", Decimal("0.0050"))
    assert searches.x.requests[0]["max_results"] == "25"


def test_it_captures_evidence_of_a_mention_on_demand(
    searches: Searches, watch: MentionWatch, school: School, head_teacher: User
) -> None:
    searches.bluesky.add_post("Oakfield Primary head is useless")
    services.mentions_search(school_id=school.pk)
    mention = Mention.objects.get()

    captured = services.mention_capture(mention_id=mention.pk, actor=head_teacher)

    assert captured.state == Mention.State.CAPTURED and len(captured.evidence_sha256) == 64
    assert "Oakfield Primary head is useless" in captured.evidence_canonical
    assert AuditEvent.objects.filter(action="procedures.mention_evidence_captured").exists()
