"""The media pipeline: pure functions on image bytes (no Django).

Uploads are judged by their content, never their name: the magic bytes must say JPEG, PNG,
WebP or HEIF (HEIC) and Pillow must agree and decode the whole file. Everything published is
re-encoded from a fresh image built from pixel data only, so no metadata (EXIF incl. GPS, XMP,
IPTC, ICC, comments, thumbnails, appended trailers such as motion-photo videos) can ride
along (R6).

Multi-picture JPEGs (MPO) are accepted as JPEGs: only the primary picture is read, checked
and published. GIF is not accepted: school photos are never GIFs, GIF is the classic vehicle
for animation and decompression bombs, and the face checks only ever see one frame. HEIC
(iPads' and iPhones' default) is accepted through pillow-heif: its primary image is read,
upright, and what is published is a metadata-free JPEG like every other upload. Animated
PNG/WebP are refused for the same one-frame reason.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from PIL import ExifTags, Image, ImageFilter

from backend.faces.decode import (
    DAMAGED,
    NOT_AN_IMAGE,
    ImageRejected,
    decode_upright_fitting,
    fresh_rgb,
    normalise,
    open_checked,
    oriented_size,
    refusal_for_unaccepted,
    sniff,
    to_rgb,
)

# The decoding messages live with the decoder (backend.faces.decode); these are the
# pipeline's own. All are constants so tests and the API can assert them.
ANIMATED_NOT_ACCEPTED = "Animated images are not accepted; please upload a still photo."
EMPTY_FILE = "The file is empty."
TOO_MANY_BYTES = "The file is larger than {limit}."

MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}

VARIANT_NAMES = ("large", "medium", "thumb")
"""Names of publishable variants, largest first. "large" is the largest published variant:
the R1 face-size rule is judged at its size."""

DEFAULT_LONG_SIDES = (1280, 960, 400)  # R21: 1280 px is the 2026 guidance default
JPEG_QUALITY = 85


@dataclass(frozen=True)
class UploadInfo:
    """What inspection learned about an accepted upload."""

    format: str  # "JPEG" | "PNG" | "WEBP" | "HEIF"
    width: int  # after EXIF orientation
    height: int  # after EXIF orientation
    mime: str


class HasBox(Protocol):
    """Anything with top/right/bottom/left pixel edges (e.g. checks.faces.FaceBox)."""

    @property
    def top(self) -> int: ...
    @property
    def right(self) -> int: ...
    @property
    def bottom(self) -> int: ...
    @property
    def left(self) -> int: ...


BoxLike: TypeAlias = "HasBox | tuple[int, int, int, int]"


# --- type sniffing and inspection ----------------------------------------------------------


def _human_bytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


def inspect_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> UploadInfo:
    """Accept a JPEG, PNG, WebP or HEIC by its content, or raise ImageRejected saying why.

    1. Size in bytes, then magic bytes (a PDF, HTML page or SVG renamed .jpg fails here).
    2. Pillow opens it as that format only and reads the declared dimensions: a
       decompression bomb is refused before a single pixel is decoded.
    3. Animated images are refused (the checks would only see the first frame).
    4. The file must end properly (JPEG EOI, PNG IEND, WebP RIFF size): truncated uploads
       are refused whatever Pillow's global LOAD_TRUNCATED_IMAGES switch says.
    5. verify() checks structure (PNG CRCs), then a full decode catches corrupt data.

    Anything whose RGB pixels would exceed the decoded-memory budget (IMAGE_MAX_DECODED_MB)
    is refused at step 2, from the header (backend.faces.decode.check_decoded_budget).
    """
    if not data:
        raise ImageRejected(EMPTY_FILE)
    if len(data) > max_bytes:
        raise ImageRejected(TOO_MANY_BYTES.format(limit=_human_bytes(max_bytes)))
    fmt = sniff(data)
    if fmt is None:
        raise ImageRejected(refusal_for_unaccepted(data))

    im = open_checked(data, fmt, max_pixels)
    # A HEIF file may hold several top-level images (bursts, edits); like an MPO JPEG, only
    # its primary image is ever read, checked and published.
    if fmt not in ("JPEG", "HEIF") and getattr(im, "n_frames", 1) > 1:
        raise ImageRejected(ANIMATED_NOT_ACCEPTED)
    # Pillow's own truncation check is a process-wide switch that face_recognition turns
    # off when imported (ImageFile.LOAD_TRUNCATED_IMAGES = True), so check the end marker.
    # (libheif refuses a truncated HEIF itself, in the full decode below.)
    if fmt != "HEIF" and not _walk(data, fmt).complete:
        raise ImageRejected(DAMAGED)
    try:
        width, height = oriented_size(im)
        # verify() must come straight after open, leaves the image unusable, and misses
        # truncated JPEG data: so verify a fresh handle, then decode another one fully.
        open_checked(data, fmt, max_pixels).verify()
        whole = open_checked(data, fmt, max_pixels)
        if fmt == "JPEG":
            # At 1/8 scale libjpeg still entropy-decodes every block, which is what this
            # decode is for (truncation is caught by the end-marker walk above), but never
            # holds the full-size pixels: 2 MB instead of 144 for a 48 MP photo.
            # (At least 1 pixel: Pillow divides by the requested size; a photo under 8
            # pixels a side gave a ZeroDivisionError and a 500, found by the fuzz run.)
            whole.draft(whole.mode, (max(1, whole.width // 8), max(1, whole.height // 8)))
        whole.load()
    except ImageRejected:
        raise
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        raise ImageRejected(DAMAGED) from exc
    return UploadInfo(format=fmt, width=width, height=height, mime=MIME_TYPES[fmt])


# --- publishing ------------------------------------------------------------------------------


def _jpeg_bytes(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    fresh_rgb(im).save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def publishable_variants(
    img: Image.Image,
    *,
    long_sides: tuple[int, ...] = DEFAULT_LONG_SIDES,
    quality: int = JPEG_QUALITY,
) -> dict[str, bytes]:
    """Metadata-free JPEGs of an upright image, keyed "large", "medium", "thumb" (R6).

    "large" is the largest published variant (the R1 face size is judged there). A variant is
    never larger than the image itself: a small photo yields same-size variants.
    """
    if len(long_sides) > len(VARIANT_NAMES):
        raise ValueError(f"At most {len(VARIANT_NAMES)} variant sizes are supported.")
    source = fresh_rgb(to_rgb(img))
    variants: dict[str, bytes] = {}
    for name, long_side in zip(VARIANT_NAMES, long_sides, strict=False):
        variants[name] = _jpeg_bytes(_fit(source, long_side), quality)
    return variants


def upload_variants(data: bytes, *, long_sides: tuple[int, ...]) -> dict[str, bytes]:
    """publishable_variants of an accepted upload, decoded already downscaled to about twice
    the largest variant: the full-size pixels of a big photo are never held."""
    upright = decode_upright_fitting(data, long_side=max(long_sides))
    return publishable_variants(upright, long_sides=long_sides)


def variant_long_sides(published_long_side: int) -> tuple[int, int, int]:
    """Long sides of "large", "medium" and "thumb" for a school's published size (R21):
    the smaller variants are never larger than the largest."""
    medium, thumb = DEFAULT_LONG_SIDES[1:]
    return (
        published_long_side,
        min(medium, published_long_side),
        min(thumb, published_long_side),
    )


def published_long_side(width: int, height: int, long_side: int = DEFAULT_LONG_SIDES[0]) -> int:
    """The long side of the "large" variant made from an image of this size (never enlarged)."""
    return min(max(width, height), long_side)


def _fit(im: Image.Image, long_side: int) -> Image.Image:
    current = max(im.size)
    if current <= long_side:
        return im
    ratio = long_side / current
    size = (max(1, round(im.width * ratio)), max(1, round(im.height * ratio)))
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


# --- blurring --------------------------------------------------------------------------------


def _edges(box: BoxLike) -> tuple[int, int, int, int]:
    if isinstance(box, tuple):
        return box
    return box.top, box.right, box.bottom, box.left


def blur_regions(
    data_or_img: bytes | Image.Image,
    boxes: Iterable[BoxLike],
    *,
    margin: float = 0.5,
    blocks: int = 4,
    quality: int = 92,
) -> bytes:
    """Irreversibly obscure each box (top, right, bottom, left, upright pixels); return a JPEG.

    Each box grows by `margin` of its size on every side (detector boxes are tight; hair,
    ears and jaw identify people too). The region is averaged down so the face spans about
    `blocks` blocks, which destroys the pixel information, then enlarged and Gaussian-blurred
    so it reads as a soft blur rather than a mosaic. A blur alone can be partly inverted; a
    4-block average cannot. A blurred face that is detected again would send the post back
    to tagging, so the settings are the mildest the detectors no longer find: HOG still found
    8-block faces, and the CNN pair (docs/faces.md) still found some 5-block faces with a 30%
    margin in a group photo; 4 blocks with a 50% margin, none (measured on the fixtures).
    The result is a metadata-free JPEG of the image.
    """
    if isinstance(data_or_img, bytes):
        img = normalise(data_or_img)
    else:
        img = fresh_rgb(to_rgb(data_or_img))
    for box in boxes:
        top, right, bottom, left = _edges(box)
        h, w = bottom - top, right - left
        if h <= 0 or w <= 0:
            continue
        pad_y, pad_x = round(h * margin), round(w * margin)
        region = (
            max(0, left - pad_x),
            max(0, top - pad_y),
            min(img.width, right + pad_x),
            min(img.height, bottom + pad_y),
        )
        rw, rh = region[2] - region[0], region[3] - region[1]
        if rw <= 0 or rh <= 0:
            continue
        block = max(1.0, max(h, w) / blocks)
        small = (max(1, round(rw / block)), max(1, round(rh / block)))
        patch = img.crop(region).resize(small, Image.Resampling.BOX)
        patch = patch.resize((rw, rh), Image.Resampling.NEAREST)
        patch = patch.filter(ImageFilter.GaussianBlur(radius=max(1.0, block / 2)))
        img.paste(patch, region[:2])
    return _jpeg_bytes(img, quality)


# --- metadata audit --------------------------------------------------------------------------


def metadata_present(data: bytes) -> list[str]:
    """Names of metadata found in JPEG/PNG/WebP bytes, by walking the file's own structure.

    Used by tests and by publishers as a last check before bytes leave the building: an
    empty list means nothing beyond what is needed to draw the pixels. Names: "exif", "gps",
    "thumbnail", "xmp", "iptc", "icc", "comment", "text", "time", "mpf", "appN", "trailer"
    (bytes after the end marker), "unparsed" (a structure that could not be followed).
    """
    fmt = sniff(data)
    if fmt is None:
        raise ImageRejected(NOT_AN_IMAGE)
    if fmt == "HEIF":
        return _heif_metadata(data)
    walk = _walk(data, fmt)
    readers = {"JPEG": _jpeg_metadata, "PNG": _png_metadata, "WEBP": _webp_metadata}
    found = readers[fmt](walk)
    if walk.trailer:
        found.append("trailer")
    if not walk.complete:
        found.append("unparsed")  # a structure we could not follow may hide anything
    return sorted(set(found))


def _heif_metadata(data: bytes) -> list[str]:
    """HEIF boxes are not walked here (nothing published is HEIF): what the decoder reports,
    plus "unparsed", since a structure we did not follow may hide anything."""
    im = open_checked(data, "HEIF", None)
    found = ["unparsed"]
    if im.info.get("exif"):
        found.extend(_exif_details(im.info["exif"].removeprefix(b"Exif\x00\x00")))
    if im.info.get("xmp"):
        found.append("xmp")
    if im.info.get("icc_profile"):
        found.append("icc")
    return sorted(set(found))


def _exif_details(tiff: bytes) -> list[str]:
    found = ["exif"]
    exif = Image.Exif()
    try:
        exif.load(tiff)
        if exif.get_ifd(ExifTags.IFD.GPSInfo) or ExifTags.Base.GPSInfo in exif:
            found.append("gps")
        if exif.get_ifd(ExifTags.IFD.IFD1):
            found.append("thumbnail")
    except Exception:  # noqa: BLE001 - unparseable EXIF is still EXIF; report what we know
        found.append("exif-unreadable")
    return found


@dataclass
class _Walk:
    """A file's top-level structure: (kind, payload) segments, and whether it ended properly."""

    segments: list[tuple[bytes, bytes]]
    complete: bool  # the end marker (JPEG EOI, PNG IEND, WebP RIFF size) was reached intact
    trailer: bool  # non-zero bytes after the end


