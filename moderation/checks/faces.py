"""R1's size rule (when a detected face counts as identifiable) and R21's close-up rule.

Detection, encoding and matching are pure functions below both consent and moderation
(`backend.faces`); what makes a face identifiable is moderation's rule.
"""

from __future__ import annotations

from backend.faces.detect import FaceBox


def is_identifiable(
    box: FaceBox, *, original_long_side: int, published_long_side: int, min_face_px: int = 24
) -> bool:
    """R1: a face is identifiable when it is at least min_face_px tall in the largest variant.

    Variants are never enlarged, so a published long side above the original's counts as
    the original's.
    """
    factor = min(1.0, published_long_side / original_long_side)
    return box.height * factor >= min_face_px


def face_share(box: FaceBox, *, width: int, height: int) -> float:
    """R21: the share of the picture a face fills (box area / picture area, 0-1).

    Scale-free, so the same at every published size. Measured with the product's boxes on
    the fixtures: two men in an office 0.4-0.7%, full-length 4.6%, half-length 6.8%, a head
    shot 12.6%, head and shoulders 14.6%.
    """
    if width <= 0 or height <= 0:
        return 0.0
    return max(0, box.width) * max(0, box.height) / (width * height)


def is_close_up(box: FaceBox, *, width: int, height: int, threshold: float) -> bool:
    """R21: a close-up, face-on picture of someone (2026 guidance: such images of pupils are
    what AI-made blackmail is built from; publish wider shots at lower resolution)."""
    return face_share(box, width=width, height=height) >= threshold
