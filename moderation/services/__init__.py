"""Drafting, submission, face review and the safeguarding check run of posts.

One module per concern, the public names re-exported here so callers write
``from moderation import services``:

| module | what |
|---|---|
| ``drafting`` | create, edit, photos, submit (R7) |
| ``faces`` | face boxes, tags, adult confirmations, disputes, blur (R1, R2, R20) |
| ``checks`` | the check run (the ``moderation.run_checks`` task's body) |
| ``retention`` | private originals of finished posts (R6, R15) |
| ``seen`` | the version each leader last saw ("Changed since you last looked") |
| ``common`` | what a change after submission does (approvals voided, checks again) |

Leader decisions and release are in ``moderation/approvals.py``; the takedown workflow in
``moderation/takedowns.py``. Permission and school scope are checked in the services, so
the API, the admin, commands and tasks behave the same. Status changes go through
``workflow.post_transition``.
"""

from .checks import RULE_SUMMARIES, post_run_checks
from .common import NOT_EDITABLE, S
from .drafting import (
    AUTHOR_ROLES,
    EMPTY_POST,
    INSTAGRAM_NEEDS_IMAGE,
    NO_CHANNELS,
    NOT_AUTHOR,
    NOT_STAFF,
    SCHEDULE_IN_PAST,
    TEXT_TOO_LONG,
    TOO_MANY_IMAGES,
    UNKNOWN_CHANNEL,
    WRONG_SCHOOL_DEVICE,
    post_create,
    post_edit,
    post_image_add,
    post_image_remove,
    post_image_update,
    post_submit,
)
from .faces import (
    ADULT_NAME_REQUIRED,
    ADULT_NAME_TOO_LONG,
    BAD_BOX,
    BAD_OUTCOME,
    BAD_TAG,
    DISPUTE_ALREADY_OPEN,
    DISPUTE_ALREADY_RESOLVED,
    DISPUTE_REASON_REQUIRED,
    FACE_FLAGGED,
    FACE_IDENTIFIED,
    NOT_ADULT_TAG,
    NOT_IDENTIFIED,
    NOT_LEADER,
    NOT_TAGGER,
    NOTHING_TO_BLUR,
    OWN_ADULT_TAG,
    OWN_DISPUTE,
    RESOLUTION_REASON_REQUIRED,
    UNKNOWN_PERSON,
    face_add,
    face_adult_confirm,
    face_dispute_raise,
    face_dispute_resolve,
    face_tag,
    post_blur_faces,
)
from .retention import FINAL_STATUSES, post_originals_purge
from .seen import NOT_REVIEWER, post_mark_seen

__all__ = [
    "ADULT_NAME_REQUIRED",
    "ADULT_NAME_TOO_LONG",
    "AUTHOR_ROLES",
    "BAD_BOX",
    "BAD_OUTCOME",
    "BAD_TAG",
    "DISPUTE_ALREADY_OPEN",
    "DISPUTE_ALREADY_RESOLVED",
    "DISPUTE_REASON_REQUIRED",
    "EMPTY_POST",
    "FACE_FLAGGED",
    "FACE_IDENTIFIED",
    "FINAL_STATUSES",
    "INSTAGRAM_NEEDS_IMAGE",
    "NOTHING_TO_BLUR",
    "NOT_ADULT_TAG",
    "NOT_AUTHOR",
    "NOT_EDITABLE",
    "NOT_IDENTIFIED",
    "NOT_LEADER",
    "NOT_REVIEWER",
    "NOT_STAFF",
    "NOT_TAGGER",
    "NO_CHANNELS",
    "OWN_ADULT_TAG",
    "OWN_DISPUTE",
    "RESOLUTION_REASON_REQUIRED",
    "RULE_SUMMARIES",
    "S",
    "SCHEDULE_IN_PAST",
    "TEXT_TOO_LONG",
    "TOO_MANY_IMAGES",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_PERSON",
    "WRONG_SCHOOL_DEVICE",
    "face_add",
    "face_adult_confirm",
    "face_dispute_raise",
    "face_dispute_resolve",
    "face_tag",
    "post_blur_faces",
    "post_create",
    "post_edit",
    "post_image_add",
    "post_image_remove",
    "post_image_update",
    "post_mark_seen",
    "post_originals_purge",
    "post_run_checks",
    "post_submit",
]
