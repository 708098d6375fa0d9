"""The safeguarding check run (the ``moderation.run_checks`` task's body): detect, identify,
evaluate, store the run, move the post on."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.common.actors import SYSTEM_CHECKS
from backend.common.errors import Conflict
from backend.faces.detect import detect_faces
from backend.faces.match import Gallery
from consent import selectors as consent_selectors

from ..checks.evaluate import CheckSettings, ImageView, evaluate, face_view, identify
from ..checks.faces import is_identifiable
from ..models import CheckRun, Face, Post, PostImage, compute_content_hash, content_snapshot
from ..workflow import post_transition
from .common import S


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
    check = CheckSettings.from_django(school_id=post.school_id)
    images = list(post.images.all())
    views = _image_views(post, images, check)
    result = evaluate(school=post.school, channels=post.channels, text=post.text, images=views)
    content_hash = compute_content_hash(post, images)
    to = {"blocked": S.BLOCKED, "needs_tagging": S.NEEDS_TAGGING, "ready": S.AWAITING_APPROVAL}[
        result.verdict
    ]
    with transaction.atomic():
        current = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
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
            settings=_settings_snapshot(check),
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
            from ..notifications import notify_awaiting_approval

            notify_awaiting_approval(post_id=post.pk)
    return run


def _image_views(post: Post, images: list[PostImage], check: CheckSettings) -> list[ImageView]:
    """Step 2 for each photo: detect once (faces are rows), then identify identifiable
    faces nobody tagged; the school's gallery is loaded only when a face needs it."""
    gallery: Gallery[int] | None = None

    def get_gallery() -> Gallery[int]:
        nonlocal gallery
        if gallery is None:
            gallery = consent_selectors.identification_gallery_prepared(
                school=post.school, purpose_note=f"post {post.pk} check"
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
        views.append(
            ImageView(
                key=image.pk,
                alt_text=image.alt_text,
                faces=face_views,
                width=image.width,
                height=image.height,
            )
        )
    return views


def _settings_snapshot(check: CheckSettings) -> dict[str, Any]:
    """The settings the run used, stored with it so any past verdict can be explained."""
    return {
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
    }


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
