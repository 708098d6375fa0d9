"""Face detection recall per face size, and time per photo, for several detector settings.

(Synthetic frontal faces only; the realistic comparison is bench/faces_realistic.py.)

Run: .venv/bin/python -m bench.faces_recall [--seeds 3] [--json out.json]

Recall is measured on synthetic group photos (tests/moderation/face_fixtures.py): real face
crops pasted at known sizes onto a 12 MP canvas, so every true box is known. A face counts
as found when a detected box overlaps its true box with IoU >= 0.3. "Identifiable" means
R1: at least 24 px tall in the 2048 px "large" variant, i.e. >= 47 px in a 4000 px photo.
Times are for detect_faces() on the JPEG bytes (decode included), median over the photos:
wall-clock, and CPU seconds summed over threads (steadier when the machine is shared).
Detectors are built once beforehand, as in a long-running worker.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import time
from dataclasses import asdict
from typing import Any

import numpy as np
from PIL import Image

from backend.faces.detect import DetectorSettings, FaceBox, detect_faces
from backend.faces.encode import encode_faces
from moderation.checks.faces import is_identifiable
from tests.moderation.face_fixtures import SOURCE_FACES, fixture_bytes, group_photo, matched

FACE_HEIGHTS = (24, 30, 36, 42, 48, 54, 60, 70, 80, 100, 120)
BUCKETS = ((24, 36), (36, 47), (47, 60), (60, 80), (80, 121))

# Every detector setting below is judged for R1 at a 2048 px published variant (the
# synthetic photos were made for it); bench/faces_realistic.py judges at 1280 px.
PRODUCT_2048 = DetectorSettings(published_long_side=2048)
HOG_2048 = DetectorSettings(model="hog", published_long_side=2048)
CONFIGS: dict[str, DetectorSettings] = {
    "product (CNN pair)": PRODUCT_2048,
    "product, RetinaFace only": DetectorSettings(model="retinaface", published_long_side=2048),
    "product, libfacedetection only": DetectorSettings(model="libface", published_long_side=2048),
    "previous HOG pipeline": HOG_2048,
    "previous, 1 worker": DetectorSettings(model="hog", published_long_side=2048, workers=1),
    "HOG upsample 0 @1600": DetectorSettings(
        model="hog", upsample=0, analysis_long_side=1600, small_face_pass=False, workers=1
    ),
    "HOG upsample 1 @1600": DetectorSettings(
        model="hog", upsample=1, analysis_long_side=1600, small_face_pass=False, workers=1
    ),
    "HOG upsample 1 @native": DetectorSettings(
        model="hog", upsample=1, analysis_long_side=100_000, small_face_pass=False, workers=1
    ),
}


def _bucket_name(low: int, high: int) -> str:
    return f"{low}-{high - 1}px"


def _measure(
    photos: list[Any], settings: DetectorSettings, *, published_long_side: int = 2048
) -> dict[str, Any]:
    hits: dict[str, list[int]] = {_bucket_name(*b): [0, 0] for b in BUCKETS}
    identifiable = [0, 0]
    false_alarms = 0
    times: list[float] = []
    cpu: list[float] = []
    for photo in photos:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = detect_faces(photo.jpeg, settings)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        found = [box.as_tuple() for box in result.boxes]
        truth = [face.box for face in photo.faces]
        false_alarms += sum(1 for box in found if not matched(box, truth))
        for face in photo.faces:
            ok = matched(face.box, found)
            for low, high in BUCKETS:
                if low <= face.height < high:
                    hits[_bucket_name(low, high)][0] += ok
                    hits[_bucket_name(low, high)][1] += 1
            if is_identifiable(
                FaceBox(*face.box),
                original_long_side=max(photo.width, photo.height),
                published_long_side=published_long_side,
            ):
                identifiable[0] += ok
                identifiable[1] += 1
    return {
        "recall_by_face_height": {
            name: round(found / total, 3) if total else None
            for name, (found, total) in hits.items()
        },
        "faces_by_face_height": {name: total for name, (_, total) in hits.items()},
        "identifiable_recall": round(identifiable[0] / identifiable[1], 3),
        "identifiable_faces": identifiable[1],
        "false_alarms_per_photo": round(false_alarms / len(photos), 2),
        "seconds_per_photo_median": round(statistics.median(times), 2),
        "seconds_per_photo_max": round(max(times), 2),
        "cpu_seconds_per_photo_median": round(statistics.median(cpu), 2),
    }


def _identification_by_size() -> dict[str, Any]:
    """Distance from full-size enrolments to the same faces shrunk to small heights.

    Shows why small faces are not identified automatically: as faces shrink, the distance
    to the right person grows and the distance to strangers falls towards the tolerance.
    """
    faces = [f for f in SOURCE_FACES if f.filename != "astronaut.jpg"]
    enrolled = {
        f.filename: encode_faces(fixture_bytes(f.filename), [FaceBox(*f.box)])[0] for f in faces
    }
    same_person = {"obama.jpg": "obama2.jpg", "obama2.jpg": "obama.jpg"}
    rows: dict[str, Any] = {}
    for height in (16, 24, 32, 40, 60, 80, 120):
        own, other_photo, stranger = [], [], []
        for face in faces:
            with Image.open(io.BytesIO(fixture_bytes(face.filename))) as im:
                scale = height / face.height
                size = (round(im.width * scale), round(im.height * scale))
                small = im.convert("RGB").resize(size, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=90)
            [encoding] = encode_faces(out.getvalue(), [FaceBox(*face.box).scaled(scale)])
            dist = {k: float(np.linalg.norm(encoding - v)) for k, v in enrolled.items()}
            own.append(dist[face.filename])
            if face.filename in same_person:
                other_photo.append(dist[same_person[face.filename]])
            strangers = [
                d
                for k, d in dist.items()
                if k != face.filename and k != same_person.get(face.filename)
            ]
            stranger.append(min(strangers))
        rows[f"{height}px"] = {
            "same_photo": round(max(own), 2),
            "same_person_other_photo": round(max(other_photo), 2),
            "nearest_stranger": round(min(stranger), 2),
        }
    return rows


def run(*, seeds: int = 3, configs: dict[str, DetectorSettings] | None = None) -> dict[str, Any]:
    """Measure every config on `seeds` synthetic 12 MP group photos and one small photo set."""
    configs = configs or CONFIGS
    big = [
        group_photo(width=4000, height=3000, face_heights=FACE_HEIGHTS, seed=s)
        for s in range(seeds)
    ]
    small = [
        group_photo(width=1200, height=900, face_heights=(20, 24, 28, 32, 40), seed=100 + s)
        for s in range(seeds)
    ]
    for warm in (PRODUCT_2048, HOG_2048):  # build the detectors once, as a worker would
        detect_faces(big[0].jpeg, warm)
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "processor": platform.machine(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "photos": {
            "group_12mp": {"size": "4000x3000", "photos": seeds, "faces": len(big[0].faces)},
            "small_1200": {"size": "1200x900", "photos": seeds, "faces": len(small[0].faces)},
        },
        "settings": {name: asdict(s) for name, s in configs.items()},
        "group_12mp": {name: _measure(big, s) for name, s in configs.items()},
        "small_1200": {
            name: _measure(small, s)
            for name, s in configs.items()
            if name in ("product (CNN pair)", "previous HOG pipeline", "HOG upsample 1 @1600")
        },
        "identification_distance_by_face_height": _identification_by_size(),
    }
    return results


def _print(results: dict[str, Any]) -> None:
    for scenario in ("group_12mp", "small_1200"):
        print(f"\n== {scenario} {results['photos'][scenario]}")
        for name, row in results[scenario].items():
            buckets = " ".join(f"{k}:{v}" for k, v in row["recall_by_face_height"].items())
            print(
                f"{name:22s} identifiable {row['identifiable_recall']:.3f} "
                f"({row['identifiable_faces']} faces) | {buckets} | "
                f"fp/photo {row['false_alarms_per_photo']} | "
                f"{row['seconds_per_photo_median']} s (max {row['seconds_per_photo_max']}), "
                f"cpu {row['cpu_seconds_per_photo_median']} s"
            )
    print("\n== identification distance by face height")
    for height, row in results["identification_distance_by_face_height"].items():
        print(f"{height:>6s} {row}")
    print("\nmachine:", results["machine"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="photos per scenario")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(seeds=args.seeds)
    _print(results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
