"""What each leader last saw of a post, kept on the server, and the text compared word by
word (issue 17, item 9)."""

from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import Role
from moderation.word_diff import word_diff
from tests.commits import commits_for_real
from tests.factories import member


def _submitted_post(client: Any, text: str) -> int:
    post_id: int = client.post(
        "/api/posts", {"text": text, "channels": ["website"]}, format="json"
    ).json()["id"]
    client.post(f"/api/posts/{post_id}/submit")
    return post_id


def _edit_text(client: Any, post_id: int, text: str) -> None:
    client.patch(f"/api/posts/{post_id}", {"text": text}, format="json")


@pytest.fixture
def teacher_tablet(tablet_as: Any, teacher: Any) -> Any:
    return tablet_as(teacher)


@commits_for_real
def test_a_leader_on_a_second_device_learns_the_version_they_saw_on_the_first(
    teacher_tablet: Any, api_as: Any, head_teacher: Any
) -> None:
    post_id = _submitted_post(teacher_tablet, "Choir at 3pm in the hall")
    phone = api_as(head_teacher)
    first = phone.post(f"/api/posts/{post_id}/seen").json()
    assert first == {"version": 1, "previous_version": None}

    _edit_text(teacher_tablet, post_id, "Choir at 4pm in the hall")
    laptop = api_as(head_teacher)  # another session: nothing shared but the server
    second = laptop.post(f"/api/posts/{post_id}/seen").json()
    assert second == {"version": 2, "previous_version": 1}


@commits_for_real
def test_marking_a_post_seen_twice_keeps_the_version_seen(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any
) -> None:
    post_id = _submitted_post(tablet_as(teacher), "Choir at 3pm")
    leader = api_as(head_teacher)
    leader.post(f"/api/posts/{post_id}/seen")
    again = leader.post(f"/api/posts/{post_id}/seen")
    assert again.status_code == 200
    assert again.json() == {"version": 1, "previous_version": 1}


@commits_for_real
def test_what_each_leader_saw_is_kept_apart(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any, school: Any
) -> None:
    deputy = member(school, Role.LEADER, email="deputy@oakfield.test")
    post_id = _submitted_post(tablet_as(teacher), "Choir at 3pm")
    api_as(head_teacher).post(f"/api/posts/{post_id}/seen")
    assert api_as(deputy).post(f"/api/posts/{post_id}/seen").json()["previous_version"] is None


@commits_for_real
def test_the_author_who_is_not_a_leader_cannot_mark_a_post_seen(
    tablet_as: Any, api_as: Any, teacher: Any
) -> None:
    post_id = _submitted_post(tablet_as(teacher), "Choir at 3pm")
    response = api_as(teacher).post(f"/api/posts/{post_id}/seen")
    assert response.status_code == 403
    assert "leadership team" in response.json()["detail"]


@commits_for_real
def test_a_leader_of_another_school_is_told_the_post_does_not_exist(
    tablet_as: Any, api_as: Any, teacher: Any, other_school: Any
) -> None:
    post_id = _submitted_post(tablet_as(teacher), "Choir at 3pm")
    stranger = member(other_school, Role.LEADER, email="head@elmwood.test")
    assert api_as(stranger).post(f"/api/posts/{post_id}/seen").status_code == 404


@commits_for_real
def test_the_diff_marks_only_the_changed_words(
    teacher_tablet: Any, api_as: Any, head_teacher: Any
) -> None:
    post_id = _submitted_post(teacher_tablet, "Amara Okoye sang at the choir concert today")
    _edit_text(teacher_tablet, post_id, "Amara sang beautifully at the choir concert today")
    diff = api_as(head_teacher).get(f"/api/posts/{post_id}/diff?since=1").json()
    changed = [
        (c["change"], c["text"].strip()) for c in diff["text_changes"] if c["change"] != "same"
    ]
    assert changed == [("removed", "Okoye"), ("added", "beautifully")]


def test_a_word_diff_rebuilds_the_new_text_exactly_and_the_old_words() -> None:
    before, after = "Sports day:\nYear 4 won the relay.", "  Sports day:\nYear 5 won the relay!"
    changes = word_diff(before, after)
    assert "".join(c["text"] for c in changes if c["change"] != "removed") == after
    assert "".join(c["text"] for c in changes if c["change"] != "added").split() == before.split()
    assert {"change": "removed", "text": "4 "} in changes


def test_moving_a_line_break_changes_no_word() -> None:
    assert [
        c["change"] for c in word_diff("Choir at 3pm\nin the hall", "Choir at 3pm in the hall")
    ] == ["same"]


@commits_for_real
def test_an_operator_can_read_what_each_leader_last_saw_in_the_admin_but_not_change_it(
    teacher_tablet: Any, api_as: Any, head_teacher: Any, school: Any
) -> None:
    post_id = _submitted_post(teacher_tablet, "Choir at 3pm in the hall")
    api_as(head_teacher).post(f"/api/posts/{post_id}/seen")
    operator = member(school, Role.TRUST_ADMIN, email="ops@oakfield.test")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    admin = Client()
    admin.force_login(operator)
    listing = admin.get("/admin/moderation/postseen/")
    assert listing.status_code == 200
    [row] = listing.context["cl"].result_list
    assert (row.post_id, row.user_id, row.version) == (post_id, head_teacher.pk, 1)
    assert admin.get("/admin/moderation/postseen/add/").status_code == 403
