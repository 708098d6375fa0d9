"""The safeguarding checks on real public-domain photos (tests/fixtures/faces).

obama.jpg is the enrolled reference photo; obama2.jpg is another photo of the same man;
biden.jpg shows someone never enrolled.
"""

from typing import Any

import pytest

from consent.models import FlagKind, Purpose, SafeguardingFlag
from moderation import services
from moderation.models import Face, Post
from tests.commits import committed
from tests.moderation.factories import (
    ALL_PHOTO,
    draft,
    enrol,
    flag,
    open_dpia,
    person,
    record,
    submitted,
)

S = Post.Status


@pytest.fixture
def barack(school: Any) -> Any:
    """A pupil with biometric consent and an enrolled face, in a school with a DPIA."""
    open_dpia(school)
    who = person(school, "Barack", "Obama", mis_id="OB1")
    record(who, Purpose.BIOMETRIC)
    enrol(who, "obama.jpg")
    return who


def _rules(post: Post) -> list[str]:
    run = post.check_runs.first()
    return sorted({f["rule"] for f in run.findings if f["severity"] != "confirm"})


def test_r1_a_consented_pupil_passes(teacher: Any, tablet: Any, barack: Any) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",), channels=("website", "x"))
    assert post.status == S.AWAITING_APPROVAL, post.check_runs.first().findings
    face = Face.objects.get(image__post=post)
    assert face.person_id == barack.pk and face.distance is not None


def test_r1_a_pupil_without_photo_consent_blocks(teacher: Any, tablet: Any, barack: Any) -> None:
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.BLOCKED
    assert _rules(post) == ["R1"]


def test_r17_a_refusal_blocks_even_beside_grants(teacher: Any, tablet: Any, barack: Any) -> None:
    record(barack, *ALL_PHOTO)
    record(barack, Purpose.PHOTO_WEBSITE, decision="refused")
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.BLOCKED and _rules(post) == ["R1"]


def test_r1_consent_for_the_website_but_not_x_blocks_on_x_only(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, Purpose.PHOTO_WEBSITE)
    post = submitted(teacher, tablet, images=("obama2.jpg",), channels=("website", "x"))
    assert post.status == S.BLOCKED
    r1 = [f for f in post.check_runs.first().findings if f["rule"] == "R1"]
    assert [f["channel"] for f in r1] == ["x"]
    assert "no consent for photos on X" in r1[0]["message"]


def test_r2_an_unknown_face_needs_tagging(teacher: Any, tablet: Any, barack: Any) -> None:
    post = submitted(teacher, tablet, images=("biden.jpg",))
    assert post.status == S.NEEDS_TAGGING and _rules(post) == ["R2"]


