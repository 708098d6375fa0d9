"""The face check of a 12 MP photo end to end, beside naive face_recognition in the same
process, and identification against a 20,000-enrolment gallery.

Workload (generated from the committed photos in tests/fixtures/faces, tests/faces/realistic.py):
- 1 face: obama2.jpg pasted at its own size on a 4000x3000 background;
- 20 faces: a 4000x3000 crowd of hand-marked faces, 24-90 px tall at the published size.
The school has 2,000 people with biometric and website consent and one enrolment each
(Obama's and Biden's real encodings among random ones of realistic length).

``face_check_12mp_ms``: what a worker does for one photo: read the school's gallery
(consent look-up, R3/R19), decode, detect, R1 sizes, encode identifiable faces, match, and
the rules (``evaluate``). Baseline: face_recognition as its README shows it (full-resolution
``load_image_file``, ``face_locations``, ``face_encodings``, ``compare_faces`` per face).
Recall (identifiable faces found) and wrong identifications of both paths are in notes.

``identify_per_face_us``: ``match_face`` of one encoding against 20,000 enrolments in a
prepared gallery (as the worker keeps it per school); baseline ``face_distance`` on the
list of encodings, as a naive caller would do per face.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .metrics import Metric, metric

PEOPLE = 2_000
IDENTIFY_GALLERY = 20_000
TEXT = "Well done to everyone at sports day"

Check = Callable[[bytes], tuple[list[Any], list[tuple[Any, str]]]]


def _register(school: Any, known: dict[str, np.ndarray]) -> dict[int, str]:
    """2,000 people with consent and one enrolment each; returns person id -> who."""
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
            for i in range(PEOPLE)
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
    names = list(known)
    encodings = [known[n] for n in names] + list(
        rng.normal(0, 0.09, size=(PEOPLE - len(names), 128))
    )
    FaceEnrolment.objects.bulk_create(
        [
            FaceEnrolment(
                person=p,
                photo=f"bench/{p.pk}.jpg",
                photo_sha256=f"{p.pk:064d}",
                encoding_encrypted=encrypt_bytes(np.asarray(enc, dtype=np.float64).tobytes()),
            )
            for p, enc in zip(persons, encodings, strict=True)
        ]
    )
    return {p.pk: (names[i] if i < len(names) else f"pupil-{i}") for i, p in enumerate(persons)}


def _known_encodings() -> dict[str, np.ndarray]:
    from backend.faces.detect import DetectorSettings, detect_faces
    from backend.faces.encode import encode_faces
    from tests.moderation.face_fixtures import fixture_bytes

    known = {}
    for person, filename in {"obama": "obama.jpg", "biden": "biden.jpg"}.items():
        data = fixture_bytes(filename)
        [box] = detect_faces(data, DetectorSettings(published_long_side=1200)).boxes
        known[person] = encode_faces(data, [box])[0]
    return known


def product_check(school: Any, who: dict[int, str]) -> Check:
    """The worker's face check of one photo, with the rules run on its faces."""
    from backend.faces.match import Gallery
    from consent import selectors as consent_selectors
    from moderation.checks.evaluate import CheckSettings, ImageView, analyse_image, evaluate

    check = CheckSettings.from_django()

    def run(data: bytes) -> tuple[list[Any], list[tuple[Any, str]]]:
        gallery = Gallery(
            consent_selectors.identification_gallery(school=school, purpose_note="bench")
        )
        detection, faces = analyse_image(data, check=check, gallery=gallery)
        view = ImageView(key="bench", alt_text="", faces=faces)
        evaluate(school=school, channels=["website"], text=TEXT, images=[view])
        identified = [(f.box, who[f.person_id]) for f in faces if f.person_id is not None]
        return list(detection.boxes), identified

    return run


def naive_check(entries: list[tuple[str, np.ndarray]]) -> Check:
    from backend.faces.detect import FaceBox
    from backend.faces.library import face_recognition_library

    fr = face_recognition_library()
    known = [enc for _, enc in entries]

    def run(data: bytes) -> tuple[list[Any], list[tuple[Any, str]]]:
        import io

        img = fr.load_image_file(io.BytesIO(data))
        locations = fr.face_locations(img)
        identified = []
        for location, encoding in zip(locations, fr.face_encodings(img, locations), strict=True):
            hits = fr.compare_faces(known, encoding)
            if any(hits):
                identified.append((FaceBox(*location), entries[hits.index(True)][0]))
        return [FaceBox(*loc) for loc in locations], identified

    return run


