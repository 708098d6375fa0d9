"""Face detection and identification, pure functions on image bytes (no Django).

Recall comes first (R1, R20): a missed pupil is far worse than a false alarm, and school
group photos are full of small faces. dlib's HOG detector only fires on faces of about
60 px or more at the scale it scans (measured: docs/faces.md), so detection runs at the
scale where the smallest face that R1 calls identifiable (default 24 px in the 2048 px
"large" variant) is 60 px. That scan is split into overlapping tiles run on all cores (dlib
releases the GIL); a cheap whole-image pass catches faces too big for a tile's overlap.

Boxes are always in pixels of the ORIGINAL image after EXIF orientation.
"""

from __future__ import annotations

import math
import os
import queue
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from PIL import Image, ImageFile

from moderation.imaging import load_for_analysis, normalise

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle (top, right, bottom, left) in upright original-image pixels."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    def scaled(self, factor: float) -> FaceBox:
        """This box in an image `factor` times the size (e.g. analysis -> original)."""
        return FaceBox(
            top=round(self.top * factor),
            right=round(self.right * factor),
            bottom=round(self.bottom * factor),
            left=round(self.left * factor),
        )

    def clipped(self, width: int, height: int) -> FaceBox:
        """This box kept inside an image of the given size."""
        return FaceBox(
            top=max(0, self.top),
            right=min(width, self.right),
            bottom=min(height, self.bottom),
            left=max(0, self.left),
        )

    def shifted(self, dy: int, dx: int) -> FaceBox:
        """This box moved down by dy and right by dx pixels."""
        return FaceBox(self.top + dy, self.right + dx, self.bottom + dy, self.left + dx)

    def as_tuple(self) -> tuple[int, int, int, int]:
        """(top, right, bottom, left), the face_recognition convention."""
        return self.top, self.right, self.bottom, self.left


@dataclass(frozen=True)
class DetectorSettings:
    """How to look for faces. Defaults chosen for recall at ~1 s per 12 MP photo on 2 cores.

    Whole-image pass: `model` on the image scaled to `analysis_long_side`, upsampled
    `upsample` times by dlib. Cheap; it finds the large faces that a tile might cut in two.

    Small-face pass (HOG, tiled): the image is scaled so that a face of `min_face_px` in a
    published variant of `published_long_side` becomes `hog_min_face_px` tall, the smallest
    face HOG finds reliably. For a 12 MP photo that is a 5120 px scan; for a photo already
    smaller than the published size the scan is correspondingly smaller. Skipped when the
    whole-image pass already scans at that scale.
    """

    model: Literal["hog", "cnn"] = "hog"
    upsample: int = 0
    analysis_long_side: int = 1024
    small_face_pass: bool = True
    min_face_px: int = 24
    published_long_side: int = 2048
    hog_min_face_px: int = 60
    workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    adjust_threshold: float = 0.0

    def small_face_scan_long_side(self, original_long_side: int) -> int:
        """Long side of the small-face scan for an upright original of this long side."""
        published = min(original_long_side, self.published_long_side)
        return math.ceil(published * self.hog_min_face_px / self.min_face_px)


@dataclass(frozen=True)
class DetectionResult:
    """Faces found in one image, in upright original pixels, and how they were found."""

    boxes: tuple[FaceBox, ...]
    width: int
    height: int
    settings: DetectorSettings

    @property
    def long_side(self) -> int:
        """The upright original's long side, as is_identifiable() wants it."""
        return max(self.width, self.height)


# --- detectors -----------------------------------------------------------------------------

# dlib's detector objects are not safe to share between threads and take ~0.3 s to build,
# so finished detectors wait in a pool for the next caller.
_HOG_POOL: queue.SimpleQueue[Any] = queue.SimpleQueue()


@cache
def _face_recognition() -> Any:
    """Import face_recognition on first use: it loads its models, which takes a moment.

    Its import sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES = True, which
    would quietly accept truncated uploads everywhere else; put the switch back.
    """
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    import face_recognition  # type: ignore[import-untyped]

    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return face_recognition


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
    detector = _face_recognition().api.cnn_face_detector
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


