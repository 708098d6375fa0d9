"""Biometric enrolment and its lifecycle (R3, R10, R14, R19): the DPIA gate, consent before
enrolment, encryption at rest, one face per reference photo, deletion when consent ends."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_SHELL
from backend.common.crypto import decrypt_bytes
from backend.common.errors import Conflict, InvalidInput, Refused
from backend.faces.decode import TOO_LARGE_TO_CHECK
from backend.faces.detect import detect_faces
from consent.faces import (
    MANY_FACES,
    MANY_FACES_CODE,
    NO_FACE,
    NOT_A_FACE_THERE,
    NOT_AN_IMAGE,
    reference_face,
)
from consent.models import (
    ConsentEnd,
    Decision,
    FaceEnrolment,
    GivenBy,
    Method,
    Person,
    Purpose,
    SweepState,
)
from consent.selectors import decode_encoding
from consent.services import (
    DPIA_FIELDS,
    DPIA_GATE_CLOSED,
    NO_BIOMETRIC_CONSENT,
    NOT_CONSENT_ADMIN,
    NOT_DPIA_ROLE,
    consent_end_dispatch,
    consent_end_handlers_run,
    consent_end_record,
    consent_expiry_sweep,
    consent_record,
    consent_withdraw,
    face_enrolment_create,
    face_enrolment_delete,
    face_enrolment_photo_read,
    flag_add,
    objection_record,
    person_leave,
    school_dpia_clear,
    school_dpia_record,
)
from consent.tasks import BEAT_SCHEDULE
from tests.consent import handlers
from tests.consent.conftest import photo_bytes, small_fixture
from tests.consent.factories import enrolment, record
from tests.faces.big_images import HUGE_ONE_BIT_SIZE, forbid_decoding, one_bit_png


@pytest.fixture
def gate(school: Any) -> Any:
    return school_dpia_record(
        school=school, reference="DPIA-2026-01", dpo_name="D. Officer", actor=SYSTEM_SHELL
    )


@pytest.fixture
def consented(pupil: Person, mum: Any) -> Person:
    consent_record(
        person=pupil,
        purpose=Purpose.BIOMETRIC,
        decision=Decision.GRANTED,
        given_by=GivenBy.CONTACT,
        contact=mum,
        method=Method.PAPER_FORM,
        evidence_reference="Signed form in the office file",
        actor=SYSTEM_SHELL,
    )
    return pupil


# --- R19: the DPIA gate ----------------------------------------------------------------------


def test_r19_enrolment_is_refused_until_the_dpia_is_recorded(
    consented: Person, fake_faces: None
) -> None:
    with pytest.raises(Conflict) as err:
        face_enrolment_create(person=consented, photos=[photo_bytes()], actor=SYSTEM_SHELL)
    assert err.value.message == DPIA_GATE_CLOSED
    assert not FaceEnrolment.objects.exists()


def test_r19_recording_the_dpia_opens_the_gate_and_is_audited(
    school: Any, head_teacher: Any
) -> None:
    assert not school.face_identification_enabled
    school_dpia_record(school=school, reference="DPIA-7", dpo_name="Dee", actor=head_teacher)
    school.refresh_from_db()
    assert school.face_identification_enabled
    event = AuditEvent.objects.get(action="school.dpia_recorded")
    assert event.data["reference"] == "DPIA-7" and event.actor == head_teacher
    school_dpia_clear(school=school, actor=head_teacher)
    school.refresh_from_db()
    assert not school.face_identification_enabled


def test_r19_the_dpia_needs_a_reference_and_the_dpo(school: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        school_dpia_record(school=school, reference="DPIA-7", dpo_name=" ", actor=SYSTEM_SHELL)
    assert err.value.message == DPIA_FIELDS


def test_r19_only_leaders_and_trust_admins_record_the_dpia(
    school: Any, data_manager: Any, teacher: Any, outsider: Any
) -> None:
    for actor in (data_manager, teacher, outsider):
        with pytest.raises(Refused) as err:
            school_dpia_record(school=school, reference="R", dpo_name="D", actor=actor)
        assert err.value.message == NOT_DPIA_ROLE


# --- R3: consent before enrolment ------------------------------------------------------------


def test_r3_enrolling_someone_without_biometric_consent_is_refused_clearly(
    pupil: Person, gate: Any, fake_faces: None
) -> None:
    with pytest.raises(Refused) as err:
        face_enrolment_create(person=pupil, photos=[photo_bytes()], actor=SYSTEM_SHELL)
    assert err.value.message.startswith("This person has no effective biometric consent")
    assert "no consent recorded" in err.value.message
    assert not FaceEnrolment.objects.exists()


def test_r3_enrolment_is_refused_after_the_pupil_objects(
    consented: Person, gate: Any, fake_faces: None
) -> None:
    objection_record(person=consented, purposes=[Purpose.BIOMETRIC], actor=SYSTEM_SHELL)
    refusal = NO_BIOMETRIC_CONSENT.format(reason="Biometric face matching: the pupil objected")
    with pytest.raises(Refused, match=re.escape(refusal)):
        face_enrolment_create(person=consented, photos=[photo_bytes()], actor=SYSTEM_SHELL)


def test_only_a_consent_admin_of_the_school_enrols(
    consented: Person,
    gate: Any,
    fake_faces: None,
    teacher: Any,
    head_teacher: Any,
    outsider: Any,
    data_manager: Any,
) -> None:
    for actor in (teacher, head_teacher, outsider):
        with pytest.raises(Refused) as err:
            face_enrolment_create(person=consented, photos=[photo_bytes()], actor=actor)
        assert err.value.message == NOT_CONSENT_ADMIN
    [created] = face_enrolment_create(person=consented, photos=[photo_bytes()], actor=data_manager)
    assert created.created_by == data_manager


# --- encryption at rest ----------------------------------------------------------------------


def test_the_encoding_is_stored_encrypted_not_raw(
    consented: Person, gate: Any, fake_faces: None
) -> None:
    from tests.consent.conftest import fake_reference_face

    data = photo_bytes(3)
    expected = fake_reference_face(data).encoding
    [created] = face_enrolment_create(person=consented, photos=[data], actor=SYSTEM_SHELL)
    raw = bytes(FaceEnrolment.objects.values_list("encoding_encrypted", flat=True).get())
    plain = expected.astype("<f8").tobytes()
    assert raw != plain
    assert plain not in raw and plain[:16] not in raw
    assert len(raw) > len(plain)  # a Fernet token, not 1024 bytes of floats
    np.testing.assert_array_equal(decode_encoding(raw), expected)
    assert decrypt_bytes(raw) == plain
    event = AuditEvent.objects.get(action="biometric.enrolled")
    assert event.data["person_id"] == consented.pk
    assert "encoding" not in str(event.data).lower()


def test_reference_photos_are_private_media_and_every_view_is_audited(
    consented: Person, gate: Any, fake_faces: None, data_manager: Any
) -> None:
    [created] = face_enrolment_create(person=consented, photos=[photo_bytes()], actor=SYSTEM_SHELL)
    assert created.photo.name.startswith(f"consent/faces/{consented.school_id}/")
    assert default_storage.exists(created.photo.name)
    data = face_enrolment_photo_read(enrolment=created, actor=data_manager)
    assert data[:3] == b"\xff\xd8\xff"
    assert AuditEvent.objects.filter(action="biometric.photo_viewed").count() == 1


def test_nothing_is_stored_unless_every_photo_is_good(
    consented: Person, gate: Any, fake_faces: None
) -> None:
    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(
            person=consented, photos=[photo_bytes(1), b"NOFACE"], actor=SYSTEM_SHELL
        )
    assert err.value.message == f"Photo 2: {NO_FACE}"
    assert not FaceEnrolment.objects.exists()


# --- the real detector: one dominant face -----------------------------------------------------


def consent_reference_encoding(name: str) -> np.ndarray:
    return reference_face(small_fixture(name, 600)).encoding


def _side_by_side(*names: str, long_side: int = 400) -> bytes:
    """Two portraits of similar size in one photo: nobody can tell which one is meant."""
    parts = [Image.open(io.BytesIO(small_fixture(name, long_side))) for name in names]
    canvas = Image.new("RGB", (sum(p.width for p in parts), max(p.height for p in parts)))
    x = 0
    for part in parts:
        canvas.paste(part, (x, 0))
        x += part.width
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_it_enrols_a_portrait_with_a_badge_on_the_suit(consented: Person, gate: Any) -> None:
    # The astronaut's round mission patch is a small second "face" to some detectors (the
    # previous HOG pipeline refused this portrait as showing two faces).
    [created] = face_enrolment_create(
        person=consented, photos=[small_fixture("astronaut.jpg", 512)], actor=SYSTEM_SHELL
    )

    assert decode_encoding(created.encoding_encrypted).shape == (128,)


def test_it_enrols_the_dominant_face_when_a_much_smaller_face_is_in_the_background(
    consented: Person, gate: Any
) -> None:
    with Image.open(io.BytesIO(small_fixture("obama2.jpg", 600))) as portrait:
        photo = portrait.convert("RGB")
    poster = Image.open(io.BytesIO(small_fixture("biden.jpg", 160)))
    photo.paste(poster, (photo.width - poster.width, 0))
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=90)
    assert len(detect_faces(out.getvalue()).boxes) == 2  # the poster face is found too

    [created] = face_enrolment_create(person=consented, photos=[out.getvalue()], actor=SYSTEM_SHELL)

    obama = consent_reference_encoding("obama2.jpg")
    assert np.linalg.norm(decode_encoding(created.encoding_encrypted) - obama) < 0.3


def test_a_real_portrait_is_enrolled_and_two_faces_or_none_are_refused(
    consented: Person, gate: Any
) -> None:
    [created] = face_enrolment_create(
        person=consented, photos=[small_fixture("obama2.jpg")], actor=SYSTEM_SHELL
    )
    encoding = decode_encoding(created.encoding_encrypted)
    assert encoding.shape == (128,) and np.linalg.norm(encoding) > 0.5

    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(
            person=consented,
            photos=[_side_by_side("obama.jpg", "biden.jpg")],
            actor=SYSTEM_SHELL,
        )
    assert err.value.message == MANY_FACES.format(count=2)

    blank = io.BytesIO()
    Image.new("RGB", (300, 300), (90, 140, 200)).save(blank, format="JPEG")
    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(person=consented, photos=[blank.getvalue()], actor=SYSTEM_SHELL)
    assert err.value.message == NO_FACE

    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(
            person=consented, photos=[b"%PDF-1.4 not a photo"], actor=SYSTEM_SHELL
        )
    assert err.value.message == NOT_AN_IMAGE
    assert FaceEnrolment.objects.count() == 1


def test_it_refuses_a_reference_photo_over_the_decoded_memory_budget_before_decoding_it(
    consented: Person, gate: Any, monkeypatch: Any
) -> None:
    data = one_bit_png(*HUGE_ONE_BIT_SIZE)  # 6 KB, 49 MP: ~150 MB once decoded as RGB
    forbid_decoding(monkeypatch)

    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(person=consented, photos=[data], actor=SYSTEM_SHELL)

    assert err.value.field == "photos"
    assert err.value.message == TOO_LARGE_TO_CHECK.format(megapixels=49, most=48)
    assert not FaceEnrolment.objects.exists()


def test_the_stored_reference_photo_has_no_metadata(consented: Person, gate: Any) -> None:
    with Image.open(io.BytesIO(small_fixture("obama2.jpg"))) as img:
        exif = Image.Exif()
        exif[0x010F] = "SchoolCam"  # Make
        tagged = io.BytesIO()
        img.save(tagged, format="JPEG", exif=exif)
    [created] = face_enrolment_create(
        person=consented, photos=[tagged.getvalue()], actor=SYSTEM_SHELL
    )
    with created.photo.open("rb") as fh, Image.open(fh) as stored:
        assert not stored.getexif()


# --- R10: deletion when consent ends ---------------------------------------------------------


@pytest.fixture
def enrolled(consented: Person, gate: Any) -> Person:
    enrolment(consented)
    enrolment(consented)
    return consented


def _photo_names(person: Person) -> list[str]:
    return [e.photo.name for e in FaceEnrolment.objects.filter(person=person)]


def test_r10_withdrawal_of_biometric_consent_deletes_encodings_and_is_audited(
    enrolled: Person, mum: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    names = _photo_names(enrolled)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            person=enrolled,
            purposes=[Purpose.BIOMETRIC],
            given_by=GivenBy.CONTACT,
            contact=mum,
            method=Method.PAPER_FORM,
            actor=SYSTEM_SHELL,
        )
    assert not FaceEnrolment.objects.filter(person=enrolled).exists()
    assert not any(default_storage.exists(name) for name in names)
    event = AuditEvent.objects.get(action="biometric.enrolments_deleted")
    assert event.data["count"] == 2 and event.data["reason"] == "withdrawn"
    assert ended_calls == [(enrolled.pk, "withdrawn")]


def test_r10_a_pupil_objection_deletes_encodings(
    enrolled: Person, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        objection_record(
            person=enrolled,
            purposes=[Purpose.BIOMETRIC],
            method=Method.VERBAL,
            notes="Said so to the class teacher",
            actor=SYSTEM_SHELL,
        )
    assert not FaceEnrolment.objects.filter(person=enrolled).exists()
    assert ended_calls == [(enrolled.pk, "objection")]


def test_r10_leaving_deletes_encodings_and_calls_the_takedown_handlers(
    enrolled: Person, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_leave(person=enrolled, actor=SYSTEM_SHELL)
    assert not FaceEnrolment.objects.filter(person=enrolled).exists()
    assert ended_calls == [(enrolled.pk, "left")]
    assert AuditEvent.objects.filter(action="consent.ended", target_id=str(enrolled.pk)).exists()


def test_r10_withdrawing_photo_consent_keeps_encodings_but_calls_takedown(
    enrolled: Person, mum: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record(enrolled, Purpose.PHOTO_X, contact=mum)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            person=enrolled,
            purposes=[Purpose.PHOTO_X],
            given_by=GivenBy.CONTACT,
            contact=mum,
            method=Method.VERBAL,
            actor=SYSTEM_SHELL,
        )
    assert FaceEnrolment.objects.filter(person=enrolled).count() == 2
    assert ended_calls == [(enrolled.pk, "withdrawn")]


def test_r10_a_new_flag_calls_the_takedown_handlers(
    pupil: Person,
    mum: Any,
    ended_calls: Any,
    safeguarding_lead: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    with django_capture_on_commit_callbacks(execute=True):
        flag_add(person=pupil, kind="adopted", actor=safeguarding_lead)
    assert ended_calls == [(pupil.pk, "do_not_publish")]


def test_nothing_is_handed_to_takedown_when_nothing_had_been_allowed(
    pupil: Person, mum: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        consent_record(
            person=pupil,
            purpose=Purpose.PHOTO_X,
            decision=Decision.REFUSED,
            given_by=GivenBy.CONTACT,
            contact=mum,
            method=Method.PAPER_FORM,
            actor=SYSTEM_SHELL,
        )
    assert callbacks == [] and ended_calls == []


def test_a_failing_handler_does_not_stop_the_others_and_the_work_stays_owed(
    enrolled: Person, ended_calls: Any
) -> None:
    Person.objects.filter(pk=enrolled.pk).update(on_roll=False)
    [end] = consent_end_record(person_ids=[enrolled.pk], reason="left")
    with (
        handlers.consent_ended_handlers_replaced(handlers.explode, handlers.remember),
        pytest.raises(RuntimeError),
    ):
        consent_end_handlers_run(end_ids=[end.pk])
    assert ended_calls == [(enrolled.pk, "left")]
    assert not FaceEnrolment.objects.filter(person=enrolled).exists()
    end.refresh_from_db()
    assert end.processed_at is None and end.attempts == 1
    assert "takedown service unavailable" in end.last_error


def test_consent_ended_processing_is_safe_to_run_twice(enrolled: Person, ended_calls: Any) -> None:
    Person.objects.filter(pk=enrolled.pk).update(on_roll=False)
    [end] = consent_end_record(person_ids=[enrolled.pk], reason="left")
    first = consent_end_handlers_run(end_ids=[end.pk])
    second = consent_end_handlers_run(end_ids=[end.pk])
    assert first == {"ends": 1, "encodings_deleted": 2}
    assert second == {"ends": 0, "encodings_deleted": 0}
    assert ended_calls == [(enrolled.pk, "left")]
    assert AuditEvent.objects.filter(action="consent.ended").count() == 1


def test_r10_work_lost_at_commit_is_queued_again_by_the_sweep(
    pupil: Person, ended_calls: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """The broker was down when the withdrawal committed: the outbox row survives and the
    beat sweep hands it to the worker a few minutes later."""

    def broker_down(**kwargs: Any) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr("consent.tasks.consent_ended.delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        consent_end_dispatch(person_ids=[pupil.pk], reason="withdrawn")
    end = ConsentEnd.objects.get()
    assert end.processed_at is None and ended_calls == []
    monkeypatch.undo()
    ConsentEnd.objects.filter(pk=end.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_expiry_sweep()["requeued"] == 1
    end.refresh_from_db()
    assert end.processed_at is not None and ended_calls == [(pupil.pk, "withdrawn")]


def test_r10_expiry_sweep_ends_expired_consent_and_deletes_encodings(
    pupil: Person, mum: Any, gate: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    record(
        pupil,
        Purpose.BIOMETRIC,
        Purpose.PHOTO_WEBSITE,
        contact=mum,
        evidence_reference="f",
        given_on=today - datetime.timedelta(300),
        expires_on=today - datetime.timedelta(1),
    )
    enrolment(pupil)
    SweepState.objects.create(
        name="consent.expire_due", last_run_at=timezone.now() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = consent_expiry_sweep()
    assert result["expired_people"] == 1
    assert not FaceEnrolment.objects.filter(person=pupil).exists()
    assert ended_calls == [(pupil.pk, "expired")]
    # The next run finds nothing new.
    ended_calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_expiry_sweep() == {
            "expired_people": 0,
            "encodings_deleted": 0,
            "requeued": 0,
        }
    assert ended_calls == []


def test_expiry_sweep_leaves_renewed_consent_alone(
    pupil: Person, mum: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    record(
        pupil,
        Purpose.PHOTO_WEBSITE,
        contact=mum,
        given_on=today - datetime.timedelta(300),
        expires_on=today - datetime.timedelta(1),
    )
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)  # renewed
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_expiry_sweep()["expired_people"] == 0
    assert ended_calls == []


def test_expire_due_is_exposed_for_the_beat_schedule() -> None:
    entry = BEAT_SCHEDULE["consent-expire-due"]
    assert entry["task"] == "consent.expire_due" and float(entry["schedule"]) <= 600


def test_removing_an_enrolment_deletes_the_photo_and_is_audited(
    enrolled: Person, data_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = FaceEnrolment.objects.filter(person=enrolled).first()
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        face_enrolment_delete(enrolment=first, actor=data_manager)
    assert not default_storage.exists(first.photo.name)
    assert FaceEnrolment.objects.filter(person=enrolled).count() == 1
    assert AuditEvent.objects.filter(action="biometric.enrolment_deleted").count() == 1


# Where the faces are in _side_by_side("obama.jpg", "biden.jpg"): fractions of its width
# and height, from the hand-marked boxes (tests/faces/realistic.py).
OBAMA_POINT, BIDEN_POINT, BACKGROUND_POINT = (0.34, 0.25), (0.86, 0.18), (0.1, 0.9)


def test_it_enrols_the_face_the_administrator_points_at(consented: Person, gate: Any) -> None:
    photo = _side_by_side("obama.jpg", "biden.jpg", long_side=600)
    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(person=consented, photos=[photo], actor=SYSTEM_SHELL)
    assert err.value.code == MANY_FACES_CODE  # the front end then asks for a point

    [created] = face_enrolment_create(
        person=consented, photos=[photo], actor=SYSTEM_SHELL, face_points=[BIDEN_POINT]
    )

    enrolled = decode_encoding(created.encoding_encrypted)
    biden = consent_reference_encoding("biden.jpg")
    obama = consent_reference_encoding("obama.jpg")
    assert np.linalg.norm(enrolled - biden) < 0.3 < np.linalg.norm(enrolled - obama)


def test_pointing_where_there_is_no_face_is_refused_naming_the_field(
    consented: Person, gate: Any
) -> None:
    with pytest.raises(InvalidInput) as err:
        face_enrolment_create(
            person=consented,
            photos=[_side_by_side("obama.jpg", "biden.jpg")],
            actor=SYSTEM_SHELL,
            face_points=[BACKGROUND_POINT],
        )

    assert (err.value.message, err.value.field) == (NOT_A_FACE_THERE, "face_points")
    assert not FaceEnrolment.objects.exists()
