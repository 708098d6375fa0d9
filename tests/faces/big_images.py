"""Images that are small on disk and huge once decoded, built by hand so no test decodes them."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from PIL import Image, ImageFile

# 7000 x 7000 = 49 MP: under UPLOAD_MAX_PIXELS (50 MP), over the default decoded-memory
# budget (144 MB = 48 MP as RGB). The example: ~14 KB on disk, ~540 MB once decoded.
HUGE_ONE_BIT_SIZE = (7000, 7000)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def one_bit_png(width: int, height: int) -> bytes:
    """A valid, complete, all-black 1-bit greyscale PNG of width x height."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    idat = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def header_only_png(width: int, height: int) -> bytes:
    """An RGB PNG header declaring width x height (its pixel data is not meant to be read)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def forbid_decoding(monkeypatch: Any) -> None:
    """Make any pixel decode fail loudly: a refusal must come from the header alone."""

    def refuse(self: Image.Image) -> Any:
        raise AssertionError(f"decoded a {self.size} image that should have been refused")

    monkeypatch.setattr(Image.Image, "load", refuse)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
