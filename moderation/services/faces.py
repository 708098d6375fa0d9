"""Face review (R1, R2, R20): boxes drawn by hand, tags, adult confirmations, disputes of
an identification, and blurring. Every change sends the post back to the checks."""

import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import user_has_role
from backend.audit.services import audit_record
from backend.common.errors import Conflict, InvalidInput, Refused
from backend.common.normalise import clean_text
from backend.faces.detect import FaceBox
from consent import selectors as consent_selectors

from .. import imaging
from ..checks.evaluate import CheckSettings
from ..checks.faces import is_identifiable
from ..models import Face, FaceDispute, Post, PostImage
from ..selectors import school_image_guidance
from ..workflow import EDITABLE
from .common import NOT_EDITABLE, content_changed

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
    check = CheckSettings.from_django(school_id=post.school_id)
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
        content_changed(post=post, actor=actor)
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
    adult = (
        clean_text(adult_name, field="adult_name", required=False)
        if tag == Face.Tag.ADULT_CONSENT
        else ""
    )
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
        content_changed(post=post, actor=actor)
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
            content_changed(post=post, actor=actor)
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
    reason = clean_text(reason, field="reason", required=False, multiline=True)
    if not reason:
        raise InvalidInput(DISPUTE_REASON_REQUIRED, field="reason")
    face.refresh_from_db()
    if not face.identified_by_system or face.blurred:
        raise Conflict(NOT_IDENTIFIED, field="face")
    _check_face_not_flagged(face=face, post=post)
    with transaction.atomic():
        locked = Face.objects.select_for_update(of=("self",)).get(pk=face.pk)
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
        content_changed(post=post, actor=actor)
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
    reason = clean_text(reason, field="reason", required=False, multiline=True)
    if not reason:
        raise InvalidInput(RESOLUTION_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = FaceDispute.objects.select_for_update(of=("self",)).get(pk=dispute.pk)
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
        content_changed(post=post, actor=actor)
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
                    im,
                    long_sides=imaging.variant_long_sides(
                        school_image_guidance(school_id=post.school_id).published_long_side  # R21
                    ),
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
        content_changed(post=post, actor=actor)
        transaction.on_commit(lambda: [s.delete(n) for s, n in old_files])
    return chosen
