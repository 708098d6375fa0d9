"""The previous detector: dlib HOG over tiles scaled to the R1 scale (kept for comparison).

dlib's HOG detector only fires on faces of about 60 px or more at the scale it scans, so the
small-face pass scans the image at the scale where the smallest face R1 calls identifiable is
60 px, split into overlapping tiles run in threads (dlib releases the GIL); a cheap
whole-image pass catches faces too big for a tile's overlap. It is frontal-only: profile,
tilted and partly hidden faces are its blind spot (docs/faces.md). `model="hog"` selects it.
"""

from __future__ import annotations

import math
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from .boxes import FaceBox, Hits
from .library import face_recognition_library

if TYPE_CHECKING:
    from .detect import DetectorSettings


# dlib's detector objects are not safe to share between threads and take ~0.3 s to build,
# so finished detectors wait in a pool for the next caller.
_HOG_POOL: queue.SimpleQueue[Any] = queue.SimpleQueue()


def _hog_detect(img: np.ndarray, upsample: int, adjust_threshold: float) -> list[tuple[Any, float]]:
    try:
        detector = _HOG_POOL.get_nowait()
    except queue.Empty:
        import dlib  # type: ignore[import-untyped]

        detector = dlib.get_frontal_face_detector()
    try:
        rects, scores, _ = detector.run(img, upsample, adjust_threshold)
    finally:
        _HOG_POOL.put(detector)
    return list(zip(rects, scores, strict=True))


def _cnn_detect(img: np.ndarray, upsample: int) -> list[tuple[Any, float]]:
    detector = face_recognition_library().api.cnn_face_detector
    return [(d.rect, float(d.confidence)) for d in detector(img, upsample)]


def _rect_box(rect: Any, scale: float) -> FaceBox:
    return FaceBox(rect.top(), rect.right(), rect.bottom(), rect.left()).scaled(scale)


def _resize(arr: np.ndarray, factor: float) -> np.ndarray:
    """arr scaled by factor (bilinear); Pillow releases the GIL, so tiles resize in parallel."""
    if factor == 1.0:
        return np.ascontiguousarray(arr)
    h, w = arr.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(Image.fromarray(arr).resize(size, Image.Resampling.BILINEAR))


def _spans(length: int, count: int, overlap: int) -> list[tuple[int, int]]:
    """Split [0, length) into up to `count` spans that overlap by `overlap` pixels."""
    count = max(1, min(count, length // max(1, 2 * overlap)))
    step = length / count
    spans = []
    for i in range(count):
        start = max(0, math.floor(i * step - overlap / 2))
        end = min(length, math.ceil((i + 1) * step + overlap / 2))
        spans.append((start, end))
    return spans


def hog_needed_long_side(settings: DetectorSettings) -> int:
    """How large the decoded image must be for the HOG passes."""
    needed = settings.analysis_long_side
    if settings.small_face_pass:
        needed = max(needed, settings.small_face_scan_long_side(settings.published_long_side))
    return needed


def hog_jobs(
    arr: np.ndarray, to_original: float, original_long: int, settings: DetectorSettings
) -> list[Callable[[], Hits]]:
    """The whole-image pass and, where needed, one small-face job per tile."""
    arr_long = max(arr.shape[:2])
    coarse_factor = min(1.0, settings.analysis_long_side / arr_long)

    def coarse() -> Hits:
        img = _resize(arr, coarse_factor)
        if settings.model == "cnn":
            hits = _cnn_detect(img, settings.upsample)
        else:
            hits = _hog_detect(img, settings.upsample, settings.adjust_threshold)
        return [(_rect_box(rect, to_original / coarse_factor), score) for rect, score in hits]

    jobs: list[Callable[[], Hits]] = []
    scan_long = settings.small_face_scan_long_side(original_long)
    coarse_reach = round(arr_long * coarse_factor) * 2**settings.upsample
    if settings.small_face_pass and scan_long > coarse_reach:
        jobs += _small_face_jobs(arr, to_original, scan_long / arr_long, coarse_reach, settings)
    jobs.append(coarse)
    return jobs


def _small_face_jobs(
    arr: np.ndarray,
    to_original: float,
    factor: float,
    coarse_reach: int,
    settings: DetectorSettings,
) -> list[Callable[[], Hits]]:
    """One HOG job per tile of arr, each scaled by factor before scanning."""
    # The whole-image pass finds faces of hog_min_face_px at its own scale; anything smaller
    # must fit inside one tile, with margin for the detector's window.
    scan_long = max(arr.shape[:2]) * factor
    biggest_missed = settings.hog_min_face_px * scan_long / coarse_reach
    overlap = math.ceil((1.5 * biggest_missed + 16) / factor)  # in arr pixels
    h, w = arr.shape[:2]
    along_x = w >= h
    spans = _spans(w if along_x else h, settings.workers, overlap)

    def job(start: int, end: int) -> Callable[[], Hits]:
        def run() -> Hits:
            tile = _resize(arr[:, start:end] if along_x else arr[start:end], factor)
            dy, dx = (0, start) if along_x else (start, 0)
            return [
                (_rect_box(rect, 1 / factor).shifted(dy, dx).scaled(to_original), score)
                for rect, score in _hog_detect(tile, 0, settings.adjust_threshold)
            ]

        return run

    return [job(start, end) for start, end in spans]
