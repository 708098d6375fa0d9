"""Factories for the register. Records made here bypass the services on purpose: the
derivation must be right even for data that reached the table another way (old imports,
a changed competence age), so its tests feed it such records directly."""

from __future__ import annotations

import datetime
import io
from typing import Any

import factory
import numpy as np
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from backend.common.crypto import encrypt_bytes
from consent.models import (
    ConsentRecord,
    Contact,
    Decision,
    FaceEnrolment,
    FlagKind,
    GivenBy,
    Method,
    Person,
    PersonKind,
    SafeguardingFlag,
)
from tests.factories import SchoolFactory


def years_ago(years: float) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=round(years * 365.25))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    school = factory.SubFactory(SchoolFactory)
    kind = PersonKind.PUPIL
    mis_id = factory.Sequence(lambda n: f"A{n:06d}")
    legal_first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    year_group = "Year 5"
    date_of_birth = factory.LazyFunction(lambda: years_ago(9.5))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    person = factory.SubFactory(PersonFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "Mother"
    has_parental_responsibility = True
    court_order = False


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingFlag

    person = factory.SubFactory(PersonFactory)
    kind = FlagKind.LOOKED_AFTER
    note = "Placed with foster carers; birth family must not find the child."


def record(
    person: Person,
    *purposes: str,
    decision: str = Decision.GRANTED,
    contact: Contact | None = None,
    given_by: str | None = None,
    method: str = Method.PAPER_FORM,
    given_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    evidence_reference: str = "",
    **extra: Any,
) -> list[ConsentRecord]:
    """Append records directly (no service checks). Grants default to a year's expiry."""
    given_on = given_on or timezone.localdate()
    if given_by is None:
        given_by = GivenBy.CONTACT if contact is not None else GivenBy.SELF
    if decision == Decision.GRANTED and expires_on is None:
        expires_on = given_on + datetime.timedelta(days=365)
    return [
        ConsentRecord.objects.create(
            person=person,
            purpose=purpose,
            decision=decision,
            given_by=given_by,
            contact=contact,
            method=method,
            given_on=given_on,
            expires_on=expires_on if decision == Decision.GRANTED else None,
            evidence_reference=evidence_reference,
            **extra,
        )
        for purpose in purposes
    ]


def tiny_jpeg(colour: tuple[int, int, int] = (200, 150, 120), size: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="JPEG")
    return out.getvalue()


def vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.1, 128).astype(np.float64)


def enrolment(person: Person, encoding: np.ndarray | None = None) -> FaceEnrolment:
    """An enrolment stored the way the service stores it, without running a detector."""
    encoding = vector(person.pk) if encoding is None else encoding
    e = FaceEnrolment(
        person=person,
        photo_sha256="0" * 64,
        encoding_encrypted=encrypt_bytes(encoding.astype("<f8").tobytes()),
    )
    e.photo.save("face.jpg", ContentFile(tiny_jpeg()), save=False)
    e.save()
    return e
