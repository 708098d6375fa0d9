"""The comment dashboard API: every endpoint, role visibility of escalated and held
comments (R13), and another school's objects answering 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from backend.accounts.models import School, User
from backend.audit.models import AuditEvent
from moderation.comments import services, tasks
from moderation.comments.models import Comment, Evidence, ModerationAction
from moderation.models import Post
from publishers.models import Publication
from publishers.services import website_comment_submit
from tests.comments.conftest import Platforms, website_entry
from tests.commits import commits_for_real, committed

Api = Callable[..., APIClient]
THREAT = "I know where you live. Watch your back"
SWEARING = "You're all a bunch of f*cking idiots"
ORDINARY = "What a lovely day, well done to all the children!"


@dataclass
class Three:
    ok: Comment
    held: Comment
    escalated: Comment


@pytest.fixture
def three(platforms: Platforms, fb_post: Publication) -> Three:
    ids = [
        platforms.graph.add_comment(fb_post.external_id, text, author=(f"55{n}", f"Person {n}"))
        for n, text in enumerate((ORDINARY, SWEARING, THREAT))
    ]
    with committed():
        services.publication_poll(publication_id=fb_post.pk)
    ok, held, escalated = (Comment.objects.get(external_id=i) for i in ids)
    assert (ok.verdict, held.verdict, escalated.verdict) == ("ok", "hold", "escalate")
    return Three(ok, held, escalated)


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --------------------------------------------------------------------------- visibility


def test_each_role_sees_only_what_it_may(
    three: Three, api_as: Api, head_teacher: User, safeguarding_lead: User, teacher: User,
    data_manager: User, trust_admin: User, outsider: User,
) -> None:  # fmt: skip
    everything = {three.ok.pk, three.held.pk, three.escalated.pk}

    assert ids(api_as(head_teacher).get("/api/comments")) == everything
    assert ids(api_as(safeguarding_lead).get("/api/comments")) == everything
    assert ids(api_as(teacher).get("/api/comments")) == {three.ok.pk}
    assert ids(api_as(data_manager).get("/api/comments")) == set()
    assert ids(api_as(trust_admin).get("/api/comments")) == set()
    assert ids(api_as(outsider).get("/api/comments")) == set()


def test_r13_escalated_comments_answer_404_to_everyone_but_the_dsl_and_head_teacher(
    three: Three, api_as: Api, head_teacher: User, safeguarding_lead: User, teacher: User,
    trust_admin: User, outsider: User,
) -> None:  # fmt: skip
    url = f"/api/comments/{three.escalated.pk}"

    for user in (teacher, trust_admin, outsider):
        assert api_as(user).get(url).status_code == 404
    for user in (safeguarding_lead, head_teacher):
        response = api_as(user).get(url)
        assert response.status_code == 200
        assert response.json()["text"] == THREAT
    viewers = AuditEvent.objects.filter(action="comment.viewed", target_id=str(three.escalated.pk))
    assert set(viewers.values_list("actor_id", flat=True)) == {
        safeguarding_lead.pk,
        head_teacher.pk,
    }


def test_r13_an_ordinary_leader_does_not_see_escalated_comments_in_the_list(
    three: Three, api_as: Api, deputy_head: User
) -> None:
    client = api_as(deputy_head)

    assert ids(client.get("/api/comments")) == {three.ok.pk, three.held.pk}
    assert ids(client.get("/api/comments?escalated=true")) == set()
    assert ids(client.get("/api/comments?queue=open")) == {three.held.pk}


def test_r13_an_escalated_comment_answers_404_to_an_ordinary_leader(
    three: Three, api_as: Api, deputy_head: User, safeguarding_lead: User
) -> None:
    client = api_as(deputy_head)
    url = f"/api/comments/{three.escalated.pk}"

    assert client.get(url).status_code == 404
    assert client.get(f"{url}/notes").status_code == 404
    assert client.post(f"{url}/notes", {"text": "seen"}, format="json").status_code == 404
    assert client.post(f"{url}/keep-hidden").status_code == 404
    assert client.post(f"{url}/assign", {"assignee": None}, format="json").status_code == 404
    assert not AuditEvent.objects.filter(action="comment.viewed", actor=deputy_head).exists()


def test_r13_evidence_of_an_escalated_comment_answers_404_to_an_ordinary_leader(
    three: Three, api_as: Api, deputy_head: User, safeguarding_lead: User, head_teacher: User
) -> None:
    evidence = three.escalated.evidence.get()
    api_as(safeguarding_lead).post(f"/api/evidence/{evidence.pk}/countersign")
    client = api_as(deputy_head)

    assert client.get(f"/api/comments/{three.escalated.pk}/evidence").status_code == 404
    assert client.post(f"/api/comments/{three.escalated.pk}/evidence").status_code == 404
    assert client.get(f"/api/evidence/{evidence.pk}").status_code == 404
    assert client.post(f"/api/evidence/{evidence.pk}/countersign").status_code == 404
    assert client.get(f"/api/evidence/{evidence.pk}/export").status_code == 404
    assert api_as(head_teacher).get(f"/api/evidence/{evidence.pk}/export").status_code == 200
    assert not AuditEvent.objects.filter(
        action="comment.evidence_viewed", actor=deputy_head
    ).exists()  # fmt: skip


def test_r13_a_bulk_action_by_an_ordinary_leader_does_not_reach_escalated_comments(
    three: Three, api_as: Api, deputy_head: User, platforms: Platforms
) -> None:
    with committed():
        response = api_as(deputy_head).post(
            "/api/comments/bulk",
            {"ids": [three.held.pk, three.escalated.pk], "action": "approve"},
            format="json",
        )

    assert response.status_code == 200
    assert [(r["comment_id"], r["ok"]) for r in response.json()] == [
        (three.held.pk, True),
        (three.escalated.pk, False),
    ]
    assert response.json()[1]["detail"] == "No such comment among your schools."
    escalated = Comment.objects.get(pk=three.escalated.pk)
    assert (escalated.review, escalated.status) == ("open", "hidden")


def test_r13_an_escalated_comment_cannot_be_assigned_to_an_ordinary_leader(
    three: Three, api_as: Api, head_teacher: User, deputy_head: User
) -> None:
    url = f"/api/comments/{three.escalated.pk}/assign"

    response = api_as(head_teacher).post(url, {"assignee": deputy_head.pk}, format="json")

    assert response.status_code == 400
    assert "assignee" in response.json()
    assert Comment.objects.get(pk=three.escalated.pk).assigned_to is None


def test_r13_the_website_comment_list_hides_escalated_comments_from_an_ordinary_leader(
    api_as: Api, school: School, teacher: User, deputy_head: User, head_teacher: User
) -> None:
    entry = website_entry(school, teacher)
    with committed():
        threat = website_comment_submit(entry=entry, author_name="X", text=THREAT)
        fine = website_comment_submit(entry=entry, author_name="Gran", text=ORDINARY)
    tasks.poll_due()

    def listed(user: User) -> set[int]:
        return {row["id"] for row in api_as(user).get("/api/website-comments").json()}

    assert listed(deputy_head) == {fine.pk}
    assert api_as(deputy_head).post(f"/api/website-comments/{threat.pk}/reject").status_code == 404
    assert listed(head_teacher) == {fine.pk, threat.pk}


def test_held_comments_are_for_leaders_and_the_dsl_only(
    three: Three, api_as: Api, teacher: User, safeguarding_lead: User
) -> None:
    assert api_as(teacher).get(f"/api/comments/{three.held.pk}").status_code == 404
    assert api_as(teacher).get(f"/api/comments/{three.ok.pk}").status_code == 200
    assert api_as(safeguarding_lead).get(f"/api/comments/{three.held.pk}").status_code == 200


def test_signing_in_is_required(three: Three) -> None:
    assert APIClient().get("/api/comments").status_code == 403


def test_the_queue_and_its_filters(three: Three, api_as: Api, head_teacher: User) -> None:
    client = api_as(head_teacher)
    services.comment_assign(comment=three.held, actor=head_teacher, assignee=head_teacher)

    assert ids(client.get("/api/comments?queue=open")) == {three.held.pk, three.escalated.pk}
    assert ids(client.get("/api/comments?escalated=true")) == {three.escalated.pk}
    assert ids(client.get("/api/comments?verdict=hold")) == {three.held.pk}
    assert ids(client.get("/api/comments?status=visible")) == {three.ok.pk}
    assert ids(client.get("/api/comments?assigned=me")) == {three.held.pk}
    assert ids(client.get(f"/api/comments?school={three.ok.school_id}&channel=x")) == set()
    rows = client.get("/api/comments").json()["results"]
    assert rows[0]["id"] == three.escalated.pk  # escalated first
    assert client.get("/api/comments?assigned=someone").status_code == 400


def test_the_detail_explains_the_verdict_and_lists_actions_and_evidence(
    three: Three, api_as: Api, head_teacher: User
) -> None:
    body = api_as(head_teacher).get(f"/api/comments/{three.held.pk}").json()

    assert body["verdict"] == "hold" and body["status"] == "hidden" and body["review"] == "open"
    assert body["labels"][0]["screener"] == "profanity" and body["labels"][0]["reason"]
    assert [a["kind"] for a in body["actions"]] == ["hide"]
    assert body["actions"][0]["actor_name"] == "system"
    assert body["actions"][0]["platform_state"] == "done"
    [evidence] = body["evidence"]
    assert evidence["captured_by"] == "system" and len(evidence["sha256"]) == 64
    assert "canonical" not in evidence


def test_the_detail_says_who_may_export_each_record_and_why_r12(
    three: Three, api_as: Api, head_teacher: User, safeguarding_lead: User
) -> None:
    evidence = three.escalated.evidence.get()  # captured by the screening, not a person
    url = f"/api/comments/{three.escalated.pk}"
    [before] = api_as(safeguarding_lead).get(url).json()["evidence"]
    api_as(safeguarding_lead).post(f"/api/evidence/{evidence.pk}/countersign")

    [signer] = api_as(safeguarding_lead).get(url).json()["evidence"]
    [other] = api_as(head_teacher).get(url).json()["evidence"]

    assert not before["can_export"] and "until a second person" in before["export_reason"]
    assert not signer["can_export"] and "a second person must export" in signer["export_reason"]
    assert api_as(safeguarding_lead).get(f"/api/evidence/{evidence.pk}/export").status_code == 403
    assert other["can_export"] and "you may export it" in other["export_reason"]
    assert api_as(head_teacher).get(f"/api/evidence/{evidence.pk}/export").status_code == 200


# --------------------------------------------------------------------------- actions


@commits_for_real
def test_it_approves_a_held_comment_and_shows_it_again(
    three: Three, api_as: Api, head_teacher: User, platforms: Platforms
) -> None:
    response = api_as(head_teacher).post(
        f"/api/comments/{three.held.pk}/approve", {"note": "Fair enough"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "visible" and response.json()["review"] == "approved"
    assert platforms.graph.comments[three.held.external_id]["hidden"] is False


def test_a_repeated_approve_answers_the_current_state_and_acts_once(
    three: Three, api_as: Api, head_teacher: User
) -> None:
    """Issue 13: a double click is not a second decision (and never a 500)."""
    client = api_as(head_teacher)
    with committed():
        first = client.post(f"/api/comments/{three.held.pk}/approve", {}, format="json")
    again = client.post(f"/api/comments/{three.held.pk}/approve", {}, format="json")

    assert (first.status_code, again.status_code) == (200, 200), again.content
    assert again.json()["review"] == "approved" and again.json()["status"] == "visible"
    assert three.held.actions.filter(kind=ModerationAction.Kind.APPROVE).count() == 1
    assert AuditEvent.objects.filter(action="comment.approved").count() == 1


def test_a_repeated_keep_hidden_answers_the_current_state_and_acts_once(
    three: Three, api_as: Api, head_teacher: User
) -> None:
    client = api_as(head_teacher)
    answers = [client.post(f"/api/comments/{three.held.pk}/keep-hidden") for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1].json()["review"] == "kept_hidden"
    assert three.held.actions.filter(kind=ModerationAction.Kind.KEEP_HIDDEN).count() == 1


def test_staff_who_can_see_a_comment_are_refused_actions_on_it(
    three: Three, api_as: Api, teacher: User
) -> None:
    for action in ("approve", "keep-hidden", "delete", "block-author", "report", "notes"):
        response = api_as(teacher).post(f"/api/comments/{three.ok.pk}/{action}", {"text": "x"})
        assert response.status_code == 403, action
    assert api_as(teacher).get(f"/api/comments/{three.ok.pk}/notes").status_code == 403


def test_another_school_s_comment_answers_404_on_every_endpoint(
    three: Three, api_as: Api, outsider: User
) -> None:
    client = api_as(outsider)
    for comment in (three.ok, three.held, three.escalated):
        for action in ("approve", "keep-hidden", "delete", "block-author", "report", "assign",
                       "notes", "evidence", "reply"):  # fmt: skip
            response = client.post(
                f"/api/comments/{comment.pk}/{action}",
                {"text": "x", "assignee": None},
                format="json",
            )
            assert response.status_code in (403, 404), (action, response.status_code)
            if action != "reply":  # the tablet check (R7) comes first on reply
                assert response.status_code == 404, action
    evidence = Evidence.objects.filter(comment=three.held).get()
    assert client.get(f"/api/evidence/{evidence.pk}").status_code == 404
    assert client.post(f"/api/evidence/{evidence.pk}/countersign").status_code == 404
    assert client.get(f"/api/evidence/{evidence.pk}/export").status_code == 404


@commits_for_real
def test_keep_hidden_hides_a_visible_comment(
    three: Three, api_as: Api, deputy_head: User, platforms: Platforms
) -> None:
    response = api_as(deputy_head).post(f"/api/comments/{three.ok.pk}/keep-hidden")

    assert response.status_code == 200
    assert response.json()["status"] == "hidden"
    assert platforms.graph.comments[three.ok.external_id]["hidden"] is True
    assert len(response.json()["evidence"]) == 1


@commits_for_real
def test_it_deletes_a_comment_on_the_platform_once(
    three: Three, api_as: Api, head_teacher: User, platforms: Platforms
) -> None:
    response = api_as(head_teacher).post(f"/api/comments/{three.held.pk}/delete")

    assert response.status_code == 200
    assert response.json()["status"] == "deleted"
    assert three.held.external_id not in platforms.graph.comments
    again = api_as(head_teacher).post(f"/api/comments/{three.held.pk}/delete")
    assert again.status_code == 409


def test_delete_on_x_is_refused_with_a_clear_message(
    platforms: Platforms, x_post: Publication, api_as: Api, head_teacher: User
) -> None:
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    with committed():
        services.publication_poll(publication_id=x_post.pk)
    comment = Comment.objects.get(external_id=reply)

    response = api_as(head_teacher).post(f"/api/comments/{comment.pk}/delete")

    assert response.status_code == 409
    assert response.json()["code"] == "platform_unsupported"
    assert "Keep it hidden instead" in response.json()["detail"]


def test_it_blocks_the_author_on_the_platform(
    three: Three, api_as: Api, head_teacher: User, platforms: Platforms
) -> None:
    with committed():
        response = api_as(head_teacher).post(f"/api/comments/{three.held.pk}/block-author")

    assert response.status_code == 200
    assert platforms.graph.blocked == ["551"]
    assert response.json()["actions"][-1]["kind"] == "block"


def test_it_records_a_report_made_to_the_platform(
    three: Three, api_as: Api, safeguarding_lead: User
) -> None:
    response = api_as(safeguarding_lead).post(
        f"/api/comments/{three.escalated.pk}/report",
        {"reference": "FB-REPORT-1", "note": "Reported to Facebook and the police"},
        format="json",
    )

    assert response.status_code == 200
    report = response.json()["actions"][-1]
    assert report["kind"] == "report" and report["data"] == {"reference": "FB-REPORT-1"}


@commits_for_real
def test_reply_needs_an_enrolled_tablet_and_goes_to_the_queue(
    three: Three, api_as: Api, tablet_as: Callable[[User], APIClient], head_teacher: User
) -> None:
    url = f"/api/comments/{three.ok.pk}/reply"

    assert api_as(head_teacher).post(url, {"text": "Thank you!"}).status_code == 403
    response = tablet_as(head_teacher).post(url, {"text": "Thank you!"}, format="json")

    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()["post"])
    assert post.text == "Thank you!" and post.channels == ["facebook"]
    assert response.json()["post_status"] == post.status == "awaiting_approval"


def test_it_assigns_only_to_someone_who_may_see_the_comment(
    three: Three, api_as: Api, head_teacher: User, safeguarding_lead: User, teacher: User
) -> None:
    url = f"/api/comments/{three.escalated.pk}/assign"
    client = api_as(head_teacher)

    response = client.post(url, {"assignee": safeguarding_lead.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["assigned_to"] == safeguarding_lead.pk
    assert client.post(url, {"assignee": teacher.pk}, format="json").status_code == 400
    assert client.post(url, {"assignee": None}, format="json").json()["assigned_to"] is None


def test_it_adds_and_lists_notes_and_refuses_an_empty_one(
    three: Three, api_as: Api, safeguarding_lead: User
) -> None:
    client = api_as(safeguarding_lead)
    url = f"/api/comments/{three.escalated.pk}/notes"

    created = client.post(url, {"text": "Spoke to the family"}, format="json")
    listed = client.get(url)

    assert created.status_code == 201
    assert [n["note"] for n in listed.json()] == ["Spoke to the family"]
    assert client.post(url, {"text": ""}, format="json").status_code == 400


def test_it_answers_a_bulk_action_comment_by_comment(
    three: Three, api_as: Api, head_teacher: User, platforms: Platforms
) -> None:
    response = api_as(head_teacher).post(
        "/api/comments/bulk",
        {"ids": [three.held.pk, three.escalated.pk, 987654], "action": "keep_hidden"},
        format="json",
    )

    assert response.status_code == 200
    assert [(r["comment_id"], r["ok"]) for r in response.json()] == [
        (three.held.pk, True),
        (three.escalated.pk, True),
        (987654, False),
    ]
    assert Comment.objects.get(pk=three.held.pk).review == "kept_hidden"
    bad = api_as(head_teacher).post(
        "/api/comments/bulk", {"ids": [1], "action": "explode"}, format="json"
    )
    assert bad.status_code == 400


# --------------------------------------------------------------------------- evidence


def test_evidence_list_capture_detail_and_audit(
    three: Three, api_as: Api, head_teacher: User, safeguarding_lead: User
) -> None:
    client = api_as(safeguarding_lead)
    url = f"/api/comments/{three.escalated.pk}/evidence"

    captured = client.post(url)
    listed = client.get(url)
    detail = client.get(f"/api/evidence/{captured.json()['id']}")

    assert captured.status_code == 201 and captured.json()["captured_by"] == safeguarding_lead.pk
    assert len(listed.json()) == 2
    assert detail.status_code == 200
    assert detail.json()["record"]["comment"]["text"] == THREAT
    assert json.loads(detail.json()["canonical"]) == detail.json()["record"]
    assert detail.json()["intact"] is True
    assert AuditEvent.objects.filter(
        action="comment.evidence_viewed", actor=safeguarding_lead
    ).count() == 3  # fmt: skip


def test_r13_evidence_of_an_escalated_comment_is_404_for_staff(
    three: Three, api_as: Api, teacher: User, trust_admin: User
) -> None:
    evidence = three.escalated.evidence.get()
    for user in (teacher, trust_admin):
        assert api_as(user).get(f"/api/evidence/{evidence.pk}").status_code == 404
        assert api_as(user).get(f"/api/comments/{three.escalated.pk}/evidence").status_code == 404


def test_r12_export_is_refused_until_countersigned_then_downloads(
    three: Three, api_as: Api, head_teacher: User, safeguarding_lead: User
) -> None:
    evidence = three.escalated.evidence.get()
    export = f"/api/evidence/{evidence.pk}/export"

    refused = api_as(head_teacher).get(export)
    signed = api_as(safeguarding_lead).post(f"/api/evidence/{evidence.pk}/countersign")
    same_person = api_as(safeguarding_lead).get(export)
    downloaded = api_as(head_teacher).get(export)
    pdf = api_as(head_teacher).get(f"{export}?as=pdf")

    assert refused.status_code == 409
    assert refused.json()["code"] == "countersignature_required"
    assert "second person" in refused.json()["detail"]
    assert signed.status_code == 200 and signed.json()["countersigned_by"] == safeguarding_lead.pk
    assert same_person.status_code == 403
    assert downloaded.status_code == 200
    assert downloaded["Content-Disposition"].startswith("attachment;")
    assert services.comment_evidence_bundle_verify(json.loads(downloaded.content))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert api_as(head_teacher).get(f"{export}?as=docx").status_code == 400


def test_the_capturer_cannot_countersign_through_the_api(
    three: Three, api_as: Api, head_teacher: User
) -> None:
    captured = api_as(head_teacher).post(f"/api/comments/{three.held.pk}/evidence").json()

    response = api_as(head_teacher).post(f"/api/evidence/{captured['id']}/countersign")

    assert response.status_code == 403
    assert "different person" in response.json()["detail"]


# --------------------------------------------------------------------------- settings


def test_screening_settings_for_leaders_and_the_dsl(
    school: Any, api_as: Api, head_teacher: User, safeguarding_lead: User, teacher: User,
    outsider: User,
) -> None:  # fmt: skip
    url = f"/api/schools/{school.pk}/screening"

    got = api_as(safeguarding_lead).get(url)
    assert got.status_code == 200
    assert got.json()["effective_thresholds"]["profanity"] == 0.9
    assert api_as(teacher).get(url).status_code == 404
    assert api_as(outsider).get(url).status_code == 404

    body = {"blocked_words": ["wombat"], "thresholds": {"spam": 0.8}}
    changed = api_as(head_teacher).put(url, body, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["blocked_words"] == ["wombat"]
    assert changed.json()["effective_thresholds"]["spam"] == 0.8
    assert api_as(safeguarding_lead).patch(url, body, format="json").status_code == 403
    assert api_as(outsider).put(url, body, format="json").status_code == 404
    bad = api_as(head_teacher).patch(url, {"thresholds": {"threat": 3}}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "thresholds"


def test_screening_preview_uses_the_school_s_settings(
    school: Any, api_as: Api, head_teacher: User, teacher: User
) -> None:
    services.screening_settings_update(school=school, actor=head_teacher, blocked_words=["wombat"])
    url = f"/api/schools/{school.pk}/screening/preview"

    response = api_as(head_teacher).post(url, {"text": "you wombat"}, format="json")

    assert response.status_code == 200
    assert response.json()["verdict"] == "hold"
    assert response.json()["labels"][0]["span"] == [4, 10]
    assert api_as(teacher).post(url, {"text": "x"}, format="json").status_code == 404


# --------------------------------------------------------------------------- query counts


def count_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_the_detail_cost_a_constant_number_of_queries(
    three: Three, api_as: Api, head_teacher: User, platforms: Platforms, fb_post: Publication
) -> None:
    client = api_as(head_teacher)
    count_queries(client, "/api/comments")  # warm the session
    few = count_queries(client, "/api/comments")
    detail = count_queries(client, f"/api/comments/{three.held.pk}")
    for n in range(5):
        platforms.graph.add_comment(fb_post.external_id, f"{SWEARING} {n}")
    with committed():
        services.publication_poll(publication_id=fb_post.pk)
    services.comment_note_add(comment=three.held, actor=head_teacher, text="One")
    services.comment_report(comment=three.held, actor=head_teacher)
    services.comment_evidence_capture(comment=three.held, actor=head_teacher)

    assert count_queries(client, "/api/comments") == few
    assert count_queries(client, f"/api/comments/{three.held.pk}") == detail
