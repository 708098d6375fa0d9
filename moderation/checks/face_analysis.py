"""Face analysis: image bytes -> face views (detect -> identifiable? -> identify, R1 and R3),
and the views of faces already stored, which `evaluate` judges against the register."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from backend.faces.detect import DetectionResult, DetectorSettings, FaceBox, detect_faces
from backend.faces.encode import encode_faces
from backend.faces.match import Gallery, match_face

from .faces import is_identifiable

DISPUTE_OPEN, DISPUTE_UPHELD = "open", "upheld"


@dataclass(frozen=True)
class CheckSettings:
    detector: DetectorSettings
    tolerance: float
    margin: float
    min_identify_px: int
    min_face_px: int
    published_long_side: int

    @classmethod
    def from_django(cls, *, school_id: int | None = None) -> "CheckSettings":
        """The deployment's settings; with a school, its R21 published size (R1 is judged
        at the size that will really be published)."""
        from ..selectors import school_image_guidance

        min_face = int(settings.FACE_MIN_IDENTIFIABLE_PX)
        published = int(settings.PUBLISHED_LONG_SIDE)
        if school_id is not None:
            published = school_image_guidance(school_id=school_id).published_long_side
        return cls(
            detector=DetectorSettings(min_face_px=min_face, published_long_side=published),
            tolerance=float(settings.FACE_MATCH_TOLERANCE),
            margin=float(settings.FACE_MATCH_MARGIN),
            min_identify_px=int(settings.FACE_MIN_IDENTIFY_PX),
            min_face_px=min_face,
            published_long_side=published,
        )


@dataclass
class FaceView:
    box: FaceBox
    identifiable: bool
    source: str = "detected"
    person_id: int | None = None
    distance: float | None = None
    match_reason: str | None = None
    tag: str = ""
    blurred: bool = False
    face_id: int | None = None
    # R1/R3: "open" keeps the post blocked; "upheld" means never identify this face again.
    identity_dispute: str = ""
    adult_name: str = ""
    adult_confirmed: bool = False

    @property
    def needs_review(self) -> bool:
        return self.identifiable and not self.blurred and self.tag != "not_a_face"


def face_view(face: Any) -> FaceView:
    """The check's view of a stored face (a moderation.models.Face)."""
    return FaceView(
        box=FaceBox(face.top, face.right, face.bottom, face.left),
        identifiable=face.identifiable,
        source=face.source,
        person_id=face.person_id,
        distance=face.distance,
        tag=face.tag,
        blurred=face.blurred,
        face_id=face.pk,
        identity_dispute=face.identity_dispute,
        adult_name=face.adult_name,
        adult_confirmed=face.adult_confirmed_by_id is not None,
    )


@dataclass
class ImageView:
    key: Any  # the PostImage id, or the path given to check_post
    alt_text: str
    faces: list[FaceView]
    width: int = 0  # upright original size; 0 = unknown (no R21 close-up check)
    height: int = 0


def analyse_image(
    data: bytes, *, check: CheckSettings, gallery: Gallery[int] | None
) -> tuple[DetectionResult, list[FaceView]]:
    """Detect every face; identify the identifiable ones against the gallery (R1, R3)."""
    detection = detect_faces(data, check.detector)
    long_side = max(detection.width, detection.height)
    views = [
        FaceView(
            box=box,
            identifiable=is_identifiable(
                box,
                original_long_side=long_side,
                published_long_side=check.published_long_side,
                min_face_px=check.min_face_px,
            ),
        )
        for box in detection.boxes
    ]
    identify(data, views, check=check, gallery=gallery)
    return detection, views


def identify(
    data: bytes, views: Sequence[FaceView], *, check: CheckSettings, gallery: Gallery[int] | None
) -> None:
    """Fill person_id/distance on untagged identifiable faces. Without a gallery (no DPIA,
    no biometric consent: R3, R19) nothing is identified and every face goes to tagging."""
    todo = [v for v in views if v.needs_review and not v.tag and v.person_id is None]
    for v in todo:
        if v.identity_dispute == DISPUTE_UPHELD:
            # A leader ruled the last identification wrong: the face stays unknown (R2)
            # rather than being matched again, to the same person or a near miss.
            v.match_reason = "identification_disputed"
    todo = [v for v in todo if v.identity_dispute != DISPUTE_UPHELD]
    if not todo or gallery is None or len(gallery) == 0:
        for v in todo:
            v.match_reason = "no_gallery"
        return
    # match_face never identifies a face below min_identify_px: skip its encoding (the
    # costly part, ~20 ms a face) and record the same reason match_face would give.
    for v in todo:
        if v.box.height < check.min_identify_px:
            v.match_reason = "too_small"
    todo = [v for v in todo if v.box.height >= check.min_identify_px]
    for view, encoding in zip(todo, encode_faces(data, [v.box for v in todo]), strict=True):
        match = match_face(
            encoding,
            gallery,
            face_px=view.box.height,
            tolerance=check.tolerance,
            margin=check.margin,
            min_identify_px=check.min_identify_px,
        )
        view.person_id, view.distance, view.match_reason = match.key, match.distance, match.reason
