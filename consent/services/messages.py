"""Messages of the register's services; tests and the API assert these."""

NOT_CONSENT_ADMIN = "Only a consent administrator of this school can do this."
NOT_SENSITIVE_ROLE = "Only the designated safeguarding lead or a leader can do this."
NOT_DPIA_ROLE = "Only a leader or trust administrator of this school can record the DPIA."
NOT_MEMBER = "Only staff of this school can do this."
PERSON_ERASED = "This person's record was erased."
MIS_ID_TAKEN = "Another person at this school already has this MIS id."
NAME_REQUIRED = "Give the person's legal first name and last name."
NAME_INVISIBLE = (
    "{field}: remove the invisible characters (zero-width spaces, direction marks) from the "
    "name; they would hide it from the names check."
)
UNKNOWN_PURPOSE = "Unknown purpose {value!r}; choose one of: {choices}."
UNKNOWN_DECISION = "Unknown decision {value!r}; choose granted, refused or withdrawn."
UNKNOWN_METHOD = "Unknown method {value!r}; choose paper_form, electronic_form or verbal."
MIS_RESERVED = "Decisions from the MIS are recorded only by an MIS import."
CONTACT_REQUIRED = "Say which contact (parent or carer) gave this decision."
CONTACT_NOT_THEIRS = "That contact is not one of this person's contacts."
CONTACT_WITH_SELF = "A decision the person gave themselves has no contact."
CONTACT_NO_PR = (
    "Only a contact with parental responsibility, and no court order restricting them, can "
    "give or withdraw consent (R18)."
)
ADULTS_DECIDE = "Staff and other adults give or refuse consent themselves."
PUPIL_NOT_COMPETENT = (
    "This pupil was under {age} (or has no date of birth) on that day, so cannot give their "
    "own consent; a contact with parental responsibility must (R18). A pupil's refusal is "
    "always recorded."
)
PUPIL_BIOMETRIC = (
    "A pupil under 18 cannot consent to biometric processing themselves: a parent with "
    "parental responsibility must consent in writing (Protection of Freedoms Act 2012 s.27)."
)
BIOMETRIC_NEEDS_WRITING = (
    "Biometric consent must be in writing: record it from a paper form or an electronic "
    "form, not verbally (R18)."
)
BIOMETRIC_NEEDS_EVIDENCE = (
    "Biometric consent needs its written evidence: attach the signed form or give the "
    "electronic form's reference (R18)."
)
GIVEN_IN_FUTURE = "The date of the decision cannot be in the future."
EXPIRY_BEFORE_GIVEN = "Consent cannot expire before the day it was given."
EXPIRY_ONLY_GRANTS = "Only a grant has an expiry date."
PERSON_LEFT = "This person has left the school: consent cannot be granted for them."
EVIDENCE_NOT_THEIRS = "That evidence file belongs to someone else."
EVIDENCE_TYPE = "Evidence must be a PDF, JPEG or PNG file."
EVIDENCE_TOO_LARGE = "Evidence files must be smaller than {megabytes} MB."
EVIDENCE_EMPTY = "The evidence file is empty."
NO_PURPOSES = "Choose at least one purpose."
FLAG_ACTIVE = "This person already has an active flag of this kind."
FLAG_ENDED = "This flag has already been lifted."
UNKNOWN_FLAG = "Unknown flag kind {value!r}; choose one of: {choices}."
DPIA_FIELDS = "Give both the DPIA reference and the name of the data protection officer."
DPIA_GATE_CLOSED = (
    "Face identification is off for this school until a DPIA reference and the data "
    "protection officer's sign-off are recorded (R19)."
)
NO_BIOMETRIC_CONSENT = (
    "This person has no effective biometric consent, so their face cannot be enrolled "
    "(R3): {reason}"
)
NOT_ON_ROLL = "This person is not on roll, so their face cannot be enrolled."
NO_PHOTOS = "Give at least one reference photo."
TOO_MANY_ENROLMENTS = "A person can have at most {limit} reference photos."
PHOTO_NUMBER = "Photo {number}: {message}"
ALREADY_LEFT = "This person has already left the school."
LEFT_IN_FUTURE = "The leaving date cannot be in the future."
ERASE_CONFIRM = "To erase, confirm with the person's MIS id (or their id if they have none)."
UNKNOWN_FIELD = "The field {field!r} cannot be changed here."
