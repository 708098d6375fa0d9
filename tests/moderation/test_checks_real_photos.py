"""The face checks on realistic photos, through the services: R2 for faces HOG could not see
(a profile, a half-hidden face), R21 (close-ups, the school's published size), HEIC uploads."""

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from backend.common.errors import InvalidInput
from backend.faces.detect import FaceBox
from moderation import approvals, imaging, services
from moderation.models import Face, Post
from tests.commits import committed
from tests.faces.realistic import HAND_MARKED, found, hand_over_mouth, jpeg_bytes, source_image
from tests.moderation.factories import ALL_PHOTO, person, record, submitted

S = Post.Status


def _box(face: Face) -> FaceBox:
    return FaceBox(face.top, face.right, face.bottom, face.left)


def _faces(post: Post) -> list[Face]:
    return list(Face.objects.filter(image__post=post).order_by("left"))


def _tag_everyone(post: Post, teacher: Any, school: Any) -> None:
    for index, face in enumerate(_faces(post)):
        someone = person(school, f"Pupil{index}", "Consented", mis_id=f"TAG{index}")
        record(someone, *ALL_PHOTO)
        with committed():  # each tag queues the re-check, run once it commits
            services.face_tag(face=face, actor=teacher, tag="person", person_id=someone.pk)


def test_r2_a_face_in_profile_blocks_until_it_is_tagged(
    teacher: Any, tablet: Any, school: Any
) -> None:
    post = submitted(teacher, tablet, images=("basketball.jpg",))

    faces = _faces(post)
    profile = next(box for box, pose in HAND_MARKED["basketball.jpg"] if pose == "profile")
    boxes = [_box(f) for f in faces]
    assert post.status == S.NEEDS_TAGGING
    assert found(profile, boxes) is not None
    assert all(f.identifiable for f in faces)

    _tag_everyone(post, teacher, school)
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL


def test_r2_a_partly_hidden_face_blocks_until_it_is_tagged(
    teacher: Any, tablet: Any, school: Any, tmp_path: Path
) -> None:
    [(box, _pose)] = HAND_MARKED["biden.jpg"]
    img, box = hand_over_mouth(source_image("biden.jpg"), box)
    photo = tmp_path / "hand-over-mouth.jpg"
    photo.write_bytes(jpeg_bytes(img))

    post = submitted(teacher, tablet, images=(str(photo),))

    assert post.status == S.NEEDS_TAGGING
    assert found(box, [_box(f) for f in _faces(post)]) is not None

    _tag_everyone(post, teacher, school)
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL


def _findings(post: Post, rule: str) -> list[dict[str, Any]]:
    run = post.check_runs.first()
    return [f for f in run.findings if f["rule"] == rule]


def test_r21_a_close_up_face_warns_staff_and_approver_with_its_share(
    teacher: Any, tablet: Any, school: Any
) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))  # head and shoulders

    [warning] = _findings(post, "R21")

    assert warning["severity"] == "confirm"  # shown, not blocking
    assert "fills 15% of this photo" in warning["message"]


def test_r21_a_group_photo_does_not_warn(teacher: Any, tablet: Any, school: Any) -> None:
    post = submitted(teacher, tablet, images=("basketball.jpg",))

    assert _findings(post, "R21") == []


def test_r21_a_close_up_blocks_when_the_school_says_so(
    teacher: Any, tablet: Any, school: Any, head_teacher: Any
) -> None:
    approvals.school_policy_update(
        school=school, actor=head_teacher, changes={"close_up_faces_block": True}
    )
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    _tag_everyone(post, teacher, school)  # consent in order: only the close-up remains

    post.refresh_from_db()
    assert post.status == S.BLOCKED
    assert [f["severity"] for f in _findings(post, "R21")] == ["block"]


def _big_photo(tmp_path: Path) -> str:
    big = tmp_path / "big.jpg"
    big.write_bytes(jpeg_bytes(source_image("biden.jpg").resize((1940, 4408))))
    return str(big)


def test_r21_the_published_variant_is_1280_px_by_default(
    teacher: Any, tablet: Any, school: Any, tmp_path: Path
) -> None:
    post = submitted(teacher, tablet, images=(_big_photo(tmp_path),))

    image = post.images.get()
    assert (image.width, image.height) == (1940, 4408)
    assert max(image.large_width, image.large_height) == 1280


def test_r21_the_published_variant_respects_the_schools_long_side(
    teacher: Any, tablet: Any, school: Any, head_teacher: Any, tmp_path: Path
) -> None:
    approvals.school_policy_update(
        school=school, actor=head_teacher, changes={"published_long_side": 800}
    )

    post = submitted(teacher, tablet, images=(_big_photo(tmp_path),))

    image = post.images.get()
    assert max(image.large_width, image.large_height) == 800
    for name in imaging.VARIANT_NAMES:
        with getattr(image, name).open("rb") as fh, Image.open(fh) as im:
            assert max(im.size) <= 800, name


def test_r21_r1_judges_faces_at_the_schools_published_size(
    teacher: Any, tablet: Any, school: Any, head_teacher: Any
) -> None:
    # The two men are 44 and 67 px tall in a 640 px photo: published at 320 px they are 22
    # and 33 px, so only one stays identifiable (R1: 24 px).
    approvals.school_policy_update(
        school=school, actor=head_teacher, changes={"published_long_side": 320}
    )

    post = submitted(teacher, tablet, images=("basketball.jpg",))

    faces = _faces(post)
    face_on, profile = (
        next(box for box, pose in HAND_MARKED["basketball.jpg"] if pose == wanted)
        for wanted in ("frontal", "profile")
    )
    by_box = {_box(f): f for f in faces}
    small, large = found(face_on, list(by_box)), found(profile, list(by_box))
    assert small is not None and large is not None
    assert (by_box[small].identifiable, by_box[large].identifiable) == (False, True)


def test_r21_a_long_side_out_of_range_is_refused_naming_the_field(
    school: Any, head_teacher: Any
) -> None:
    with pytest.raises(InvalidInput) as err:
        approvals.school_policy_update(
            school=school, actor=head_teacher, changes={"published_long_side": 99_999}
        )

    assert (err.value.message, err.value.field) == (
        approvals.POLICY_LONG_SIDE,
        "published_long_side",
    )


def test_a_heic_photo_from_an_ipad_is_accepted_upright_and_stripped(
    teacher: Any, tablet: Any, school: Any, tmp_path: Path
) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    portrait = source_image("obama2.jpg")  # 626 x 1200
    heic = tmp_path / "IMG_0001.HEIC"
    out = io.BytesIO()
    portrait.rotate(90, expand=True).save(out, "HEIF", exif=exif.tobytes(), quality=85)
    heic.write_bytes(out.getvalue())

    post = submitted(teacher, tablet, images=(str(heic),))

    image = post.images.get()
    assert (image.width, image.height) == (626, 1200)  # upright
    for name in imaging.VARIANT_NAMES:
        with getattr(image, name).open("rb") as fh:
            variant = fh.read()
        assert variant[:3] == b"\xff\xd8\xff" and imaging.metadata_present(variant) == []
    assert len(_faces(post)) == 1  # the face was found in the upright picture
