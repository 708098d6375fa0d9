"""Drafting and submission on the school's tablet (R7): create, edit, photos, submit.

Permission and school scope are checked here, so the API, the admin, commands and tasks
behave the same. Status changes go through ``workflow.post_transition``.
"""

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Device, Role, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.errors import Conflict, InvalidInput, Refused
from backend.common.normalise import check_schedule
from backend.common.retry import retry_on_deadlock
from publishers import selectors as publishing_selectors
from publishers.registry import channel_name_in_sentence

from .. import imaging
from ..models import CHANNEL_TEXT_LIMITS, MAX_IMAGES, Post, PostImage
from ..selectors import school_image_guidance
from ..workflow import EDITABLE, post_transition
from .common import NOT_EDITABLE, S, checks_queue, content_changed

AUTHOR_ROLES = (Role.STAFF, Role.LEADER, Role.DSL)
WRONG_SCHOOL_DEVICE = "This tablet is enrolled for another school."
NOT_STAFF = "Only staff of this school can create posts."
NOT_AUTHOR = "Only the author of this post can change it."
NO_CHANNELS = "Choose at least one channel to publish to."
UNKNOWN_CHANNEL = "Unknown channel {channel!r}: choose from website, x, facebook, instagram."
TEXT_TOO_LONG = "The text is {length} characters; {channel} allows at most {limit}."
EMPTY_POST = "A post needs some text or at least one photo."
TOO_MANY_IMAGES = f"A post can have at most {MAX_IMAGES} photos."
INSTAGRAM_NEEDS_IMAGE = "Instagram posts need at least one photo."
SCHEDULE_IN_PAST = "The scheduled time is in the past."
CHANNEL_NOT_CONNECTED = (
    "This school has no account connected for {channels}, so the post could not go out there: "
    "choose another channel, or ask a trust administrator to connect one."
)


def _check_device(*, device: Device | None, user: User, school_id: int) -> None:
    """R7: changes come from an enrolled tablet of the post's school, by its staff."""
    if device is None:
        from backend.accounts.services import DEVICE_MISSING

        raise Refused(DEVICE_MISSING, code="device_required")
    if device.school_id != school_id:
        raise Refused(WRONG_SCHOOL_DEVICE, code="device_wrong_school")
    if not user_has_role(user=user, school=school_id, roles=AUTHOR_ROLES):
        raise Refused(NOT_STAFF)


def _check_author(*, post: Post, user: User) -> None:
    if post.author_id != user.pk:
        raise Refused(NOT_AUTHOR)


def _validate_content(
    *,
    text: str,
    channels: Sequence[str],
    image_count: int,
    scheduled_at: datetime | None,
    require_content: bool,
) -> list[str]:
    channels = list(dict.fromkeys(channels))
    if not channels:
        raise InvalidInput(NO_CHANNELS, field="channels")
    for channel in channels:
        if channel not in CHANNEL_TEXT_LIMITS:
            raise InvalidInput(UNKNOWN_CHANNEL.format(channel=channel), field="channels")
    for channel in channels:
        limit = CHANNEL_TEXT_LIMITS[channel]
        if len(text) > limit:
            raise InvalidInput(
                TEXT_TOO_LONG.format(length=len(text), channel=channel, limit=limit), field="text"
            )
    if require_content and not text.strip() and image_count == 0:
        raise InvalidInput(EMPTY_POST, field="text")
    if require_content and "instagram" in channels and image_count == 0:
        raise InvalidInput(INSTAGRAM_NEEDS_IMAGE, field="channels")
    if scheduled_at is not None:
        now = timezone.now()
        if scheduled_at < now:
            raise InvalidInput(SCHEDULE_IN_PAST, field="scheduled_at")
        check_schedule(scheduled_at, now=now)
    return channels


def _check_channels_connected(*, school_id: int, channels: Sequence[str]) -> None:
    """Issue 17, item 6: a post is sent for checks only to channels the school can publish
    on now, so a missing account is found by the teacher at submission, not after approval."""
    connected = publishing_selectors.channel_kinds_connected(school_id=school_id)
    missing = [c for c in channels if c not in connected]
    if missing:
        names = ", ".join(channel_name_in_sentence(c) for c in missing)
        raise InvalidInput(CHANNEL_NOT_CONNECTED.format(channels=names), field="channels")


def post_create(
    *,
    author: User,
    device: Device | None,
    text: str,
    channels: Sequence[str],
    scheduled_at: datetime | None = None,
) -> Post:
    if device is None:
        _check_device(device=None, user=author, school_id=0)
    assert device is not None
    _check_device(device=device, user=author, school_id=device.school_id)
    channels = _validate_content(
        text=text,
        channels=channels,
        image_count=0,
        scheduled_at=scheduled_at,
        require_content=False,
    )
    with transaction.atomic():
        post = Post.objects.create(
            school_id=device.school_id,
            author=author,
            device=device,
            text=text,
            channels=channels,
            scheduled_at=scheduled_at,
        )
        audit_record(
            action="post.created",
            actor=author,
            school=post.school,
            target=post,
            data={"device": device.pk, "channels": channels},
        )
    return post


