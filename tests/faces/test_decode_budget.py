"""The decoded-memory budget (issue 16 item 3): judged from the header, as RGB, before any
pixel is decoded, on every decode path; and early downscaling for callers keeping a small copy."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from backend.faces import decode
from backend.faces.decode import (
    TOO_LARGE_TO_CHECK,
    ImageTooLargeToCheck,
    decode_upright_fitting,
    open_any,
)
from backend.faces.detect import detect_faces
from tests.faces.big_images import (
    HUGE_ONE_BIT_SIZE,
    forbid_decoding,
    header_only_png,
    one_bit_png,
)

REFUSED_49_MP = TOO_LARGE_TO_CHECK.format(megapixels=49, most=48)


@pytest.mark.parametrize(
    "decode_path",
    [decode.decode_upright, decode.load_for_analysis, detect_faces],
    ids=["full-decode", "analysis-decode", "worker-face-check"],
)
def test_it_refuses_a_49_mp_one_bit_png_before_decoding_it(
    monkeypatch: Any, decode_path: Any
) -> None:
    data = one_bit_png(*HUGE_ONE_BIT_SIZE)
    forbid_decoding(monkeypatch)

    with pytest.raises(ImageTooLargeToCheck) as err:
        decode_path(data)

    assert err.value.message == REFUSED_49_MP


def test_it_judges_a_one_bit_image_by_what_it_costs_as_rgb(settings: Any) -> None:
    settings.IMAGE_MAX_DECODED_MB = 1  # 1 MB as RGB = 333,333 pixels
    open_any(one_bit_png(500, 500))  # 0.75 MB as RGB (31 KB as stored): allowed

    with pytest.raises(ImageTooLargeToCheck):
        open_any(one_bit_png(600, 600))  # 1.08 MB as RGB


def test_it_lets_a_48_mp_rgb_photo_through_the_default_budget(monkeypatch: Any) -> None:
    forbid_decoding(monkeypatch)

    im = open_any(header_only_png(8000, 6000))

    assert im.size == (8000, 6000)


def test_it_never_says_the_refused_size_equals_the_limit() -> None:
    with pytest.raises(ImageTooLargeToCheck) as err:
        open_any(header_only_png(8000, 6001))  # 48.008 MP

    assert err.value.message == TOO_LARGE_TO_CHECK.format(megapixels=49, most=48)


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_it_decodes_a_jpeg_reduced_when_only_a_small_copy_is_kept() -> None:
    upright = decode_upright_fitting(_jpeg((6000, 4000)), long_side=1280)

    assert upright.mode == "RGB"
    assert upright.size == (3000, 2000)  # libjpeg at 1/2: still twice the 1280 kept


def test_it_halves_a_png_before_converting_it_when_only_a_small_copy_is_kept() -> None:
    out = io.BytesIO()
    Image.new("L", (3000, 1000), 128).save(out, "PNG")

    upright = decode_upright_fitting(out.getvalue(), long_side=500)

    assert upright.mode == "RGB" and upright.size == (1000, 334)  # reduce(3) rounds up


def test_it_never_enlarges_a_small_image_it_decodes_for_a_small_copy() -> None:
    upright = decode_upright_fitting(_jpeg((640, 480)), long_side=1280)

    assert upright.size == (640, 480)
