"""Realistic face photos with hand-marked ground truth, and school-photo augmentations.

The committed photos (tests/fixtures/faces, PROVENANCE.md) are real: five portraits and a
room with two men throwing a ball (one face-on, one in profile). Every face box below was
marked by hand on a pixel grid (eyebrows to chin, cheek to cheek: dlib's box convention,
so the R1 sizes mean the same as before), never taken from a detector.

`realistic_set()` returns those photos plus augmented copies that model what school photos
have and studio portraits lack: heads tilted, turned, partly hidden by a hand, a hat or
another head, motion blur, low light, heavy JPEG noise, and crowds of small faces
(20-60 px at the published size). Each face carries a `pose` tag, so recall is reported by
pose and by size.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from backend.faces.boxes import FaceBox
from tests.moderation.face_fixtures import FIXTURES_DIR, Box

# (top, right, bottom, left), marked by hand on the committed files.
HAND_MARKED: dict[str, tuple[tuple[Box, str], ...]] = {
    "obama.jpg": (((160, 615, 405, 350), "frontal"),),
    "obama2.jpg": (((295, 435, 560, 175), "frontal"),),
    "biden.jpg": (((245, 740, 562, 420), "frontal"),),
    "astronaut.jpg": (((78, 265, 166, 176), "frontal"),),
    "hopper.jpg": (((28, 88, 80, 38), "frontal"),),
    "basketball.jpg": (((92, 106, 136, 70), "frontal"), ((65, 560, 132, 505), "profile")),
}
PUBLISHED_LONG_SIDE = 1280  # the 2026 default (R21): R1 sizes are judged here


# Who each committed photo shows, so a bench can tell a right identification from a wrong
# one (obama.jpg and obama2.jpg are the same person). None: nobody the bench enrols.
PERSON: dict[str, str | None] = {
    "obama.jpg": "obama",
    "obama2.jpg": "obama",
    "biden.jpg": "biden",
    "astronaut.jpg": None,
    "hopper.jpg": None,
    "basketball.jpg": None,
}


@dataclass(frozen=True)
class TruthFace:
    box: Box
    pose: str
    person: str | None = None


@dataclass(frozen=True)
class RealisticPhoto:
    name: str
    jpeg: bytes
    width: int
    height: int
    faces: tuple[TruthFace, ...]

    @property
    def long_side(self) -> int:
        return max(self.width, self.height)


def jpeg_bytes(img: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


@cache
def source_image(name: str) -> Image.Image:
    with Image.open(FIXTURES_DIR / name) as im:
        return im.convert("RGB")


def found(truth: tuple[int, int, int, int], boxes: Sequence[FaceBox]) -> FaceBox | None:
    """The detection that finds this face: each box's centre lies inside the other.

    Centre containment rather than IoU because the hand-marked box, the detectors' boxes and
    dlib's boxes differ in convention (how much forehead and chin); a detection elsewhere on
    the head, or covering two faces, does not count.
    """
    top, right, bottom, left = truth
    for box in boxes:
        cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        inside = left <= cx <= right and top <= cy <= bottom
        contains = box.left <= (left + right) / 2 <= box.right
        if inside and contains and box.top <= (top + bottom) / 2 <= box.bottom:
            return box
    return None


# --- augmentations: (image, face box) -> (image, face box, pose) ------------------------------

Augment = Callable[[Image.Image, Box], tuple[Image.Image, Box]]


def tilt(degrees: float) -> Augment:
    """Head tilted: rotate about the face centre (the box keeps its centre and size)."""

    def run(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
        top, right, bottom, left = box
        centre = ((left + right) / 2, (top + bottom) / 2)
        return img.rotate(
            degrees, Image.Resampling.BICUBIC, center=centre, fillcolor=(90, 90, 90)
        ), box

    return run


def turned(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """Head half-turned: the photo squeezed to 60% of its width (a face about 50 degrees off)."""
    top, right, bottom, left = box
    squeezed = img.resize((round(img.width * 0.6), img.height), Image.Resampling.LANCZOS)
    return squeezed, (top, round(right * 0.6), bottom, round(left * 0.6))


def _cover(
    img: Image.Image,
    box: Box,
    shape: str,
    corners: tuple[float, float, float, float],
    fill: tuple[int, int, int],
) -> tuple[Image.Image, Box]:
    """Draw an ellipse or rectangle over part of the face; corners are (x0, y0, x1, y1) as
    fractions of the face box, measured from its left and top edges."""
    top, right, bottom, left = box
    h, w = bottom - top, right - left
    x0, y0, x1, y1 = corners
    out = img.copy()
    draw = ImageDraw.Draw(out)
    area = (left + w * x0, top + h * y0, left + w * x1, top + h * y1)
    (draw.ellipse if shape == "ellipse" else draw.rectangle)(area, fill=fill)
    return out, box


def hand_over_mouth(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """A skin-coloured hand over the mouth and chin (about 35% of the face hidden)."""
    return _cover(img, box, "ellipse", (-0.05, 0.62, 0.75, 1.25), (214, 170, 140))


def hat(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """A dark hat pulled down to the eyebrows."""
    return _cover(img, box, "rectangle", (-0.2, -0.6, 1.2, 0.12), (35, 40, 70))


def another_head(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """The back of another head hides a third of the face from one side."""
    return _cover(img, box, "ellipse", (0.67, -0.3, 1.9, 1.6), (60, 45, 30))


def motion_blur(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """Horizontal motion blur over about 8% of the face width."""
    length = max(3, (box[1] - box[3]) // 12)
    arr = np.asarray(img, dtype=np.float32)
    acc = np.zeros_like(arr)
    for shift in range(length):
        acc += np.roll(arr, shift - length // 2, axis=1)
    return Image.fromarray(np.clip(acc / length, 0, 255).astype(np.uint8)), box


def low_light(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """A dark indoor shot: a third of the light, then sensor noise."""
    arr = np.asarray(img, dtype=np.float32) * 0.3
    noise = np.random.default_rng(box[0]).normal(0, 5, arr.shape)
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8)), box


def jpeg_noise(img: Image.Image, box: Box) -> tuple[Image.Image, Box]:
    """A photo saved at JPEG quality 15 (messaging apps, screenshots)."""
    with Image.open(io.BytesIO(jpeg_bytes(img, quality=15))) as im:
        return im.convert("RGB"), box


AUGMENTATIONS: dict[str, Augment] = {
    "tilted": tilt(25),
    "tilted-other-way": tilt(-30),
    "turned": turned,
    "hand-over-mouth": hand_over_mouth,
    "hat": hat,
    "another-head": another_head,
    "motion-blur": motion_blur,
    "low-light": low_light,
    "jpeg-noise": jpeg_noise,
}


def portraits() -> list[RealisticPhoto]:
    """The committed photos as they are."""
    photos = []
    for name, faces in HAND_MARKED.items():
        img = source_image(name)
        truth = tuple(TruthFace(box, pose, PERSON[name]) for box, pose in faces)
        photos.append(RealisticPhoto(name, jpeg_bytes(img), img.width, img.height, truth))
    return photos


def augmented_portraits() -> list[RealisticPhoto]:
    """Every augmentation applied to every single-face portrait."""
    photos = []
    for name, faces in HAND_MARKED.items():
        if len(faces) != 1 or name == "hopper.jpg":  # hopper is too small to alter usefully
            continue
        [(box, _pose)] = faces
        for pose, augment in AUGMENTATIONS.items():
            img, new_box = augment(source_image(name), box)
            photos.append(
                RealisticPhoto(
                    f"{name}+{pose}",
                    jpeg_bytes(img),
                    img.width,
                    img.height,
                    (TruthFace(new_box, pose, PERSON[name]),),
                )
            )
    return photos


# --- crowds -------------------------------------------------------------------------------------


def _face_crops() -> list[tuple[Image.Image, Box, str, str | None]]:
    """Every face (plain and augmented) cut out with context: (crop, box inside it, pose)."""
    crops = []
    for name, faces in HAND_MARKED.items():
        for box, pose in faces:
            variants = [(source_image(name), box, pose)]
            if name != "hopper.jpg":
                variants += [
                    (*augment(source_image(name), box), p) for p, augment in AUGMENTATIONS.items()
                ]
            for img, (top, right, bottom, left), tag in variants:
                h = bottom - top
                margin = round(0.6 * h)
                crop_box = (
                    max(0, left - margin),
                    max(0, top - margin),
                    min(img.width, right + margin),
                    min(img.height, bottom + margin),
                )
                crop = img.crop(crop_box)
                local = (
                    top - crop_box[1],
                    right - crop_box[0],
                    bottom - crop_box[1],
                    left - crop_box[0],
                )
                crops.append((crop, local, tag, PERSON[name]))
    return crops


def _background(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    coarse = rng.integers(40, 215, size=(9, 12, 3), dtype=np.uint8)
    smooth = Image.fromarray(coarse, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    arr = np.asarray(smooth, dtype=np.int16) + rng.integers(
        -6, 7, size=(height, width, 3), dtype=np.int16
    )
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def crowd(
    *,
    width: int = 4000,
    height: int = 3000,
    count: int = 40,
    published_heights: tuple[int, int] = (20, 60),
    seed: int = 0,
    name: str = "crowd",
) -> RealisticPhoto:
    """Faces of every pose pasted on a grid, sized 20-60 px at the published long side.

    A crop is only ever shrunk, so a pasted face is as sharp as a real face of that size.
    """
    rng = np.random.default_rng(seed)
    canvas = _background(width, height, rng)
    to_original = max(width, height) / min(max(width, height), PUBLISHED_LONG_SIDE)
    cols = max(1, round((count * width / height) ** 0.5))
    rows = -(-count // cols)
    cell_w, cell_h = width // cols, height // rows
    crops = _face_crops()
    faces = []
    for index in range(count):
        crop, (top, right, bottom, left), pose, person = crops[int(rng.integers(len(crops)))]
        target = rng.uniform(*published_heights) * to_original
        scale = min(
            1.0, target / (bottom - top), 0.9 * cell_h / crop.height, 0.9 * cell_w / crop.width
        )
        small = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
            Image.Resampling.LANCZOS,
        )
        if rng.random() < 0.5:
            small = small.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            left, right = crop.width - right, crop.width - left
        row, col = divmod(index, cols)
        x = col * cell_w + int(rng.integers(max(1, cell_w - small.width)))
        y = row * cell_h + int(rng.integers(max(1, cell_h - small.height)))
        mask = Image.new("L", small.size, 255).filter(ImageFilter.GaussianBlur(0))
        canvas.paste(small, (x, y), mask)
        box = (
            y + round(top * scale),
            x + round(right * scale),
            y + round(bottom * scale),
            x + round(left * scale),
        )
        faces.append(TruthFace(box, pose, person))
    return RealisticPhoto(name, jpeg_bytes(canvas), width, height, tuple(faces))


def realistic_set() -> list[RealisticPhoto]:
    """Portraits, augmented portraits, two 12 MP crowds and a 2 MP crowd (about 190 faces)."""
    return [
        *portraits(),
        *augmented_portraits(),
        crowd(seed=1, name="crowd-12mp-a"),
        crowd(seed=2, name="crowd-12mp-b"),
        crowd(width=1600, height=1200, count=30, seed=3, name="crowd-2mp"),
    ]


def portrait_on_canvas(
    name: str = "obama.jpg", *, width: int = 4000, height: int = 3000
) -> RealisticPhoto:
    """One real portrait, at its own size, in a 12 MP frame: the "one pupil" photo."""
    canvas = _background(width, height, np.random.default_rng(7))
    img = source_image(name)
    x, y = (width - img.width) // 2, (height - img.height) // 2
    canvas.paste(img, (x, y))
    [(box, pose)] = HAND_MARKED[name]
    top, right, bottom, left = box
    face = TruthFace((top + y, right + x, bottom + y, left + x), pose, PERSON[name])
    return RealisticPhoto(f"{name} in 12 MP", jpeg_bytes(canvas), width, height, (face,))
