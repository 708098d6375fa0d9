"""The procedures endpoints: thin over the services, scoped like the case (R13)."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.test import APIClient

from backend.accounts.models import User
from moderation.comments.models import Comment

ApiAs = Callable[[User], APIClient]


def test_it_serves_the_report_pack_to_the_dsl(
    threat: Comment, safeguarding_lead: User, api_as: ApiAs
) -> None:
    answer = api_as(safeguarding_lead).get(f"/api/comments/{threat.pk}/report-pack")

    assert answer.status_code == 200
    facebook = answer.json()["packs"][0]
    assert facebook["platform"] == "facebook" and facebook["is_comment_platform"]
    facts = {f["key"]: f["value"] for f in facebook["facts"]}
    assert facts["text"] == threat.text


def test_r13_it_answers_404_for_an_escalated_case_to_staff(
    threat: Comment, teacher: User, api_as: ApiAs
) -> None:
    answer = api_as(teacher).get(f"/api/comments/{threat.pk}/report-pack")

    assert answer.status_code == 404


def test_it_records_a_report_and_shows_it_on_the_case(
    threat: Comment, safeguarding_lead: User, api_as: ApiAs
) -> None:
    client = api_as(safeguarding_lead)
    made = client.post(
        f"/api/comments/{threat.pk}/platform-reports",
        {"platform": "facebook", "reference": "FB-42"},
        format="json",
    )
    assert made.status_code == 201
    outcome = client.post(
        f"/api/platform-reports/{made.json()['id']}/outcome", {"outcome": "removed"}, format="json"
    )
    assert outcome.status_code == 200

    case = client.get(f"/api/comments/{threat.pk}/procedures").json()
    assert [(r["reference"], r["outcome"]) for r in case["reports"]] == [("FB-42", "removed")]


def test_it_names_the_field_of_a_bad_platform(
    threat: Comment, safeguarding_lead: User, api_as: ApiAs
) -> None:
    answer = api_as(safeguarding_lead).post(
        f"/api/comments/{threat.pk}/platform-reports", {"platform": "myspace"}, format="json"
    )

    assert answer.status_code == 400 and "platform" in answer.json()


def test_it_refuses_staff_sending_a_letter_with_403(
    friendly: Comment, teacher: User, api_as: ApiAs
) -> None:
    client = api_as(teacher)
    drafted = client.post(
        f"/api/comments/{friendly.pk}/parent-letters",
        {"recipient_name": "Mr Smith", "meeting_when": "Monday 4pm", "note_taker": "Mrs Patel"},
        format="json",
    )
    assert drafted.status_code == 201

    sent = client.post(f"/api/parent-letters/{drafted.json()['id']}/send")

    assert sent.status_code == 403


def test_it_downloads_the_letter_as_a_pdf(
    threat: Comment, safeguarding_lead: User, api_as: ApiAs
) -> None:
    client = api_as(safeguarding_lead)
    drafted = client.post(
        f"/api/comments/{threat.pk}/parent-letters",
        {"recipient_name": "Mr Smith", "meeting_when": "Monday 4pm", "note_taker": "Mrs Patel"},
        format="json",
    ).json()

    pdf = client.get(f"/api/parent-letters/{drafted['id']}/pdf")

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_it_shows_x_costs_to_leaders(threat: Comment, head_teacher: User, api_as: ApiAs) -> None:
    client = api_as(head_teacher)
    put = client.put(
        f"/api/schools/{threat.school_id}/x-costs", {"monthly_budget_usd": "5.00"}, format="json"
    )
    assert put.status_code == 200

    body = client.get(f"/api/schools/{threat.school_id}/x-costs").json()
    assert body["budget_usd"] == "5.00" and body["reply_polling_enabled"] is False
    assert body["prices"]["post_with_link"] == 0.2
