"""Drafting, submission, tagging and blurring of posts, and the safeguarding check run.

Permission and school scope are checked here, so the API, the admin, commands and tasks
behave the same. Status changes go through `workflow.post_transition`.
"""

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Device, Role, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.actors import SYSTEM_CHECKS
from backend.common.errors import Conflict, InvalidInput, Refused
from consent import selectors as consent_selectors

from . import imaging
from .checks.evaluate import CheckSettings, ImageView, evaluate, face_view, identify
from .checks.faces import FaceBox, Gallery, detect_faces, is_identifiable
from .models import (
    CHANNEL_TEXT_LIMITS,
    MAX_IMAGES,
    Approval,
    CheckRun,
    Face,
    FaceDispute,
    Post,
    PostImage,
    compute_content_hash,
    content_snapshot,
)
from .workflow import EDITABLE, post_transition

S = Post.Status
AUTHOR_ROLES = (Role.STAFF, Role.LEADER, Role.DSL)

WRONG_SCHOOL_DEVICE = "This tablet is enrolled for another school."
NOT_STAFF = "Only staff of this school can create posts."
NOT_AUTHOR = "Only the author of this post can change it."
NOT_EDITABLE = "This post can no longer be changed."
NO_CHANNELS = "Choose at least one channel to publish to."
UNKNOWN_CHANNEL = "Unknown channel {channel!r}: choose from website, x, facebook, instagram."
TEXT_TOO_LONG = "The text is {length} characters; {channel} allows at most {limit}."
EMPTY_POST = "A post needs some text or at least one photo."
TOO_MANY_IMAGES = f"A post can have at most {MAX_IMAGES} photos."
INSTAGRAM_NEEDS_IMAGE = "Instagram posts need at least one photo."
SCHEDULE_IN_PAST = "The scheduled time is in the past."
BAD_BOX = "The face box must lie inside the photo and be at least 4 pixels each way."
NOT_TAGGER = "Only the author or a leader of this school can tag faces on this post."
UNKNOWN_PERSON = "No such person in this school's register."
BAD_TAG = "Tag must be person, adult_consent or not_a_face."
FACE_IDENTIFIED = (
    "This face was identified by the system, so it cannot be tagged. If the identification "
    "is wrong, dispute it: a leader will decide."
)
FACE_FLAGGED = (
    "Someone in this photo must never appear in the school's posts. Only blurring the face or "
    "removing the photo clears this."
)
ADULT_NAME_REQUIRED = "Say which adult this is (their name)."
ADULT_NAME_TOO_LONG = "The adult's name can be at most 200 characters."
NOT_IDENTIFIED = "Only a face the system identified can be disputed."
DISPUTE_ALREADY_OPEN = "This identification is already disputed and waits for a leader."
DISPUTE_REASON_REQUIRED = "Say why the identification is wrong."
NOT_LEADER = "Only a leader of this school can do this."
OWN_DISPUTE = "A leader other than the person who raised the dispute must resolve it."
BAD_OUTCOME = "Outcome must be upheld or rejected."
RESOLUTION_REASON_REQUIRED = "Give the reason for the decision."
DISPUTE_ALREADY_RESOLVED = "This dispute was already {status}."
NOT_ADULT_TAG = "Only a face tagged as an adult whose consent is on file can be confirmed."
OWN_ADULT_TAG = "A leader other than the person who tagged this adult must confirm it."
NOTHING_TO_BLUR = "There are no faces to blur."


# --- scope helpers --------------------------------------------------------------------------


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
    if scheduled_at is not None and scheduled_at < timezone.now():
        raise InvalidInput(SCHEDULE_IN_PAST, field="scheduled_at")
    return channels


# --- drafting -------------------------------------------------------------------------------


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
        _content_changed(post=post, actor=actor)
    return post


def _content_changed(*, post: Post, actor: Any) -> None:
    """After submission, any change voids approvals and sends the post back to the checks."""
    if post.status == S.DRAFT:
        return
    Approval.objects.filter(post=post, voided_at__isnull=True).update(voided_at=timezone.now())
    post.refresh_from_db(fields=["status", "version"])
    post_transition(
        post=post,
        to=S.CHECKING,
        actor=actor,
        reason="Edited after submission",
        version=post.version + 1,
    )
    _queue_checks(post)


