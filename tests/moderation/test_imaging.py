"""The media pipeline: type sniffing, bombs, orientation, metadata stripping (R6), blurring."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageFilter

from backend.faces import decode
from backend.faces.decode import load_for_analysis
from moderation import imaging
from moderation.imaging import (
    ImageRejected,
    blur_regions,
    inspect_upload,
    metadata_present,
    normalise,
    publishable_variants,
)
from tests.faces.big_images import (
    HUGE_ONE_BIT_SIZE,
    forbid_decoding,
    header_only_png,
    one_bit_png,
)
from tests.moderation.face_fixtures import SOURCE_FACES, fixture_bytes

MB = 1024 * 1024
LIMITS = {"max_bytes": 20 * MB, "max_pixels": 40_000_000}


def _encode(img: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def _hopper() -> Image.Image:
    """Hopper's pixels only (the file's JPEG comment would otherwise follow them around)."""
    with Image.open(io.BytesIO(fixture_bytes("hopper.jpg"))) as im:
        return Image.frombytes("RGB", im.size, im.convert("RGB").tobytes())


def _with_all_metadata(img: Image.Image, *, orientation: int = 1) -> bytes:
    """A JPEG carrying every kind of metadata a school photo might: EXIF with GPS, XMP,
    ICC, a comment, and an IPTC (Photoshop APP13) block spliced in by hand."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SchoolTablet"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><Iptc4xmpCore:Location>Oakfield</x:xmpmeta>'
    data = _encode(img, exif=exif, icc_profile=icc, comment=b"Year 4, Oakfield", xmp=xmp)
    iptc_body = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0a\x1c\x02\x78\x00\x05Alice"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc_body) + 2) + iptc_body
    return data[:2] + app13 + data[2:]


def _assert_clean(data: bytes) -> None:
    assert metadata_present(data) == []
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        for key in ("exif", "icc_profile", "xmp", "comment", "photoshop", "XML:com.adobe.xmp"):
            assert key not in im.info, key
        exif = im.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert im.applist == [("APP0", im.applist[0][1])]  # JFIF header only
        assert im.applist[0][1].startswith(b"JFIF")


# --- type sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_it_accepts_jpeg_png_and_webp_by_content(fmt: str, mime: str) -> None:
    info = inspect_upload(_encode(_hopper(), fmt), **LIMITS)

    assert (info.format, info.mime, info.width, info.height) == (fmt, mime, 128, 128)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        b"PK\x03\x04 a zip archive",
        b"MZ\x90\x00 a windows program",
    ],
    ids=["pdf", "html", "svg", "zip", "exe"],
)
def test_it_rejects_files_disguised_as_images(data: bytes) -> None:
    with pytest.raises(ImageRejected) as err:
        inspect_upload(data, **LIMITS)

    assert err.value.message == "This file is not a JPEG, PNG, WebP or HEIC image."


def test_it_rejects_gif_and_avif_with_a_helpful_message() -> None:
    gif = _encode(_hopper(), "GIF")
    avif_header = b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif"

    with pytest.raises(ImageRejected) as gif_err:
        inspect_upload(gif, **LIMITS)
    with pytest.raises(ImageRejected) as avif_err:
        inspect_upload(avif_header, **LIMITS)

    assert gif_err.value.message == decode.GIF_NOT_ACCEPTED
    assert avif_err.value.message == decode.AVIF_NOT_ACCEPTED


