"""R12: evidence before any hide or delete, hashed; export only after a second person has
countersigned; media never copied."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.common.errors import Conflict, NotFound, Refused
from moderation.comments import services
from moderation.comments.models import Comment, Evidence, ModerationAction
from moderation.comments.selectors import NO_SUCH_EVIDENCE
from publishers.meta.facebook import FacebookPagePublisher
from publishers.models import Publication
from tests.comments.conftest import Platforms
from tests.commits import committed

SWEARING = "You're all a bunch of f*cking idiots"
THREAT = "I know where you live. Watch your back"


@pytest.fixture
def held(platforms: Platforms, fb_post: Publication) -> Comment:
    cid = platforms.graph.add_comment(
        fb_post.external_id, SWEARING, author=("666", "Troll Account")
    )
    with committed():
        services.publication_poll(publication_id=fb_post.pk)
    return Comment.objects.get(external_id=cid)


@pytest.fixture
def escalated(platforms: Platforms, fb_post: Publication) -> Comment:
    cid = platforms.graph.add_comment(fb_post.external_id, THREAT)
    with committed():
        services.publication_poll(publication_id=fb_post.pk)
    return Comment.objects.get(external_id=cid)


def test_r12_evidence_exists_and_hashes_correctly_before_a_delete(
    held: Comment, head_teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Evidence] = []
    real_delete = FacebookPagePublisher.delete_comment

    def spy(self: FacebookPagePublisher, comment_id: str) -> None:
        # At the moment the platform is asked to delete, the evidence is already stored.
        seen.extend(Evidence.objects.filter(comment__external_id=comment_id))
        real_delete(self, comment_id)

    monkeypatch.setattr(FacebookPagePublisher, "delete_comment", spy)

    with committed():
        services.comment_delete(comment=held, actor=head_teacher)

    assert seen, "no evidence when the delete call was made"
    evidence = seen[-1]
    assert evidence.sha256 == hashlib.sha256(evidence.canonical.encode("utf-8")).hexdigest()
    assert evidence.intact
    record = json.loads(evidence.canonical)
    assert evidence.canonical == json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    comment = record["comment"]
    assert comment["text"] == SWEARING
    assert (comment["author_id"], comment["author_name"]) == ("666", "Troll Account")
    assert comment["permalink"].startswith("https://www.facebook.com/")
    assert comment["platform_created_at"] and record["captured_at"]
    assert record["captured_by"] == {"system": "captured automatically"}
    assert {label["screener"] for label in comment["labels"]} == {"profanity"}
    delete = held.actions.get(kind=ModerationAction.Kind.DELETE)
    assert delete.data == {"evidence": evidence.pk}
    assert delete.platform_state == "done"


def test_r12_evidence_is_captured_before_the_automatic_hide(held: Comment) -> None:
    evidence = Evidence.objects.get(comment=held)
    hide = held.actions.get(kind=ModerationAction.Kind.HIDE)

    assert evidence.reason == "before_hide"
    assert hide.completed_at is not None and evidence.captured_at <= hide.completed_at
    assert AuditEvent.objects.filter(
        action="comment.evidence_captured", data__sha256=evidence.sha256
    ).exists()


def test_an_unchanged_comment_reuses_its_evidence_and_a_manual_capture_adds_one(
    held: Comment, head_teacher: User
) -> None:
    with committed():
        services.comment_delete(comment=held, actor=head_teacher)
    assert held.evidence.count() == 1

    manual = services.comment_evidence_capture(comment=held, actor=head_teacher)

    assert held.evidence.count() == 2
    assert manual.captured_by == head_teacher and manual.reason == "manual"


def test_r12_export_is_refused_without_a_second_person_s_countersignature(
    held: Comment, head_teacher: User
) -> None:
    evidence = held.evidence.get()

    with pytest.raises(Conflict, match="until a second person") as raised:
        services.comment_evidence_export(evidence=evidence, actor=head_teacher)

    assert raised.value.code == "countersignature_required"


def test_r12_whoever_captured_evidence_cannot_countersign_it(
    held: Comment, head_teacher: User, deputy_head: User
) -> None:
    evidence = services.comment_evidence_capture(comment=held, actor=head_teacher)

    with pytest.raises(Refused, match="different person"):
        services.comment_evidence_countersign(evidence=evidence, actor=head_teacher)
    services.comment_evidence_countersign(evidence=evidence, actor=deputy_head)
    with pytest.raises(Conflict, match="already been countersigned"):
        services.comment_evidence_countersign(evidence=evidence, actor=deputy_head)

    export = services.comment_evidence_export(evidence=evidence, actor=head_teacher)
    assert export.content_type == "application/json"


def test_two_people_stand_behind_the_export_of_automatic_evidence(
    held: Comment, head_teacher: User, safeguarding_lead: User
) -> None:
    evidence = held.evidence.get()
    services.comment_evidence_countersign(evidence=evidence, actor=safeguarding_lead)

    with pytest.raises(Refused, match="a second person must"):
        services.comment_evidence_export(evidence=evidence, actor=safeguarding_lead)
    export = services.comment_evidence_export(evidence=evidence, actor=head_teacher)

    assert export.filename == f"evidence-{evidence.pk}-comment-{held.pk}.json"


def test_only_a_dsl_or_a_leader_countersigns(
    held: Comment, teacher: User, trust_admin: User
) -> None:
    for user in (teacher, trust_admin):
        with pytest.raises(Refused, match=re.escape(services.COUNTERSIGN_ROLE)):
            services.comment_evidence_countersign(evidence=held.evidence.get(), actor=user)


def test_the_json_bundle_is_signed_and_every_record_verifies(
    held: Comment, head_teacher: User, safeguarding_lead: User
) -> None:
    evidence = held.evidence.get()
    services.comment_evidence_countersign(evidence=evidence, actor=safeguarding_lead)

    bundle = json.loads(
        services.comment_evidence_export(evidence=evidence, actor=head_teacher).content
    )

    assert bundle["signature"]["alg"] == "HMAC-SHA256"
    assert services.comment_evidence_bundle_verify(bundle)
    [entry] = bundle["records"]
    assert hashlib.sha256(entry["canonical"].encode()).hexdigest() == entry["sha256"]
    assert entry["countersigned_by"]["email"] == safeguarding_lead.email
    assert bundle["exported_by"]["email"] == head_teacher.email
    tampered: dict[str, Any] = json.loads(json.dumps(bundle))
    tampered["records"][0]["record"]["comment"]["text"] = "something kinder"
    assert not services.comment_evidence_bundle_verify(tampered)
    forged = json.loads(json.dumps(bundle))
    forged["records"][0]["canonical"] = forged["records"][0]["canonical"].replace("idiots", "x")
    assert not services.comment_evidence_bundle_verify(forged)


def test_the_pdf_export_is_a_pdf_quoting_the_hash(
    held: Comment, head_teacher: User, safeguarding_lead: User
) -> None:
    evidence = held.evidence.get()
    services.comment_evidence_countersign(evidence=evidence, actor=safeguarding_lead)

    export = services.comment_evidence_export(evidence=evidence, actor=head_teacher, fmt="pdf")

    assert export.content.startswith(b"%PDF-1.4") and export.content.rstrip().endswith(b"%%EOF")
    assert evidence.sha256.encode() in export.content
    assert AuditEvent.objects.filter(
        action="comment.evidence_exported", data__format="pdf"
    ).exists()


def test_evidence_that_no_longer_matches_its_hash_cannot_be_exported(
    held: Comment, head_teacher: User, safeguarding_lead: User
) -> None:
    evidence = held.evidence.get()
    services.comment_evidence_countersign(evidence=evidence, actor=safeguarding_lead)
    Evidence.objects.filter(pk=evidence.pk).update(
        canonical=evidence.canonical.replace("idiots", "friends")
    )
    evidence.refresh_from_db()

    with pytest.raises(Conflict, match="no longer matches"):
        services.comment_evidence_export(evidence=evidence, actor=head_teacher)


def test_evidence_of_an_escalated_comment_is_only_for_the_dsl_and_leaders(
    escalated: Comment, teacher: User, data_manager: User, outsider: User
) -> None:
    evidence = escalated.evidence.get()
    for user in (teacher, data_manager, outsider):
        with pytest.raises(NotFound, match=re.escape(NO_SUCH_EVIDENCE)):
            services.comment_evidence_export(evidence=evidence, actor=user)