def _store_image_files(post: Post, data: bytes) -> dict[str, Any]:
    info = imaging.inspect_upload(
        data, max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS
    )
    upright = imaging.normalise(data)
    variants = imaging.publishable_variants(
        upright, long_sides=(settings.PUBLISHED_LONG_SIDE, 1200, 400)
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
            locked = Post.objects.select_for_update().get(pk=post.pk)
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
            _content_changed(post=post, actor=actor)
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
        _content_changed(post=post, actor=actor)
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
        _content_changed(post=post, actor=actor)
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


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
    with transaction.atomic():
        post_transition(post=post, to=S.SUBMITTED, actor=actor, submitted_at=timezone.now())
        _queue_checks(post)
    return post


def _queue_checks(post: Post) -> None:
    from .tasks import run_checks

    post_id = post.pk
    transaction.on_commit(lambda: run_checks.delay(post_id))


# --- faces: manual boxes, tags, blur (R2, R20) ------------------------------------------------


def _check_tagger(*, post: Post, user: User) -> None:
    if post.author_id == user.pk:
        return
    if not user_has_role(user=user, school=post.school_id, roles=[Role.LEADER]):
        raise Refused(NOT_TAGGER)


def face_add(*, image: PostImage, actor: User, box: Sequence[int]) -> Face:
    """R20: anyone working on the post may draw a face the detector missed; it is then
    treated exactly like a detected face."""
    post = image.post
    _check_tagger(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    try:
        top, right, bottom, left = (int(v) for v in box)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(BAD_BOX, field="box") from exc
    if not (0 <= left < right <= image.width and 0 <= top < bottom <= image.height) or (
        right - left < 4 or bottom - top < 4
    ):
        raise InvalidInput(BAD_BOX, field="box")
    face_box = FaceBox(top=top, right=right, bottom=bottom, left=left)
    check = CheckSettings.from_django()
    with transaction.atomic():
        face = Face.objects.create(
            image=image,
            top=top,
            right=right,
            bottom=bottom,
            left=left,
            source=Face.Source.MANUAL,
            identifiable=is_identifiable(
                face_box,
                original_long_side=max(image.width, image.height),
                published_long_side=check.published_long_side,
                min_face_px=check.min_face_px,
            ),
        )
        audit_record(
            action="post.face_added",
            actor=actor,
            school=post.school,
            target=post,
            data={"image": image.pk, "face": face.pk, "box": face.box},
        )
        _content_changed(post=post, actor=actor)
    return face


def _check_face_not_flagged(*, face: Face, post: Post) -> None:
    """R16: a flagged person's face is cleared only by blur or removing the photo."""
    if face.person_id is not None and consent_selectors.person_flags_blocking(
        person_ids={face.person_id}
    ):
        raise Conflict(FACE_FLAGGED, field="face")


def _is_leader(*, user: User, post: Post) -> bool:
    return user_has_role(user=user, school=post.school_id, roles=[Role.LEADER])


def face_tag(
    *, face: Face, actor: User, tag: str, person_id: int | None = None, adult_name: str = ""
) -> Face:
    """R2: a person tags a face the system could not identify: a person in the register
    (whose consent is then checked), a named adult whose consent is on file, or not a face.

    A face the system identified cannot be tagged (R1: that would overrule the register);
    it is disputed instead (`face_dispute_raise`). A flagged person's face cannot be
    re-tagged at all (R16)."""
    post = face.image.post
    _check_tagger(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    if tag not in (Face.Tag.PERSON, Face.Tag.ADULT_CONSENT, Face.Tag.NOT_A_FACE):
        raise InvalidInput(BAD_TAG, field="tag")
    face.refresh_from_db()
    _check_face_not_flagged(face=face, post=post)
    if face.identified_by_system:
        raise Conflict(FACE_IDENTIFIED, field="tag")
    person = None
    if tag == Face.Tag.PERSON:
        if person_id is None or not consent_selectors.person_in_school(
            school_id=post.school_id, person_id=person_id
        ):
            raise InvalidInput(UNKNOWN_PERSON, field="person_id")
        person = person_id
    adult = adult_name.strip() if tag == Face.Tag.ADULT_CONSENT else ""
    if tag == Face.Tag.ADULT_CONSENT and not adult:
        raise InvalidInput(ADULT_NAME_REQUIRED, field="adult_name")
    if len(adult) > 200:
        raise InvalidInput(ADULT_NAME_TOO_LONG, field="adult_name")
    now = timezone.now()
    # A leader's own adult tag needs no second look; anyone else's may (school policy).
    confirmed_by = actor if adult and _is_leader(user=actor, post=post) else None
    with transaction.atomic():
        # Only if nobody identified or re-tagged the face since it was read.
        unchanged = Face.objects.filter(pk=face.pk, tag=face.tag)
        if face.person_id is None:
            unchanged = unchanged.filter(person__isnull=True)
        else:
            unchanged = unchanged.filter(person_id=face.person_id)
        updated = unchanged.update(
            tag=tag,
            person_id=person,
            tagged_by=actor,
            tagged_at=now,
            distance=None,
            adult_name=adult,
            adult_confirmed_by=confirmed_by,
            adult_confirmed_at=now if confirmed_by else None,
        )
        if not updated:  # identified or re-tagged meanwhile: look again
            raise Conflict(FACE_IDENTIFIED, field="tag")
        audit_record(
            action="post.face_tagged",
            actor=actor,
            school=post.school,
            target=post,
            data={
                "face": face.pk,
                "tag": tag,
                "person": person,
                "adult_name": adult,
                "tagged_at": now.isoformat(),
            },
        )
        _content_changed(post=post, actor=actor)
    face.refresh_from_db()
    return face


def face_adult_confirm(*, face: Face, actor: User) -> Face:
    """R2 (school policy): a leader other than the tagger confirms a named adult's tag.
    Confirming again answers the face as it is."""
    post = face.image.post
    if not _is_leader(user=actor, post=post):
        raise Refused(NOT_LEADER)
    face.refresh_from_db()
    if face.tag != Face.Tag.ADULT_CONSENT:
        raise Conflict(NOT_ADULT_TAG, field="tag")
    if face.adult_confirmed_by_id is not None:
        return face
    if face.tagged_by_id == actor.pk:
        raise Refused(OWN_ADULT_TAG)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    now = timezone.now()
    with transaction.atomic():
        updated = Face.objects.filter(
            pk=face.pk, tag=Face.Tag.ADULT_CONSENT, adult_confirmed_by__isnull=True
        ).update(adult_confirmed_by=actor, adult_confirmed_at=now)
        if updated:
            audit_record(
                action="post.face_adult_confirmed",
                actor=actor,
                school=post.school,
                target=post,
                data={
                    "face": face.pk,
                    "adult_name": face.adult_name,
                    "tagged_by": face.tagged_by_id,
                },
            )
            _content_changed(post=post, actor=actor)
    face.refresh_from_db()
    return face


def face_dispute_raise(*, face: Face, actor: User, reason: str) -> FaceDispute:
    """R1/R3: "this is not Amara". The identification stands, and the post stays blocked,
    until a leader resolves the dispute (`face_dispute_resolve`). A flagged person's match
    cannot be disputed away (R16): blur the face or remove the photo."""
    post = face.image.post
    _check_tagger(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(DISPUTE_REASON_REQUIRED, field="reason")
    face.refresh_from_db()
    if not face.identified_by_system or face.blurred:
        raise Conflict(NOT_IDENTIFIED, field="face")
    _check_face_not_flagged(face=face, post=post)
    with transaction.atomic():
        locked = Face.objects.select_for_update().get(pk=face.pk)
        if locked.identity_dispute == Face.IdentityDispute.OPEN:
            raise Conflict(DISPUTE_ALREADY_OPEN, field="face")
        dispute = FaceDispute.objects.create(
            face=locked,
            person_id=locked.person_id,
            distance=locked.distance,
            raised_by=actor,
            reason=reason,
        )
        Face.objects.filter(pk=face.pk).update(identity_dispute=Face.IdentityDispute.OPEN)
        audit_record(
            action="post.face_disputed",
            actor=actor,
            school=post.school,
            target=post,
            data={
                "face": face.pk,
                "dispute": dispute.pk,
                "person": locked.person_id,
                "reason": reason,
            },
        )
        _content_changed(post=post, actor=actor)
    return dispute


def face_dispute_resolve(
    *, dispute: FaceDispute, actor: User, outcome: str, reason: str
) -> FaceDispute:
    """A leader (not the one who raised it) decides a disputed identification.

    1. upheld: the identification is removed; the face is unknown from now on (R2: tag or
       blur it) and is never identified again. Refused for a flagged person (R16).
    2. rejected: the identification stands.
    Resolving an already-resolved dispute the same way answers it as it is; the other
    way is a Conflict. Either outcome re-runs the checks."""
    face = dispute.face
    post = face.image.post
    if not _is_leader(user=actor, post=post):
        raise Refused(NOT_LEADER)
    if outcome not in (FaceDispute.Status.UPHELD, FaceDispute.Status.REJECTED):
        raise InvalidInput(BAD_OUTCOME, field="outcome")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(RESOLUTION_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = FaceDispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != FaceDispute.Status.OPEN:
            if locked.status == outcome:
                return locked
            raise Conflict(DISPUTE_ALREADY_RESOLVED.format(status=locked.status), field="outcome")
        if locked.raised_by_id == actor.pk:
            raise Refused(OWN_DISPUTE)
        if post.status not in EDITABLE:
            raise Conflict(NOT_EDITABLE, field="status")
        face.refresh_from_db()
        if outcome == FaceDispute.Status.UPHELD:
            _check_face_not_flagged(face=face, post=post)
        now = timezone.now()
        locked.status, locked.resolved_by, locked.resolved_at = outcome, actor, now
        locked.resolution_reason = reason
        locked.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_reason"])
        if outcome == FaceDispute.Status.UPHELD:
            Face.objects.filter(pk=face.pk).update(
                person_id=None, distance=None, identity_dispute=Face.IdentityDispute.UPHELD
            )
        else:
            Face.objects.filter(pk=face.pk).update(identity_dispute=Face.IdentityDispute.NONE)
        audit_record(
            action="post.face_dispute_resolved",
            actor=actor,
            school=post.school,
            target=post,
            data={
                "face": face.pk,
                "dispute": locked.pk,
                "person": locked.person_id,
                "outcome": outcome,
                "reason": reason,
            },
        )
        _content_changed(post=post, actor=actor)
    return locked


def post_blur_faces(
    *, post: Post, actor: User, face_ids: Sequence[int] | None = None, without_consent: bool = False
) -> list[Face]:
    """One-click remedy: irreversibly blur chosen faces (or every face the last check found
    without consent or unidentified) in the publishable variants, then re-check."""
    _check_tagger(post=post, user=actor)
    if post.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE, field="status")
    faces = Face.objects.select_related("image").filter(image__post=post, blurred=False)
    if without_consent:
        latest = post.check_runs.filter(version=post.version).first()
        ids = {
            f["face_id"]
            for f in (latest.findings if latest else [])
            if f.get("face_id") and f.get("rule") in ("R1", "R2", "R16")
        }
        faces = faces.filter(pk__in=ids)
    elif face_ids is not None:
        faces = faces.filter(pk__in=list(face_ids))
    chosen = list(faces)
    if not chosen:
        raise InvalidInput(NOTHING_TO_BLUR, field="face_ids")
    by_image: dict[int, list[Face]] = {}
    for face in chosen:
        by_image.setdefault(face.image_id, []).append(face)
    old_files: list[Any] = []
    with transaction.atomic():
        for faces_in_image in by_image.values():
            image = faces_in_image[0].image
            with image.original.open("rb") as fh:
                original = fh.read()
            upright = imaging.normalise(original)
            # Blur every face blurred so far plus the new ones (the variants are rebuilt from
            # the private original, so earlier blurs must be applied again).
            boxes = [FaceBox(*f.box) for f in image.faces.filter(blurred=True)]
            boxes += [FaceBox(*f.box) for f in faces_in_image]
            blurred = imaging.blur_regions(upright, boxes)
            from io import BytesIO

            from PIL import Image

            with Image.open(BytesIO(blurred)) as im:
                variants = imaging.publishable_variants(
                    im, long_sides=(settings.PUBLISHED_LONG_SIDE, 1200, 400)
                )
            for name in imaging.VARIANT_NAMES:
                field = getattr(image, name)
                old_files.append((field.storage, field.name))
                field.save(name, ContentFile(variants[name]), save=False)
            image.large_sha256 = hashlib.sha256(variants["large"]).hexdigest()
            image.save(update_fields=["large", "medium", "thumb", "large_sha256"])
            Face.objects.filter(pk__in=[f.pk for f in faces_in_image]).update(blurred=True)
        audit_record(
            action="post.faces_blurred",
            actor=actor,
            school=post.school,
            target=post,
            data={"faces": [f.pk for f in chosen]},
        )
        _content_changed(post=post, actor=actor)
        transaction.on_commit(lambda: [s.delete(n) for s, n in old_files])
    return chosen


# --- the check run --------------------------------------------------------------------------


def post_run_checks(*, post_id: int) -> CheckRun | None:
    """Run every safeguarding check over the post's current version (task body).

    1. Claim: submitted -> checking (a post already past checking is left alone: safe to
       run twice).
    2. Detect faces in images not yet analysed; identify identifiable untagged faces
       against the school's biometric gallery (empty without a DPIA or consent: R3, R19).
    3. Evaluate consent, flags, names and contact details; store the run.
    4. Move to blocked / needs_tagging / awaiting_approval, unless the post was edited
       meanwhile (then the edit's own run decides).
    """
    post = Post.objects.select_related("school").filter(pk=post_id).first()
    if post is None or post.status not in (S.SUBMITTED, S.CHECKING):
        return None
    if post.status == S.SUBMITTED:
        try:
            post_transition(post=post, to=S.CHECKING, actor=SYSTEM_CHECKS, reason="Checks started")
        except Conflict:
            return None
    version = post.version
    check = CheckSettings.from_django()
    images = list(post.images.all())
    gallery: Gallery[int] | None = None

    def get_gallery() -> Gallery[int]:
        nonlocal gallery
        if gallery is None:
            gallery = Gallery(
                consent_selectors.identification_gallery(
                    school=post.school, purpose_note=f"post {post.pk} check"
                )
            )
        return gallery

    views: list[ImageView] = []
    for image in images:
        with image.original.open("rb") as fh:
            data = fh.read()
        if image.detected_at is None:
            _detect_into(image, data, check)
        faces = list(Face.objects.filter(image=image))  # after detection, not prefetched
        face_views = [face_view(f) for f in faces]
        if any(v.needs_review and not v.tag and v.person_id is None for v in face_views):
            identify(data, face_views, check=check, gallery=get_gallery())
            for face, view in zip(faces, face_views, strict=True):
                if view.person_id is not None and face.person_id is None:
                    Face.objects.filter(pk=face.pk).update(
                        person_id=view.person_id, distance=view.distance
                    )
                elif view.distance is not None and face.distance != view.distance:
                    Face.objects.filter(pk=face.pk).update(distance=view.distance)
        views.append(ImageView(key=image.pk, alt_text=image.alt_text, faces=face_views))

    result = evaluate(school=post.school, channels=post.channels, text=post.text, images=views)
    content_hash = compute_content_hash(post, images)
    to = {"blocked": S.BLOCKED, "needs_tagging": S.NEEDS_TAGGING, "ready": S.AWAITING_APPROVAL}[
        result.verdict
    ]
    with transaction.atomic():
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.version != version or current.status != S.CHECKING:
            return None  # edited while we ran: the edit queued a fresh run
        run = CheckRun.objects.create(
            post=post,
            version=version,
            content_hash=content_hash,
            verdict=result.verdict,
            findings=[f.as_dict() for f in result.findings],
            faces=result.faces,
            content=content_snapshot(post, images),
            settings={
                "tolerance": check.tolerance,
                "margin": check.margin,
                "min_face_px": check.min_face_px,
                "min_identify_px": check.min_identify_px,
                "detector": {
                    "model": check.detector.model,
                    "upsample": check.detector.upsample,
                    "analysis_long_side": check.detector.analysis_long_side,
                    "small_face_pass": check.detector.small_face_pass,
                },
            },
        )
        post_transition(
            post=current,
            to=to,
            actor=SYSTEM_CHECKS,
            reason=_summary(result.findings),
            data={"check_run": run.pk, "verdict": result.verdict},
            content_hash=content_hash,
            has_identifiable_faces=result.has_identifiable_faces,
            has_identifiable_pupils=result.has_identifiable_pupils,
        )
        if to == S.AWAITING_APPROVAL:
            from .notifications import notify_awaiting_approval

            transaction.on_commit(lambda: notify_awaiting_approval(post_id=post.pk))
    return run


RULE_SUMMARIES = {
    "R1": "someone without photo consent",
    "R2": "an unidentified face",
    "R4": "a name beside a photo",
    "R5": "personal contact details",
    "R16": "someone who must never be published",
}


def _summary(findings: Sequence[Any]) -> str:
    """One plain-English line for the queue: what there is to fix."""
    blocking = [f for f in findings if f.severity != "confirm"]
    if not blocking:
        return "Checks passed"
    what = list(dict.fromkeys(RULE_SUMMARIES.get(f.rule, f.rule) for f in blocking))
    things = "1 thing" if len(blocking) == 1 else f"{len(blocking)} things"
    return f"{things} to fix: {'; '.join(what)}."


def _detect_into(image: PostImage, data: bytes, check: CheckSettings) -> None:
    detection = detect_faces(data, check.detector)
    long_side = max(detection.width, detection.height)
    with transaction.atomic():
        Face.objects.filter(image=image, source=Face.Source.DETECTED).delete()
        Face.objects.bulk_create(
            [
                Face(
                    image=image,
                    top=b.top,
                    right=b.right,
                    bottom=b.bottom,
                    left=b.left,
                    identifiable=is_identifiable(
                        b,
                        original_long_side=long_side,
                        published_long_side=check.published_long_side,
                        min_face_px=check.min_face_px,
                    ),
                )
                for b in detection.boxes
            ]
        )
        PostImage.objects.filter(pk=image.pk).update(
            detected_at=timezone.now(),
            detector={"faces": len(detection.boxes), "model": check.detector.model},
        )
    image.detected_at = timezone.now()


# --- retention (R6, R15) ------------------------------------------------------------------------

FINAL_STATUSES = (S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.TAKEN_DOWN, S.REJECTED, S.EXPIRED, S.FAILED)


def post_originals_purge(*, now: datetime | None = None) -> int:
    """Delete the private originals of posts that reached a final status longer ago than
    ORIGINALS_RETENTION_DAYS. The metadata-free variants stay (they are what was
    published); the original, with its camera metadata and full resolution, goes."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ORIGINALS_RETENTION_DAYS)
    images = list(
        PostImage.objects.filter(
            post__status__in=FINAL_STATUSES,
            post__updated_at__lt=cutoff,
            original_purged_at__isnull=True,
        ).select_related("post__school")
    )
    for image in images:
        with transaction.atomic():
            updated = PostImage.objects.filter(pk=image.pk, original_purged_at__isnull=True).update(
                original_purged_at=now, original=""
            )
            if updated and image.original.name:
                transaction.on_commit(partial(default_storage.delete, image.original.name))
    if images:
        audit_record(
            action="retention.originals_purged",
            data={"images": len(images), "cutoff": cutoff.isoformat()},
        )
    return len(images)
