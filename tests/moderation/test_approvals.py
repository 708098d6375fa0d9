"""The approval queue: separation of duties (R8), policies, fail-closed release (R9),
expiry, the emergency pause and notifications."""

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import Role
from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_RELEASE
from backend.common.errors import Conflict, InvalidInput, Refused
from backend.operations.models import Notification
from consent.models import Purpose
from moderation import approvals, services
from moderation.models import Face, Post
from tests.commits import committed
from tests.factories import member
from tests.moderation.factories import ALL_PHOTO, person, record, submitted

S = Post.Status
LATER = timedelta(days=2)


@pytest.fixture
def publications(monkeypatch: Any) -> list[int]:
    """Stand-in for the publishers app's entry point: records which posts were released."""
    started: list[int] = []
    import publishers.services

    monkeypatch.setattr(
        publishers.services, "publications_start", lambda *, post_id: started.append(post_id)
    )
    return started


def _ready(author: Any, tablet: Any, **kwargs: Any) -> Post:
    post = submitted(author, tablet, text=kwargs.pop("text", "Our harvest festival"), **kwargs)
    assert post.status == S.AWAITING_APPROVAL, post.status_reason
    return post


def every_photo(post: Post) -> list[int]:
    """What the approver ticks on the review page: each photo shows no one else (R20)."""
    return list(post.images.values_list("id", flat=True))


