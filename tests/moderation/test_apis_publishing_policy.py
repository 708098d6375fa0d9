"""Issue 14 item 5: a leader edits the school's approval policy and its R21 image guidance
through PATCH /api/schools/<id>/publishing, and the R21 finding carries the face's share."""

from pathlib import Path
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from moderation import approvals
from tests.faces.realistic import jpeg_bytes, source_image
from tests.moderation.factories import submitted


def _url(school: Any) -> str:
    return f"/api/schools/{school.pk}/publishing"


def _big_photo(tmp_path: Path) -> str:
    big = tmp_path / "big.jpg"
    big.write_bytes(jpeg_bytes(source_image("biden.jpg").resize((1940, 4408))))
    return str(big)


def test_it_r21_publishes_the_next_photo_at_the_long_side_a_leader_set(
    api_as: Any, head_teacher: Any, teacher: Any, tablet: Any, school: Any, tmp_path: Path
) -> None:
    response = api_as(head_teacher).patch(_url(school), {"published_long_side": 800}, format="json")

    assert response.status_code == 200
    post = submitted(teacher, tablet, images=(_big_photo(tmp_path),))
    image = post.images.get()
    assert max(image.large_width, image.large_height) == 800


def test_it_shows_the_effective_long_side_and_whether_it_is_the_default(
    api_as: Any, head_teacher: Any, school: Any
) -> None:
    client = api_as(head_teacher)

    before = client.get(_url(school)).json()
    changed = client.patch(_url(school), {"published_long_side": 960}, format="json").json()
    reset = client.patch(_url(school), {"published_long_side": None}, format="json").json()

    pick = ("published_long_side", "published_long_side_is_default")
    assert [tuple(body[k] for k in pick) for body in (before, changed, reset)] == [
        (1280, True),
        (960, False),
        (1280, True),
    ]


def test_it_lets_a_leader_make_close_ups_block(api_as: Any, head_teacher: Any, school: Any) -> None:
    body = (
        api_as(head_teacher)
        .patch(_url(school), {"close_up_faces_block": True}, format="json")
        .json()
    )

    assert body["close_up_faces_block"] is True
    assert approvals.school_policy_get_or_create(school).close_up_faces_block is True


def test_it_audits_a_policy_change_with_before_and_after(
    api_as: Any, head_teacher: Any, school: Any
) -> None:
    api_as(head_teacher).patch(
        _url(school), {"published_long_side": 800, "daily_digest": True}, format="json"
    )

    event = AuditEvent.objects.get(action="policy.changed")
    assert event.actor == head_teacher
    assert event.data["changed"] == {"published_long_side": 800, "daily_digest": True}
    assert event.data["before"] == {"published_long_side": None, "daily_digest": False}


def test_it_refuses_a_member_of_staff_with_403_and_changes_nothing(
    api_as: Any, teacher: Any, school: Any
) -> None:
    response = api_as(teacher).patch(_url(school), {"published_long_side": 4096}, format="json")

    assert response.status_code == 403
    assert approvals.school_policy_get_or_create(school).published_long_side is None
    assert not AuditEvent.objects.filter(action="policy.changed").exists()


def test_it_answers_404_for_a_school_that_is_not_the_leaders(
    api_as: Any, head_teacher: Any, other_school: Any
) -> None:
    response = api_as(head_teacher).patch(
        _url(other_school), {"published_long_side": 800}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("value", [99_999, 319, "large"])
def test_it_answers_400_naming_published_long_side_for_a_bad_value(
    api_as: Any, head_teacher: Any, school: Any, value: Any
) -> None:
    response = api_as(head_teacher).patch(
        _url(school), {"published_long_side": value}, format="json"
    )

    assert response.status_code == 400
    assert "published_long_side" in response.json()
    assert approvals.school_policy_get_or_create(school).published_long_side is None


def test_it_writes_nothing_when_one_of_several_settings_is_bad(
    api_as: Any, head_teacher: Any, school: Any
) -> None:
    response = api_as(head_teacher).patch(
        _url(school), {"close_up_faces_block": True, "approvals_required": 0}, format="json"
    )

    assert (response.status_code, response.json()["field"]) == (400, "approvals_required")
    assert approvals.school_policy_get_or_create(school).close_up_faces_block is False


def test_it_r21_gives_the_close_up_finding_the_measured_face_share(
    api_as: Any, teacher: Any, tablet: Any, school: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))  # head and shoulders

    body = api_as(teacher).get(f"/api/posts/{post.pk}").json()

    [finding] = [f for f in body["check_run"]["findings"] if f["rule"] == "R21"]
    assert finding["face_share"] == pytest.approx(0.15, abs=0.005)
    assert "fills 15% of this photo" in finding["message"]
