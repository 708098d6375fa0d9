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

from backend.faces.detect import DetectionResult, DetectorSettings, FaceBox, detect_faces
from backend.faces.encode import encode_faces
from backend.faces.match import Gallery, match_face
from consent import selectors as consent_selectors
from publishers.registry import channel_name_in_sentence

from .contacts import find_contact_details
from .faces import face_share, is_identifiable
from .names import NameHit, NameIndex, RegisterPerson

BLOCK, TAG, CONFIRM = "block", "tag", "confirm"
DISPUTE_OPEN, DISPUTE_UPHELD = "open", "upheld"

MSG_R1 = "{who} has no consent for photos on {channel}."
MSG_R16 = (
    "Do not publish: someone in this photo must never appear in the school's posts. "
    "Blur them or remove the photo."
)
MSG_R16_NAME = (
    'Do not publish: "{name}" may name someone who must never appear in the school\'s '
    "posts. Remove it from the text."
)
MSG_R2 = (
    "A face in this photo is not identified. Tag who it is, mark it as an adult whose "
    "consent is on file, or blur it."
)
MSG_R1_DISPUTED = (
    "Someone says this face is not {who}. A leader must decide before the post can go "
    "ahead; until then, blur it or remove the photo."
)
MSG_R2_ADULT_UNCONFIRMED = (
    "This face is tagged as an adult whose consent is on file ({name}). The school asks a "
    "leader other than the person who tagged it to confirm that."
)
MSG_R20 = (
    "No identifiable face is left in this photo (none was found, or every face is blurred "
    "or dismissed). Before approving, a leader must look and confirm that nobody "
    "identifiable is in it, or add a face box by hand."
)
# Detectors miss turned, profile and partly hidden faces most in photos where they found
# some, so every published photo gets the approver's look, not only the empty ones.
MSG_R20_OTHERS = (
    "Face detection can miss turned, profile or partly hidden faces. Before approving, a "
    "leader must look and confirm that no other identifiable person is in this photo, or "
    "add a face box by hand."
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
    adult_tags_need_confirmation = _adult_tags_need_confirmation(school)

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
    confirmations: list[Finding] = []

    for img in images:
        # R20: one confirmation per photo, asked of the approver (post_approve enforces it);
        # listed after everything that must be fixed first.
        confirmations.append(
            Finding(
                rule="R20",
                severity=CONFIRM,
                message=(MSG_R20_OTHERS if any(f.needs_review for f in img.faces) else MSG_R20),
                image=img.key,
                remedies=["confirm_no_identifiable_faces", "add_face"],
            )
        )
        for face in img.faces:
            consent_view: dict[str, Any] = {}
            if face.needs_review and face.tag == "adult_consent":
                # A named adult, attested by the tagger (recorded and audited); by school
                # policy a non-leader's attestation waits for a leader's confirmation.
                if adult_tags_need_confirmation and not face.adult_confirmed:
                    findings.append(
                        _face_finding(
                            "R2",
                            TAG,
                            MSG_R2_ADULT_UNCONFIRMED.format(name=face.adult_name or "unnamed"),
                            img,
                            face,
                            remedies=["confirm_adult", "blur"],
                        )
                    )
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
                elif face.identity_dispute == DISPUTE_OPEN:
                    findings.append(
                        _face_finding(
                            "R1",
                            BLOCK,
                            MSG_R1_DISPUTED.format(who=_who(pid, register)),
                            img,
                            face,
                            person_id=pid,
                            remedies=["resolve_dispute", "blur", "remove_image"],
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
                            who=_who(pid, register), channel=channel_name_in_sentence(ch)
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
                    "identity_dispute": face.identity_dispute,
                    "consent": consent_view,
                }
            )

    identifiable = bool(review)
    fields = [("text", text)] + [(f"alt_text:{img.key}", img.alt_text) for img in images]
    index = NameIndex.build(people)
    never_named = _never_named_index(people)
    for field_name, value in fields:
        if not value:
            continue
        mentions = never_named.find_mentions(value) if never_named else []
        findings.extend(_never_named_findings(field_name, mentions))
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
                never_named=mentions,
            )
        )
        findings.extend(_contact_findings(school, field_name, value))
    findings.extend(_close_up_findings(images, school_id=school.pk))
    findings.extend(confirmations)

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


