"""Reference photos: check one is usable and compute its encoding.

Detection and encoding belong to `moderation.checks.faces` (one detector for the whole
product); this module only applies the enrolment rules: an image we can read, exactly one
face, big enough to encode well. Photos are re-encoded upright without metadata before they
are stored (private media, but there is no reason to keep a phone's GPS tag).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from backend.common.errors import InvalidInput

NOT_AN_IMAGE = "The reference photo is not a JPEG, PNG or WebP image."
NO_FACE = "No face was found in the reference photo. Use a clear, front-facing portrait."
MANY_FACES = (
    "The reference photo shows {count} faces; it must show exactly one (crop it to the person)."
)
FACE_TOO_SMALL = (
    "The face in the reference photo is too small ({height} px tall); use a photo where the "
    "face is at least {minimum} px tall."
)
PHOTO_TOO_LARGE = "The reference photo is larger than {megabytes} MB."

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
STORED_LONG_SIDE = 1200  # enough for re-encoding later; less data kept
MIN_FACE_PX = 60  # match_face only identifies faces of 60 px or more; enrol no smaller
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class ReferenceFace:
    encoding: np.ndarray  # float64, shape (128,)
    stored_jpeg: bytes  # upright, metadata-free, at most STORED_LONG_SIDE


def _clean_jpeg(data: bytes) -> bytes:
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(
            PHOTO_TOO_LARGE.format(megabytes=MAX_PHOTO_BYTES // 2**20), field="photo"
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise InvalidInput(NOT_AN_IMAGE, field="photo")
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(NOT_AN_IMAGE, field="photo")
            img = ImageOps.exif_transpose(probe)
            img = img.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidInput(NOT_AN_IMAGE, field="photo") from exc
    img.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from pixels only: no EXIF, GPS, XMP or ICC rides along.
    clean = Image.new("RGB", img.size)
    clean.paste(img)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=90)
    return out.getvalue()


def reference_face(data: bytes) -> ReferenceFace:
    """Validate a reference photo and compute its encoding, or raise InvalidInput."""
    stored = _clean_jpeg(data)
    from moderation.checks.faces import DetectorSettings, detect_faces, encode_faces

    # A portrait: the whole-image pass is enough and far quicker than the small-face scan.
    detector = DetectorSettings(upsample=1, analysis_long_side=800, small_face_pass=False)
    result = detect_faces(stored, detector)
    boxes = list(result.boxes)
    if not boxes:
        raise InvalidInput(NO_FACE, field="photo")
    if len(boxes) > 1:
        raise InvalidInput(MANY_FACES.format(count=len(boxes)), field="photo")
    if boxes[0].height < MIN_FACE_PX:
        raise InvalidInput(
            FACE_TOO_SMALL.format(height=boxes[0].height, minimum=MIN_FACE_PX), field="photo"
        )
    [encoding] = encode_faces(stored, boxes)
    return ReferenceFace(encoding=np.asarray(encoding, dtype=np.float64), stored_jpeg=stored)