def _overlap_ratio(a: FaceBox, b: FaceBox) -> float:
    """Intersection over the smaller box: catches one face found at two scales."""
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    w = min(a.right, b.right) - max(a.left, b.left)
    if h <= 0 or w <= 0:
        return 0.0
    smaller = min(a.height * a.width, b.height * b.width)
    return (h * w) / smaller if smaller else 0.0


def _merge(found: list[tuple[FaceBox, float]], threshold: float = 0.5) -> list[FaceBox]:
    """Keep the highest-scoring box of each cluster of overlapping detections."""
    kept: list[FaceBox] = []
    for box, _score in sorted(found, key=lambda item: -item[1]):
        if all(_overlap_ratio(box, other) < threshold for other in kept):
            kept.append(box)
    return sorted(kept, key=lambda b: (b.top, b.left))


Hits = list[tuple[FaceBox, float]]


def detect_faces(data: bytes, settings: DetectorSettings | None = None) -> DetectionResult:
    """Find faces in image bytes; boxes in upright original pixels.

    1. Decode once, upright, no larger than either pass needs (JPEG draft when possible).
    2. Whole-image pass at analysis_long_side (finds large faces, cheap).
    3. Small-face pass: HOG over overlapping tiles scaled to the R1 scale, one per worker
       (each tile is cut from the decoded image and scaled inside its own thread).
    4. Merge the detections of one face found by several passes or tiles.
    """
    settings = settings or DetectorSettings()
    needed = settings.analysis_long_side
    if settings.small_face_pass:
        needed = max(needed, settings.small_face_scan_long_side(settings.published_long_side))
    arr, to_original = load_for_analysis(data, max_long_side=needed)
    arr_long = max(arr.shape[:2])
    height = round(arr.shape[0] * to_original)
    width = round(arr.shape[1] * to_original)

    coarse_factor = min(1.0, settings.analysis_long_side / arr_long)

    def coarse() -> Hits:
        img = _resize(arr, coarse_factor)
        if settings.model == "cnn":
            hits = _cnn_detect(img, settings.upsample)
        else:
            hits = _hog_detect(img, settings.upsample, settings.adjust_threshold)
        return [(_rect_box(rect, to_original / coarse_factor), score) for rect, score in hits]

    jobs: list[Callable[[], Hits]] = []
    scan_long = settings.small_face_scan_long_side(max(width, height))
    coarse_reach = round(arr_long * coarse_factor) * 2**settings.upsample
    if settings.small_face_pass and scan_long > coarse_reach:
        jobs += _small_face_jobs(arr, to_original, scan_long / arr_long, coarse_reach, settings)
    jobs.append(coarse)

    if len(jobs) == 1 or settings.workers == 1:
        found = [hit for job in jobs for hit in job()]
    else:
        with ThreadPoolExecutor(max_workers=min(settings.workers, len(jobs))) as pool:
            found = [hit for hits in pool.map(lambda job: job(), jobs) for hit in hits]
    boxes = tuple(box.clipped(width, height) for box in _merge(found))
    return DetectionResult(boxes=boxes, width=width, height=height, settings=settings)


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


# --- R1 size rule ------------------------------------------------------------------------------


def is_identifiable(
    box: FaceBox, *, original_long_side: int, published_long_side: int, min_face_px: int = 24
) -> bool:
    """R1: a face is identifiable when it is at least min_face_px tall in the largest variant.

    Variants are never enlarged, so a published long side above the original's counts as
    the original's.
    """
    factor = min(1.0, published_long_side / original_long_side)
    return box.height * factor >= min_face_px


# --- identification ----------------------------------------------------------------------------

ENCODE_CONTEXT = 0.5  # crop margin around a face, as a fraction of its size, per side
ENCODE_MAX_FACE_PX = 300  # dlib aligns faces to 150 px chips; more is wasted decoding work


