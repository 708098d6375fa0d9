"""The posts of the demo school, one in every state a leader meets, made through the real
services (checks really run). Idempotent: posts are found again by their text."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw

from . import approvals, services
from .models import Face, Post

if TYPE_CHECKING:
    from backend.accounts.demo import Demo
    from backend.accounts.models import User

FACES = Path(settings.BASE_DIR) / "tests" / "fixtures" / "faces"


def _no_face_photo() -> bytes:
    """A drawing of the school field: a photo with nobody in it (R20 confirmation)."""
    img = Image.new("RGB", (1200, 800), (120, 180, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 500, 1200, 800), fill=(70, 150, 70))
    draw.ellipse((950, 80, 1080, 210), fill=(250, 220, 80))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _photo(name: str) -> bytes | None:
    path = FACES / name
    return path.read_bytes() if path.exists() else None


def seed(demo: Demo) -> None:
    """One post in every state a leader meets, in the order a queue shows them."""
    teacher = demo.users["teacher"]
    _post_make(demo, "Draft: ideas for the Year 2 trip to the farm", submit=False)
    _post_make(
        demo,
        "Well done to Year 5 for a brilliant science fair!",
        photos=(_photo("obama2.jpg"),),
        alt="A pupil presenting a science project",
    )
    guest = _post_make(
        demo,
        "Guest speaker in assembly today",
        photos=(_photo("hopper.jpg"),),
        alt="Our guest speaker",
    )
    if guest is not None and guest.status == Post.Status.NEEDS_TAGGING:
        _tag_visitor(guest, actor=teacher)
    _post_make(
        demo,
        "Congratulations Harry Singh on the chess trophy!",
        photos=(_photo("biden.jpg"),),
        alt="Holding the trophy",
    )
    _post_make(demo, "Tickets from Mrs Jones on 07700 900123")
    _seed_leader_decisions(demo)


def _post_make(
    demo: Demo,
    text: str,
    *,
    photos: tuple[bytes | None, ...] = (),
    alt: str = "",
    submit: bool = True,
    scheduled: bool = False,
) -> Post | None:
    """A teacher's post, submitted and checked at once; None if the demo has it already. On
    the website only: the demo school has no social accounts connected, and a post is sent
    only where the school has one (issue 17, item 6)."""
    if Post.objects.filter(school=demo.school, text=text).exists():
        return None
    teacher, device = demo.users["teacher"], demo.device
    post = services.post_create(
        author=teacher,
        device=device,
        text=text,
        channels=("website",),
        scheduled_at=timezone.now() + timedelta(days=7) if scheduled else None,
    )
    for data in photos:
        if data is not None:
            services.post_image_add(
                post=post, actor=teacher, device=device, data=data, alt_text=alt
            )
    if submit:
        services.post_submit(post=post, actor=teacher, device=device)
        services.post_run_checks(post_id=post.pk)  # at once, not when the worker gets to it
        post.refresh_from_db()
    return post


def _tag_visitor(post: Post, *, actor: User) -> None:
    """R2: the visitor is a named adult whose consent is on file, tagged by the teacher."""
    for face in Face.objects.filter(image__post=post, person__isnull=True, tag=""):
        services.face_tag(
            face=face,
            actor=actor,
            tag=Face.Tag.ADULT_CONSENT,
            adult_name="Dr Grace Hopper (visiting speaker)",
        )
    services.post_run_checks(post_id=post.pk)


def _seed_leader_decisions(demo: Demo) -> None:
    """Posts a leader has approved (one confirming its photo, R20), rejected, or sent back."""
    head, deputy = demo.users["head"], demo.users["deputy"]
    field = _post_make(
        demo,
        "Our new school field is ready for sports day",
        photos=(_no_face_photo(),),
        alt="The school field under a blue sky",
        scheduled=True,
    )
    if _awaits_approval(field):
        approvals.post_approve(
            post_id=field.pk,
            approver=head,
            content_hash=field.content_hash,
            confirmed_images=list(field.images.values_list("id", flat=True)),
        )
    news = _post_make(demo, "Thank you to every family who came to the harvest festival")
    if _awaits_approval(news):
        approvals.post_approve(post_id=news.pk, approver=deputy, content_hash=news.content_hash)
    rejected = _post_make(demo, "Reminder: non-uniform day tomorrow")
    if _awaits_approval(rejected):
        approvals.post_reject(
            post_id=rejected.pk, actor=head, reason="Non-uniform day was moved to next Friday."
        )
    changes = _post_make(demo, "Year 6 residential trip photos coming soon")
    if _awaits_approval(changes):
        approvals.post_request_changes(
            post_id=changes.pk, actor=head, comment="Please add the dates of the trip."
        )


def _awaits_approval(post: Post | None) -> TypeGuard[Post]:
    return post is not None and post.status == Post.Status.AWAITING_APPROVAL
