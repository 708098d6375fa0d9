"""The safeguarding verdict on one post (or one batch of photos from `check_post`).

Face analysis (`face_analysis`) turns image bytes into face views; `evaluate` then asks the
consent register about every person and every channel, runs the names and contact-details
checks over text and alt text, and returns findings (`findings`) with a verdict. Nothing
here writes to the database, so the post pipeline and the operator command give the same
answers. The face-analysis and findings names callers use are re-exported here, so a caller
imports one module to check a post.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from consent import selectors as consent_selectors
from publishers.registry import channel_name_in_sentence

from .contacts import find_contact_details
from .face_analysis import (
    DISPUTE_OPEN,
    DISPUTE_UPHELD,
    CheckSettings,
    FaceView,
    ImageView,
    analyse_image,
    face_view,
    identify,
)
from .faces import face_share
from .findings import (
    BLOCK,
    CONFIRM,
    CONTACT_LABELS,
    MSG_R1,
    MSG_R1_DISPUTED,
    MSG_R2,
    MSG_R2_ADULT_UNCONFIRMED,
    MSG_R4_FIRST,
    MSG_R4_FULL,
    MSG_R4_LIKELY,
    MSG_R5,
    MSG_R16,
    MSG_R16_NAME,
    MSG_R20,
    MSG_R20_OTHERS,
    MSG_R21,
    TAG,
    Evaluation,
    Finding,
)
from .names import LikelyName, NameHit, NameIndex, RegisterPerson
from .names.cache import index_for as names_index_for

__all__ = [
    "BLOCK",
    "CONFIRM",
    "DISPUTE_OPEN",
    "DISPUTE_UPHELD",
    "MSG_R1",
    "MSG_R1_DISPUTED",
    "MSG_R2",
    "MSG_R2_ADULT_UNCONFIRMED",
    "MSG_R4_FIRST",
    "MSG_R4_FULL",
    "MSG_R4_LIKELY",
    "MSG_R5",
    "MSG_R16",
    "MSG_R16_NAME",
    "MSG_R20",
    "MSG_R20_OTHERS",
    "MSG_R21",
    "TAG",
    "CheckSettings",
    "Evaluation",
    "FaceView",
    "Finding",
    "ImageView",
    "analyse_image",
    "evaluate",
    "face_view",
    "identify",
    "school_contact_details",
]


@dataclass(frozen=True)
class _Register:
    """What the register says about one post's people, read once for every rule step."""

    people: list[RegisterPerson]
    by_key: dict[int, RegisterPerson]
    channels: Sequence[str]
    person_ids: set[int]  # identified people in faces under review, adult tags aside
    flagged: set[int]  # R16: of those, the ones with an active safeguarding flag
    photo: dict[str, dict[int, Any]]  # channel -> person -> photo decision (R1)
    first_name_ok: dict[str, dict[int, Any]]  # channel -> person -> first-name decision (R4)
    adult_tags_need_confirmation: bool


def evaluate(
    *, school: Any, channels: Sequence[str], text: str, images: Sequence[ImageView]
) -> Evaluation:
    """Apply R1, R2, R4, R5, R16, R20 and R21 to one post's content.

    1. Read the register: the school's people, and consent per channel for the people
       identified in the faces under review.
    2. Judge every face (R1, R2, R16) and record what the check saw of it.
    3. Judge the text and every alt text: names (R16, R4) and contact details (R5).
    4. Warn of close-ups (R21); last, ask the approver to look at every photo (R20).
    5. Add the findings up to a verdict.
    """
    review = [(img, f) for img in images for f in img.faces if f.needs_review]
    register = _read_register(school, channels, review)
    findings: list[Finding] = []
    snapshot: list[dict[str, Any]] = []
    for img in images:
        for face in img.faces:
            findings.extend(_face_findings(img, face, register))
            snapshot.append(_face_snapshot(img, face, register))
    identifiable = bool(review)
    findings.extend(_text_findings(school, text, images, register, identifiable=identifiable))
    findings.extend(_close_up_findings(images, school_id=school.pk))
    findings.extend(_confirmation_findings(images))
    return Evaluation(
        verdict=_verdict(findings),
        findings=findings,
        faces=snapshot,
        has_identifiable_faces=identifiable,
        has_identifiable_pupils=_any_pupil(review, register.person_ids),
    )


def _read_register(
    school: Any, channels: Sequence[str], review: Sequence[tuple[ImageView, FaceView]]
) -> _Register:
    people = [
        RegisterPerson(key=pid, first_names=tuple(firsts), last_name=last)
        for pid, firsts, last in consent_selectors.register_people(school=school)
    ]
    adult_tags_need_confirmation = _adult_tags_need_confirmation(school)
    person_ids = {f.person_id for _, f in review if f.person_id and f.tag != "adult_consent"}
    flagged = consent_selectors.person_flags_blocking(person_ids=person_ids)
    photo = {
        ch: consent_selectors.photo_decisions(person_ids=person_ids, channel=ch) for ch in channels
    }
    first_name_ok = {
        ch: consent_selectors.first_name_decisions(person_ids=person_ids, channel=ch)
        for ch in channels
    }
    return _Register(
        people=people,
        by_key={p.key: p for p in people},
        channels=channels,
        person_ids=person_ids,
        flagged=flagged,
        photo=photo,
        first_name_ok=first_name_ok,
        adult_tags_need_confirmation=adult_tags_need_confirmation,
    )


