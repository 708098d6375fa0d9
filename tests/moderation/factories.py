"""Build posts, people and consent for the checks' tests, through the real services where
the rule under test lives elsewhere."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.utils import timezone

from backend.accounts.models import Device
from backend.common.crypto import encrypt_bytes
from backend.faces.detect import DetectorSettings, detect_faces
from backend.faces.encode import encode_faces
from consent.models import (
    ConsentRecord,
    Decision,
    FaceEnrolment,
    FlagKind,
    GivenBy,
    Method,
    Person,
    Purpose,
    SafeguardingFlag,
)
from moderation import services
from moderation.models import Post
from publishers.selectors import channel_kinds_connected
from tests.commits import committed
from tests.publishers.factories import connect

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "faces"
ALL_PHOTO = [
    Purpose.PHOTO_WEBSITE,
    Purpose.PHOTO_X,
    Purpose.PHOTO_FACEBOOK,
    Purpose.PHOTO_INSTAGRAM,
]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def person(
    school: Any,
    first: str,
    last: str,
    *,
    kind: str = "pupil",
    mis_id: str = "",
    preferred: str = "",
) -> Person:
    return Person.objects.create(
        school=school,
        kind=kind,
        legal_first_name=first,
        preferred_first_name=preferred,
        last_name=last,
        mis_id=mis_id or f"{first[:1]}{last}".upper(),
        date_of_birth=timezone.localdate().replace(year=2016),
    )


def record(who: Person, *purposes: str, decision: str = Decision.GRANTED) -> None:
    """Decisions as the MIS holds them (written consent on file)."""
    for purpose in purposes:
        ConsentRecord.objects.create(
            person=who,
            purpose=purpose,
            decision=decision,
            given_by=GivenBy.MIS,
            method=Method.MIS_IMPORT,
            given_on=timezone.localdate(),
            evidence_reference="held in the MIS",
        )


def flag(who: Person, kind: str = FlagKind.LOOKED_AFTER) -> None:
    SafeguardingFlag.objects.create(person=who, kind=kind)


def open_dpia(school: Any) -> None:
    school.dpia_reference, school.dpo_name = "DPIA-2026-01", "Dee Protection"
    school.dpia_signed_at = timezone.now()
    school.save()


_ENCODINGS: dict[str, np.ndarray] = {}


def enrol(who: Person, photo: str) -> FaceEnrolment:
    """Store a reference encoding as the consent app does (encrypted at rest)."""
    if photo not in _ENCODINGS:
        data = fixture_bytes(photo)
        boxes = detect_faces(data, DetectorSettings(small_face_pass=False, upsample=1)).boxes
        _ENCODINGS[photo] = np.asarray(encode_faces(data, list(boxes[:1]))[0], dtype=np.float64)
    enrolment = FaceEnrolment(
        person=who,
        photo_sha256="0" * 64,
        encoding_encrypted=encrypt_bytes(_ENCODINGS[photo].tobytes()),
    )
    enrolment.photo.save("ref.jpg", ContentFile(b"ref"), save=False)
    enrolment.save()
    return enrolment


def draft(
    author: Any,
    device: Device,
    *,
    text: str = "Sports day!",
    channels: tuple[str, ...] = ("website",),
    images: tuple[str, ...] = (),
    alt: str = "Children at sports day",
) -> Post:
    post = services.post_create(author=author, device=device, text=text, channels=channels)
    for name in images:
        data = (
            fixture_bytes(name)
            if isinstance(name, str) and not name.startswith("/")
            else Path(name).read_bytes()
        )
        services.post_image_add(post=post, actor=author, device=device, data=data, alt_text=alt)
    return post


def submitted(author: Any, device: Device, **kwargs: Any) -> Post:
    """Draft and submit; with eager tasks the checks have run when this returns. The
    school has an account connected for every channel asked for (submission needs one)."""
    post = draft(author, device, **kwargs)
    connect_missing(post.school, post.channels)
    with committed():
        services.post_submit(post=post, actor=author, device=device)
    post.refresh_from_db()
    return post


def connect_missing(school: Any, channels: Sequence[str]) -> None:
    """Connect an account for each of ``channels`` the school lacks (issue 17, item 6)."""
    for kind in set(channels) - channel_kinds_connected(school_id=school.pk):
        connect(school, kind)
