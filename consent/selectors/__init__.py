"""Read queries of the register. Other apps ask consent through these functions only.

One module per concern, the public names re-exported here:

| module | what |
|---|---|
| ``roles`` | who may do what in the register (per school) |
| ``decisions`` | derived consent decisions (R16-R18), two queries however many people |
| ``biometrics`` | the identification gallery (R3, R19), enrolments |
| ``register`` | people, details, contacts, flags, evidence, imports, "may I publish?" |
| ``retention`` | retention terms (R15) |
"""

from .biometrics import (
    decode_encoding,
    enrolments_for_person,
    identification_gallery,
    identification_gallery_prepared,
)
from .decisions import (
    allowed_purposes,
    biometric_decisions,
    decisions_for,
    first_name_decisions,
    load_facts,
    may_publish_first_name,
    may_publish_name,
    may_publish_photo,
    name_decisions,
    person_consent_state,
    person_flags_blocking,
    photo_decisions,
)
from .register import (
    DecisionView,
    PersonDetail,
    any_pupils,
    consent_evidence_for_person,
    consent_timeline,
    contacts_for_person,
    decision_view,
    expired_grants_between,
    flags_for_person,
    imports_for_school,
    people_for_school,
    people_labels,
    person_detail,
    person_get_for_user,
    person_in_school,
    person_names,
    publish_status,
    register_people,
    user_sees_sensitive,
)
from .retention import (
    RetentionItem,
    RetentionTerms,
    retention_terms_for,
    retention_terms_for_schools,
)
from .roles import (
    DPIA_ROLES,
    ENCODING_DTYPE,
    ENCODING_SIZE,
    MANAGE_ROLES,
    PERSON_NOT_FOUND,
    READ_ROLES,
    RETENTION_ROLES,
    SENSITIVE_ROLES,
    STATUS_ROLES,
    UNKNOWN_CHANNEL,
)

__all__ = [
    "DPIA_ROLES",
    "DecisionView",
    "ENCODING_DTYPE",
    "ENCODING_SIZE",
    "MANAGE_ROLES",
    "PERSON_NOT_FOUND",
    "PersonDetail",
    "READ_ROLES",
    "RETENTION_ROLES",
    "RetentionItem",
    "RetentionTerms",
    "SENSITIVE_ROLES",
    "STATUS_ROLES",
    "UNKNOWN_CHANNEL",
    "allowed_purposes",
    "any_pupils",
    "biometric_decisions",
    "consent_evidence_for_person",
    "consent_timeline",
    "contacts_for_person",
    "decision_view",
    "decisions_for",
    "decode_encoding",
    "enrolments_for_person",
    "expired_grants_between",
    "first_name_decisions",
    "flags_for_person",
    "identification_gallery",
    "identification_gallery_prepared",
    "imports_for_school",
    "load_facts",
    "may_publish_first_name",
    "may_publish_name",
    "may_publish_photo",
    "name_decisions",
    "people_for_school",
    "people_labels",
    "person_consent_state",
    "person_detail",
    "person_flags_blocking",
    "person_get_for_user",
    "person_in_school",
    "person_names",
    "photo_decisions",
    "publish_status",
    "register_people",
    "retention_terms_for",
    "retention_terms_for_schools",
    "user_sees_sensitive",
]
