"""Decoding accepted images for analysis: pure functions on image bytes (no Django models;
only the decoded-memory budget is read from settings, with a default outside Django).

Shared by the media pipeline (`moderation.imaging`) and face detection/encoding
(`backend.faces.detect`, `backend.faces.encode`). Uploads are judged by their content, never
their name: the magic bytes must say JPEG, PNG, WebP or HEIF (HEIC) and Pillow must agree.
Decoding always applies the orientation, so every box and variant is in upright pixels.

HEIC/HEIF (what iPads and iPhones save by default) is decoded by `pillow-heif`'s Pillow
plug-in, registered below. It applies the HEIF rotation/mirror transforms while decoding and
sets the EXIF orientation it hands over to 1, so the same `exif_transpose` path stays right
for every format. Only the primary image is read (like MPO JPEGs); depth maps, thumbnails
and auxiliary images never reach the pipeline, and nothing published is HEIF: variants are
re-encoded JPEGs built from pixels alone (R6).
"""

from __future__ import annotations

import io
import math
import struct
import threading
import warnings
from concurrent.futures import Executor, Future

import numpy as np
import pillow_heif  # type: ignore[import-untyped]
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

# Messages are constants so tests and the API can assert them.
NOT_AN_IMAGE = "This file is not a JPEG, PNG, WebP or HEIC image."
GIF_NOT_ACCEPTED = "GIF images are not accepted; please upload a JPEG, PNG, WebP or HEIC photo."
AVIF_NOT_ACCEPTED = "AVIF images are not accepted; please upload a JPEG, PNG, WebP or HEIC photo."
DAMAGED = "The image could not be read; it may be damaged."
TOO_MANY_PIXELS = "The image is larger than {megapixels} megapixels."
TOO_LARGE_TO_CHECK = (
    "This photo is too large to check: {megapixels} megapixels; the most is {most}. "
    "Send a smaller copy."
)
DISAGREES = "The file's contents do not match its image type; it may be damaged or disguised."

# Decoded-memory budget (issue 16): every path converts to RGB, so an image costs what its
# RGB pixels would, whatever its stored mode: a 14 KB 1-bit PNG of 50 MP is judged at 150 MB.
# 144 MB lets a 48 MP RGB phone photo (48e6 x 3 bytes) through. Settings: IMAGE_MAX_DECODED_MB.
DECODED_BYTES_PER_PIXEL = 3
DEFAULT_MAX_DECODED_MB = 144

_ORIENTATION = 0x0112
_SWAPS_AXES = {5, 6, 7, 8}  # EXIF orientations that rotate by 90 degrees


class ImageRejected(Exception):
    """An upload we will not store; .message is plain English for the person uploading."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImageTooLargeToCheck(ImageRejected):
    """Refused by the decoded-memory budget: the person can fix it by sending a smaller copy."""


def sniff(data: bytes) -> str | None:
    """The accepted format named by the magic bytes, or None. Never looks at a filename."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


# Major brands of HEVC-coded HEIF files (ISO/IEC 23008-12): what iOS and iPadOS write.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1")


def refusal_for_unaccepted(data: bytes) -> str:
    """A specific message for formats people plausibly upload, a generic one otherwise."""
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF_NOT_ACCEPTED
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return AVIF_NOT_ACCEPTED
    return NOT_AN_IMAGE


def oriented_size(im: Image.Image) -> tuple[int, int]:
    orientation = im.getexif().get(_ORIENTATION)
    if orientation in _SWAPS_AXES:
        return im.height, im.width
    return im.width, im.height


def max_decoded_bytes() -> int:
    """The decoded-memory budget: IMAGE_MAX_DECODED_MB (megabytes of 10^6 bytes) when Django
    is configured, else the default (this module is used outside Django too)."""
    from django.conf import settings

    megabytes = DEFAULT_MAX_DECODED_MB
    if settings.configured:
        megabytes = getattr(settings, "IMAGE_MAX_DECODED_MB", DEFAULT_MAX_DECODED_MB)
    return int(megabytes) * 1_000_000