def _heic_from_an_ipad(img: Image.Image, *, orientation: int) -> bytes:
    """A real HEIC written by libheif (pillow-heif), with the EXIF an iPad writes: maker,
    GPS position and an orientation (stored sideways, to be turned upright)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPad"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    return _encode(img, "HEIF", exif=exif.tobytes(), quality=90)


def _red_top_blue_bottom(width: int, height: int) -> Image.Image:
    img = Image.new("RGB", (width, height), (220, 0, 0))
    img.paste((0, 0, 220), (0, height // 2, width, height))
    return img


def test_it_accepts_a_heic_photo_by_content() -> None:
    data = _heic_from_an_ipad(_red_top_blue_bottom(120, 80), orientation=1)
    assert data[4:12] == b"ftypheic"

    info = inspect_upload(data, **LIMITS)

    assert (info.format, info.mime, info.width, info.height) == ("HEIF", "image/heic", 120, 80)
    assert {"exif", "gps"} <= set(metadata_present(data))


def test_it_turns_a_sideways_heic_upright() -> None:
    # Stored as a landscape frame with orientation 6 (rotate 90 degrees clockwise to view).
    data = _heic_from_an_ipad(_red_top_blue_bottom(120, 80), orientation=6)

    info = inspect_upload(data, **LIMITS)
    upright = normalise(data)

    assert (info.width, info.height) == (80, 120) == upright.size
    # Turned clockwise, the red top edge becomes the right-hand side.
    left, right = upright.getpixel((10, 60)), upright.getpixel((70, 60))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[2] > 150 and right[0] > 150


def test_it_strips_every_kind_of_metadata_from_a_heic_photo() -> None:
    data = _heic_from_an_ipad(_red_top_blue_bottom(600, 400), orientation=6)

    variants = publishable_variants(normalise(data))

    for name, variant in variants.items():
        assert variant[:3] == b"\xff\xd8\xff", name  # published as JPEG, never HEIC
        assert metadata_present(variant) == [], name
        with Image.open(io.BytesIO(variant)) as im:
            assert im.size[0] < im.size[1], name  # still upright


def test_it_rejects_a_truncated_heic() -> None:
    data = _heic_from_an_ipad(_red_top_blue_bottom(600, 400), orientation=1)

    with pytest.raises(ImageRejected) as err:
        inspect_upload(data[: len(data) * 2 // 3], **LIMITS)

    # The HEIF plug-in cannot even open it, so Pillow cannot confirm the type.
    assert err.value.message == decode.DISAGREES


def test_it_rejects_jpeg_magic_in_front_of_something_else() -> None:
    with pytest.raises(ImageRejected) as err:
        inspect_upload(b"\xff\xd8\xff\xe0" + b"<html>not really a photo</html>" * 20, **LIMITS)

    assert err.value.message in (decode.DAMAGED, decode.DISAGREES)


def test_it_rejects_a_truncated_jpeg() -> None:
    whole = fixture_bytes("obama2.jpg")

    with pytest.raises(ImageRejected) as err:
        inspect_upload(whole[: len(whole) // 2], **LIMITS)

    assert err.value.message == "The image could not be read; it may be damaged."


def test_it_rejects_truncated_files_even_when_pillow_is_told_to_tolerate_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # face_recognition sets this process-wide switch on import.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    jpeg, png = fixture_bytes("obama2.jpg"), _encode(_hopper(), "PNG")
    webp = _encode(_hopper(), "WEBP")

    for data in (jpeg[: len(jpeg) - 2000], png[: len(png) - 100], webp[: len(webp) - 100]):
        with pytest.raises(ImageRejected) as err:
            inspect_upload(data, **LIMITS)
        assert err.value.message == imaging.DAMAGED


def test_using_the_face_checks_does_not_flip_pillows_truncation_switch() -> None:
    from backend.faces.library import face_recognition_library

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    face_recognition_library()

    assert before == ImageFile.LOAD_TRUNCATED_IMAGES


def test_it_rejects_a_corrupt_png() -> None:
    data = bytearray(_encode(_hopper(), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 40 : idat + 60] = b"\x00" * 20  # breaks both the CRC and the zlib stream

    with pytest.raises(ImageRejected) as err:
        inspect_upload(bytes(data), **LIMITS)

    assert err.value.message == imaging.DAMAGED


def test_it_rejects_a_decompression_bomb_before_decoding_it() -> None:
    bomb = header_only_png(100_000, 100_000)  # 10 gigapixels declared in a ~100 byte file

    with pytest.raises(ImageRejected) as err:
        inspect_upload(bomb, **LIMITS)

    assert err.value.message == "The image is larger than 40 megapixels."


def test_it_turns_pillows_own_bomb_guard_into_a_rejection() -> None:
    # Our limit set absurdly high: Pillow's DecompressionBombError must still be caught.
    bomb = header_only_png(30_000, 30_000)

    with pytest.raises(ImageRejected) as err:
        inspect_upload(bomb, max_bytes=20 * MB, max_pixels=10**12)

    assert err.value.message == "The image is larger than 89 megapixels."  # Pillow's limit


def test_it_rejects_a_file_over_the_byte_limit() -> None:
    with pytest.raises(ImageRejected) as err:
        inspect_upload(fixture_bytes("obama.jpg"), max_bytes=100 * 1024, max_pixels=40_000_000)

    assert err.value.message == "The file is larger than 100 KB."


def test_it_rejects_an_empty_file() -> None:
    with pytest.raises(ImageRejected) as err:
        inspect_upload(b"", **LIMITS)

    assert err.value.message == imaging.EMPTY_FILE


def test_it_rejects_animated_images_because_checks_see_one_frame() -> None:
    frames = [_hopper(), _hopper().rotate(90)]
    animated = _encode(frames[0], "PNG", save_all=True, append_images=frames[1:])

    with pytest.raises(ImageRejected) as err:
        inspect_upload(animated, **LIMITS)

    assert err.value.message == imaging.ANIMATED_NOT_ACCEPTED


def test_it_accepts_a_multi_picture_jpeg_but_publishes_only_the_primary_picture() -> None:
    mpo = _encode(_hopper(), "MPO", save_all=True, append_images=[_hopper().rotate(90)])

    info = inspect_upload(mpo, **LIMITS)
    variants = publishable_variants(normalise(mpo))

    assert info.format == "JPEG"
    assert "mpf" in metadata_present(mpo)
    _assert_clean(variants["large"])


# --- orientation ------------------------------------------------------------------------------


def _marked(width: int, height: int) -> Image.Image:
    """Grey image with a red block in the stored top-left corner."""
    img = Image.new("RGB", (width, height), (128, 128, 128))
    img.paste((255, 0, 0), (0, 0, width // 10, height // 10))
    return img


def _red(img: Image.Image, x: int, y: int) -> int:
    return int(np.asarray(img.convert("RGB"))[y, x, 0])


def _with_orientation(img: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return _encode(img, exif=exif, quality=95)


def test_it_reports_dimensions_after_exif_orientation() -> None:
    data = _with_orientation(_marked(300, 200), 6)  # stored landscape, shown portrait

    info = inspect_upload(data, **LIMITS)

    assert (info.width, info.height) == (200, 300)


def test_it_applies_exif_orientation_when_normalising() -> None:
    # Orientation 6: display = stored rotated 90 degrees clockwise, so the stored top-left
    # corner ends up top-right.
    img = normalise(_with_orientation(_marked(300, 200), 6))

    assert img.size == (200, 300)
    assert _red(img, 195, 5) > 200  # red top-right
    assert _red(img, 5, 5) < 160  # grey top-left


def test_analysis_pixels_map_back_to_upright_original_pixels() -> None:
    data = _with_orientation(_marked(3000, 2000), 6)  # upright 2000 x 3000

    arr, scale = load_for_analysis(data, max_long_side=1000)

    assert arr.shape[:2] == (1000, 667)
    assert scale == pytest.approx(3.0, rel=0.01)
    red = np.argwhere((arr[:, :, 0] > 200) & (arr[:, :, 1] < 60))
    top, right = red[:, 0].max() * scale, red[:, 1].min() * scale
    # The red block is 200 x 300 upright pixels in the top-right corner.
    assert top == pytest.approx(300, abs=8)
    assert right == pytest.approx(1800, abs=8)


def test_it_decodes_large_jpegs_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    requests: list[tuple[str, tuple[int, int]]] = []
    real_draft = Image.Image.draft

    def spy(self: Image.Image, mode: str, size: tuple[int, int]) -> object:
        requests.append((mode, size))
        return real_draft(self, mode, size)

    monkeypatch.setattr(Image.Image, "draft", spy, raising=False)
    from PIL import JpegImagePlugin

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)

    arr, scale = load_for_analysis(_encode(_marked(3200, 2400)), max_long_side=800)

    assert requests == [("RGB", (800, 600))]
    assert arr.shape[:2] == (600, 800)
    assert scale == pytest.approx(4.0)


def test_it_never_enlarges_for_analysis() -> None:
    arr, scale = load_for_analysis(fixture_bytes("hopper.jpg"), max_long_side=1600)

    assert arr.shape == (128, 128, 3)
    assert arr.dtype == np.uint8
    assert scale == 1.0


# --- metadata (R6) ---------------------------------------------------------------------------


def test_metadata_present_names_each_kind_it_finds() -> None:
    crafted = _with_all_metadata(_hopper())

    assert metadata_present(crafted) == ["comment", "exif", "gps", "icc", "iptc", "xmp"]
    # The White House portrait carries a real EXIF thumbnail, XMP, IPTC and an ICC profile.
    assert metadata_present(fixture_bytes("obama.jpg")) == [
        "exif",
        "icc",
        "iptc",
        "thumbnail",
        "xmp",
    ]


def test_metadata_present_reads_png_and_webp_too() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SchoolTablet"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Mrs Smith")
    png = _encode(_hopper(), "PNG", exif=exif, pnginfo=text)
    webp = _encode(_hopper(), "WEBP", exif=exif, xmp=b"<x:xmpmeta/>")

    assert metadata_present(png) == ["exif", "gps", "text"]
    assert metadata_present(webp) == ["exif", "gps", "xmp"]
    assert metadata_present(_encode(_hopper(), "PNG")) == []
    assert metadata_present(_encode(_hopper(), "WEBP")) == []


def test_metadata_present_reports_data_hidden_after_the_end_of_the_image() -> None:
    # Motion photos append a video after the JPEG's end marker.
    jpeg = _encode(_hopper())

    assert metadata_present(jpeg + b"ftypmp42 a short video of the class") == ["trailer"]
    assert metadata_present(jpeg[:-300]) == ["unparsed"]


def test_it_strips_gps_from_publishable_variants() -> None:
    data = _with_all_metadata(_hopper())
    assert "gps" in metadata_present(data)

    variants = publishable_variants(normalise(data))

    for variant in variants.values():
        with Image.open(io.BytesIO(variant)) as im:
            assert not im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "gps" not in metadata_present(variant)


@pytest.mark.parametrize("source", ["crafted", "obama.jpg", "hopper.jpg"])
def test_it_strips_every_kind_of_metadata_from_publishable_variants(source: str) -> None:
    data = _with_all_metadata(_hopper()) if source == "crafted" else fixture_bytes(source)
    assert metadata_present(data)

    variants = publishable_variants(normalise(data))

    assert set(variants) == {"large", "medium", "thumb"}
    for variant in variants.values():
        _assert_clean(variant)


def test_it_strips_metadata_even_from_an_image_object_that_carries_it() -> None:
    with Image.open(io.BytesIO(_with_all_metadata(_hopper()))) as img:
        img.load()
        assert "exif" in img.info and "comment" in img.info

        variants = publishable_variants(img)

    for variant in variants.values():
        _assert_clean(variant)


def test_variants_are_sized_by_long_side_and_never_enlarged() -> None:
    def sizes(img: Image.Image, **kwargs: tuple[int, ...]) -> dict[str, tuple[int, int]]:
        variants = publishable_variants(img, **kwargs)
        return {name: Image.open(io.BytesIO(data)).size for name, data in variants.items()}

    biden = normalise(fixture_bytes("biden.jpg"))  # 970 x 2204

    assert sizes(biden) == {"large": (563, 1280), "medium": (423, 960), "thumb": (176, 400)}
    assert sizes(biden, long_sides=(4000, 2000, 400))["large"] == (970, 2204)
    assert sizes(_hopper()) == {"large": (128, 128), "medium": (128, 128), "thumb": (128, 128)}
    assert imaging.published_long_side(4032, 3024) == 1280
    assert imaging.published_long_side(970, 2204, 4000) == 2204


def test_variants_keep_the_upright_orientation_without_needing_exif() -> None:
    data = _with_orientation(_marked(300, 200), 6)

    large = publishable_variants(normalise(data))["large"]

    with Image.open(io.BytesIO(large)) as im:
        assert im.size == (200, 300)
        assert _red(im, 195, 5) > 200


# --- blurring ---------------------------------------------------------------------------------


def _detail(img: Image.Image, box: tuple[int, int, int, int]) -> float:
    """High-frequency energy (variance of the Laplacian) inside a (top, right, bottom, left)."""
    top, right, bottom, left = box
    grey = img.convert("L").crop((left, top, right, bottom))
    edges = np.asarray(grey.filter(ImageFilter.FIND_EDGES), dtype=np.float64)
    return float(edges[2:-2, 2:-2].var())


def test_blurring_destroys_the_detail_in_the_face_region() -> None:
    data = fixture_bytes("obama.jpg")
    box = SOURCE_FACES[0].box
    before = normalise(data)

    blurred = Image.open(io.BytesIO(blur_regions(data, [box])))

    assert _detail(blurred, box) < 0.02 * _detail(before, box)
    # Nothing finer than the mosaic survives: an 8 x 8 summary of the blurred face
    # reproduces it almost exactly.
    top, right, bottom, left = box
    face = np.asarray(blurred.crop((left, top, right, bottom)).convert("L"), dtype=np.float64)
    coarse = Image.fromarray(face.astype(np.uint8)).resize((8, 8), Image.Resampling.BOX)
    rebuilt = np.asarray(coarse.resize(face.shape[::-1], Image.Resampling.BILINEAR), float)
    assert np.abs(rebuilt - face).mean() < 6


def test_blurring_leaves_the_rest_of_the_image_alone() -> None:
    data = fixture_bytes("obama.jpg")
    top, right, bottom, left = SOURCE_FACES[0].box
    before = np.asarray(normalise(data), dtype=np.int16)

    after = np.asarray(Image.open(io.BytesIO(blur_regions(data, [SOURCE_FACES[0].box]))))

    below = slice(bottom + (bottom - top), None)  # well clear of the margin
    assert np.abs(after[below].astype(np.int16) - before[below]).mean() < 3


def test_blurred_output_carries_no_metadata() -> None:
    blurred = blur_regions(_with_all_metadata(_hopper()), [(30, 90, 80, 35)])

    _assert_clean(blurred)


def test_blurring_accepts_an_image_and_ignores_degenerate_boxes() -> None:
    img = _hopper()

    out = blur_regions(img, [(10, 10, 10, 10), (200, 300, 250, 260)])

    assert Image.open(io.BytesIO(out)).size == (128, 128)


def test_it_refuses_an_upload_over_the_decoded_memory_budget_from_its_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = one_bit_png(*HUGE_ONE_BIT_SIZE)  # 49 MP: under the 50 MP pixel limit
    forbid_decoding(monkeypatch)

    with pytest.raises(ImageRejected) as err:
        inspect_upload(data, max_bytes=20 * MB, max_pixels=50_000_000)

    assert err.value.message == decode.TOO_LARGE_TO_CHECK.format(megapixels=49, most=48)


def test_it_makes_the_same_size_variants_from_an_upload_decoded_reduced() -> None:
    data = _encode(Image.new("RGB", (6000, 4000), (90, 120, 200)))

    variants = imaging.upload_variants(data, long_sides=(1280, 960, 400))

    sizes = {name: Image.open(io.BytesIO(jpeg)).size for name, jpeg in variants.items()}
    assert sizes == {"large": (1280, 853), "medium": (960, 640), "thumb": (400, 267)}
