"""Face review cannot overrule the register (issue 11, holes 1 and 2).

A face the system identified cannot be tagged (R1); a wrong identification is disputed and a
leader other than the disputer decides; a flagged person's match is cleared only by blur or
removing the photo (R16). An adult tag names the adult, records who tagged it and when, and
by school policy waits for a leader's confirmation (R2).

obama.jpg is Barack's enrolled reference photo; obama2.jpg another photo of him; biden.jpg
someone never enrolled.
"""

import re
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.common.errors import Conflict, InvalidInput, Refused
from consent.models import Purpose
from moderation import approvals, services
from moderation.checks.evaluate import MSG_R1_DISPUTED, MSG_R2_ADULT_UNCONFIRMED
from moderation.models import Face, FaceDispute, Post
from tests.commits import commits_for_real, committed
from tests.moderation.factories import (
    ALL_PHOTO,
    enrol,
    flag,
    open_dpia,
    person,
    record,
    submitted,
)

S = Post.Status


@pytest.fixture
def barack(school: Any) -> Any:
    """A pupil with biometric consent and an enrolled face, in a school with a DPIA."""
    open_dpia(school)
    who = person(school, "Barack", "Obama", mis_id="OB1")
    record(who, Purpose.BIOMETRIC)
    enrol(who, "obama.jpg")
    return who


def _face(post: Post) -> Face:
    return Face.objects.get(image__post=post)


def _rules(post: Post) -> list[str]:
    post.refresh_from_db()
    run = post.check_runs.filter(version=post.version).first()
    assert run is not None
    return sorted({f["rule"] for f in run.findings if f["severity"] != "confirm"})


def _findings(post: Post) -> list[dict[str, Any]]:
    post.refresh_from_db()
    run = post.check_runs.filter(version=post.version).first()
    assert run is not None
    return [f for f in run.findings if f["severity"] != "confirm"]


