"""End-to-end check time of a 12-megapixel JPEG with 1 and with 20 faces against 2,000
enrolled encodings: detection, identification, consent, names and contacts, exactly as the
`check_post` command runs them."""

import io
import json
import statistics
import sys
import time
from typing import Any

import numpy as np


def _photo_with_faces(count: int) -> bytes:
    from PIL import Image

    from tests.moderation.face_fixtures import group_photo

    cols = 5 if count >= 5 else count
    rows = max(1, count // cols)
    cell = int(150 * (1 + 2 * 0.6) * 1.15) + 4
    group = group_photo(width=cols * cell, height=rows * cell, face_heights=(150,), seed=count)
    canvas = Image.new("RGB", (4000, 3000), (110, 140, 90))
    with Image.open(io.BytesIO(group.jpeg)) as im:
        canvas.paste(im, (400, 300))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=90)
    return out.getvalue()


def _register(school: Any, people: int) -> None:
    from django.utils import timezone

    from backend.common.crypto import encrypt_bytes
    from consent.models import (
        ConsentRecord,
        Decision,
        FaceEnrolment,
        GivenBy,
        Method,
        Person,
        Purpose,
    )

    rng = np.random.default_rng(1)
    persons = Person.objects.bulk_create(
        [
            Person(
                school=school,
                legal_first_name=f"Pupil{i}",
                last_name=f"Surname{i}",
                mis_id=f"B{i:05d}",
            )
            for i in range(people)
        ]
    )
    today = timezone.localdate()
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                person=p,
                purpose=purpose,
                decision=Decision.GRANTED,
                given_by=GivenBy.MIS,
                method=Method.MIS_IMPORT,
                given_on=today,
            )
            for p in persons
            for purpose in (Purpose.BIOMETRIC, Purpose.PHOTO_WEBSITE)
        ]
    )
    encodings = rng.normal(0, 0.09, size=(people, 128))
    FaceEnrolment.objects.bulk_create(
        [
            FaceEnrolment(
                person=p,
                photo=f"bench/{p.pk}.jpg",
                photo_sha256="0" * 64,
                encoding_encrypted=encrypt_bytes(enc.astype(np.float64).tobytes()),
            )
            for p, enc in zip(persons, encodings, strict=True)
        ]
    )


def run(repeats: int = 3, people: int = 2000) -> dict[str, Any]:
    from bench.django_setup import setup

    setup()
    import tempfile
    from pathlib import Path

    from django.core.management import call_command
    from django.utils import timezone

    from backend.accounts.models import School

    school = School.objects.create(
        slug="bench",
        name="Bench School",
        dpia_reference="D",
        dpo_name="DPO",
        dpia_signed_at=timezone.now(),
    )
    _register(school, people)
    results: dict[str, Any] = {"enrolled_encodings": people}
    folder = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    for count in (1, 20):
        path = folder / f"{count}.jpg"
        path.write_bytes(_photo_with_faces(count))
        timings, found = [], 0
        for _ in range(repeats):
            out = io.StringIO()
            start = time.perf_counter()
            call_command(
                "check_post",
                school="bench",
                image=[str(path)],
                text="Well done to everyone at sports day",
                channel=["website"],
                json=True,
                stdout=out,
            )
            timings.append(time.perf_counter() - start)
            found = len(json.loads(out.getvalue())["faces"])
        results[f"check_12mp_{count}_faces_seconds"] = {
            "median": round(statistics.median(timings), 3),
            "min": round(min(timings), 3),
            "faces_found": found,
        }
    return results


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
