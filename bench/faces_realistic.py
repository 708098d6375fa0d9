"""Faces on realistic photos: the product vs naive face_recognition vs the previous HOG pipeline.

Run: .venv/bin/python -m bench.faces_realistic [--repeats 3] [--json out.json]

Everything is measured in one run, on the same photos (tests/faces/realistic.py: real
photos with hand-marked faces, augmented to model school photos, and crowds of small faces):

1. Recall of identifiable faces (R1 at the 2026 default published long side, 1280 px), by
   pose and by face height at the published size, false alarms, CPU seconds.
2. End-to-end face check of a 12 MP JPEG with 1 face and with 20 faces: decode, detect,
   R1, encode, match against an enrolment gallery. Wall-clock median over `repeats` runs,
   CPU seconds, recall, and every identification checked against who the face really is
   (a stranger identified as an enrolled person is counted, never excused).

Pipelines:
- product: `detect_faces()` defaults (RetinaFace + libfacedetection), encode only faces that
  can be identified (>= min_identify_px), match with a prepared `Gallery`;
- previous: the HOG pipeline exactly as it shipped (`model="hog"`, scan for a 2048 px
  variant), encoding every identifiable face;
- naive: face_recognition as its README shows it: `load_image_file` at full resolution,
  `face_locations` (HOG, upsample 1), `face_encodings`, `compare_faces` per enrolment.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from backend.faces.detect import DetectorSettings, FaceBox, detect_faces
from backend.faces.encode import encode_faces
from backend.faces.library import face_recognition_library
from backend.faces.match import Gallery, match_face
from moderation.checks.faces import is_identifiable
from tests.faces.realistic import (
    PUBLISHED_LONG_SIDE,
    RealisticPhoto,
    crowd,
    found,
    portrait_on_canvas,
    realistic_set,
)
from tests.moderation.face_fixtures import fixture_bytes

MIN_FACE_PX = 24
MIN_IDENTIFY_PX = 60
PRODUCT = DetectorSettings(published_long_side=PUBLISHED_LONG_SIDE)
PREVIOUS = DetectorSettings(model="hog", published_long_side=2048)
ENROLLED = {"obama": "obama.jpg", "biden": "biden.jpg"}
SIZE_BUCKETS = ((0, 24), (24, 36), (36, 61), (61, 100_000))

Boxes = list[FaceBox]
Identified = list[tuple[FaceBox, str]]


def _identifiable(photo: RealisticPhoto, box: tuple[int, int, int, int]) -> bool:
    return is_identifiable(
        FaceBox(*box),
        original_long_side=photo.long_side,
        published_long_side=PUBLISHED_LONG_SIDE,
        min_face_px=MIN_FACE_PX,
    )


def _bucket(photo: RealisticPhoto, box: tuple[int, int, int, int]) -> str:
    height = (box[2] - box[0]) * min(1.0, PUBLISHED_LONG_SIDE / photo.long_side)
    for low, high in SIZE_BUCKETS:
        if low <= height < high:
            return f"{low}-{high - 1}px" if high < 100_000 else f">={low}px"
    raise AssertionError(height)


# --- the three pipelines: bytes -> (boxes, identifications) --------------------------------


def naive_detect(data: bytes) -> Boxes:
    fr = face_recognition_library()
    img = fr.load_image_file(io.BytesIO(data))
    return [FaceBox(*loc) for loc in fr.face_locations(img)]


def naive_check(data: bytes, gallery: Gallery[str]) -> tuple[Boxes, Identified]:
    fr = face_recognition_library()
    img = fr.load_image_file(io.BytesIO(data))
    locations = fr.face_locations(img)
    encodings = fr.face_encodings(img, locations)
    identified: Identified = []
    for location, encoding in zip(locations, encodings, strict=True):
        hits = fr.compare_faces(list(gallery.matrix), encoding)
        if any(hits):
            identified.append((FaceBox(*location), gallery.keys[hits.index(True)]))
    return [FaceBox(*loc) for loc in locations], identified


def pipeline_check(
    data: bytes, gallery: Gallery[str], settings: DetectorSettings, *, identify_small: bool
) -> tuple[Boxes, Identified]:
    """Detect, apply R1, encode (only faces that can be identified, unless identify_small),
    match: the face path of moderation.checks.face_analysis."""
    result = detect_faces(data, settings)
    identifiable = [
        box
        for box in result.boxes
        if is_identifiable(
            box,
            original_long_side=result.long_side,
            published_long_side=PUBLISHED_LONG_SIDE,
            min_face_px=MIN_FACE_PX,
        )
    ]
    todo = [b for b in identifiable if identify_small or b.height >= MIN_IDENTIFY_PX]
    identified: Identified = []
    for box, encoding in zip(todo, encode_faces(data, todo), strict=True):
        match = match_face(encoding, gallery, face_px=box.height, min_identify_px=MIN_IDENTIFY_PX)
        if match.key is not None:
            identified.append((box, match.key))
    return list(result.boxes), identified


def _pipelines() -> dict[str, Callable[[bytes, Gallery[str]], tuple[Boxes, Identified]]]:
    return {
        "product": lambda d, g: pipeline_check(d, g, PRODUCT, identify_small=False),
        "naive face_recognition": naive_check,
        "previous HOG pipeline": lambda d, g: pipeline_check(d, g, PREVIOUS, identify_small=True),
    }


# --- measurements -------------------------------------------------------------------------------


def recall_table(photos: list[RealisticPhoto], detect: Callable[[bytes], Boxes]) -> dict[str, Any]:
    """Identifiable recall overall, by pose and by published face height; false alarms; CPU."""
    counts: dict[str, list[int]] = {}
    false_alarms = 0
    cpu = 0.0
    for photo in photos:
        started = time.process_time()
        boxes = detect(photo.jpeg)
        cpu += time.process_time() - started
        for face in photo.faces:
            hit = found(face.box, boxes) is not None
            keys = [f"size {_bucket(photo, face.box)}"]
            if _identifiable(photo, face.box):
                keys += ["identifiable", f"pose {face.pose}"]
            for key in keys:
                counts.setdefault(key, [0, 0])
                counts[key][0] += hit
                counts[key][1] += 1
        false_alarms += sum(1 for box in boxes if not any(found(f.box, [box]) for f in photo.faces))
    total = counts["identifiable"]
    return {
        "identifiable_recall": round(total[0] / total[1], 3),
        "identifiable_faces": total[1],
        "recall": {k: f"{v[0]}/{v[1]}" for k, v in sorted(counts.items())},
        "false_alarms": false_alarms,
        "cpu_seconds_total": round(cpu, 2),
    }


def _gallery() -> Gallery[str]:
    entries = []
    for person, filename in ENROLLED.items():
        data = fixture_bytes(filename)
        [box] = detect_faces(data, DetectorSettings(published_long_side=1200)).boxes
        entries.append((person, encode_faces(data, [box])[0]))
    # Other enrolled pupils: random encodings of realistic length, so matching does the
    # work of a school-sized gallery.
    rng = np.random.default_rng(0)
    for i in range(500):
        vector = rng.normal(0, 0.09, 128)
        entries.append((f"pupil-{i}", vector))
    return Gallery(entries)


def end_to_end(
    photo: RealisticPhoto,
    check: Callable[[bytes, Gallery[str]], tuple[Boxes, Identified]],
    gallery: Gallery[str],
    repeats: int,
) -> dict[str, Any]:
    """Median wall time and CPU of the whole face check, recall, identifications."""
    walls, cpus = [], []
    boxes: Boxes = []
    identified: Identified = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        boxes, identified = check(photo.jpeg, gallery)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    truth = [f for f in photo.faces if _identifiable(photo, f.box)]
    hits = sum(found(f.box, boxes) is not None for f in truth)
    wrong = 0
    for box, person in identified:
        faces = [f for f in photo.faces if found(f.box, [box])]
        wrong += not faces or faces[0].person != person
    return {
        "seconds_median": round(statistics.median(walls), 3),
        "cpu_seconds_median": round(statistics.median(cpus), 3),
        "identifiable_recall": round(hits / len(truth), 3) if truth else None,
        "identifiable_faces": len(truth),
        "identified": len(identified),
        "wrongly_identified": wrong,
    }


def run(*, repeats: int = 3) -> dict[str, Any]:
    """Measure recall on the realistic set and the 12 MP end-to-end checks, all in one run."""
    photos = realistic_set()
    gallery = _gallery()
    twelve = {
        "12mp_1_face": portrait_on_canvas("obama2.jpg"),
        "12mp_20_faces": crowd(count=20, published_heights=(24, 90), seed=5, name="20 faces"),
    }
    for check in _pipelines().values():  # load models and build detectors, as a worker has
        check(fixture_bytes("hopper.jpg"), gallery)
    detectors: dict[str, Callable[[bytes], Boxes]] = {
        "product": lambda d: list(detect_faces(d, PRODUCT).boxes),
        "naive face_recognition": naive_detect,
        "previous HOG pipeline": lambda d: list(detect_faces(d, PREVIOUS).boxes),
    }
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "published_long_side": PUBLISHED_LONG_SIDE,
        "realistic_set": {"photos": len(photos), "faces": sum(len(p.faces) for p in photos)},
        "recall": {name: recall_table(photos, detect) for name, detect in detectors.items()},
        "end_to_end": {
            scenario: {
                name: end_to_end(photo, check, gallery, repeats)
                for name, check in _pipelines().items()
            }
            for scenario, photo in twelve.items()
        },
    }
    for row in results["end_to_end"].values():
        product, naive = row["product"], row["naive face_recognition"]
        row["product_speedup_vs_naive"] = round(
            naive["seconds_median"] / product["seconds_median"], 1
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(repeats=args.repeats)
    print(json.dumps(results, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
