"""Operations that change the register. Check first (role, school, the law), then change,
then audit; one function per use case, so the API, the admin, the management commands and
Celery all go through the same checks. One module per concern, the public names
re-exported here so callers write ``from consent.services import ...``:

| module | what |
|---|---|
| ``messages`` | the messages the services raise (tests and the API assert them) |
| ``common`` | role and liveness checks, private files (internal) |
| ``people`` | people and contacts |
| ``consents`` | consent decisions, withdrawals, objections (R17, R18) |
| ``consent_ends`` | the consent-ended outbox, its task and handlers (R10) |
| ``flags`` | safeguarding flags (R16) |
| ``evidence`` | consent evidence files (``consent_evidence_*``) |
| ``dpia`` | the DPIA gate (R19) |
| ``enrolment`` | biometric enrolment (R3) |
| ``expiry`` | the expiry sweep (beat) |
| ``subject_access`` / ``erasure`` | R15 |
| ``people_import`` | the MIS CSV import (``people_import_from_csv``) |

Every service takes a required actor (backend/common/actors.py). A person must hold the
right role at the person's school; a system actor (management commands, the demo seeder,
the consent-ended task and the expiry sweep) passes only where the service lists it, and
services that read or erase sensitive data take a `User` only.

Whenever someone's consent for anything ends (withdrawal, refusal, a pupil's objection,
expiry, leaving, a safeguarding flag, erasure), `consent.consent_ended` is queued after
commit: it deletes their face encodings if biometric consent ended (R10, R3) and calls
every handler registered in `consent.handlers` (the takedown, R10).
"""

from .consent_ends import (
    REASON_BIOMETRIC_ENDED,
    REASON_CHANGED,
    REASON_DO_NOT_PUBLISH,
    REASON_ERASED,
    REASON_EXPIRED,
    REASON_LEFT,
    REASON_OBJECTION,
    REASON_REFUSED,
    REASON_WITHDRAWN,
    consent_end_dispatch,
    consent_end_dispatch_if_ended,
    consent_end_handlers_run,
    consent_end_record,
    consent_ends_requeue,
)
from .consents import consent_record, consent_record_many, consent_withdraw, objection_record
from .dpia import school_dpia_clear, school_dpia_record
from .enrolment import (
    MAX_ENROLMENTS,
    face_enrolment_create,
    face_enrolment_delete,
    face_enrolment_photo_read,
    face_enrolments_purge,
)
from .erasure import person_erase
from .evidence import (
    EVIDENCE_MAGIC,
    MAX_EVIDENCE_BYTES,
    consent_evidence_read,
    consent_evidence_upload,
)
from .expiry import EXPIRY_SWEEP, consent_expiry_sweep
from .flags import flag_add, flag_end
from .messages import (
    ADULTS_DECIDE,
    ALREADY_LEFT,
    BIOMETRIC_NEEDS_EVIDENCE,
    BIOMETRIC_NEEDS_WRITING,
    CONTACT_NO_PR,
    CONTACT_NOT_THEIRS,
    CONTACT_REQUIRED,
    CONTACT_WITH_SELF,
    DPIA_FIELDS,
    DPIA_GATE_CLOSED,
    ERASE_CONFIRM,
    EVIDENCE_EMPTY,
    EVIDENCE_NOT_THEIRS,
    EVIDENCE_TOO_LARGE,
    EVIDENCE_TYPE,
    EXPIRY_BEFORE_GIVEN,
    EXPIRY_ONLY_GRANTS,
    FLAG_ACTIVE,
    FLAG_ENDED,
    GIVEN_IN_FUTURE,
    LEFT_IN_FUTURE,
    MIS_ID_TAKEN,
    MIS_RESERVED,
    NAME_INVISIBLE,
    NAME_REQUIRED,
    NO_BIOMETRIC_CONSENT,
    NO_PHOTOS,
    NO_PURPOSES,
    NOT_CONSENT_ADMIN,
    NOT_DPIA_ROLE,
    NOT_MEMBER,
    NOT_ON_ROLL,
    NOT_SENSITIVE_ROLE,
    PERSON_ERASED,
    PERSON_LEFT,
    PHOTO_NUMBER,
    PUPIL_BIOMETRIC,
    PUPIL_NOT_COMPETENT,
    TOO_MANY_ENROLMENTS,
    UNKNOWN_DECISION,
    UNKNOWN_FIELD,
    UNKNOWN_FLAG,
    UNKNOWN_METHOD,
    UNKNOWN_PURPOSE,
)
from .people import (
    CONTACT_EDITABLE,
    NAME_FIELDS,
    PERSON_EDITABLE,
    contact_create,
    contact_update,
    person_create,
    person_leave,
    person_update,
)
from .people_import import people_import_from_csv
from .subject_access import person_export

