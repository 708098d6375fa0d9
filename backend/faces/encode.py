"""Face encodings (dlib's 128-d descriptors), a pure function on image bytes (no Django)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from .decode import drop_upright, take_upright
from .detect import FaceBox
from .library import face_recognition_library

ENCODE_CONTEXT = 0.5  # crop margin around a face, as a fraction of its size, per side
ENCODE_MAX_FACE_PX = 300  # dlib aligns faces to 150 px chips; more is wasted decoding work


def encode_faces(data: bytes, boxes: Sequence[FaceBox]) -> list[np.ndarray]:
    """128-d encodings of the given faces, each from a crop of the full-resolution image.

    Small faces are encoded from the original pixels, never from the downscaled detection
    image; large faces are cropped and shrunk to ~300 px first, which costs nothing in
    accuracy (dlib works on 150 px chips) and saves time.
    """
    if not boxes:
        drop_upright(data)
        return []
    fr = face_recognition_library()
    img = take_upright(data)  # full resolution: small faces keep every pixel
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