def post_edit(
    *,
    post: Post,
    actor: User,
    device: Device | None,
    text: str | None = None,
    channels: Sequence[str] | None = None,
    scheduled_at: datetime | None | Any = ...,
) -> Post:
    """Change text, channels or schedule. After submission this voids approvals and the
    checks run again (R8)."""
    _check_device(device=device, user=actor, school_id=post.school_id)
    _check_author(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    new_text = post.text if text is None else text
    new_channels = post.channels if channels is None else list(channels)
    new_schedule = post.scheduled_at if scheduled_at is ... else scheduled_at
    new_channels = _validate_content(
        text=new_text,
        channels=new_channels,
        image_count=post.images.count(),
        scheduled_at=new_schedule,
        require_content=post.status != S.DRAFT,
    )
    with transaction.atomic():
        post.text, post.channels, post.scheduled_at = new_text, new_channels, new_schedule
        post.save(update_fields=["text", "channels", "scheduled_at", "updated_at"])
        audit_record(
            action="post.edited",
            actor=actor,
            school=post.school,
            target=post,
            data={
                "fields": [k for k, v in (("text", text), ("channels", channels)) if v is not None]
                + (["scheduled_at"] if scheduled_at is not ... else [])
            },
        )
        content_changed(post=post, actor=actor)
    return post


def _store_image_files(post: Post, data: bytes) -> dict[str, Any]:
    info = imaging.inspect_upload(
        data, max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS
    )
    variants = imaging.upload_variants(
        data,
        long_sides=imaging.variant_long_sides(
            school_image_guidance(school_id=post.school_id).published_long_side  # R21
        ),
    )
    large_w, large_h = _jpeg_size(variants["large"])
    return {"info": info, "variants": variants, "large_size": (large_w, large_h)}


def _jpeg_size(data: bytes) -> tuple[int, int]:
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(data)) as im:
        return im.size


def post_image_add(
    *, post: Post, actor: User, device: Device | None, data: bytes, alt_text: str = ""
) -> PostImage:
    """Validate the upload (type by content, size, pixels, bombs), keep the original
    privately, store metadata-free variants (R6). A rejected upload stores nothing."""
    _check_device(device=device, user=actor, school_id=post.school_id)
    _check_author(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    if len(alt_text) > 1000:
        raise InvalidInput("Alt text can be at most 1000 characters.", field="alt_text")
    try:
        prepared = _store_image_files(post, data)
    except imaging.ImageRejected as exc:
        raise InvalidInput(exc.message, field="image") from exc
    info, variants = prepared["info"], prepared["variants"]
    saved: list[Any] = []
    try:
        with transaction.atomic():
            locked = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
            count = locked.images.count()
            if count >= MAX_IMAGES:
                raise InvalidInput(TOO_MANY_IMAGES, field="image")
            image = PostImage(
                post=post,
                position=count,
                alt_text=alt_text,
                original_format=info.format,
                width=info.width,
                height=info.height,
                large_width=prepared["large_size"][0],
                large_height=prepared["large_size"][1],
                large_sha256=hashlib.sha256(variants["large"]).hexdigest(),
            )
            image.original.save("original", ContentFile(data), save=False)
            saved.append(image.original)
            for name in imaging.VARIANT_NAMES:
                getattr(image, name).save(name, ContentFile(variants[name]), save=False)
                saved.append(getattr(image, name))
            image.save()
            audit_record(
                action="post.image_added",
                actor=actor,
                school=post.school,
                target=post,
                data={
                    "image": image.pk,
                    "format": info.format,
                    "width": info.width,
                    "height": info.height,
                },
            )
            content_changed(post=post, actor=actor)
    except Exception:
        for stored in saved:
            stored.storage.delete(stored.name)
        raise
    return image


def post_image_update(
    *, image: PostImage, actor: User, device: Device | None, alt_text: str
) -> PostImage:
    post = image.post
    _check_device(device=device, user=actor, school_id=post.school_id)
    _check_author(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    if len(alt_text) > 1000:
        raise InvalidInput("Alt text can be at most 1000 characters.", field="alt_text")
    with transaction.atomic():
        image.alt_text = alt_text
        image.save(update_fields=["alt_text"])
        audit_record(
            action="post.alt_text_changed",
            actor=actor,
            school=post.school,
            target=post,
            data={"image": image.pk},
        )
        content_changed(post=post, actor=actor)
    return image


def post_image_remove(*, image: PostImage, actor: User, device: Device | None) -> None:
    post = image.post
    _check_device(device=device, user=actor, school_id=post.school_id)
    _check_author(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    files = [image.original, image.large, image.medium, image.thumb]
    with transaction.atomic():
        image_id = image.pk
        image.delete()
        audit_record(
            action="post.image_removed",
            actor=actor,
            school=post.school,
            target=post,
            data={"image": image_id},
        )
        content_changed(post=post, actor=actor)
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


@retry_on_deadlock
def post_submit(*, post: Post, actor: User, device: Device | None) -> Post:
    _check_device(device=device, user=actor, school_id=post.school_id)
    _check_author(post=post, user=actor)
    _validate_content(
        text=post.text,
        channels=post.channels,
        image_count=post.images.count(),
        scheduled_at=post.scheduled_at,
        require_content=True,
    )
    _check_channels_connected(school_id=post.school_id, channels=post.channels)
    seen_status = post.status
    try:
        with transaction.atomic():
            post_transition(post=post, to=S.SUBMITTED, actor=actor, submitted_at=timezone.now())
            checks_queue(post)
    except Exception:
        # Rolled back: the post in memory must say what the database says again, so a
        # retry after a deadlock (retry_on_deadlock) moves it from the status it had.
        post.status = seen_status
        raise
    return post