__all__ = [
    "ADULTS_DECIDE",
    "ALREADY_LEFT",
    "BIOMETRIC_NEEDS_EVIDENCE",
    "BIOMETRIC_NEEDS_WRITING",
    "CONTACT_EDITABLE",
    "CONTACT_NOT_THEIRS",
    "CONTACT_NO_PR",
    "CONTACT_REQUIRED",
    "CONTACT_WITH_SELF",
    "DPIA_FIELDS",
    "DPIA_GATE_CLOSED",
    "ERASE_CONFIRM",
    "EVIDENCE_EMPTY",
    "EVIDENCE_MAGIC",
    "EVIDENCE_NOT_THEIRS",
    "EVIDENCE_TOO_LARGE",
    "EVIDENCE_TYPE",
    "EXPIRY_BEFORE_GIVEN",
    "EXPIRY_ONLY_GRANTS",
    "EXPIRY_SWEEP",
    "FLAG_ACTIVE",
    "FLAG_ENDED",
    "GIVEN_IN_FUTURE",
    "LEFT_IN_FUTURE",
    "MAX_ENROLMENTS",
    "MAX_EVIDENCE_BYTES",
    "MIS_ID_TAKEN",
    "MIS_RESERVED",
    "NAME_FIELDS",
    "NAME_INVISIBLE",
    "NAME_REQUIRED",
    "NOT_CONSENT_ADMIN",
    "NOT_DPIA_ROLE",
    "NOT_MEMBER",
    "NOT_ON_ROLL",
    "NOT_SENSITIVE_ROLE",
    "NO_BIOMETRIC_CONSENT",
    "NO_PHOTOS",
    "NO_PURPOSES",
    "PERSON_EDITABLE",
    "PERSON_ERASED",
    "PERSON_LEFT",
    "PHOTO_NUMBER",
    "PUPIL_BIOMETRIC",
    "PUPIL_NOT_COMPETENT",
    "REASON_BIOMETRIC_ENDED",
    "REASON_CHANGED",
    "REASON_DO_NOT_PUBLISH",
    "REASON_ERASED",
    "REASON_EXPIRED",
    "REASON_LEFT",
    "REASON_OBJECTION",
    "REASON_REFUSED",
    "REASON_WITHDRAWN",
    "TOO_MANY_ENROLMENTS",
    "UNKNOWN_DECISION",
    "UNKNOWN_FIELD",
    "UNKNOWN_FLAG",
    "UNKNOWN_METHOD",
    "UNKNOWN_PURPOSE",
    "consent_end_dispatch",
    "consent_end_dispatch_if_ended",
    "consent_end_handlers_run",
    "consent_end_record",
    "consent_ends_requeue",
    "consent_evidence_read",
    "consent_evidence_upload",
    "consent_expiry_sweep",
    "consent_record",
    "consent_record_many",
    "consent_withdraw",
    "contact_create",
    "contact_update",
    "face_enrolment_create",
    "face_enrolment_delete",
    "face_enrolment_photo_read",
    "face_enrolments_purge",
    "flag_add",
    "flag_end",
    "objection_record",
    "people_import_from_csv",
    "person_create",
    "person_erase",
    "person_export",
    "person_leave",
    "person_update",
    "school_dpia_clear",
    "school_dpia_record",
]
