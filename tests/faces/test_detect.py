"""The CNN detector pair on real photos: profiles, hidden faces, and boxes dlib can align."""

from __future__ import annotations

import numpy as np
import pytest

from backend.faces.boxes import overlap_ratio
from backend.faces.detect import DetectorSettings, FaceBox, detect_faces
from backend.faces.encode import encode_faces
from tests.faces.realistic import (
    HAND_MARKED,
    another_head,
    found,
    hand_over_mouth,
    hat,
    jpeg_bytes,
    low_light,
    motion_blur,
    source_image,
    tilt,
    turned,
)
from tests.moderation.face_fixtures import SOURCE_FACES, fixture_bytes

PREVIOUS_HOG = DetectorSettings(model="hog", published_long_side=2048)
HOG_BOXES = {face.filename: FaceBox(*face.box) for face in SOURCE_FACES}


def _hand_marked(name: str, pose: str) -> tuple[int, int, int, int]:
    return next(box for box, p in HAND_MARKED[name] if p == pose)


def test_it_finds_a_face_in_profile() -> None:
    profile = _hand_marked("basketball.jpg", "profile")

    boxes = detect_faces(fixture_bytes("basketball.jpg")).boxes

    assert found(profile, boxes) is not None


def test_the_previous_hog_pipeline_missed_that_profile() -> None:
    # Why the detectors changed: HOG is a frontal detector (docs/faces.md).
    profile = _hand_marked("basketball.jpg", "profile")

    boxes = detect_faces(fixture_bytes("basketball.jpg"), PREVIOUS_HOG).boxes

    assert found(profile, boxes) is None


@pytest.mark.parametrize(
    "augment",
    [hand_over_mouth, hat, another_head, tilt(25), tilt(-30), turned, motion_blur, low_light],
    ids=["hand", "hat", "another-head", "tilt", "tilt-other-way", "turned", "blur", "dark"],
)
def test_it_finds_a_partly_hidden_or_awkward_face(augment: object) -> None:
    img, box = augment(source_image("obama2.jpg"), _hand_marked("obama2.jpg", "frontal"))  # type: ignore[operator]

    boxes = detect_faces(jpeg_bytes(img)).boxes

    assert found(box, boxes) is not None


@pytest.mark.parametrize("name", ["obama.jpg", "obama2.jpg", "biden.jpg"])
def test_its_boxes_are_where_dlib_expects_them(name: str) -> None:
    # dlib's landmark model aligns faces for the encoder from a HOG-style box.
    [box] = detect_faces(fixture_bytes(name)).boxes

    assert overlap_ratio(box, HOG_BOXES[name]) > 0.8
    assert 0.8 < box.height / HOG_BOXES[name].height < 1.2  # fitted mapping: spread ~8%


@pytest.mark.parametrize("name", ["obama.jpg", "obama2.jpg", "biden.jpg"])
def test_encodings_from_its_boxes_match_encodings_from_dlibs_own(name: str) -> None:
    data = fixture_bytes(name)
    [box] = detect_faces(data).boxes

    ours, dlibs = encode_faces(data, [box, HOG_BOXES[name]])

    assert float(np.linalg.norm(ours - dlibs)) < 0.1  # tolerance is 0.5


def test_it_finds_no_face_on_the_astronauts_mission_patch() -> None:
    # HOG "found" the round patch on her suit as a second face.
    boxes = detect_faces(fixture_bytes("astronaut.jpg")).boxes

    assert len(boxes) == 1
    assert found(_hand_marked("astronaut.jpg", "frontal"), boxes) is not None


def test_it_scans_at_the_scale_r1_is_judged_at() -> None:
    # 24 px at a 1280 px published size is 40 px for RetinaFace: a 2133 px scan, whatever
    # the camera's resolution; a photo smaller than that is scanned at its own size or less.
    settings = DetectorSettings()

    assert settings.retinaface_scan_long_side(4000) == 2134
    assert settings.retinaface_scan_long_side(8000) == 2134
    assert settings.retinaface_scan_long_side(640) == 1067
    assert DetectorSettings(published_long_side=2048).retinaface_scan_long_side(4000) == 2560