def test_r19_without_a_dpia_nobody_is_identified(
    teacher: Any, tablet: Any, school: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    school.dpia_reference = ""
    school.save()
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.NEEDS_TAGGING
    assert Face.objects.get(image__post=post).person_id is None


def test_r3_a_pupils_biometric_objection_stops_identification(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    record(barack, Purpose.BIOMETRIC, decision="refused")
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.NEEDS_TAGGING


def test_r2_tagging_the_face_as_a_consented_person_passes(
    teacher: Any, tablet: Any, school: Any
) -> None:
    joe = person(school, "Joe", "Biden")
    record(joe, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("biden.jpg",))
    face = Face.objects.get(image__post=post)
    with committed():
        services.face_tag(face=face, actor=teacher, tag="person", person_id=joe.pk)
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL


def test_r2_tagging_the_face_as_a_person_without_consent_blocks(
    teacher: Any, tablet: Any, school: Any
) -> None:
    joe = person(school, "Joe", "Biden")
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.face_tag(
            face=Face.objects.get(image__post=post), actor=teacher, tag="person", person_id=joe.pk
        )
    post.refresh_from_db()
    assert post.status == S.BLOCKED and _rules(post) == ["R1"]


def test_r2_an_adult_with_consent_on_file_passes(teacher: Any, tablet: Any, school: Any) -> None:
    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.face_tag(
            face=Face.objects.get(image__post=post),
            actor=teacher,
            tag="adult_consent",
            adult_name="Mr Biden",
        )
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL


def test_r2_blurring_the_unknown_face_passes(teacher: Any, tablet: Any, school: Any) -> None:
    post = submitted(teacher, tablet, images=("biden.jpg",))
    before = post.images.get().large_sha256
    with committed():
        services.post_blur_faces(post=post, actor=teacher, without_consent=True)
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL
    assert post.images.get().large_sha256 != before


def test_r2_the_blurred_variant_no_longer_shows_a_face(
    teacher: Any, tablet: Any, school: Any
) -> None:
    from backend.faces.detect import DetectorSettings, detect_faces

    post = submitted(teacher, tablet, images=("biden.jpg",))
    with committed():
        services.post_blur_faces(post=post, actor=teacher, without_consent=True)
    with post.images.get().large.open("rb") as fh:
        assert detect_faces(fh.read(), DetectorSettings()).boxes == ()


def test_r16_a_flagged_pupil_blocks_whatever_the_consent(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    flag(barack)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.BLOCKED and _rules(post) == ["R16"]
    finding = next(f for f in post.check_runs.first().findings if f["rule"] == "R16")
    assert "looked" not in finding["message"].lower()  # staff never see the reason


def test_r20_a_photo_without_faces_needs_the_approvers_confirmation(
    teacher: Any, tablet: Any, tmp_path: Any
) -> None:
    from PIL import Image

    path = tmp_path / "field.jpg"
    Image.new("RGB", (800, 600), (40, 140, 60)).save(path)
    post = submitted(teacher, tablet, images=(str(path),))
    assert post.status == S.AWAITING_APPROVAL
    assert [f["rule"] for f in post.check_runs.first().findings] == ["R20"]


def test_r20_a_photo_with_an_identified_face_still_asks_the_approver_to_look(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    from moderation.checks.evaluate import MSG_R20_OTHERS

    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert post.status == S.AWAITING_APPROVAL
    r20 = [f for f in post.check_runs.first().findings if f["rule"] == "R20"]
    assert [(f["image"], f["severity"]) for f in r20] == [(post.images.get().pk, "confirm")]
    assert r20[0]["message"] == MSG_R20_OTHERS
    assert "no other identifiable person" in MSG_R20_OTHERS


def test_r20_a_face_drawn_by_hand_is_treated_like_a_detected_one(
    teacher: Any, tablet: Any, tmp_path: Any
) -> None:
    from PIL import Image

    path = tmp_path / "field.jpg"
    Image.new("RGB", (800, 600), (40, 140, 60)).save(path)
    post = submitted(teacher, tablet, images=(str(path),))
    with committed():
        services.face_add(image=post.images.get(), actor=teacher, box=[100, 300, 300, 100])
    post.refresh_from_db()
    assert post.status == S.NEEDS_TAGGING and _rules(post) == ["R2"]


def test_r4_a_full_name_beside_an_identifiable_face_blocks(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO, Purpose.NAME_WITH_PHOTO, Purpose.FIRST_NAME_ONLY)
    post = submitted(
        teacher,
        tablet,
        images=("obama2.jpg",),
        text="Huge congratulations to #BarackObama on his award!",
    )
    assert post.status == S.BLOCKED and _rules(post) == ["R4"]


def test_r4_a_full_name_in_alt_text_blocks(teacher: Any, tablet: Any, barack: Any) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(
        teacher, tablet, images=("obama2.jpg",), text="Award day", alt="barack obama's certificate"
    )
    assert post.status == S.BLOCKED and _rules(post) == ["R4"]
    assert post.check_runs.first().findings[0]["field"].startswith("alt_text:")


def test_r4_a_likely_full_name_of_someone_outside_the_register_blocks(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(
        teacher, tablet, images=("obama2.jpg",), text="Thank you to Priya Chakraborty for visiting"
    )
    assert post.status == S.BLOCKED and _rules(post) == ["R4"]


def test_r4_a_first_name_passes_where_consent_allows_names(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO, Purpose.FIRST_NAME_ONLY)
    post = submitted(teacher, tablet, images=("obama2.jpg",), text="Well done Barack!")
    assert post.status == S.AWAITING_APPROVAL


def test_r4_a_first_name_blocks_without_name_consent(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",), text="Well done Barack!")
    assert post.status == S.BLOCKED and _rules(post) == ["R4"]


def test_r4_a_full_name_without_any_photo_is_allowed(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    post = submitted(teacher, tablet, text="Barack Obama won the spelling bee.")
    assert post.status == S.AWAITING_APPROVAL


@pytest.mark.parametrize(
    "text",
    [
        "Call me on 07700 900123 for tickets",
        "Email jane.parent@gmail.com to help",
        "Collection from 14 Acacia Avenue, SW1A 1AA",
    ],
)
def test_r5_personal_contact_details_block(
    teacher: Any, tablet: Any, school: Any, text: str
) -> None:
    post = submitted(teacher, tablet, text=text)
    assert post.status == S.BLOCKED and _rules(post) == ["R5"]


def test_r5_the_schools_own_contact_details_are_allowed(
    teacher: Any, tablet: Any, school: Any
) -> None:
    school.contact_phone, school.contact_email = "01632 960000", "office@oakfield.sch.uk"
    school.save()
    post = submitted(
        teacher, tablet, text="Questions? Ring the office on 01632 960000 or office@oakfield.sch.uk"
    )
    assert post.status == S.AWAITING_APPROVAL


def test_the_check_run_keeps_the_consent_snapshot_it_relied_on(
    teacher: Any, tablet: Any, barack: Any
) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    [face] = post.check_runs.first().faces
    assert face["person_id"] == barack.pk
    assert face["consent"]["website"]["allowed"] is True
    assert face["consent"]["website"]["record_id"] is not None


def test_running_the_checks_twice_changes_nothing(teacher: Any, tablet: Any, barack: Any) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    assert services.post_run_checks(post_id=post.pk) is None
    assert post.check_runs.count() == 1


def test_an_edit_after_submission_reruns_the_checks(teacher: Any, tablet: Any, barack: Any) -> None:
    record(barack, *ALL_PHOTO)
    post = submitted(teacher, tablet, images=("obama2.jpg",))
    with committed():
        services.post_edit(post=post, actor=teacher, device=tablet, text="Barack Obama's medal")
    post.refresh_from_db()
    assert post.status == S.BLOCKED and post.version == 2
    assert post.check_runs.count() == 2


def test_r15_originals_of_finished_posts_are_deleted_after_retention(
    teacher: Any, tablet: Any, school: Any, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    settings.ORIGINALS_RETENTION_DAYS = 30
    post = submitted(teacher, tablet, images=("biden.jpg",))
    image = post.images.get()
    name = image.original.name
    Post.objects.filter(pk=post.pk).update(
        status=S.REJECTED, updated_at=timezone.now() - timedelta(days=31)
    )
    with committed():
        assert services.post_originals_purge() == 1
    image.refresh_from_db()
    assert image.original_purged_at and not image.original
    assert not image.large.storage.exists(name) and image.large.storage.exists(image.large.name)
    assert services.post_originals_purge() == 0


def test_r15_originals_of_posts_still_in_the_queue_are_kept(
    teacher: Any, tablet: Any, school: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    post = submitted(teacher, tablet, images=("biden.jpg",))
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now() - timedelta(days=300))
    assert services.post_originals_purge() == 0


# --- R16: a flagged person's name, in any form, blocks ---------------------------------------


@pytest.fixture
def grace(school: Any) -> Any:
    """A looked-after pupil whose record says do not publish (with a reason staff never see)."""
    who = person(school, "Grace", "Hall", preferred="Gracie", mis_id="GH1")
    SafeguardingFlag.objects.create(
        person=who, kind=FlagKind.LOOKED_AFTER, note="Placement address must stay secret"
    )
    return who


@pytest.mark.parametrize(
    "text",
    [
        "Well done Grace!",
        "Well done Gracie!",
        "Grace's painting won",
        "GRACE won the race",
        "Thank you Miss Grace",
        "Grace Hall won the race",
        "Hall, Grace won the race",
        "#WellDoneGrace",
        "#Grace",
        "#welldonegrace",
        "#GoGrace",
        "we say grace before lunch",
        "Well done Gr\u200bace!",
    ],
)
def test_r16_any_form_of_a_flagged_pupils_name_blocks_a_post_without_photos(
    teacher: Any, tablet: Any, grace: Any, text: str
) -> None:
    post = submitted(teacher, tablet, text=text)
    assert post.status == S.BLOCKED
    [finding] = post.check_runs.first().findings
    assert finding["rule"] == "R16" and finding["person_id"] == grace.pk
    assert finding["message"].startswith("Do not publish")
    assert finding["remedies"] == ["edit_text"]
    start, end = finding["span"]
    assert "grac" in text[start:end].replace("\u200b", "").lower()


def test_r16_a_flagged_pupils_first_name_in_alt_text_blocks(
    teacher: Any, tablet: Any, grace: Any, tmp_path: Any
) -> None:
    from PIL import Image

    path = tmp_path / "painting.jpg"
    Image.new("RGB", (400, 300), (200, 180, 60)).save(path)
    post = submitted(teacher, tablet, images=(str(path),), text="Art week", alt="Grace's painting")
    assert post.status == S.BLOCKED
    [finding] = [f for f in post.check_runs.first().findings if f["rule"] == "R16"]
    assert finding["field"].startswith("alt_text:") and finding["span"] == [0, 5]


def test_r16_staff_never_see_why_a_flagged_name_blocks(
    teacher: Any, tablet: Any, grace: Any, tablet_as: Any
) -> None:
    post = submitted(teacher, tablet, text="Well done Grace!")
    body = tablet_as(teacher).get(f"/api/posts/{post.pk}").content.decode().lower()
    assert "do not publish" in body
    for reason in ("looked", "placement", "secret"):
        assert reason not in body


def test_r16_first_name_only_is_never_offered_for_a_flagged_pupil(
    teacher: Any, tablet: Any, school: Any, grace: Any, tmp_path: Any
) -> None:
    from PIL import Image

    other_grace = person(school, "Grace", "Hall", mis_id="GH2")  # same name, not flagged
    path = tmp_path / "field.jpg"
    Image.new("RGB", (400, 300), (40, 140, 60)).save(path)
    post = draft(teacher, tablet, images=(str(path),), text="Well done Grace Hall!")
    services.face_add(image=post.images.get(), actor=teacher, box=[50, 250, 250, 50])
    with committed():
        services.post_submit(post=post, actor=teacher, device=tablet)
    post.refresh_from_db()
    findings = post.check_runs.first().findings
    assert post.status == S.BLOCKED
    assert {(f["rule"], f.get("person_id")) for f in findings if f["rule"] in ("R4", "R16")} == {
        ("R16", grace.pk),
        ("R4", other_grace.pk),
    }
    assert not any("use_first_name_only" in f["remedies"] for f in findings)


def test_r16_only_flagged_people_of_the_posts_school_block_their_name(
    teacher: Any, tablet: Any, school: Any, other_school: Any
) -> None:
    flag(person(other_school, "Grace", "Hall"))
    person(school, "Grace", "Hall")  # here, not flagged
    post = submitted(teacher, tablet, text="Well done Grace!")
    assert post.status == S.AWAITING_APPROVAL