def _adult_tags_need_confirmation(school: Any) -> bool:
    """The school's policy; off for a school without one (or no school: `check_post`)."""
    from ..selectors import school_adult_tags_need_confirmation

    school_id = getattr(school, "pk", None)
    return school_id is not None and school_adult_tags_need_confirmation(school_id=school_id)


MSG_R21 = (
    "A face fills {share:.0%} of this photo: a close-up, face-on picture. If this is a pupil, "
    "use a wider shot (2026 guidance: close-ups of pupils' faces are what AI-made images "
    "are built from)."
)


def _close_up_findings(images: Sequence[ImageView], *, school_id: int) -> list[Finding]:
    """R21: warn staff and the approver (or, by school policy, block) when a face that may
    be a pupil's fills a large share of the picture; the measured share is in the finding."""
    from ..selectors import school_image_guidance

    threshold = float(settings.FACE_CLOSE_UP_SHARE)
    blocks = school_image_guidance(school_id=school_id).close_up_faces_block
    severity = BLOCK if blocks else CONFIRM
    findings = []
    for img in images:
        for face in img.faces:
            if not face.needs_review or face.tag == "adult_consent":
                continue
            share = face_share(face.box, width=img.width, height=img.height)
            if share >= threshold:
                message = MSG_R21.format(share=share)  # the measured share, shown to people
                findings.append(_face_finding("R21", severity, message, img, face))
    return findings


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
    never_named: Sequence[NameHit] = (),
) -> Iterable[Finding]:
    """R4: names beside an identifiable face.

    A name of someone who must never be named (``never_named``, R16) is
    :func:`_never_named_findings`' finding, not R4's; and wherever a name may be theirs,
    "use the first name only" is never offered, because their first name must not appear
    either.
    """
    if not identifiable:
        return []
    flagged = {hit.key for hit in never_named}
    flagged_spans = [(hit.start, hit.end) for hit in never_named]

    def remedies(start: int, end: int) -> list[str]:
        if any(start < e and s < end for s, e in flagged_spans):
            return ["edit_text", "blur", "remove_image"]  # R16: no first name either
        return ["edit_text", "use_first_name_only", "blur", "remove_image"]

    out: list[Finding] = []
    full = index.find_full_names(value)
    for hit in full:
        if hit.key in flagged:
            continue
        out.append(
            Finding(
                rule="R4",
                severity=BLOCK,
                field=field_name,
                span=[hit.start, hit.end],
                person_id=hit.key,
                message=MSG_R4_FULL.format(name=hit.matched),
                remedies=remedies(hit.start, hit.end),
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
                remedies=remedies(likely.start, likely.end),
            )
        )
    for hit in index.find_first_names(value):
        if hit.key not in review_people or any(s <= hit.start < e for s, e in full_spans):
            continue
        if hit.key in flagged:
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
                            channel=channel_name_in_sentence(ch),
                        ),
                        remedies=["edit_text", "blur", "remove_image"],
                    )
                )
    return out


def _never_named_index(people: Sequence[RegisterPerson]) -> NameIndex | None:
    """R16: the school's people with an active safeguarding flag, or None if there are none.

    Only this school's register: a flagged child elsewhere in the trust does not block the
    word "Grace" here.
    """
    if not people:
        return None
    flagged = consent_selectors.person_flags_blocking(person_ids=[p.key for p in people])
    if not flagged:
        return None
    return NameIndex.build(p for p in people if p.key in flagged)


def _never_named_findings(field_name: str, mentions: Sequence[NameHit]) -> list[Finding]:
    """R16: any form of a flagged person's name blocks, with or without a photo.

    The message says "do not publish" and never why (the flag's kind and note stay with
    the register); the leader reviewing the post can see whose name it is.
    """
    return [
        Finding(
            rule="R16",
            severity=BLOCK,
            field=field_name,
            span=[hit.start, hit.end],
            person_id=hit.key,
            message=MSG_R16_NAME.format(name=hit.matched),
            remedies=["edit_text"],
        )
        for hit in mentions
    ]


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
