"""Learning from moderators (issue 15): "Reclassify", the sensitivity setting, and the refit
that installs only what scores no worse on held-out comments."""

from __future__ import annotations

import io
import json
from itertools import count
from typing import Any

import pytest
from django.core.management import call_command

from backend.accounts.models import School, User
from backend.audit.models import AuditEvent
from backend.common.errors import InvalidInput, Refused
from moderation.comments import corrections, selectors, tasks
from moderation.comments.models import Comment, CommentCorrection, ScreeningAdaptation
from moderation.screening import screen_comment
from tests.conftest import signed_in

_ids = count(1)
# Held by the rules whatever a correction says, and passed by everything: a reference set
# on which a correction about other comments changes nothing.
STEADY_REFERENCE = [
    ("You're all a bunch of f*cking idiots", True),
    ("What a lovely day, well done to all the children!", False),
]
# The semantic model misses this slang insult; a moderator labels it profanity.
MISSED = "ur such a melt m8"
MISSED_AGAIN = "ur such a melt m8 lol"
# The semantic model holds this (no rule does); a moderator says it was ordinary.
MODEL_HELD = "I will make you regret this"
# Between the strict and the relaxed thresholds of the model.
BORDERLINE = "the head is useless"


def incoming(school: School, text: str) -> Comment:
    """A comment as ingestion stores it, screened with the school's settings."""
    result = screen_comment(text, selectors.screening_config_for(school=school))
    return Comment.objects.create(
        school=school,
        channel="facebook",
        external_id=f"c{next(_ids)}",
        text=text,
        verdict=result.verdict,
        labels=[{"label": label.label, "score": label.score} for label in result.labels],
    )


def verdict(school: School, text: str) -> str:
    return screen_comment(text, selectors.screening_config_for(school=school)).verdict


def test_it_records_a_leaders_reclassification_and_audits_it(
    school: School, head_teacher: User
) -> None:
    comment = incoming(school, MISSED)

    correction = corrections.comment_reclassify(
        comment=comment, actor=head_teacher, labels=["profanity"]
    )

    assert correction.labels == ["profanity"] and correction.corrected_by == head_teacher
    event = AuditEvent.objects.get(action="comments.reclassified")
    assert event.data["labels"] == ["profanity"] and MISSED not in json.dumps(event.data)


def test_it_is_safe_to_reclassify_the_same_way_twice(
    school: School, safeguarding_lead: User
) -> None:
    comment = incoming(school, MISSED)
    for _ in range(2):
        corrections.comment_reclassify(comment=comment, actor=safeguarding_lead, labels=["spam"])

    assert CommentCorrection.objects.filter(comment=comment).count() == 1
    assert AuditEvent.objects.filter(action="comments.reclassified").count() == 1


def test_it_refuses_a_teacher_without_a_leadership_role(school: School, teacher: User) -> None:
    comment = incoming(school, MISSED)
    with pytest.raises(Refused):
        corrections.comment_reclassify(comment=comment, actor=teacher, labels=[])
    assert not CommentCorrection.objects.exists()


def test_it_names_the_field_of_an_unknown_label(school: School, head_teacher: User) -> None:
    comment = incoming(school, MISSED)
    with pytest.raises(InvalidInput) as raised:
        corrections.comment_reclassify(comment=comment, actor=head_teacher, labels=["rude"])
    assert raised.value.field == "labels"


def test_the_reclassify_endpoint_answers_400_naming_the_field(
    school: School, head_teacher: User
) -> None:
    comment = incoming(school, MISSED)
    response = signed_in(head_teacher).post(
        f"/api/comments/{comment.pk}/reclassify", {"labels": ["rude"]}, format="json"
    )
    assert response.status_code == 400 and "labels" in response.json()


def test_the_reclassify_endpoint_records_the_correction(school: School, head_teacher: User) -> None:
    comment = incoming(school, MISSED)
    response = signed_in(head_teacher).post(
        f"/api/comments/{comment.pk}/reclassify", {"labels": ["profanity"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["labels"] == ["profanity"]
    assert CommentCorrection.objects.get(comment=comment).labels == ["profanity"]


def test_a_correction_changes_the_schools_next_verdict_on_a_similar_comment(
    school: School, head_teacher: User
) -> None:
    assert verdict(school, MISSED_AGAIN) == "ok"
    corrections.comment_reclassify(
        comment=incoming(school, MISSED), actor=head_teacher, labels=["profanity"]
    )

    outcome = corrections.school_screening_refit(
        school=school, actor=head_teacher, reference=STEADY_REFERENCE
    )

    assert outcome.installed
    assert verdict(school, MISSED_AGAIN) == "hold"
    assert verdict(school, "What a lovely day at the fair") == "ok"


def test_it_refuses_a_refit_that_scores_worse_on_held_out_comments(
    school: School, head_teacher: User
) -> None:
    # A wrong correction: a comment only the model holds, called ordinary.
    corrections.comment_reclassify(
        comment=incoming(school, MODEL_HELD), actor=head_teacher, labels=[]
    )
    reference = [(MODEL_HELD, True), *STEADY_REFERENCE]

    outcome = corrections.school_screening_refit(
        school=school, actor=head_teacher, reference=reference
    )

    assert not outcome.installed
    assert outcome.after["recall_harmful_held"] < outcome.before["recall_harmful_held"]
    assert not ScreeningAdaptation.objects.exists()
    assert AuditEvent.objects.filter(action="comments.screening_refit_refused").exists()
    assert verdict(school, MODEL_HELD) == "escalate"


def test_the_refit_command_prints_before_and_after(school: School, head_teacher: User) -> None:
    corrections.comment_reclassify(
        comment=incoming(school, MISSED), actor=head_teacher, labels=["profanity"]
    )
    out = io.StringIO()
    call_command("screening_refit", "--all", stdout=out)

    (row,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert row["school"] == "oakfield" and row["corrections"] == 1
    assert {"recall_harmful_held", "false_hold_rate"} <= set(row["before"]) & set(row["after"])


def test_the_sensitivity_setting_changes_a_borderline_verdict(
    school: School, head_teacher: User
) -> None:
    corrections.screening_sensitivity_set(school=school, actor=head_teacher, sensitivity="relaxed")
    assert verdict(school, BORDERLINE) == "ok"

    corrections.screening_sensitivity_set(school=school, actor=head_teacher, sensitivity="strict")
    assert verdict(school, BORDERLINE) != "ok"


def test_only_a_leader_changes_the_sensitivity(school: School, safeguarding_lead: User) -> None:
    with pytest.raises(Refused):
        corrections.screening_sensitivity_set(
            school=school, actor=safeguarding_lead, sensitivity="strict"
        )


def test_the_settings_page_shows_what_each_sensitivity_means_in_numbers(
    school: School, head_teacher: User
) -> None:
    response = signed_in(head_teacher).get(f"/api/schools/{school.pk}/screening/sensitivity")

    assert response.status_code == 200
    body = response.json()
    assert body["sensitivity"] == "balanced"
    points = {point["name"]: point for point in body["operating_points"]}
    assert set(points) == {"strict", "balanced", "relaxed"}
    assert points["strict"]["real_false_hold"] >= points["relaxed"]["real_false_hold"]


def test_the_weekly_refit_is_off_unless_the_setting_turns_it_on(
    school: School, head_teacher: User, settings: Any
) -> None:
    settings.SCREENING_WEEKLY_REFIT = False
    corrections.comment_reclassify(
        comment=incoming(school, MISSED), actor=head_teacher, labels=["profanity"]
    )

    assert tasks.screening_refit_due() == {}
    assert verdict(school, MISSED_AGAIN) == "ok"
