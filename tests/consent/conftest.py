"""Fixtures for the consent tests: a pupil with a parent, consent-ended handler capture,
and a fast stand-in for the face detector (the real one is exercised in a few tests)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from backend.common.errors import InvalidInput
from consent import faces as consent_faces
from consent.faces import NO_FACE, ReferenceFace
from consent.models import Contact, Person
from tests.consent import handlers
from tests.consent.factories import ContactFactory, PersonFactory, tiny_jpeg

FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"


@pytest.fixture
def pupil(school: Any) -> Person:
    return PersonFactory(
        school=school, mis_id="UPN001", legal_first_name="Amelia", last_name="Hart"
    )


@pytest.fixture
def mum(pupil: Person) -> Contact:
    return ContactFactory(person=pupil, name="Sarah Hart", relationship="Mother")


@pytest.fixture
def dad(pupil: Person) -> Contact:
    return ContactFactory(person=pupil, name="Tom Hart", relationship="Father")


@pytest.fixture(autouse=True)
def _no_takedown_handlers() -> Iterator[None]:
    """Consent's tests do not depend on the publishers' takedown handler (it has its own
    tests); `ended_calls` registers a recording handler where a test needs one."""
    with handlers.consent_ended_handlers_replaced():
        yield


@pytest.fixture
def ended_calls() -> Iterator[list[tuple[int, str]]]:
    """Register the test handler and return the list of its calls."""
    handlers.CALLS.clear()
    with handlers.consent_ended_handlers_replaced(handlers.remember):
        yield handlers.CALLS
    handlers.CALLS.clear()


def fake_reference_face(
    data: bytes, *, face_point: tuple[float, float] | None = None
) -> ReferenceFace:
    """One face per photo unless the bytes start with NOFACE: fast and deterministic. The
    encoding is derived from the bytes (face_point is accepted and ignored)."""
    if data.startswith(b"NOFACE"):
        raise InvalidInput(NO_FACE, field="photo")
    seed = int.from_bytes(hashlib.sha256(data).digest()[:4], "big")
    encoding = np.random.default_rng(seed).normal(0, 0.1, 128).astype(np.float64)
    return ReferenceFace(encoding=encoding, stored_jpeg=tiny_jpeg())


@pytest.fixture
def fake_faces(monkeypatch: Any) -> None:
    monkeypatch.setattr("consent.services.enrolment.reference_face", fake_reference_face)


def photo_bytes(seed: int = 1) -> bytes:
    """A distinct small JPEG (big enough for the fake detector to 'find' a face)."""
    rng = np.random.default_rng(seed)
    out = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (48, 48, 3), dtype=np.uint8)).save(out, format="JPEG")
    return out.getvalue()


def small_fixture(name: str, long_side: int = 400) -> bytes:
    """A committed face photo scaled down, so the real detector runs in a fraction of a
    second."""
    with Image.open(FACES / name) as original:
        img = original.convert("RGB")
    img.thumbnail((long_side, long_side))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


__all__ = ["consent_faces", "fake_reference_face", "photo_bytes", "small_fixture"]