def _actions(post: Post) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="moderation.post", target_id=str(post.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- hole 1: an identified face cannot be tagged away (R1, R16) -------------------------------


def test_r1_an_identified_pupil_without_consent_cannot_be_tagged_as_a_consented_adult(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.BLOCKED and _face(post).person_id == barack.pk
    with pytest.raises(Conflict) as refused:
        services.face_tag(
            face=_face(post), actor=teacher, tag="adult_consent", adult_name="Mr Obama"
        )
    assert refused.value.field == "tag" and refused.value.message == services.FACE_IDENTIFIED
    post.refresh_from_db()
    assert post.status == S.BLOCKED and _rules(post) == ["R1"]
    assert _face(post).person_id == barack.pk and _face(post).tag == ""


def test_r1_a_leader_cannot_tag_an_identified_face_as_not_a_face_either(
    teacher: Any, head_teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with pytest.raises(Conflict, match=re.escape(services.FACE_IDENTIFIED)):
        services.face_tag(face=_face(post), actor=head_teacher, tag="not_a_face")
    assert _rules(post) == ["R1"]


def test_r1_tagging_an_identified_face_through_the_api_answers_409_naming_the_field(
    api_as: Any, teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    response = api_as(teacher).post(
        f"/api/posts/{post.pk}/faces/{_face(post).pk}/tag",
        {"tag": "person", "person_id": barack.pk},
        format="json",
    )
    assert response.status_code == 409 and response.json()["field"] == "tag"
    assert _face(post).tag == ""


def test_r16_a_flagged_pupils_identified_face_cannot_be_tagged_not_a_face(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    flag(barack)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert _rules(post) == ["R16"]
    with pytest.raises(Conflict) as refused:
        services.face_tag(face=_face(post), actor=teacher, tag="not_a_face")
    assert refused.value.message == services.FACE_FLAGGED
    assert _rules(post) == ["R16"]


def test_r16_a_face_tagged_as_a_flagged_pupil_cannot_be_retagged_as_an_adult(
    teacher: Any, head_teacher: Any, tablet: Any, school: Any
) -> None:
    joe = person(school, "Joe", "Biden")
    record(joe, *ALL_PHOTO)
    flag(joe)
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.face_tag(face=_face(post), actor=teacher, tag="person", person_id=joe.pk)
    assert _rules(post) == ["R16"]
    with pytest.raises(Conflict, match=re.escape(services.FACE_FLAGGED)):
        services.face_tag(
            face=_face(post), actor=head_teacher, tag="adult_consent", adult_name="Mr Biden"
        )
    assert _rules(post) == ["R16"]


def test_r16_a_flagged_pupils_match_cannot_be_disputed(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    flag(barack)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with pytest.raises(Conflict) as refused:
        services.face_dispute_raise(face=_face(post), actor=teacher, reason="Not him")
    assert refused.value.message == services.FACE_FLAGGED
    assert not FaceDispute.objects.exists() and _rules(post) == ["R16"]


def test_r16_a_dispute_on_a_pupil_flagged_later_cannot_be_upheld(
    teacher: Any, head_teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with committed():
        dispute = services.face_dispute_raise(face=_face(post), actor=teacher, reason="Not him")
    flag(barack)
    with pytest.raises(Conflict, match=re.escape(services.FACE_FLAGGED)):
        services.face_dispute_resolve(
            dispute=dispute, actor=head_teacher, outcome="upheld", reason="Looks different"
        )
    dispute.refresh_from_db()
    assert dispute.status == FaceDispute.Status.OPEN and _face(post).person_id == barack.pk


# --- hole 1: disputing an identification -------------------------------------------------------


def test_r1_disputing_a_consented_identification_blocks_the_post_until_a_leader_decides(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.AWAITING_APPROVAL
    with committed():
        dispute = services.face_dispute_raise(
            face=_face(post), actor=teacher, reason="This is his cousin, not Barack"
        )
    post.refresh_from_db()
    assert post.status == S.BLOCKED and _rules(post) == ["R1"]
    [finding] = _findings(post)
    assert finding["message"] == MSG_R1_DISPUTED.format(who="Barack O.")
    assert finding["face_id"] == _face(post).pk and "resolve_dispute" in finding["remedies"]
    assert dispute.person_id == barack.pk and dispute.raised_by_id == teacher.pk
    assert "post.face_disputed" in _actions(post)


def test_r1_a_dispute_needs_a_reason(teacher: Any, tablet: Any, barack: Any) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with pytest.raises(InvalidInput, match=re.escape(services.DISPUTE_REASON_REQUIRED)) as refused:
        services.face_dispute_raise(face=_face(post), actor=teacher, reason="  ")
    assert refused.value.field == "reason" and not FaceDispute.objects.exists()


def test_r1_only_a_leader_other_than_the_disputer_resolves_a_dispute(
    teacher: Any, head_teacher: Any, deputy_head: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with committed():
        dispute = services.face_dispute_raise(
            face=_face(post), actor=head_teacher, reason="Not him"
        )
    with pytest.raises(Refused, match=re.escape(services.NOT_LEADER)):
        services.face_dispute_resolve(
            dispute=dispute, actor=teacher, outcome="upheld", reason="I say so"
        )
    with pytest.raises(Refused, match=re.escape(services.OWN_DISPUTE)):
        services.face_dispute_resolve(
            dispute=dispute, actor=head_teacher, outcome="upheld", reason="I say so"
        )
    with pytest.raises(
        InvalidInput, match=re.escape(services.RESOLUTION_REASON_REQUIRED)
    ) as no_reason:
        services.face_dispute_resolve(
            dispute=dispute, actor=deputy_head, outcome="upheld", reason=""
        )
    assert no_reason.value.field == "reason"
    with committed():
        services.face_dispute_resolve(
            dispute=dispute, actor=deputy_head, outcome="rejected", reason="It is Barack"
        )
    dispute.refresh_from_db()
    assert dispute.status == "rejected" and dispute.resolved_by_id == deputy_head.pk


def test_r1_an_upheld_dispute_leaves_the_face_unknown_and_never_reidentified(
    teacher: Any, head_teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert _rules(post) == ["R1"]
    with committed():
        dispute = services.face_dispute_raise(face=_face(post), actor=teacher, reason="Not him")
        services.face_dispute_resolve(
            dispute=dispute, actor=head_teacher, outcome="upheld", reason="It is his cousin"
        )
    post.refresh_from_db()
    # The checks ran again with Barack still in the gallery: the face stays unknown (R2).
    assert post.status == S.NEEDS_TAGGING and _rules(post) == ["R2"]
    face = _face(post)
    assert face.person_id is None and face.identity_dispute == "upheld"
    with committed():
        services.face_tag(face=face, actor=teacher, tag="adult_consent", adult_name="Mr O. Senior")
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL
    assert "post.face_dispute_resolved" in _actions(post)


def test_r1_a_rejected_dispute_keeps_the_identification_and_its_consent_check(
    teacher: Any, head_teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with committed():
        dispute = services.face_dispute_raise(face=_face(post), actor=teacher, reason="Not him")
        services.face_dispute_resolve(
            dispute=dispute, actor=head_teacher, outcome="rejected", reason="It is Barack"
        )
    post.refresh_from_db()
    assert post.status == S.BLOCKED and _rules(post) == ["R1"]
    assert _face(post).person_id == barack.pk
    assert all("resolve_dispute" not in f["remedies"] for f in _findings(post))
    with pytest.raises(Conflict, match=re.escape(services.FACE_IDENTIFIED)):
        services.face_tag(face=_face(post), actor=teacher, tag="not_a_face")


def test_r1_resolving_a_resolved_dispute_again_answers_it_or_conflicts(
    teacher: Any, head_teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with committed():
        dispute = services.face_dispute_raise(face=_face(post), actor=teacher, reason="Not him")
        services.face_dispute_resolve(
            dispute=dispute, actor=head_teacher, outcome="upheld", reason="Cousin"
        )
    version = Post.objects.get(pk=post.pk).version
    again = services.face_dispute_resolve(
        dispute=dispute, actor=head_teacher, outcome="upheld", reason="Cousin"
    )
    assert again.status == "upheld" and Post.objects.get(pk=post.pk).version == version
    resolved = services.DISPUTE_ALREADY_RESOLVED.format(status="upheld")
    with pytest.raises(Conflict, match=re.escape(resolved)) as conflict:
        services.face_dispute_resolve(
            dispute=dispute, actor=head_teacher, outcome="rejected", reason="Changed my mind"
        )
    assert conflict.value.field == "outcome"
    assert _actions(post).count("post.face_dispute_resolved") == 1


@commits_for_real
def test_r1_dispute_and_resolution_through_the_api(
    api_as: Any, teacher: Any, head_teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    face = _face(post)
    url = f"/api/posts/{post.pk}/faces/{face.pk}/dispute"
    empty = api_as(teacher).post(url, {"reason": ""}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()
    raised = api_as(teacher).post(url, {"reason": "Not him"}, format="json")
    assert raised.status_code == 201, raised.json()
    body = raised.json()
    assert body["status"] == S.BLOCKED
    [shown] = body["images"][0]["faces"]
    [open_dispute] = shown["disputes"]
    assert open_dispute["status"] == "open" and open_dispute["reason"] == "Not him"
    assert open_dispute["raised_by_name"] == str(teacher)
    assert open_dispute["person_label"] == "Barack O."
    resolve = f"/api/posts/{post.pk}/disputes/{open_dispute['id']}/resolve"
    mine = api_as(teacher).post(resolve, {"outcome": "upheld", "reason": "x"}, format="json")
    assert mine.status_code == 403
    decided = api_as(head_teacher).post(
        resolve, {"outcome": "rejected", "reason": "It is him"}, format="json"
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["images"][0]["faces"][0]["disputes"][0]["status"] == "rejected"
    again = api_as(head_teacher).post(
        resolve, {"outcome": "upheld", "reason": "Hmm"}, format="json"
    )
    assert again.status_code == 409 and again.json()["field"] == "outcome"


# --- hole 2: adult tags are named, attributed and (by policy) confirmed (R2) --------------------


def test_r2_an_adult_tag_needs_the_adults_name(teacher: Any, tablet: Any, school: Any) -> None:
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with pytest.raises(InvalidInput, match=re.escape(services.ADULT_NAME_REQUIRED)) as refused:
        services.face_tag(face=_face(post), actor=teacher, tag="adult_consent", adult_name=" ")
    assert refused.value.field == "adult_name"
    assert _face(post).tag == "" and _rules(post) == ["R2"]


def test_r2_an_adult_tag_records_who_tagged_it_when_and_which_adult(
    api_as: Any, teacher: Any, head_teacher: Any, tablet: Any, school: Any
) -> None:
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        response = api_as(teacher).post(
            f"/api/posts/{post.pk}/faces/{_face(post).pk}/tag",
            {"tag": "adult_consent", "adult_name": "Mr Joe Biden (governor)"},
            format="json",
        )
    assert response.status_code == 200, response.json()
    face = _face(post)
    assert face.tagged_by_id == teacher.pk and face.tagged_at is not None
    assert face.adult_name == "Mr Joe Biden (governor)"
    # The approver sees it on the review page and in the post's history.
    [shown] = api_as(head_teacher).get(f"/api/posts/{post.pk}").json()["images"][0]["faces"]
    assert shown["adult_name"] == "Mr Joe Biden (governor)"
    assert shown["tagged_by_name"] == str(teacher) and shown["tagged_at"]
    history = api_as(head_teacher).get(f"/api/posts/{post.pk}/history").json()
    [tagged] = [e for e in history if e["action"] == "post.face_tagged"]
    assert tagged["actor_label"] == teacher.email
    assert tagged["data"]["adult_name"] == "Mr Joe Biden (governor)"


def test_r2_by_policy_a_staff_adult_tag_waits_for_another_leaders_confirmation(
    teacher: Any, head_teacher: Any, tablet: Any, school: Any
) -> None:
    policy = approvals.school_policy_get_or_create(school)
    policy.adult_tags_need_leader_confirmation = True
    policy.save()
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.face_tag(
            face=_face(post), actor=teacher, tag="adult_consent", adult_name="Mr Biden"
        )
    post.refresh_from_db()
    assert post.status == S.NEEDS_TAGGING and _rules(post) == ["R2"]
    [finding] = _findings(post)
    assert finding["message"] == MSG_R2_ADULT_UNCONFIRMED.format(name="Mr Biden")
    assert "confirm_adult" in finding["remedies"]
    with pytest.raises(Refused, match=re.escape(services.NOT_LEADER)):
        services.face_adult_confirm(face=_face(post), actor=teacher)
    with committed():
        face = services.face_adult_confirm(face=_face(post), actor=head_teacher)
    assert face.adult_confirmed_by_id == head_teacher.pk and face.adult_confirmed_at
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL
    assert "post.face_adult_confirmed" in _actions(post)


def test_r2_by_policy_a_leader_cannot_confirm_their_own_adult_tag_but_needs_not(
    head_teacher: Any, deputy_head: Any, teacher: Any, tablet: Any, school: Any
) -> None:
    policy = approvals.school_policy_get_or_create(school)
    policy.adult_tags_need_leader_confirmation = True
    policy.save()
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        face = services.face_tag(
            face=_face(post), actor=head_teacher, tag="adult_consent", adult_name="Mrs Biden"
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and face.adult_confirmed_by_id == head_teacher.pk


@commits_for_real
def test_r2_a_leaders_confirmation_through_the_api(
    api_as: Any, teacher: Any, head_teacher: Any, tablet: Any, school: Any
) -> None:
    policy = approvals.school_policy_get_or_create(school)
    policy.adult_tags_need_leader_confirmation = True
    policy.save()
    post = submitted(teacher, tablet, images=("biden.jpg",))
    services.face_tag(face=_face(post), actor=teacher, tag="adult_consent", adult_name="Mr Biden")
    url = f"/api/posts/{post.pk}/faces/{_face(post).pk}/confirm-adult"
    assert api_as(teacher).post(url).status_code == 403
    confirmed = api_as(head_teacher).post(url)
    assert confirmed.status_code == 200, confirmed.json()
    [shown] = confirmed.json()["images"][0]["faces"]
    assert shown["adult_confirmed_by_name"] == str(head_teacher)
    assert confirmed.json()["status"] == S.AWAITING_APPROVAL
    assert api_as(head_teacher).post(url).status_code == 200  # safe to repeat


def test_r2_the_adult_tag_policy_switch_is_shown_with_the_school_policy(
    api_as: Any, head_teacher: Any, school: Any
) -> None:
    url = f"/api/schools/{school.pk}/publishing"
    assert api_as(head_teacher).get(url).json()["adult_tags_need_leader_confirmation"] is False
    policy = approvals.school_policy_get_or_create(school)
    policy.adult_tags_need_leader_confirmation = True
    policy.save()
    assert api_as(head_teacher).get(url).json()["adult_tags_need_leader_confirmation"] is True


def test_r2_the_adult_tag_policy_switch_can_be_set_in_the_admin(school: Any) -> None:
    from django.test import Client

    from backend.accounts.models import Role
    from tests.factories import member

    operator = member(school, Role.TRUST_ADMIN, email="ops@oakfield.test")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    policy = approvals.school_policy_get_or_create(school)
    client = Client()
    client.force_login(operator)
    response = client.post(
        f"/admin/moderation/schoolpolicy/{policy.pk}/change/",
        {
            "school": school.pk,
            "approvals_required": 1,
            "approvals_required_identifiable_pupils": 1,
            "adult_tags_need_leader_confirmation": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.adult_tags_need_leader_confirmation