def _tagged_pupil_post(teacher: Any, tablet: Any, school: Any, **kwargs: Any) -> Post:
    """A photo with one detected face, tagged as a pupil with photo consent everywhere."""
    pupil = person(school, "Joe", "Biden")
    record(pupil, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("biden.jpg",), **kwargs)
    with committed():
        services.face_tag(
            face=Face.objects.get(image__post=post), actor=teacher, tag="person", person_id=pupil.pk
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL, post.status_reason
    return post


def test_a_leader_approves_and_the_post_is_released(
    teacher: Any, head_teacher: Any, tablet: Any, publications: Any
) -> None:
    post = _ready(teacher, tablet)
    with committed():
        approvals.post_approve(
            post_id=post.pk, approver=head_teacher, content_hash=post.content_hash
        )
    post.refresh_from_db()
    assert post.status == S.PUBLISHING and publications == [post.pk]


def test_an_approval_with_a_future_time_schedules_the_post(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    post = _ready(teacher, tablet)
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            scheduled_at=timezone.now() + LATER,
        )
    post.refresh_from_db()
    assert post.status == S.SCHEDULED


@pytest.mark.parametrize(
    "role", [Role.STAFF, Role.LEADER, Role.DSL, Role.CONSENT_ADMIN, Role.TRUST_ADMIN]
)
def test_r8_nobody_approves_their_own_post_whatever_their_role(
    school: Any, tablet: Any, role: str
) -> None:
    author = member(school, Role.STAFF, Role.LEADER, role, email=f"{role}@oakfield.test")
    post = _ready(author, tablet)
    with pytest.raises(Refused) as err:
        approvals.post_approve(post_id=post.pk, approver=author, content_hash=post.content_hash)
    assert err.value.message == approvals.SELF_APPROVAL
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and not post.approvals.exists()


def test_a_teacher_cannot_approve(teacher: Any, school: Any, tablet: Any) -> None:
    other = member(school, Role.STAFF, email="other@oakfield.test")
    post = _ready(teacher, tablet)
    with pytest.raises(Refused) as err:
        approvals.post_approve(post_id=post.pk, approver=other, content_hash=post.content_hash)
    assert err.value.message == approvals.NOT_A_LEADER


def test_r8_approval_binds_to_the_content_the_leader_saw(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    post = _ready(teacher, tablet)
    seen = post.content_hash
    with committed():
        services.post_edit(post=post, actor=teacher, device=tablet, text="Our harvest festival!!")
    with pytest.raises(Conflict) as err:
        approvals.post_approve(post_id=post.pk, approver=head_teacher, content_hash=seen)
    assert err.value.message == approvals.CONTENT_CHANGED


def test_r8_an_edit_voids_earlier_approvals(
    teacher: Any, head_teacher: Any, deputy_head: Any, school: Any, tablet: Any
) -> None:
    policy = approvals.school_policy_get_or_create(school)
    policy.approvals_required = 2
    policy.save()
    post = _ready(teacher, tablet)
    approvals.post_approve(post_id=post.pk, approver=head_teacher, content_hash=post.content_hash)
    with committed():
        services.post_edit(
            post=post, actor=teacher, device=tablet, text="Harvest festival, updated"
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL
    assert not post.approvals.filter(voided_at__isnull=True).exists()
    approvals.post_approve(post_id=post.pk, approver=deputy_head, content_hash=post.content_hash)
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL  # one live approval of two


def test_two_leaders_are_needed_when_pupils_are_identifiable(
    teacher: Any, head_teacher: Any, deputy_head: Any, school: Any, tablet: Any, publications: Any
) -> None:
    policy = approvals.school_policy_get_or_create(school)
    policy.approvals_required_identifiable_pupils = 2
    policy.save()
    pupil = person(school, "Joe", "Biden")
    record(pupil, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.face_tag(
            face=Face.objects.get(image__post=post), actor=teacher, tag="person", person_id=pupil.pk
        )
    post.refresh_from_db()
    assert post.has_identifiable_pupils and post.status == S.AWAITING_APPROVAL
    photos = every_photo(post)
    approvals.post_approve(
        post_id=post.pk,
        approver=head_teacher,
        content_hash=post.content_hash,
        confirmed_images=photos,
    )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL
    with pytest.raises(Conflict, match=re.escape(approvals.ALREADY_APPROVED)):
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=photos,
        )
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=deputy_head,
            content_hash=post.content_hash,
            confirmed_images=photos,
        )
    post.refresh_from_db()
    assert post.status == S.PUBLISHING


def test_r20_a_photo_without_faces_needs_the_approvers_confirmation(
    teacher: Any, head_teacher: Any, tablet: Any, tmp_path: Any, publications: Any
) -> None:
    from PIL import Image

    path = tmp_path / "trophy.jpg"
    Image.new("RGB", (640, 480), (200, 180, 40)).save(path)
    post = _ready(teacher, tablet, images=(str(path),))
    unconfirmed = approvals.CONFIRM_EVERY_IMAGE.format(photos="photo 1")
    with pytest.raises(InvalidInput, match=re.escape(unconfirmed)) as err:
        approvals.post_approve(
            post_id=post.pk, approver=head_teacher, content_hash=post.content_hash
        )
    assert err.value.field == "confirmed_images"
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=every_photo(post),
        )
    post.refresh_from_db()
    assert post.status == S.PUBLISHING


def test_r20_a_photo_with_a_detected_face_still_needs_the_approvers_confirmation(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, publications: Any
) -> None:
    post = _tagged_pupil_post(teacher, tablet, school)

    with pytest.raises(InvalidInput) as err:
        approvals.post_approve(
            post_id=post.pk, approver=head_teacher, content_hash=post.content_hash
        )

    assert err.value.field == "confirmed_images" and "photo 1" in err.value.message
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and not post.approvals.exists()
    assert publications == []


def test_r20_every_photo_of_the_post_must_be_confirmed(
    teacher: Any, head_teacher: Any, tablet: Any, tmp_path: Any, publications: Any
) -> None:
    from PIL import Image

    paths = []
    for n, colour in enumerate(((200, 180, 40), (40, 140, 60))):
        paths.append(tmp_path / f"photo{n}.jpg")
        Image.new("RGB", (640, 480), colour).save(paths[-1])
    post = _ready(teacher, tablet, images=tuple(str(p) for p in paths))
    first, second = every_photo(post)

    with pytest.raises(InvalidInput) as err:
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=[first],
        )

    assert err.value.field == "confirmed_images"
    assert "photo 2" in err.value.message and "photo 1" not in err.value.message
    assert not post.approvals.exists() and publications == []