def _adult_tags_need_confirmation(school: Any) -> bool:
    """The school's policy; off for a school without one (or no school: `check_post`)."""
    from ..selectors import school_adult_tags_need_confirmation

    school_id = getattr(school, "pk", None)
    return school_id is not None and school_adult_tags_need_confirmation(school_id=school_id)


def _verdict(findings: Sequence[Finding]) -> str:
    severities = {f.severity for f in findings}
    return "blocked" if BLOCK in severities else "needs_tagging" if TAG in severities else "ready"


# --- faces: R1, R2, R16 ----------------------------------------------------------------------


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


def _face_findings(img: ImageView, face: FaceView, register: _Register) -> list[Finding]:
    if not face.needs_review:
        return []
    if face.tag == "adult_consent":
        return _adult_tag_findings(img, face, register)
    if face.person_id:
        return _identified_face_findings(img, face, face.person_id, register)
    return [_face_finding("R2", TAG, MSG_R2, img, face, remedies=["tag", "blur", "not_a_face"])]


def _adult_tag_findings(img: ImageView, face: FaceView, register: _Register) -> list[Finding]:
    """R2: a named adult, attested by the tagger (recorded and audited); by school policy a
    non-leader's attestation waits for a leader's confirmation."""
    if not register.adult_tags_need_confirmation or face.adult_confirmed:
        return []
    message = MSG_R2_ADULT_UNCONFIRMED.format(name=face.adult_name or "unnamed")
    return [_face_finding("R2", TAG, message, img, face, remedies=["confirm_adult", "blur"])]


def _identified_face_findings(
    img: ImageView, face: FaceView, pid: int, register: _Register
) -> list[Finding]:
    """R16 alone for a flagged person, whatever their consent (blur or remove the photo);
    otherwise R1 for an open identity dispute and for every channel their photo consent does
    not cover."""
    if pid in register.flagged:
        remedies = ["blur", "remove_image"]
        return [_face_finding("R16", BLOCK, MSG_R16, img, face, person_id=pid, remedies=remedies)]
    findings = []
    if face.identity_dispute == DISPUTE_OPEN:
        message = MSG_R1_DISPUTED.format(who=_who(pid, register.by_key))
        remedies = ["resolve_dispute", "blur", "remove_image"]
        findings.append(
            _face_finding("R1", BLOCK, message, img, face, person_id=pid, remedies=remedies)
        )
    for ch in register.channels:
        decision = register.photo[ch].get(pid)
        if decision and decision.allowed:
            continue
        message = MSG_R1.format(
            who=_who(pid, register.by_key), channel=channel_name_in_sentence(ch)
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
    return findings


def _face_snapshot(img: ImageView, face: FaceView, register: _Register) -> dict[str, Any]:
    """The face as the check saw it, with the photo consent per channel it relied on."""
    return {
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
        "flagged": face.person_id in register.flagged,
        "identity_dispute": face.identity_dispute,
        "consent": _photo_consent_view(face, register),
    }


def _photo_consent_view(face: FaceView, register: _Register) -> dict[str, Any]:
    """Channel -> the photo decision R1 relied on, for a face identified as somebody on the
    register (not a tagged adult); empty for any other face."""
    pid = face.person_id
    if not (face.needs_review and face.tag != "adult_consent" and pid):
        return {}
    view = {}
    for ch in register.channels:
        decision = register.photo[ch].get(pid)
        view[ch] = {
            "allowed": bool(decision and decision.allowed),
            "reason": decision.reason if decision else "No record",
            "record_id": decision.record_id if decision else None,
        }
    return view


def _any_pupil(review: Sequence[tuple[ImageView, FaceView]], person_ids: set[int]) -> bool:
    """Unknown faces count as pupils until tagged otherwise (the safe assumption)."""
    if any(f.person_id is None and f.tag != "adult_consent" for _, f in review):
        return True
    return bool(person_ids) and consent_selectors.any_pupils(person_ids=person_ids)


# --- photos as a whole: R21, R20 -------------------------------------------------------------


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
                findings.append(
                    _face_finding("R21", severity, message, img, face, face_share=round(share, 4))
                )
    return findings


def _confirmation_findings(images: Sequence[ImageView]) -> list[Finding]:
    """R20: one confirmation per photo, asked of the approver (post_approve enforces it);
    listed after everything that must be fixed first."""
    return [
        Finding(
            rule="R20",
            severity=CONFIRM,
            message=(MSG_R20_OTHERS if any(f.needs_review for f in img.faces) else MSG_R20),
            image=img.key,
            remedies=["confirm_no_identifiable_faces", "add_face"],
        )
        for img in images
    ]


# --- text and alt text: R16, R4, R5 ----------------------------------------------------------


def _text_finding(
    rule: str,
    field_name: str,
    start: int,
    end: int,
    message: str,
    remedies: list[str],
    **extra: Any,
) -> Finding:
    """A blocking finding about a span of the text or of an alt text."""
    return Finding(
        rule=rule,
        severity=BLOCK,
        message=message,
        field=field_name,
        span=[start, end],
        remedies=remedies,
        **extra,
    )


def _text_findings(
    school: Any,
    text: str,
    images: Sequence[ImageView],
    register: _Register,
    *,
    identifiable: bool,
) -> list[Finding]:
    """Per field (the text, then each alt text): a never-named person's name (R16), names
    beside an identifiable face (R4), contact details (R5)."""
    fields = [("text", text)] + [(f"alt_text:{img.key}", img.alt_text) for img in images]
    index = names_index_for(school.pk, register.people)
    never_named = _never_named_index(register.people)
    findings: list[Finding] = []
    for field_name, value in fields:
        if not value:
            continue
        mentions = never_named.find_mentions(value) if never_named else []
        findings.extend(_never_named_findings(field_name, mentions))
        if identifiable:
            findings.extend(_name_findings(index, field_name, value, register, mentions))
        findings.extend(_contact_findings(school, field_name, value))
    return findings


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
        _text_finding(
            "R16",
            field_name,
            hit.start,
            hit.end,
            MSG_R16_NAME.format(name=hit.matched),
            ["edit_text"],
            person_id=hit.key,
        )
        for hit in mentions
    ]


