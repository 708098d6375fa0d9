"""Reference photos: check one is usable and compute its encoding.

Detection and encoding belong to `backend.faces` (one detector for the whole product, below
consent and moderation); this module only applies the enrolment rules: an image we can read,
one dominant face (a much smaller badge or poster face is ignored), big enough to encode
well. Photos are re-encoded upright without metadata before they are stored (private media,
but there is no reason to keep a phone's GPS tag).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from backend.common.errors import InvalidInput
from backend.faces.decode import ImageRejected, ImageTooLargeToCheck, decode_upright_fitting
from backend.faces.detect import DetectorSettings, FaceBox, detect_faces
from backend.faces.encode import encode_faces

NOT_AN_IMAGE = "The reference photo is not a JPEG, PNG, WebP or HEIC image."
NO_FACE = "No face was found in the reference photo. Use a clear, front-facing portrait."
MANY_FACES = (
    "The reference photo shows {count} faces of similar size; it must show one person clearly "
    "(crop it to the person)."
)
FACE_TOO_SMALL = (
    "The face in the reference photo is too small ({height} px tall); use a photo where the "
    "face is at least {minimum} px tall."
)
NOT_A_FACE_THERE = (
    "No face was found where you pointed on the reference photo; point at the middle of the "
    "person's face."
)
MANY_FACES_CODE = "many_faces"  # the front end then asks the administrator to point at one
PHOTO_TOO_LARGE = "The reference photo is larger than {megabytes} MB."

MAX_PHOTO_BYTES = 15 * 1024 * 1024
STORED_LONG_SIDE = 1200  # enough for re-encoding later; less data kept
MIN_FACE_PX = 60  # match_face only identifies faces of 60 px or more; enrol no smaller
# A portrait often has a second, much smaller face in it (a badge, a poster, someone far
# behind): the person's own face must be at least this many times as tall as any other.
DOMINANT_FACE_RATIO = 2.0


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
        # Refused from the header when its pixels would exceed the decoded-memory budget;
        # otherwise decoded already downscaled (we keep STORED_LONG_SIDE at most).
        img = decode_upright_fitting(data, long_side=STORED_LONG_SIDE)
    except ImageTooLargeToCheck as exc:
        raise InvalidInput(exc.message, field="photo") from exc
    except ImageRejected as exc:
        raise InvalidInput(NOT_AN_IMAGE, field="photo") from exc
    img.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from pixels only: no EXIF, GPS, XMP or ICC rides along.
    clean = Image.new("RGB", img.size)
    clean.paste(img)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=90)
    return out.getvalue()


def reference_face(data: bytes, *, face_point: tuple[float, float] | None = None) -> ReferenceFace:
    """Validate a reference photo and compute its encoding, or raise InvalidInput.

    The face enrolled is the dominant one or, when the administrator pointed at a face
    (`face_point`: x, y as fractions of the upright photo's width and height), that one.
    """
    stored = _clean_jpeg(data)
    result = detect_faces(stored, DetectorSettings(published_long_side=STORED_LONG_SIDE))
    boxes = sorted(result.boxes, key=lambda box: box.height, reverse=True)
    if not boxes:
        raise InvalidInput(NO_FACE, field="photo")
    if face_point is not None:
        face = _face_at(boxes, x=face_point[0] * result.width, y=face_point[1] * result.height)
    else:
        face = boxes[0]
        if len(boxes) > 1 and face.height < DOMINANT_FACE_RATIO * boxes[1].height:
            raise InvalidInput(
                MANY_FACES.format(count=len(boxes)), field="photo", code=MANY_FACES_CODE
            )
    if face.height < MIN_FACE_PX:
        raise InvalidInput(
            FACE_TOO_SMALL.format(height=face.height, minimum=MIN_FACE_PX), field="photo"
        )
    [encoding] = encode_faces(stored, [face])
    return ReferenceFace(encoding=np.asarray(encoding, dtype=np.float64), stored_jpeg=stored)


def _face_at(boxes: list[FaceBox], *, x: float, y: float) -> FaceBox:
    """The face the administrator pointed at (the smallest box holding the point)."""
    holding = [b for b in boxes if b.left <= x <= b.right and b.top <= y <= b.bottom]
    if not holding:
        raise InvalidInput(NOT_A_FACE_THERE, field="face_points")
    return min(holding, key=lambda box: box.height)
