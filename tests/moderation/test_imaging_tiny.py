"""A photo only a few pixels wide is inspected like any other (issue 16: the fuzz run's
1x1 JPEG made the reduced-scale decode divide by zero, and the upload answered 500)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from moderation.imaging import inspect_upload

LIMITS = {"max_bytes": 20 * 1024 * 1024, "max_pixels": 40_000_000}


@pytest.mark.parametrize("size", [(1, 1), (7, 3), (9, 1)])
def test_a_jpeg_smaller_than_eight_pixels_a_side_is_accepted(size: tuple[int, int]) -> None:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG")

    info = inspect_upload(out.getvalue(), **LIMITS)

    assert (info.format, info.width, info.height) == ("JPEG", *size)
