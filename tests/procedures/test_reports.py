"""Report packs from the evidence record, and the audited record of reports and outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.common.errors import Conflict, NotFound, Refused
from moderation.comments.models import Comment, ModerationAction
from procedures import services
from procedures.models import PlatformReport

PLATFORMS = ["facebook", "instagram", "x", "youtube", "website"]


def test_it_fills_every_platform_pack_from_the_evidence_record_of_a_held_threat(
    threat: Comment, safeguarding_lead: User
) -> None:
    evidence = threat.evidence.order_by("captured_at").last()
    assert evidence is not None
    record = evidence.record["comment"]

    pack = services.report_pack_build(comment_id=threat.pk, actor=safeguarding_lead)

    assert pack.evidence_id == evidence.pk and pack.evidence_sha256 == evidence.sha256
    assert [p.platform for p in pack.packs] == PLATFORMS  # the comment's own platform first
    assert pack.packs[0].is_comment_platform
    for platform_pack in pack.packs:
        values = {f.key: f.value for f in platform_pack.fields}
        assert values["permalink"] == record["permalink"]
        assert values["text"] == record["text"]
        assert values["author"] == f"{record['author_name']} (id {record['author_id']})"
        assert values["posted_at"] == record["platform_created_at"]
        assert evidence.sha256 in values["evidence"]
        assert platform_pack.report_route and platform_pack.what_to_expect
        assert "999" in platform_pack.police_note


def test_it_says_someone_may_be_in_danger_for_a_threat(
    threat: Comment, safeguarding_lead: User
) -> None:
    pack = services.report_pack_build(comment_id=threat.pk, actor=safeguarding_lead)

    assert pack.may_be_in_danger
    reasons = {f.value for f in pack.packs[0].fields if f.key == "category"}
    assert reasons == {"Violence or threats (a credible threat to someone's safety)"}


def test_it_audits_opening_a_report_pack_as_a_view_of_evidence(
    threat: Comment, safeguarding_lead: User
) -> None:
    services.report_pack_build(comment_id=threat.pk, actor=safeguarding_lead)

    assert AuditEvent.objects.filter(
        action="procedures.report_pack_viewed", actor=safeguarding_lead
    ).exists()


def test_r13_it_hides_an_escalated_comments_pack_from_a_leader_who_is_not_the_head(
    threat: Comment, deputy_head: User
) -> None:
    with pytest.raises(NotFound):
        services.report_pack_build(comment_id=threat.pk, actor=deputy_head)


def test_it_refuses_a_pack_for_a_comment_that_passed_screening(
    friendly: Comment, head_teacher: User
) -> None:
    with pytest.raises(Conflict):
        services.report_pack_build(comment_id=friendly.pk, actor=head_teacher)


def test_it_takes_a_schools_own_instructions_from_the_override_folder(
    threat: Comment, safeguarding_lead: User, settings: Any, tmp_path: Path
) -> None:
    packaged = Path(services.reports.__file__).parent.parent / "platforms" / "facebook.json"
    own = json.loads(packaged.read_text())
    own["report_route"] = ["Ring the trust's online safety officer first."]
    (tmp_path / threat.school.slug).mkdir()
    (tmp_path / threat.school.slug / "facebook.json").write_text(json.dumps(own))
    settings.PROCEDURES_PLATFORM_DIR = str(tmp_path)

    pack = services.report_pack_build(comment_id=threat.pk, actor=safeguarding_lead)

    facebook = pack.packs[0]
    assert facebook.report_route == ["Ring the trust's online safety officer first."]
    assert facebook.source == "school"
    assert pack.packs[1].source == "packaged"


def test_it_audits_recording_a_report_and_shows_it_on_the_case(
    threat: Comment, safeguarding_lead: User
) -> None:
    report = services.platform_report_record(
        comment_id=threat.pk, actor=safeguarding_lead, platform="facebook", reference="FB-123"
    )

    assert report.reported_by == safeguarding_lead and report.reference == "FB-123"
    event = AuditEvent.objects.get(action="procedures.platform_report_recorded")
    assert event.actor == safeguarding_lead
    assert event.data["platform"] == "facebook" and event.data["reference"] == "FB-123"
    action = threat.actions.get(kind=ModerationAction.Kind.REPORT)
    assert action.data == {"reference": "FB-123"}


def test_it_audits_recording_the_outcome_of_a_report(
    threat: Comment, safeguarding_lead: User, head_teacher: User
) -> None:
    report = services.platform_report_record(
        comment_id=threat.pk, actor=safeguarding_lead, platform="facebook"
    )

    services.platform_report_outcome_record(
        report_id=report.pk, actor=head_teacher, outcome="removed", note="Gone within a day"
    )

    report.refresh_from_db()
    assert report.outcome == PlatformReport.Outcome.REMOVED
    assert report.outcome_recorded_by == head_teacher
    event = AuditEvent.objects.get(action="procedures.platform_report_outcome_recorded")
    assert event.data["outcome"] == "removed" and event.data["previous"] == "awaiting"


def test_it_refuses_staff_recording_a_report(friendly: Comment, teacher: User) -> None:
    with pytest.raises(Refused):
        services.platform_report_record(comment_id=friendly.pk, actor=teacher, platform="x")
    assert not PlatformReport.objects.exists()