def _timed(check: Check, photo: Any, repeats: int) -> dict[str, Any]:
    """Median wall ms and CPU ms, identifiable recall and wrong identifications."""
    from backend.faces.match import Gallery
    from bench.faces_realistic import end_to_end

    result = end_to_end(photo, lambda data, _unused: check(data), Gallery([]), repeats)
    faces = result["identifiable_faces"]
    return {
        "ms": result["seconds_median"] * 1000,
        "cpu_ms": result["cpu_seconds_median"] * 1000,
        "recall": f"{round((result['identifiable_recall'] or 0) * faces)}/{faces}",
        "identified": result["identified"],
        "wrong": result["wrongly_identified"],
        "n": repeats,
    }


def _check_metrics(repeats: int, naive_repeats: int) -> list[Metric]:
    from django.utils import timezone

    from backend.accounts.models import School
    from tests.faces.realistic import crowd, portrait_on_canvas
    from tests.moderation.face_fixtures import fixture_bytes

    school = School.objects.create(
        slug="face-bench", name="Face Bench School", dpia_reference="D", dpo_name="DPO",
        dpia_signed_at=timezone.now(),
    )  # fmt: skip
    known = _known_encodings()
    who = _register(school, known)
    product = product_check(school, who)
    from consent import selectors as consent_selectors

    gallery = consent_selectors.identification_gallery(school=school, purpose_note="bench")
    naive = naive_check([(who[pid], enc) for pid, enc in gallery])
    warm = fixture_bytes("hopper.jpg")
    product(warm), naive(warm)  # models loaded and detectors built, as in a running worker
    photos = {
        "face_check_12mp_ms": portrait_on_canvas("obama2.jpg"),
        "face_check_12mp_20_faces_ms": crowd(
            count=20, published_heights=(24, 90), seed=5, name="20 faces"
        ),
    }
    metrics = []
    for name, photo in photos.items():
        mine = _timed(product, photo, repeats)
        base = _timed(naive, photo, naive_repeats)
        metrics.append(
            metric(
                name,
                mine["ms"],
                "ms",
                n=mine["n"],
                baseline=f"naive face_recognition (median of {base['n']})",
                baseline_value=base["ms"],
                notes=(
                    f"{len(photo.faces)} face(s) in 4000x3000, {PEOPLE} enrolments; "
                    f"recall {mine['recall']} vs naive {base['recall']}; identified "
                    f"{mine['identified']} (wrong {mine['wrong']}) vs naive "
                    f"{base['identified']} (wrong {base['wrong']}); CPU ms {mine['cpu_ms']:.0f} "
                    f"vs naive {base['cpu_ms']:.0f}"
                ),
            )
        )
    return metrics


def identify_metric(repeats: int = 300) -> Metric:
    """One encoding against 20,000 enrolments in a prepared gallery, vs face_distance."""
    from backend.faces.library import face_recognition_library
    from backend.faces.match import Gallery, match_face

    rng = np.random.default_rng(3)
    encodings = rng.normal(0, 0.09, size=(IDENTIFY_GALLERY, 128))
    entries = [(i // 2, enc) for i, enc in enumerate(encodings)]  # two enrolments a person
    start = time.perf_counter()
    gallery = Gallery(entries)
    build_ms = (time.perf_counter() - start) * 1000
    probes = [encodings[i] + rng.normal(0, 0.02, 128) for i in range(0, repeats * 7, 7)]
    match_face(probes[0], gallery, face_px=100)
    timings = []
    for probe in probes:
        start = time.perf_counter()
        match_face(probe, gallery, face_px=100)
        timings.append((time.perf_counter() - start) * 1e6)
    school = Gallery(entries[:PEOPLE])
    school_timings = []
    for probe in probes:
        start = time.perf_counter()
        match_face(probe, school, face_px=100)
        school_timings.append((time.perf_counter() - start) * 1e6)
    fr = face_recognition_library()
    known = list(encodings)
    naive = []
    for probe in probes[:10]:
        start = time.perf_counter()
        fr.face_distance(known, probe)
        naive.append((time.perf_counter() - start) * 1e6)
    return metric(
        "identify_per_face_us",
        statistics.median(timings),
        "us",
        n=len(timings),
        baseline="face_recognition.face_distance on the list of encodings (median of 10)",
        baseline_value=statistics.median(naive),
        notes=(
            f"{IDENTIFY_GALLERY} enrolments (2 per person), nearest and nearest other person; "
            f"gallery prepared once per school and worker ({build_ms:.0f} ms to build); "
            f"float32 screen + float64 check of the nearest; a school's {PEOPLE}: "
            f"{statistics.median(school_timings):.0f} us; "
            f"numpy threads {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}"
        ),
    )


def run(repeats: int = 5, naive_repeats: int = 2) -> dict[str, Any]:
    from bench.django_setup import setup

    setup()
    metrics = _check_metrics(repeats, naive_repeats)
    metrics.append(identify_metric())
    return {"metrics": metrics}


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