def test_r20_a_photo_of_another_post_does_not_count_as_confirmed(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, tmp_path: Any, publications: Any
) -> None:
    from PIL import Image

    post = _tagged_pupil_post(teacher, tablet, school)
    path = tmp_path / "trophy.jpg"
    Image.new("RGB", (640, 480), (200, 180, 40)).save(path)
    other = _ready(teacher, tablet, text="Another post", images=(str(path),))
    strangers = ", ".join(map(str, every_photo(other)))

    with pytest.raises(
        InvalidInput, match=re.escape(approvals.NOT_THIS_POSTS_IMAGE.format(ids=strangers))
    ) as err:
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=every_photo(post) + every_photo(other),
        )

    assert err.value.field == "confirmed_images"
    assert not post.approvals.exists() and publications == []


def test_r20_the_approval_and_its_audit_event_record_the_confirmed_photos(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, publications: Any
) -> None:
    post = _tagged_pupil_post(teacher, tablet, school)

    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=every_photo(post),
        )

    approval = post.approvals.get()
    assert approval.confirmed_images == every_photo(post)
    event = AuditEvent.objects.get(action="post.approval_recorded")
    assert event.data["confirmed_images"] == every_photo(post)
    post.refresh_from_db()
    assert post.status == S.PUBLISHING and publications == [post.pk]


