"""What the comment services say when they refuse: one constant per message, so the API
shows it and the tests assert it."""

from __future__ import annotations

# The export refusals are read by the comment page too (whether a user may export), so they
# live with that rule in the selectors.
from ..selectors import (  # noqa: F401
    EVIDENCE_TAMPERED,
    EXPORT_NEEDS_COUNTERSIGNATURE,
    EXPORT_NEEDS_SECOND_PERSON,
)

NOT_A_MODERATOR = "Only the school's leaders and safeguarding leads can moderate comments."
NOT_A_LEADER = "Only the school's leadership team can change the screening settings."
COMMENT_DELETED = "This comment has been deleted."
ALREADY_DELETED = "This comment has already been deleted."
DELETE_UNSUPPORTED = (
    "{platform} does not let apps delete other people's comments. Keep it hidden instead."
)
BLOCK_UNSUPPORTED = (
    "{platform} does not let apps block accounts. Block the author in the {platform} app, "
    "then record that with Report."
)
NO_AUTHOR = "The platform did not say who wrote this comment, so there is nobody to block."
REPLY_TEXT_REQUIRED = "Write the reply."
REPLY_WRONG_DEVICE = "This tablet is enrolled for another school."
NOTE_REQUIRED = "Write the note."
ASSIGNEE_NOT_MODERATOR = "That person cannot see this comment, so it cannot be assigned to them."
BULK_UNKNOWN_ACTION = "Choose one of: {actions}."
BULK_TOO_MANY = "At most {limit} comments at a time."
BULK_EMPTY = "Choose at least one comment."
ALREADY_COUNTERSIGNED = "This evidence has already been countersigned."
COUNTERSIGN_SAME_PERSON = (
    "Evidence must be countersigned by a different person from the one who captured it."
)
COUNTERSIGN_ROLE = "Only a safeguarding lead or a leader of this school can countersign evidence."
EXPORT_FORMAT = "Choose json or pdf."
BAD_THRESHOLD = "Thresholds are numbers between 0 and 1 for these labels: {labels}."
BAD_WORDS = "Give a list of words or phrases, each at most {limit} characters."
TOO_MANY_WORDS = "At most {limit} entries."
BAD_CHANNELS = "Choose from: {channels}."
NO_ACCOUNT = "The school has no {channel} account connected, so this cannot be done there."
