"""What a check run says: findings with a rule id, a severity and remedies, the messages staff
read, and the verdict they add up to. Plain data; `evaluate` fills it."""

from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any

BLOCK, TAG, CONFIRM = "block", "tag", "confirm"

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
MSG_R21 = (
    "A face fills {share:.0%} of this photo: a close-up, face-on picture. If this is a pupil, "
    "use a wider shot (2026 guidance: close-ups of pupils' faces are what AI-made images "
    "are built from)."
)


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
    # R21: the share of the picture the face fills (0-1), as data for screens and reports.
    face_share: float | None = None
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