def _name_findings(
    index: NameIndex,
    field_name: str,
    value: str,
    register: _Register,
    never_named: Sequence[NameHit],
) -> list[Finding]:
    """R4: names beside an identifiable face, in one field.

    A name of someone who must never be named (``never_named``, R16) is
    :func:`_never_named_findings`' finding, not R4's; and wherever a name may be theirs,
    "use the first name only" is never offered, because their first name must not appear
    either.
    """
    flagged = {hit.key for hit in never_named}
    flagged_spans = [(hit.start, hit.end) for hit in never_named]
    full = index.find_full_names(value)
    full_spans = [(h.start, h.end) for h in full]
    likely = index.find_likely_full_names(value, exclude_spans=full_spans)
    first_names = [
        hit
        for hit in index.find_first_names(value, only=register.person_ids)
        if hit.key in register.person_ids
        and not any(s <= hit.start < e for s, e in full_spans)
        and hit.key not in flagged
    ]
    return [
        *(
            _name_finding(field_name, hit, MSG_R4_FULL, flagged_spans, person_id=hit.key)
            for hit in full
            if hit.key not in flagged
        ),
        *(_name_finding(field_name, hit, MSG_R4_LIKELY, flagged_spans) for hit in likely),
        *(
            finding
            for hit in first_names
            for finding in _first_name_findings(field_name, hit, register)
        ),
    ]


def _name_finding(
    field_name: str,
    hit: NameHit | LikelyName,
    message: str,
    flagged_spans: Sequence[tuple[int, int]],
    *,
    person_id: int | None = None,
) -> Finding:
    """R4 for a full name, registered or likely."""
    if any(hit.start < end and start < hit.end for start, end in flagged_spans):
        remedies = ["edit_text", "blur", "remove_image"]  # R16: no first name either
    else:
        remedies = ["edit_text", "use_first_name_only", "blur", "remove_image"]
    message = message.format(name=hit.matched)
    return _text_finding(
        "R4", field_name, hit.start, hit.end, message, remedies, person_id=person_id
    )


def _first_name_findings(field_name: str, hit: NameHit, register: _Register) -> list[Finding]:
    """R4 for a first name of a person in a photo, on each channel their consent for their
    name does not cover."""
    findings = []
    for ch in register.channels:
        decision = register.first_name_ok[ch].get(hit.key)
        if decision and decision.allowed:
            continue
        message = MSG_R4_FIRST.format(
            name=hit.matched,
            who=_who(hit.key, register.by_key),
            channel=channel_name_in_sentence(ch),
        )
        findings.append(
            _text_finding(
                "R4",
                field_name,
                hit.start,
                hit.end,
                message,
                ["edit_text", "blur", "remove_image"],
                person_id=hit.key,
                channel=ch,
                record_id=decision.record_id if decision else None,
            )
        )
    return findings


# --- contact details: R5 ---------------------------------------------------------------------


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
    allowed = school_contact_details(school)
    return [
        _text_finding(
            "R5",
            field_name,
            hit.start,
            hit.end,
            MSG_R5.format(what=CONTACT_LABELS.get(hit.kind, hit.kind), value=hit.matched),
            ["edit_text"],
        )
        for hit in find_contact_details(value, allowed=allowed)
    ]
