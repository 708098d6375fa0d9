"""The safeguarding verdict on one post (or one batch of photos from `check_post`).

Face analysis turns image bytes into face views (detect -> identifiable? -> identify);
`evaluate` then asks the consent register about every person and every channel, runs the
names and contact-details checks over text and alt text, and returns findings with a
verdict. Nothing here writes to the database, so the post pipeline and the operator
command give the same answers.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any

from django.conf import settings

from consent import selectors as consent_selectors

from .contacts import find_contact_details
from .faces import (
    DetectionResult,
    DetectorSettings,
    FaceBox,
    Gallery,
    detect_faces,
    encode_faces,
    is_identifiable,
    match_face,
)
from .names import NameIndex, RegisterPerson

BLOCK, TAG, CONFIRM = "block", "tag", "confirm"
CHANNEL_LABELS = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "website": "the school website",
}

MSG_R1 = "{who} has no consent for photos on {channel}."
MSG_R16 = (
    "Do not publish: someone in this photo must never appear in the school's posts. "
    "Blur them or remove the photo."
)
MSG_R2 = (
    "A face in this photo is not identified. Tag who it is, mark it as an adult whose "
    "consent is on file, or blur it."
)
MSG_R20 = (
    "No identifiable face is left in this photo (none was found, or every face is blurred "
    "or dismissed). Before approving, a leader must confirm that nobody identifiable is in "
    "it, or add a face box by hand."
)
MSG_R4_FULL = 'The full name "{name}" appears beside a photo with an identifiable face.'
MSG_R4_LIKELY = '"{name}" looks like a person\'s full name, and a photo shows an identifiable face.'
MSG_R4_FIRST = (
    '"{name}" is named, and {who} is in a photo without consent for their '
    "name to be published on {channel}."
)
MSG_R5 = (
    'The text contains {what}: "{value}". Personal contact details cannot be '
    "published (the school's own are fine)."
)
CONTACT_LABELS = {
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a postcode",
    "address": "a street address",
}


@dataclass(frozen=True)
class CheckSettings:
    detector: DetectorSettings
    tolerance: float
    margin: float
    min_identify_px: int
    min_face_px: int
    published_long_side: int

    @classmethod
    def from_django(cls) -> "CheckSettings":
        min_face = int(getattr(settings, "FACE_MIN_IDENTIFIABLE_PX", 24))
        published = int(getattr(settings, "PUBLISHED_LONG_SIDE", 2048))
        return cls(
            detector=DetectorSettings(min_face_px=min_face, published_long_side=published),
            tolerance=float(getattr(settings, "FACE_MATCH_TOLERANCE", 0.5)),
            margin=float(getattr(settings, "FACE_MATCH_MARGIN", 0.05)),
            min_identify_px=int(getattr(settings, "FACE_MIN_IDENTIFY_PX", 60)),
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
    )


@dataclass
class ImageView:
    key: Any  # the PostImage id, or the path given to check_post
    alt_text: str
    faces: list[FaceView]


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    image: Any = None
    face_id: int | None = None
    box: list[int] | None = None
    field: str | None = None
    span: list[int] | None = None
    person_id: int | None = None
    record_id: int | None = None
    channel: str | None = None
    remedies: list[str] = dc_field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Evaluation:
    verdict: str
    findings: list[Finding]
    faces: list[dict[str, Any]]
    has_identifiable_faces: bool
    has_identifiable_pupils: bool


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
    if not todo or gallery is None or len(gallery) == 0:
        for v in todo:
            v.match_reason = "no_gallery"
        return
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


def _face_finding(
    rule: str, severity: str, message: str, img: ImageView, face: FaceView, **extra: Any
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        image=img.key,
        face_id=face.face_id,
        box=list(face.box.as_tuple()),
        **extra,
    )


def _who(person_id: int, register: dict[int, RegisterPerson]) -> str:
    person = register.get(person_id)
    if person is None:
        return "A person in this photo"
    first = person.first_names[-1] if person.first_names else ""
    return f"{first} {person.last_name[:1]}.".strip()


def evaluate(
    *, school: Any, channels: Sequence[str], text: str, images: Sequence[ImageView]
) -> Evaluation:
    """Apply R1, R2, R4, R5, R16 and R20 to one post's content."""
    people = [
        RegisterPerson(key=pid, first_names=tuple(firsts), last_name=last)
        for pid, firsts, last in consent_selectors.register_people(school=school)
    ]
    register = {p.key: p for p in people}
    findings: list[Finding] = []

    review = [(img, f) for img in images for f in img.faces if f.needs_review]
    person_ids = {f.person_id for _, f in review if f.person_id and f.tag != "adult_consent"}
    flagged = consent_selectors.person_flags_blocking(person_ids=person_ids)
    photo = {
        ch: consent_selectors.photo_decisions(person_ids=person_ids, channel=ch) for ch in channels
    }
    first_name_ok = {
        ch: consent_selectors.first_name_decisions(person_ids=person_ids, channel=ch)
        for ch in channels
    }
    snapshot: list[dict[str, Any]] = []

    for img in images:
        if not any(f.needs_review for f in img.faces):
            findings.append(
                Finding(
                    rule="R20",
                    severity=CONFIRM,
                    message=MSG_R20,
                    image=img.key,
                    remedies=["confirm_no_identifiable_faces", "add_face"],
                )
            )
        for face in img.faces:
            consent_view: dict[str, Any] = {}
            if face.needs_review and face.tag == "adult_consent":
                pass  # a staff member attested that this adult's consent is on file (audited)
            elif face.needs_review and face.person_id:
                pid = face.person_id
                if pid in flagged:
                    findings.append(
                        _face_finding(
                            "R16",
                            BLOCK,
                            MSG_R16,
                            img,
                            face,
                            person_id=pid,
                            remedies=["blur", "remove_image"],
                        )
                    )
                for ch in channels:
                    decision = photo[ch].get(pid)
                    consent_view[ch] = {
                        "allowed": bool(decision and decision.allowed),
                        "reason": decision.reason if decision else "No record",
                        "record_id": decision.record_id if decision else None,
                    }
                    if pid not in flagged and not (decision and decision.allowed):
                        message = MSG_R1.format(
                            who=_who(pid, register), channel=CHANNEL_LABELS.get(ch, ch)
                        )
                        findings.append(
                            _face_finding(
                                "R1",
                                BLOCK,
                                message,
                                img,
                                face,
                                channel=ch,
                                person_id=pid,
                                record_id=decision.record_id if decision else None,
                                remedies=["blur", "remove_channel", "remove_image"],
                            )
                        )
            elif face.needs_review:
                findings.append(
                    _face_finding(
                        "R2", TAG, MSG_R2, img, face, remedies=["tag", "blur", "not_a_face"]
                    )
                )
            snapshot.append(
                {
                    "image": img.key,
                    "face_id": face.face_id,
                    "box": list(face.box.as_tuple()),
                    "identifiable": face.identifiable,
                    "source": face.source,
                    "person_id": face.person_id,
                    "distance": face.distance,
                    "match_reason": face.match_reason,
                    "tag": face.tag,
                    "blurred": face.blurred,
                    "flagged": face.person_id in flagged,
                    "consent": consent_view,
                }
            )

    identifiable = bool(review)
    fields = [("text", text)] + [(f"alt_text:{img.key}", img.alt_text) for img in images]
    index = NameIndex.build(people)
    for field_name, value in fields:
        if not value:
            continue
        findings.extend(
            _name_findings(
                index,
                field_name,
                value,
                identifiable,
                register,
                review_people=person_ids,
                channels=channels,
                first_name_ok=first_name_ok,
            )
        )
        findings.extend(_contact_findings(school, field_name, value))

    severities = {f.severity for f in findings}
    verdict = (
        "blocked" if BLOCK in severities else "needs_tagging" if TAG in severities else "ready"
    )
    return Evaluation(
        verdict=verdict,
        findings=findings,
        faces=snapshot,
        has_identifiable_faces=identifiable,
        has_identifiable_pupils=_any_pupil(review, person_ids),
    )