def check_decoded_budget(im: Image.Image) -> None:
    """Refuse an opened (not yet decoded) image whose RGB pixels would exceed the budget.

    Judged from the header alone (Image.open reads the size lazily), before any load(): every
    decode path (uploads in the web process, checks in the worker, enrolment) comes through
    `open_checked`, which calls this.
    """
    budget = max_decoded_bytes()
    pixels = im.width * im.height
    if pixels * DECODED_BYTES_PER_PIXEL > budget:
        raise ImageTooLargeToCheck(
            TOO_LARGE_TO_CHECK.format(
                # Rounded away from the limit, so the two numbers never read as equal.
                megapixels=math.ceil(pixels / 1_000_000),
                most=budget // DECODED_BYTES_PER_PIXEL // 1_000_000,
            )
        )


def open_checked(data: bytes, fmt: str, max_pixels: int | None) -> Image.Image:
    """Open without decoding; refuse bombs by declared size, by the decoded-memory budget and
    by Pillow's own bomb guard."""
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make it an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=[fmt])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # Pillow's guard can fire below our own limit: name the limit that applied.
            limits = [n for n in (max_pixels, Image.MAX_IMAGE_PIXELS) if n]
            limit = min(limits) if limits else 0
            raise ImageRejected(TOO_MANY_PIXELS.format(megapixels=limit // 1_000_000)) from exc
        except UnidentifiedImageError as exc:
            raise ImageRejected(DISAGREES) from exc
        except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
            raise ImageRejected(DAMAGED) from exc
    # Cameras and phones write multi-picture JPEGs (MPF: depth or gain maps, stereo pairs);
    # Pillow calls them MPO. They are JPEGs: only the primary picture is ever used.
    if im.format != fmt and not (fmt == "JPEG" and im.format == "MPO"):
        raise ImageRejected(DISAGREES)
    check_decoded_budget(im)
    if max_pixels is not None and im.width * im.height > max_pixels:
        raise ImageRejected(TOO_MANY_PIXELS.format(megapixels=max_pixels // 1_000_000))
    return im


def to_rgb(im: Image.Image) -> Image.Image:
    """RGB pixels only; transparency is flattened onto white (as a web page would show it)."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA"):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB") if im.mode != "RGB" else im


def open_any(data: bytes) -> Image.Image:
    fmt = sniff(data)
    if fmt is None:
        raise ImageRejected(refusal_for_unaccepted(data))
    return open_checked(data, fmt, None)


def _upright(im: Image.Image) -> Image.Image:
    """im decoded, EXIF orientation applied. exif_transpose copies even an image that needs
    no turning (~18 ms for 12 MP, a quarter of the decode), so those are returned as decoded."""
    if im.getexif().get(_ORIENTATION, 1) == 1:
        im.load()
        return im
    return ImageOps.exif_transpose(im)


def decode_upright(data: bytes) -> Image.Image:
    """Decode an accepted upload upright (EXIF orientation applied) as RGB pixels, for
    analysis only: metadata may still ride in `im.info` (use `normalise` for anything kept)."""
    im = open_any(data)
    try:
        return to_rgb(_upright(im))
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise ImageRejected(DAMAGED) from exc


def normalise(data: bytes) -> Image.Image:
    """Decode an accepted upload upright (EXIF orientation applied) as RGB pixels.

    Face boxes, blurring and variants all work in these oriented pixels.
    """
    return fresh_rgb(decode_upright(data))


def decode_upright_fitting(data: bytes, *, long_side: int) -> Image.Image:
    """Decode upright as RGB, downscaled early to no less than twice `long_side` on its long
    side, for callers that only ever keep a smaller copy (publishable variants, enrolment).

    JPEGs are decoded reduced by libjpeg (draft); other formats are halved by whole factors
    (Image.reduce) before the RGB conversion, so a big PNG never exists twice at full size.
    Twice the target keeps the final LANCZOS resize as sharp as from the full image.
    """
    im = open_any(data)
    target = 2 * long_side
    try:
        original_long = max(im.size)
        if im.format in ("JPEG", "MPO") and original_long > target:
            ratio = target / original_long
            im.draft("RGB", (math.ceil(im.width * ratio), math.ceil(im.height * ratio)))
        upright = _upright(im)
        factor = max(upright.size) // target
        if factor >= 2 and upright.mode in _REDUCIBLE_MODES:
            upright = upright.reduce(factor)
        return to_rgb(upright)
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise ImageRejected(DAMAGED) from exc


# Modes Image.reduce handles; palette and 1-bit images are converted first (within budget).
_REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "I", "F", "CMYK"}


def load_for_analysis(
    data: bytes, *, max_long_side: int = 1600, draft_slack: float = 1.0
) -> tuple[np.ndarray, float]:
    """Decode for detection: upright RGB uint8 array no longer than max_long_side, and scale.

    original_px = analysis_px * scale, where "original" is the upright full-size image.
    JPEGs are decoded at 1/2, 1/4 or 1/8 scale by libjpeg (Image.draft) where that still
    leaves at least max_long_side * draft_slack pixels, which is much faster than a full
    decode (a slack of 0.9 lets a 4000 px photo needed at 2134 px decode at 2000 px, a
    third of the CPU of a full decode). draft() works on the stored (unrotated) frame, so
    the target is computed from the long side, which rotation does not change. Never
    enlarges.
    """
    im = open_any(data)
    oriented_w, oriented_h = oriented_size(im)
    original_long = max(oriented_w, oriented_h)
    try:
        if im.format in ("JPEG", "MPO") and original_long > max_long_side:
            ratio = max_long_side * draft_slack / original_long
            im.draft("RGB", (math.ceil(im.width * ratio), math.ceil(im.height * ratio)))
        upright = to_rgb(_upright(im))
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise ImageRejected(DAMAGED) from exc
    long_side = max(upright.size)
    if long_side > max_long_side:
        ratio = max_long_side / long_side
        size = (max(1, round(upright.width * ratio)), max(1, round(upright.height * ratio)))
        upright = upright.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(upright), original_long / max(upright.size)


def fresh_rgb(im: Image.Image) -> Image.Image:
    """A new RGB image from pixel data alone: no info dict, EXIF, ICC or comment survives.

    Pillow copies im.info through resize/crop and its JPEG writer reuses im.info["comment"],
    so stripping by deleting keys is fragile; rebuilding from bytes is not.
    """
    rgb = im if im.mode == "RGB" else im.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


class _PrefetchedUpright:
    """One full-resolution upright decode started ahead of time, for one image's bytes.

    The face check decodes each photo twice: small for the detectors, then at full
    resolution for the encoder's crops. The detectors leave a core idle near their end
    (two RetinaFace tiles, then libfacedetection), so once a face is found `detect_faces`
    queues the full decode there and `encode_faces` takes it (`take_upright`) or drops it
    (`drop_upright`). One slot per process: a worker checks one photo at a time, and a
    decode nobody takes is dropped by the next prefetch (a concurrent check just decodes
    for itself). Matched by identity of the bytes object, so a different image is never
    handed over.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: bytes | None = None
        self._image: Future[Image.Image] | None = None

    def put(self, data: bytes, image: Future[Image.Image]) -> None:
        with self._lock:
            self._data, self._image = data, image

    def take(self, data: bytes) -> Future[Image.Image] | None:
        with self._lock:
            if self._data is not data or self._image is None:
                return None
            image, self._data, self._image = self._image, None, None
            return image


_prefetched = _PrefetchedUpright()


def prefetch_upright(data: bytes, pool: Executor) -> None:
    """Start decode_upright(data) on the pool, for take_upright(data) to collect."""
    _prefetched.put(data, pool.submit(decode_upright, data))


def take_upright(data: bytes) -> Image.Image:
    """decode_upright(data), from the prefetched decode when one was started for these bytes."""
    image = _prefetched.take(data)
    return image.result() if image is not None else decode_upright(data)


def drop_upright(data: bytes) -> None:
    """Release the decode prefetched for these bytes (36 MB for 12 MP): no pixels needed."""
    _prefetched.take(data)
