"""Face boxes, and merging the boxes that several detectors or passes found for one face."""

from __future__ import annotations

from dataclasses import dataclass


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


Hits = list[tuple[FaceBox, float]]
"""Detections as (box in upright original pixels, score)."""


def overlap_ratio(a: FaceBox, b: FaceBox) -> float:
    """Intersection over the smaller box: catches one face found at two scales."""
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    w = min(a.right, b.right) - max(a.left, b.left)
    if h <= 0 or w <= 0:
        return 0.0
    smaller = min(a.height * a.width, b.height * b.width)
    return (h * w) / smaller if smaller else 0.0


def merge(found: list[tuple[FaceBox, float]], threshold: float = 0.5) -> list[FaceBox]:
    """Keep the highest-scoring box of each cluster of overlapping detections."""
    kept: list[FaceBox] = []
    for box, _score in sorted(found, key=lambda item: -item[1]):
        if all(overlap_ratio(box, other) < threshold for other in kept):
            kept.append(box)
    return sorted(kept, key=lambda b: (b.top, b.left))