def _any_pupil(review: Sequence[tuple[ImageView, FaceView]], person_ids: set[int]) -> bool:
    """Unknown faces count as pupils until tagged otherwise (the safe assumption)."""
    if any(f.person_id is None and f.tag != "adult_consent" for _, f in review):
        return True
    return bool(person_ids) and consent_selectors.any_pupils(person_ids=person_ids)


def _name_findings(
    index: NameIndex,
    field_name: str,
    value: str,
    identifiable: bool,
    register: dict[int, RegisterPerson],
    *,
    review_people: set[int],
    channels: Sequence[str],
    first_name_ok: dict[str, dict[int, Any]],
) -> Iterable[Finding]:
    if not identifiable:
        return []
    out: list[Finding] = []
    full = index.find_full_names(value)
    for hit in full:
        out.append(
            Finding(
                rule="R4",
                severity=BLOCK,
                field=field_name,
                span=[hit.start, hit.end],
                person_id=hit.key,
                message=MSG_R4_FULL.format(name=hit.matched),
                remedies=["edit_text", "use_first_name_only", "blur", "remove_image"],
            )
        )
    full_spans = [(h.start, h.end) for h in full]
    for likely in index.find_likely_full_names(value, exclude_spans=full_spans):
        out.append(
            Finding(
                rule="R4",
                severity=BLOCK,
                field=field_name,
                span=[likely.start, likely.end],
                message=MSG_R4_LIKELY.format(name=likely.matched),
                remedies=["edit_text", "use_first_name_only", "blur", "remove_image"],
            )
        )
    for hit in index.find_first_names(value):
        if hit.key not in review_people or any(s <= hit.start < e for s, e in full_spans):
            continue
        for ch in channels:
            decision = first_name_ok[ch].get(hit.key)
            if not (decision and decision.allowed):
                out.append(
                    Finding(
                        rule="R4",
                        severity=BLOCK,
                        field=field_name,
                        span=[hit.start, hit.end],
                        person_id=hit.key,
                        channel=ch,
                        record_id=decision.record_id if decision else None,
                        message=MSG_R4_FIRST.format(
                            name=hit.matched,
                            who=_who(hit.key, register),
                            channel=CHANNEL_LABELS.get(ch, ch),
                        ),
                        remedies=["edit_text", "blur", "remove_image"],
                    )
                )
    return out


def school_contact_details(school: Any) -> list[str]:
    return [
        v
        for v in (
            school.contact_email,
            school.contact_phone,
            school.contact_address,
            school.contact_postcode,
        )
        if v
    ]


def _contact_findings(school: Any, field_name: str, value: str) -> list[Finding]:
    return [
        Finding(
            rule="R5",
            severity=BLOCK,
            field=field_name,
            span=[hit.start, hit.end],
            message=MSG_R5.format(what=CONTACT_LABELS.get(hit.kind, hit.kind), value=hit.matched),
            remedies=["edit_text"],
        )
        for hit in find_contact_details(value, allowed=school_contact_details(school))
    ]