def encode_faces(data: bytes, boxes: Sequence[FaceBox]) -> list[np.ndarray]:
    """128-d encodings of the given faces, each from a crop of the full-resolution image.

    Small faces are encoded from the original pixels, never from the downscaled detection
    image; large faces are cropped and shrunk to ~300 px first, which costs nothing in
    accuracy (dlib works on 150 px chips) and saves time.
    """
    if not boxes:
        return []
    fr = _face_recognition()
    img = normalise(data)
    encodings: list[np.ndarray] = []
    for box in boxes:
        pad = round(max(box.height, box.width) * ENCODE_CONTEXT)
        left, top = max(0, box.left - pad), max(0, box.top - pad)
        right, bottom = min(img.width, box.right + pad), min(img.height, box.bottom + pad)
        crop = img.crop((left, top, right, bottom))
        local = FaceBox(box.top - top, box.right - left, box.bottom - top, box.left - left)
        shrink = ENCODE_MAX_FACE_PX / max(box.height, box.width, 1)
        if shrink < 1:
            crop = crop.resize(
                (max(1, round(crop.width * shrink)), max(1, round(crop.height * shrink))),
                Image.Resampling.LANCZOS,
            )
            local = local.scaled(shrink)
        result = fr.face_encodings(np.asarray(crop), known_face_locations=[local.as_tuple()])
        encodings.append(np.asarray(result[0], dtype=np.float64))
    return encodings


MatchReason = Literal["matched", "no_gallery", "too_far", "ambiguous", "too_small"]


@dataclass(frozen=True)
class Match(Generic[K]):
    """The outcome of comparing one face with the gallery.

    key is None unless the face is identified. distance is to the nearest enrolment;
    second_distance to the nearest enrolment of a DIFFERENT person (None if there is none).
    """

    key: K | None
    distance: float | None
    second_distance: float | None
    reason: MatchReason


class Gallery(Generic[K]):
    """Enrolled encodings stacked once into a matrix, for fast repeated matching."""

    def __init__(self, entries: Sequence[tuple[K, np.ndarray]]) -> None:
        self.keys: list[K] = [key for key, _ in entries]
        self.matrix = (
            np.stack([np.asarray(enc, dtype=np.float64) for _, enc in entries])
            if entries
            else np.empty((0, 128))
        )
        codes: dict[K, int] = {}
        self.codes = np.array([codes.setdefault(k, len(codes)) for k in self.keys], dtype=int)
        self.squared_norms = np.einsum("ij,ij->i", self.matrix, self.matrix)

    def __len__(self) -> int:
        return len(self.keys)

    def distances(self, encoding: np.ndarray) -> np.ndarray:
        """Euclidean distance from encoding to every enrolment.

        |a - b|^2 = |a|^2 - 2 a.b + |b|^2 needs one matrix-vector product and no
        gallery-sized temporary (allocating one per call was the slow part).
        """
        probe = np.asarray(encoding, dtype=np.float64)
        squared = self.squared_norms - 2.0 * (self.matrix @ probe) + probe @ probe
        return np.sqrt(np.maximum(squared, 0.0))


def match_face(
    encoding: np.ndarray,
    gallery: Gallery[K] | Sequence[tuple[K, np.ndarray]],
    *,
    face_px: int,
    tolerance: float = 0.5,
    margin: float = 0.05,
    min_identify_px: int = 60,
) -> Match[K]:
    """Identify a face only when the evidence is clear; otherwise it goes to tagging (R2).

    Identified when: the face is at least min_identify_px tall in the original (every false
    match seen was a small face), the nearest enrolment is within tolerance (0.6, the
    library default, matched strangers), and the nearest DIFFERENT person is at least
    `margin` further away (right and wrong distances overlap near 0.5). Several enrolments
    of the same person never make each other ambiguous. Distances are always reported.
    """
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    if len(g) == 0:
        return Match(key=None, distance=None, second_distance=None, reason="no_gallery")
    distances = g.distances(encoding)
    best = int(np.argmin(distances))
    best_distance = float(distances[best])
    others = distances[g.codes != g.codes[best]]
    second = float(others.min()) if others.size else None

    reason: MatchReason
    if face_px < min_identify_px:
        reason = "too_small"
    elif best_distance > tolerance:
        reason = "too_far"
    elif second is not None and second - best_distance < margin:
        reason = "ambiguous"
    else:
        reason = "matched"
    key = g.keys[best] if reason == "matched" else None
    return Match(key=key, distance=best_distance, second_distance=second, reason=reason)