def _walk_jpeg(data: bytes) -> _Walk:
    segments: list[tuple[bytes, bytes]] = []
    pos, n = 2, len(data)
    while pos + 2 <= n:
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # EOI: anything after it is a trailer (e.g. a motion-photo video)
            return _Walk(segments, complete=True, trailer=bool(data[pos + 2 :].strip(b"\x00")))
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        if pos + 4 > n:
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > n:
            break
        segments.append((bytes([marker]), data[pos + 4 : pos + 2 + length]))
        pos += 2 + length
        if marker == 0xDA:  # start of scan: skip entropy-coded data to the next marker
            while pos + 1 < n:
                if data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                pos += 1
    return _Walk(segments, complete=False, trailer=False)


def _walk_png(data: bytes) -> _Walk:
    segments: list[tuple[bytes, bytes]] = []
    pos = 8
    while pos + 12 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        if pos + 12 + length > len(data):
            break
        segments.append((ctype, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if ctype == b"IEND":
            return _Walk(segments, complete=True, trailer=bool(data[pos:].strip(b"\x00")))
    return _Walk(segments, complete=False, trailer=False)


def _walk_webp(data: bytes) -> _Walk:
    segments: list[tuple[bytes, bytes]] = []
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = min(len(data), 8 + riff_size)
    pos = 12
    while pos + 8 <= end:
        ctype, length = struct.unpack("<4sI", data[pos : pos + 8])
        if pos + 8 + length > end:
            break
        segments.append((ctype, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length & 1)
    complete = 8 + riff_size <= len(data) and pos >= end
    return _Walk(segments, complete=complete, trailer=bool(data[8 + riff_size :].strip(b"\x00")))


def _walk(data: bytes, fmt: str) -> _Walk:
    if fmt == "JPEG":
        return _walk_jpeg(data)
    if fmt == "PNG":
        return _walk_png(data)
    return _walk_webp(data)


def _jpeg_metadata(walk: _Walk) -> list[str]:
    found: list[str] = []
    for kind, payload in walk.segments:
        marker = kind[0]
        if marker == 0xE0:
            if payload.startswith(b"JFXX"):
                found.append("thumbnail")
            elif not payload.startswith(b"JFIF"):
                found.append("app0")
        elif marker == 0xE1:
            if payload.startswith(b"Exif\x00"):
                found.extend(_exif_details(payload[6:]))
            elif payload.startswith((b"http://ns.adobe.com/xap/1.0/", b"http://ns.adobe.com/xmp")):
                found.append("xmp")
            else:
                found.append("app1")
        elif marker == 0xE2:
            if payload.startswith(b"ICC_PROFILE\x00"):
                found.append("icc")
            elif payload.startswith(b"MPF\x00"):
                found.append("mpf")  # multi-picture format: more images inside
            else:
                found.append("app2")
        elif marker == 0xED:
            found.append("iptc")
        elif marker == 0xEE:
            if not payload.startswith(b"Adobe"):  # Adobe colour-transform flag: not metadata
                found.append("app14")
        elif 0xE3 <= marker <= 0xEF:
            found.append(f"app{marker - 0xE0}")
        elif marker == 0xFE:
            found.append("comment")
    return found


_PNG_METADATA_CHUNKS = {
    b"tEXt": "text",
    b"zTXt": "text",
    b"iTXt": "text",
    b"iCCP": "icc",
    b"tIME": "time",
}


def _png_metadata(walk: _Walk) -> list[str]:
    found: list[str] = []
    for ctype, body in walk.segments:
        if ctype == b"eXIf":
            found.extend(_exif_details(body))
        elif ctype == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00"):
            found.append("xmp")
        elif ctype in _PNG_METADATA_CHUNKS:
            found.append(_PNG_METADATA_CHUNKS[ctype])
    return found


def _webp_metadata(walk: _Walk) -> list[str]:
    found: list[str] = []
    for ctype, body in walk.segments:
        if ctype == b"EXIF":
            found.extend(_exif_details(body[6:] if body.startswith(b"Exif\x00\x00") else body))
        elif ctype == b"XMP ":
            found.append("xmp")
        elif ctype == b"ICCP":
            found.append("icc")
    return found
