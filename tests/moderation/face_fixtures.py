"""Real face photos and a synthetic "group photo" generator for face tests and the bench.

The committed photos (tests/fixtures/faces/, see PROVENANCE.md there) are single portraits.
School group photos are full of small faces, so recall is measured on a composed image:
face crops from the portraits pasted at known small sizes onto a large canvas, which gives
exact ground-truth boxes without committing a large file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "faces"

Box = tuple[int, int, int, int]
"""(top, right, bottom, left) in pixels, the face_recognition convention."""


@dataclass(frozen=True)
class SourceFace:
    """A face in a committed fixture, with its box as dlib's HOG detector reports it."""

    filename: str
    box: Box

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0]


# Boxes measured once with face_recognition.face_locations(img, 1) on the committed files,
# so the generator needs no detector and its ground truth uses the detector's box convention.
SOURCE_FACES: tuple[SourceFace, ...] = (
    SourceFace("obama.jpg", (142, 617, 409, 349)),
    SourceFace("obama2.jpg", (290, 438, 558, 171)),
    SourceFace("biden.jpg", (241, 740, 562, 419)),
    SourceFace("astronaut.jpg", (76, 265, 166, 175)),
)

# Context kept around each pasted face, as a fraction of the face height on each side: the
# detector needs some head and background around the face, as in a real photo.
CONTEXT = 0.6


def fixture_bytes(filename: str) -> bytes:
    """The raw bytes of a committed fixture photo."""
    return (FIXTURES_DIR / filename).read_bytes()


@dataclass(frozen=True)
class PlacedFace:
    """A face pasted into a synthetic photo: its true box and where it came from."""

    box: Box
    source: str

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0]


@dataclass(frozen=True)
class SyntheticPhoto:
    """A composed JPEG with the ground-truth box of every face in it."""

    jpeg: bytes
    width: int
    height: int
    faces: tuple[PlacedFace, ...]


def _background(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """Smooth coloured blotches plus sensor-like noise: textured, but face-free."""
    coarse = rng.integers(40, 215, size=(12, 16, 3), dtype=np.uint8)
    smooth = Image.fromarray(coarse, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    arr = np.asarray(smooth, dtype=np.int16)
    arr = arr + rng.integers(-6, 7, size=arr.shape, dtype=np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _feather_mask(size: tuple[int, int], edge: int) -> Image.Image:
    """A mask that fades out at the edges so pasted crops have no hard rectangular outline."""
    mask = Image.new("L", size, 0)
    inner = Image.new("L", (max(1, size[0] - 2 * edge), max(1, size[1] - 2 * edge)), 255)
    mask.paste(inner, (edge, edge))
    return mask.filter(ImageFilter.GaussianBlur(max(1, edge // 2)))


def _load_sources() -> list[tuple[SourceFace, Image.Image]]:
    loaded = []
    for face in SOURCE_FACES:
        with Image.open(FIXTURES_DIR / face.filename) as im:
            loaded.append((face, im.convert("RGB")))
    return loaded


def group_photo(
    *,
    width: int = 4000,
    height: int = 3000,
    face_heights: tuple[int, ...] = (30, 40, 50, 60, 75, 90),
    seed: int = 0,
    quality: int = 90,
) -> SyntheticPhoto:
    """Compose a group photo: one face per grid cell, sizes cycling through face_heights.

    Face heights are those of the detector-convention box in the canvas's own pixels. A
    source is only ever shrunk (never enlarged), so each pasted face is as sharp as a real
    face of that size would be.
    """
    rng = np.random.default_rng(seed)
    canvas = _background(width, height, rng)
    sources = _load_sources()
    cell = int(max(face_heights) * (1 + 2 * CONTEXT) * 1.15) + 4
    cols, rows = width // cell, height // cell
    faces: list[PlacedFace] = []
    for index in range(cols * rows):
        target = face_heights[index % len(face_heights)]
        usable = [(f, im) for f, im in sources if f.height >= target]
        src, im = usable[int(rng.integers(len(usable)))]
        top, right, bottom, left = src.box
        margin = CONTEXT * src.height
        crop_box = (
            max(0, round(left - margin)),
            max(0, round(top - margin)),
            min(im.width, round(right + margin)),
            min(im.height, round(bottom + margin)),
        )
        scale = target / src.height
        crop = im.crop(crop_box)
        size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
        crop = crop.resize(size, Image.Resampling.LANCZOS)
        if rng.random() < 0.5:
            crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            # Mirror the face box inside the crop too.
            left, right = crop_box[0] + crop_box[2] - right, crop_box[0] + crop_box[2] - left
        row, col = divmod(index, cols)
        slack_x, slack_y = max(0, cell - size[0]), max(0, cell - size[1])
        x = col * cell + int(rng.integers(slack_x + 1))
        y = row * cell + int(rng.integers(slack_y + 1))
        canvas.paste(crop, (x, y), _feather_mask(size, max(1, round(target * 0.15))))
        faces.append(
            PlacedFace(
                box=(
                    y + round((top - crop_box[1]) * scale),
                    x + round((right - crop_box[0]) * scale),
                    y + round((bottom - crop_box[1]) * scale),
                    x + round((left - crop_box[0]) * scale),
                ),
                source=src.filename,
            )
        )
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=quality)
    return SyntheticPhoto(jpeg=out.getvalue(), width=width, height=height, faces=tuple(faces))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (top, right, bottom, left) boxes."""
    top, bottom = max(a[0], b[0]), min(a[2], b[2])
    left, right = max(a[3], b[3]), min(a[1], b[1])
    inter = max(0, bottom - top) * max(0, right - left)
    area_a = (a[2] - a[0]) * (a[1] - a[3])
    area_b = (b[2] - b[0]) * (b[1] - b[3])
    union = area_a + area_b - inter
    return inter / union if union else 0.0


def matched(truth: Box, found: list[Box], *, min_iou: float = 0.3) -> bool:
    """Whether any found box overlaps the true box enough to count as finding that face.

    0.3 rather than the usual 0.5 because dlib's boxes for one face vary in size and offset
    with the pyramid level that fired (compare the up0/up1 boxes of one portrait).
    """
    return any(iou(truth, box) >= min_iou for box in found)
