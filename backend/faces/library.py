"""The face_recognition library (dlib models), imported once on first use."""

from __future__ import annotations

from functools import cache
from typing import Any

from PIL import ImageFile


@cache
def face_recognition_library() -> Any:
    """Import face_recognition on first use: it loads its models, which takes a moment.

    Its import sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES = True, which
    would quietly accept truncated uploads everywhere else; put the switch back.
    """
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    import face_recognition  # type: ignore[import-untyped]

    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return face_recognition
