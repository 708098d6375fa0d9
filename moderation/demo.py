"""The posts of the demo school, one in every state a leader meets, made through the real
services (checks really run). Idempotent: posts are found again by their text."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw

from . import approvals, services
from .models import Face, Post

if TYPE_CHECKING:
    from backend.accounts.demo import Demo

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
    teacher, head, deputy = demo.users["teacher"], demo.users["head"], demo.users["deputy"]
    device = demo.device
    week = timezone.now() + timedelta(days=7)

    def make(
        text: str,
        *,
        channels: tuple[str, ...] = ("website",),
        photos: tuple[bytes | None, ...] = (),
        alt: str = "",
        submit: bool = True,
        scheduled: bool = False,
    ) -> Post | None:
        existing = Post.objects.filter(school=demo.school, text=text).first()
        if existing is not None:
            return None
        post = services.post_create(
            author=teacher,
            device=device,
            text=text,
            channels=channels,
            scheduled_at=week if scheduled else None,
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

    make("Draft: ideas for the Year 2 trip to the farm", submit=False)
    make(
        "Well done to Year 5 for a brilliant science fair!",
        photos=(_photo("obama2.jpg"),),
        alt="A pupil presenting a science project",
        channels=("website", "facebook"),
    )
    guest = make(
        "Guest speaker in assembly today", photos=(_photo("hopper.jpg"),), alt="Our guest speaker"
    )
    if guest is not None and guest.status == Post.Status.NEEDS_TAGGING:
        # R2: the visitor is a named adult whose consent is on file, tagged by the teacher.
        for face in Face.objects.filter(image__post=guest, person__isnull=True, tag=""):
            services.face_tag(
                face=face,
                actor=teacher,
                tag=Face.Tag.ADULT_CONSENT,
                adult_name="Dr Grace Hopper (visiting speaker)",
            )
        services.post_run_checks(post_id=guest.pk)
    make(
        "Congratulations Harry Singh on the chess trophy!",
        photos=(_photo("biden.jpg"),),
        alt="Holding the trophy",
    )
    make("Tickets from Mrs Jones on 07700 900123", channels=("website", "x"))
    field = make(
        "Our new school field is ready for sports day",
        photos=(_no_face_photo(),),
        alt="The school field under a blue sky",
        scheduled=True,
    )
    if field is not None and field.status == Post.Status.AWAITING_APPROVAL:
        approvals.post_approve(
            post_id=field.pk,
            approver=head,
            content_hash=field.content_hash,
            confirmed_images=list(field.images.values_list("id", flat=True)),
        )
    news = make("Thank you to every family who came to the harvest festival")
    if news is not None and news.status == Post.Status.AWAITING_APPROVAL:
        approvals.post_approve(post_id=news.pk, approver=deputy, content_hash=news.content_hash)
    rejected = make("Reminder: non-uniform day tomorrow")
    if rejected is not None and rejected.status == Post.Status.AWAITING_APPROVAL:
        approvals.post_reject(
            post_id=rejected.pk, actor=head, reason="Non-uniform day was moved to next Friday."
        )
    changes = make("Year 6 residential trip photos coming soon")
    if changes is not None and changes.status == Post.Status.AWAITING_APPROVAL:
        approvals.post_request_changes(
            post_id=changes.pk, actor=head, comment="Please add the dates of the trip."
        )
