"""The posts API as a tablet and a leader's phone use it: R7 device gate, clear 4xx errors
naming the field, nothing stored on rejection, private originals, cross-school isolation."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from backend.accounts.models import Role
from backend.accounts.services import device_enrol, device_revoke
from backend.common.actors import SYSTEM_SHELL
from backend.faces.decode import TOO_LARGE_TO_CHECK
from moderation.models import Post, PostImage
from tests.commits import commits_for_real, committed
from tests.faces.big_images import HUGE_ONE_BIT_SIZE, forbid_decoding, one_bit_png
from tests.factories import member
from tests.moderation.factories import draft, fixture_bytes
from tests.publishers.factories import connect

S = Post.Status


def _day_ahead(days: int) -> str:
    """A date `days` from today, inside the year a post may be scheduled (issue 16 item 4)."""
    return (timezone.now() + timedelta(days=days)).date().isoformat()


def _jpeg(size: tuple[int, int] = (640, 480), exif: Any = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def _upload(data: bytes, name: str = "photo.jpg") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _stored_files() -> list[str]:
    try:
        dirs, files = default_storage.listdir("posts")
    except FileNotFoundError:
        return []
    out = list(files)
    for d in dirs:
        out += default_storage.listdir(f"posts/{d}")[1]
    return out


@pytest.fixture
def draft_id(tablet_as: Any, teacher: Any, school: Any) -> int:
    connect(school, "x")
    response = tablet_as(teacher).post(
        "/api/posts", {"text": "Sports day", "channels": ["website", "x"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_submitting_to_a_channel_with_no_connected_account_is_refused_naming_it(
    tablet_as: Any, teacher: Any
) -> None:
    """Issue 17, item 6: found by the teacher at submission, not after approval."""
    client = tablet_as(teacher)
    draft = client.post(
        "/api/posts", {"text": "Sports day", "channels": ["website", "facebook"]}, format="json"
    ).json()
    response = client.post(f"/api/posts/{draft['id']}/submit")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "channels"
    assert body["detail"].startswith("This school has no account connected for Facebook")
    assert Post.objects.get(pk=draft["id"]).status == S.DRAFT


def test_r7_a_post_from_an_unenrolled_device_is_refused_and_nothing_stored(
    api_as: Any, teacher: Any
) -> None:
    response = api_as(teacher).post(
        "/api/posts", {"text": "Hi", "channels": ["website"]}, format="json"
    )
    assert response.status_code == 403
    assert "enrolled school device" in response.json()["detail"]
    assert not Post.objects.exists()


def test_r7_a_revoked_device_is_refused(tablet_as: Any, teacher: Any, school: Any) -> None:
    from backend.accounts.models import Device

    client = tablet_as(teacher)
    device_revoke(device=Device.objects.get(school=school), actor=SYSTEM_SHELL)
    response = client.post("/api/posts", {"text": "Hi", "channels": ["website"]}, format="json")
    assert response.status_code == 403 and "revoked" in response.json()["detail"]
    assert not Post.objects.exists()


def test_r7_a_device_of_another_school_is_refused(
    api_as: Any, teacher: Any, other_school: Any
) -> None:
    _, token = device_enrol(school=other_school, name="Their iPad", actor=SYSTEM_SHELL)
    client = api_as(teacher)
    client.credentials(HTTP_X_DEVICE_TOKEN=token)
    response = client.post("/api/posts", {"text": "Hi", "channels": ["website"]}, format="json")
    assert response.status_code == 403
    assert not Post.objects.exists()


@commits_for_real
def test_a_teacher_drafts_uploads_and_submits_from_the_tablet(
    tablet_as: Any, teacher: Any, draft_id: int
) -> None:
    client = tablet_as(teacher)
    response = client.post(
        f"/api/posts/{draft_id}/images",
        {"image": _upload(_jpeg()), "alt_text": "The school field"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    response = client.post(f"/api/posts/{draft_id}/submit")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == S.AWAITING_APPROVAL
    assert [f["rule"] for f in body["check_run"]["findings"]] == ["R20"]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj", "not a JPEG, PNG, WebP or HEIC"),
        (b"<html><script>alert(1)</script></html>", "not a JPEG, PNG, WebP or HEIC"),
        (_jpeg()[:300], "could not be read"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_field_and_stores_nothing(
    tablet_as: Any, teacher: Any, draft_id: int, data: bytes, message: str
) -> None:
    response = tablet_as(teacher).post(
        f"/api/posts/{draft_id}/images", {"image": _upload(data)}, format="multipart"
    )
    assert response.status_code == 400
    assert message in response.json()["image"][0]
    assert not PostImage.objects.exists() and _stored_files() == []


def test_a_decompression_bomb_is_refused(
    tablet_as: Any, teacher: Any, draft_id: int, settings: Any
) -> None:
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    response = tablet_as(teacher).post(
        f"/api/posts/{draft_id}/images", {"image": _upload(_jpeg((1600, 1200)))}, format="multipart"
    )
    assert response.status_code == 400 and "megapixels" in response.json()["image"][0]
    assert not PostImage.objects.exists()


def test_it_refuses_a_photo_over_the_decoded_memory_budget_before_decoding_it(
    tablet_as: Any, teacher: Any, draft_id: int, monkeypatch: Any
) -> None:
    # 6 KB on disk, 49 MP: under UPLOAD_MAX_PIXELS, ~150 MB once decoded as RGB.
    data = one_bit_png(*HUGE_ONE_BIT_SIZE)
    forbid_decoding(monkeypatch)

    response = tablet_as(teacher).post(
        f"/api/posts/{draft_id}/images", {"image": _upload(data, "big.png")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["image"] == [TOO_LARGE_TO_CHECK.format(megapixels=49, most=48)]
    assert not PostImage.objects.exists() and _stored_files() == []


def test_it_accepts_a_12_mp_phone_photo_within_the_decoded_memory_budget(
    tablet_as: Any, teacher: Any, draft_id: int
) -> None:
    response = tablet_as(teacher).post(
        f"/api/posts/{draft_id}/images", {"image": _upload(_jpeg((4000, 3000)))}, format="multipart"
    )

    assert response.status_code == 201, response.json()


def test_a_fifth_photo_is_refused(tablet_as: Any, teacher: Any, draft_id: int) -> None:
    client = tablet_as(teacher)
    for _ in range(4):
        assert (
            client.post(
                f"/api/posts/{draft_id}/images", {"image": _upload(_jpeg())}, format="multipart"
            ).status_code
            == 201
        )
    response = client.post(
        f"/api/posts/{draft_id}/images", {"image": _upload(_jpeg())}, format="multipart"
    )
    assert response.status_code == 400 and "at most 4" in response.json()["image"][0]
    assert PostImage.objects.count() == 4


def test_text_over_the_strictest_channel_limit_is_refused(tablet_as: Any, teacher: Any) -> None:
    response = tablet_as(teacher).post(
        "/api/posts", {"text": "a" * 281, "channels": ["website", "x"]}, format="json"
    )
    assert response.status_code == 400
    assert "x allows at most 280" in response.json()["text"][0]
    assert not Post.objects.exists()


def test_an_unknown_channel_is_refused(tablet_as: Any, teacher: Any) -> None:
    response = tablet_as(teacher).post(
        "/api/posts", {"text": "Hi", "channels": ["tiktok"]}, format="json"
    )
    assert response.status_code == 400 and "channels" in response.json()


def test_r6_gps_and_all_metadata_are_gone_from_the_stored_variant(
    tablet_as: Any, teacher: Any, draft_id: int
) -> None:
    from moderation.imaging import metadata_present

    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N", 4: (0.0, 7.0, 0.0), 3: "W"}  # GPS IFD
    exif[0x010F] = "SchoolCam"
    original = _jpeg(exif=exif)
    assert "gps" in " ".join(metadata_present(original)).lower()
    client = tablet_as(teacher)
    client.post(f"/api/posts/{draft_id}/images", {"image": _upload(original)}, format="multipart")
    image = PostImage.objects.get()
    for variant in ("large", "medium", "thumb"):
        response = client.get(f"/api/posts/{draft_id}/images/{image.pk}/file/{variant}")
        data = b"".join(response.streaming_content)
        assert metadata_present(data) == [], variant


def test_r6_the_original_is_not_reachable_without_authorisation(
    tablet_as: Any, api_as: Any, teacher: Any, outsider: Any, school: Any, draft_id: int
) -> None:
    from rest_framework.test import APIClient

    from tests.factories import member

    tablet_as(teacher).post(
        f"/api/posts/{draft_id}/images", {"image": _upload(_jpeg())}, format="multipart"
    )
    image = PostImage.objects.get()
    url = f"/api/posts/{draft_id}/images/{image.pk}/file/original"
    assert APIClient().get(url).status_code == 403
    assert api_as(outsider).get(url).status_code == 404
    colleague = member(school, "staff", email="colleague@oakfield.test")
    assert api_as(colleague).get(url).status_code == 404
    assert api_as(teacher).get(url).status_code == 200
    assert "/media/" not in image.original.name and not image.original.name.startswith("/")


def test_another_schools_staff_see_and_change_nothing(
    tablet_as: Any, api_as: Any, teacher: Any, outsider: Any, other_school: Any, draft_id: int
) -> None:
    _, token = device_enrol(school=other_school, name="Their iPad", actor=SYSTEM_SHELL)
    client = api_as(outsider)
    client.credentials(HTTP_X_DEVICE_TOKEN=token)
    assert client.get("/api/posts").json()["results"] == []
    for method, path, body in [
        ("get", f"/api/posts/{draft_id}", None),
        ("patch", f"/api/posts/{draft_id}", {"text": "hijack"}),
        ("post", f"/api/posts/{draft_id}/submit", None),
        ("post", f"/api/posts/{draft_id}/approve", {"content_hash": "x"}),
        ("post", f"/api/posts/{draft_id}/reject", {"reason": "x"}),
        ("post", f"/api/posts/{draft_id}/request-changes", {"comment": "x"}),
        ("post", f"/api/posts/{draft_id}/notes", {"text": "x"}),
        ("get", f"/api/posts/{draft_id}/history", None),
        ("post", f"/api/posts/{draft_id}/blur", {"without_consent": True}),
    ]:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
    post = Post.objects.get(pk=draft_id)
    assert post.text == "Sports day" and post.status == S.DRAFT


def test_the_queue_lists_the_most_urgent_first_with_filters(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any
) -> None:
    client = tablet_as(teacher)
    ids = []
    for when in (f"{_day_ahead(32)}T09:00:00Z", f"{_day_ahead(30)}T09:00:00Z", None):
        body = {"text": "Trip", "channels": ["website"], "scheduled_at": when}
        post_id = client.post("/api/posts", body, format="json").json()["id"]
        with committed():
            client.post(f"/api/posts/{post_id}/submit")
        ids.append(post_id)
    queue = api_as(head_teacher).get("/api/posts?status=awaiting_approval").json()
    assert [p["id"] for p in queue["results"]] == [ids[1], ids[0], ids[2]]
    window = (
        api_as(head_teacher)
        .get(f"/api/posts?scheduled_from={_day_ahead(31)}T00:00:00Z")
        .json()["results"]
    )
    assert [p["id"] for p in window] == [ids[0]]


@commits_for_real
def test_a_leader_approves_through_the_api_with_the_hash_they_saw(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any
) -> None:
    client = tablet_as(teacher)
    post_id = client.post(
        "/api/posts",
        {"text": "Choir", "channels": ["website"], "scheduled_at": f"{_day_ahead(60)}T09:00:00Z"},
        format="json",
    ).json()["id"]
    detail = client.post(f"/api/posts/{post_id}/submit").json()
    leader = api_as(head_teacher)
    wrong = leader.post(f"/api/posts/{post_id}/approve", {"content_hash": "0" * 64}, format="json")
    assert wrong.status_code == 409 and wrong.json()["field"] == "content_hash"
    ok = leader.post(
        f"/api/posts/{post_id}/approve", {"content_hash": detail["content_hash"]}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == S.SCHEDULED
    own = api_as(teacher).post(
        f"/api/posts/{post_id}/approve", {"content_hash": detail["content_hash"]}, format="json"
    )
    assert own.status_code in (403, 409)


@commits_for_real
def test_r20_a_leader_approves_through_the_api_only_with_every_photo_confirmed(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any, draft_id: int
) -> None:
    client = tablet_as(teacher)
    for _ in range(2):
        client.post(
            f"/api/posts/{draft_id}/images",
            {"image": _upload(_jpeg()), "alt_text": "The school field"},
            format="multipart",
        )
    detail = client.post(f"/api/posts/{draft_id}/submit").json()
    assert detail["status"] == S.AWAITING_APPROVAL
    photos = [image["id"] for image in detail["images"]]
    leader = api_as(head_teacher)
    url = f"/api/posts/{draft_id}/approve"

    partly = leader.post(
        url, {"content_hash": detail["content_hash"], "confirmed_images": photos[:1]}, format="json"
    )
    assert partly.status_code == 400 and partly.json()["field"] == "confirmed_images"
    assert "photo 2" in partly.json()["confirmed_images"][0]
    assert not Post.objects.get(pk=draft_id).approvals.exists()

    ok = leader.post(
        url, {"content_hash": detail["content_hash"], "confirmed_images": photos}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    assert [a["confirmed_images"] for a in ok.json()["approvals"]] == [sorted(photos)]


@commits_for_real
def test_a_leader_sees_what_changed_since_the_version_they_saw(
    tablet_as: Any, api_as: Any, teacher: Any, head_teacher: Any
) -> None:
    client = tablet_as(teacher)
    post_id = client.post(
        "/api/posts", {"text": "Choir at 3pm", "channels": ["website"]}, format="json"
    ).json()["id"]
    client.post(f"/api/posts/{post_id}/submit")
    client.patch(f"/api/posts/{post_id}", {"text": "Choir at 4pm"}, format="json")
    diff = api_as(head_teacher).get(f"/api/posts/{post_id}/diff?since=1").json()
    assert diff["to_version"] == 2
    assert "-Choir at 3pm" in diff["text_diff"] and "+Choir at 4pm" in diff["text_diff"]


@commits_for_real
def test_the_post_detail_shows_identified_faces_with_their_consent(
    tablet_as: Any, teacher: Any, school: Any, draft_id: int
) -> None:
    from consent.models import Purpose
    from tests.moderation.factories import enrol, open_dpia, person, record

    open_dpia(school)
    pupil = person(school, "Barack", "Obama")
    record(pupil, Purpose.BIOMETRIC, Purpose.PHOTO_WEBSITE)
    enrol(pupil, "obama.jpg")
    client = tablet_as(teacher)
    client.post(
        f"/api/posts/{draft_id}/images",
        {"image": _upload(fixture_bytes("obama2.jpg"))},
        format="multipart",
    )
    body = client.post(f"/api/posts/{draft_id}/submit").json()
    [face] = body["images"][0]["faces"]
    assert face["person_label"] == "Barack O." and face["identifiable"]
    [snap] = body["check_run"]["faces"]
    assert snap["consent"]["website"]["allowed"] and not snap["consent"]["x"]["allowed"]
    assert body["status"] == S.BLOCKED


def test_pause_and_resume_publishing_through_the_api(
    api_as: Any, head_teacher: Any, teacher: Any, school: Any
) -> None:
    url = f"/api/schools/{school.pk}/publishing"
    assert (
        api_as(teacher).post(url, {"action": "pause", "reason": "x"}, format="json").status_code
        == 403
    )
    paused = api_as(head_teacher).post(
        url, {"action": "pause", "reason": "Incident"}, format="json"
    )
    assert paused.status_code == 200 and paused.json()[0]["paused_at"]
    assert api_as(head_teacher).get(url).json()["pause_reason"] == "Incident"
    resumed = api_as(head_teacher).post(url, {"action": "resume"}, format="json")
    assert resumed.json()[0]["paused_at"] is None


def test_it_answers_the_leaders_queue_in_the_same_number_of_queries_for_2_or_10_posts(
    api_as: Any, count_queries: Any, school: Any, head_teacher: Any, tablet: Any, tmp_path: Any
) -> None:
    """Each post has its own author and a photo, so a query per post would show."""
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(_jpeg())

    def add_posts(count: int, start: int) -> None:
        for n in range(start, start + count):
            author = member(school, Role.STAFF, email=f"author{n}@oakfield.test")
            post = draft(author, tablet, text=f"Trip {n}", images=(str(photo),))
            Post.objects.filter(pk=post.pk).update(status=S.AWAITING_APPROVAL)

    client = api_as(head_teacher)
    url = "/api/posts?status=awaiting_approval"
    add_posts(2, start=0)
    count_queries(client, url)  # the first request also loads the session
    for_two = count_queries(client, url)
    add_posts(8, start=2)

    assert len(client.get(url).json()["results"]) == 10
    assert count_queries(client, url) == for_two