def test_a_rejection_needs_a_reason_and_tells_the_author(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    post = _ready(teacher, tablet)
    with pytest.raises(InvalidInput, match=re.escape(approvals.REASON_REQUIRED)):
        approvals.post_reject(post_id=post.pk, actor=head_teacher, reason="  ")
    mail.outbox.clear()
    with committed():
        approvals.post_reject(post_id=post.pk, actor=head_teacher, reason="Wrong event date")
    post.refresh_from_db()
    assert post.status == S.REJECTED
    assert mail.outbox[0].to == [teacher.email] and "Wrong event date" in mail.outbox[0].body


def test_requested_changes_go_back_through_the_checks_when_edited(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    post = _ready(teacher, tablet)
    with committed():
        approvals.post_request_changes(
            post_id=post.pk, actor=head_teacher, comment="Say which year group"
        )
    post.refresh_from_db()
    assert post.status == S.CHANGES_REQUESTED
    assert post.notes.get().text == "Say which year group"
    with committed():
        services.post_edit(
            post=post, actor=teacher, device=tablet, text="Year 4's harvest festival"
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and post.version == 2


def test_leaders_are_emailed_when_a_post_awaits_approval(
    teacher: Any, head_teacher: Any, tablet: Any, school: Any
) -> None:
    mail.outbox.clear()
    _ready(teacher, tablet, text="Well done to the choir")
    assert [m.to for m in mail.outbox] == [[head_teacher.email]]
    assert "awaits your approval" in mail.outbox[0].subject


def test_r9_consent_withdrawn_before_publishing_stops_it(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, publications: Any
) -> None:
    pupil = person(school, "Joe", "Biden")
    record(pupil, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.face_tag(
            face=Face.objects.get(image__post=post), actor=teacher, tag="person", person_id=pupil.pk
        )
    post.refresh_from_db()
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            scheduled_at=timezone.now() + LATER,
            confirmed_images=every_photo(post),
        )
    record(pupil, Purpose.PHOTO_WEBSITE, decision="withdrawn")
    with committed():
        approvals.posts_release_due(
            actor=SYSTEM_RELEASE, now=timezone.now() + LATER + timedelta(minutes=1)
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and publications == []
    assert "Stopped at publish time" in post.status_reason
    assert not post.approvals.filter(voided_at__isnull=True).exists()


def test_an_unapproved_post_expires_at_its_scheduled_time(teacher: Any, tablet: Any) -> None:
    post = _ready(teacher, tablet)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    with committed():
        result = approvals.posts_release_due(actor=SYSTEM_RELEASE)
    post.refresh_from_db()
    assert post.status == S.EXPIRED and result["expired"] == 1


def test_an_emergency_pause_holds_scheduled_posts(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, publications: Any
) -> None:
    post = _ready(teacher, tablet)
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            scheduled_at=timezone.now() + LATER,
        )
    approvals.publishing_pause(actor=head_teacher, school=school, reason="Incident at school")
    due = timezone.now() + LATER + timedelta(minutes=1)
    approvals.posts_release_due(actor=SYSTEM_RELEASE, now=due)
    post.refresh_from_db()
    assert post.status == S.SCHEDULED and publications == []
    approvals.publishing_resume(actor=head_teacher, school=school)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now())
    with committed():
        approvals.posts_release_due(actor=SYSTEM_RELEASE)
    assert publications == [post.pk]


def test_r9_a_post_approved_during_a_pause_goes_out_when_publishing_resumes(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, publications: Any
) -> None:
    approvals.publishing_pause(actor=head_teacher, school=school, reason="Incident at school")
    post = _ready(teacher, tablet)
    with committed():
        approvals.post_approve(
            post_id=post.pk, approver=head_teacher, content_hash=post.content_hash
        )
    post.refresh_from_db()
    assert post.status == S.SCHEDULED and publications == []

    with committed():
        approvals.publishing_resume(actor=head_teacher, school=school)

    post.refresh_from_db()
    assert post.status == S.PUBLISHING and publications == [post.pk]


def test_r9_a_post_held_by_a_pause_is_checked_again_when_publishing_resumes(
    teacher: Any, head_teacher: Any, school: Any, tablet: Any, publications: Any
) -> None:
    approvals.publishing_pause(actor=head_teacher, school=school, reason="Incident at school")
    post = _tagged_pupil_post(teacher, tablet, school)
    with committed():
        approvals.post_approve(
            post_id=post.pk,
            approver=head_teacher,
            content_hash=post.content_hash,
            confirmed_images=every_photo(post),
        )
    pupil = Face.objects.get(image__post=post).person
    record(pupil, Purpose.PHOTO_WEBSITE, decision="withdrawn")

    with committed():
        approvals.publishing_resume(actor=head_teacher, school=school)
    # The beat comes round too: still nothing goes out.
    approvals.posts_release_due(actor=SYSTEM_RELEASE)

    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL and publications == []
    assert post.status_reason.startswith("Stopped at publish time")
    assert not post.approvals.filter(voided_at__isnull=True).exists()


def test_a_teacher_cannot_pause_publishing(teacher: Any, school: Any) -> None:
    with pytest.raises(Refused, match=re.escape(approvals.NOT_PAUSER)):
        approvals.publishing_pause(actor=teacher, school=school, reason="why not")


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_on_postgres_produce_one_outcome(
    school: Any, teacher: Any, head_teacher: Any, deputy_head: Any, tablet: Any, publications: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (make test runs on it)")
    post = _ready(teacher, tablet)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user: Any, action: str) -> None:
        from django.db import connections

        barrier.wait()
        try:
            if action == "approve":
                approvals.post_approve(
                    post_id=post.pk, approver=user, content_hash=post.content_hash
                )
            else:
                approvals.post_reject(post_id=post.pk, actor=user, reason="No")
            outcomes.append(action)
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(head_teacher, "approve")),
        threading.Thread(target=decide, args=(deputy_head, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    post.refresh_from_db()
    assert sorted(outcomes) in (["approve", "conflict"], ["conflict", "reject"])
    assert post.status in (S.PUBLISHING, S.REJECTED)
    assert (post.status == S.PUBLISHING) == ("approve" in outcomes)


def test_a_decisions_email_is_in_the_outbox_in_the_decisions_own_transaction(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    """Issue 16: nothing runs after this commit (a worker dying at that moment), yet the
    teacher's email is recorded with the decision, for the outbox's sender to send."""
    post = _ready(teacher, tablet)
    approvals.post_request_changes(post_id=post.pk, actor=head_teacher, comment="Add the date")
    waiting = Notification.objects.get(recipient=teacher.email)
    assert "changes requested" in waiting.subject and "Add the date" in waiting.body
    assert waiting.sent_at is None


def test_a_decision_rolled_back_leaves_no_email_behind(
    teacher: Any, head_teacher: Any, tablet: Any
) -> None:
    post = _ready(teacher, tablet)
    with pytest.raises(RuntimeError, match="crash"), transaction.atomic():
        approvals.post_reject(post_id=post.pk, actor=head_teacher, reason="Wrong date")
        raise RuntimeError("crash before commit")
    assert not Notification.objects.filter(recipient=teacher.email).exists()
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL
