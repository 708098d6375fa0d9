"""Incoming comments: ingestion, screening, platform actions, moderation and evidence.

One module per concern (see docs/comments.md, "Where the code is"); this package
re-exports the public names, so callers write ``from moderation.comments import services``
and ``services.comment_approve(...)`` whichever module holds it.

Permission and school scope are checked in the services, so the API, the admin, the
command and the tasks behave alike. Platform calls never happen inside a request: each one
is a ``ModerationAction`` carried out by the task ``comments.apply_action`` (retried with
back-off, idempotent), queued after commit.

Safeguarding rules:

* R11: a held comment is hidden on the platform at once (in the ingest path); on the
  website channel nothing is visible until a moderator approves it.
* R12: before any hide or delete, an evidence record is captured; export needs a second
  person's countersignature; attached media is never downloaded, only its URL kept.
* R13: threats, hate, sexual content, self-harm and allegations escalate to the DSL and are
  visible only to the DSL and the head teacher (leader role).
* R14: every change and every view of evidence is an audit event.
"""

from .bulk import BULK_ACTIONS, BULK_LIMIT, BulkOutcome, comments_bulk
from .decisions import (
    comment_approve,
    comment_assign,
    comment_block_author,
    comment_delete,
    comment_keep_hidden,
    comment_note_add,
    comment_report,
    comment_viewed,
)
from .evidence import (
    comment_evidence_capture,
    comment_evidence_countersign,
    comment_evidence_viewed,
)
from .evidence_export import (
    CommentEvidenceExport,
    comment_evidence_bundle_signature,
    comment_evidence_bundle_verify,
    comment_evidence_export,
)
from .ingest import IngestResult, comment_ingest
from .messages import (
    ALREADY_COUNTERSIGNED,
    ALREADY_DELETED,
    ASSIGNEE_NOT_MODERATOR,
    BAD_CHANNELS,
    BAD_THRESHOLD,
    BAD_WORDS,
    BLOCK_UNSUPPORTED,
    BULK_EMPTY,
    BULK_TOO_MANY,
    BULK_UNKNOWN_ACTION,
    COMMENT_DELETED,
    COUNTERSIGN_ROLE,
    COUNTERSIGN_SAME_PERSON,
    DELETE_UNSUPPORTED,
    EVIDENCE_TAMPERED,
    EXPORT_FORMAT,
    EXPORT_NEEDS_COUNTERSIGNATURE,
    EXPORT_NEEDS_SECOND_PERSON,
    NO_ACCOUNT,
    NO_AUTHOR,
    NOT_A_LEADER,
    NOT_A_MODERATOR,
    NOTE_REQUIRED,
    REPLY_TEXT_REQUIRED,
    REPLY_WRONG_DEVICE,
    TOO_MANY_WORDS,
)
from .platform_calls import action_apply, actions_due
from .polling import (
    PollOutcome,
    comment_polling_channel_stop,
    poll_interval,
    polls_claim_due,
    publication_poll,
    website_comment_poll_now,
)
from .replies import REPLY_UNSUPPORTED, comment_reply
from .retention import (
    comment_evidence_retention_due,
    comment_evidence_retention_purge,
    comments_retention_due,
    comments_retention_purge,
)
from .screening import comment_screen, comments_screen, labels_json
from .screening_settings import MAX_WORD_CHARS, screening_settings_update
from .webhooks import webhook_event_ingest

__all__ = [
    "MAX_WORD_CHARS",
    "comment_polling_channel_stop",
    "ALREADY_COUNTERSIGNED",
    "ALREADY_DELETED",
    "ASSIGNEE_NOT_MODERATOR",
    "BAD_CHANNELS",
    "BAD_THRESHOLD",
    "BAD_WORDS",
    "BLOCK_UNSUPPORTED",
    "BULK_ACTIONS",
    "BULK_EMPTY",
    "BULK_LIMIT",
    "BULK_TOO_MANY",
    "BULK_UNKNOWN_ACTION",
    "COMMENT_DELETED",
    "COUNTERSIGN_ROLE",
    "COUNTERSIGN_SAME_PERSON",
    "DELETE_UNSUPPORTED",
    "EVIDENCE_TAMPERED",
    "EXPORT_FORMAT",
    "EXPORT_NEEDS_COUNTERSIGNATURE",
    "EXPORT_NEEDS_SECOND_PERSON",
    "NOTE_REQUIRED",
    "NOT_A_LEADER",
    "NOT_A_MODERATOR",
    "NO_ACCOUNT",
    "NO_AUTHOR",
    "REPLY_TEXT_REQUIRED",
    "REPLY_UNSUPPORTED",
    "REPLY_WRONG_DEVICE",
    "TOO_MANY_WORDS",
    "BulkOutcome",
    "CommentEvidenceExport",
    "IngestResult",
    "PollOutcome",
    "action_apply",
    "actions_due",
    "comment_approve",
    "comment_assign",
    "comment_block_author",
    "comment_delete",
    "comment_evidence_bundle_signature",
    "comment_evidence_bundle_verify",
    "comment_evidence_capture",
    "comment_evidence_countersign",
    "comment_evidence_export",
    "comment_evidence_retention_due",
    "comment_evidence_retention_purge",
    "comment_evidence_viewed",
    "comment_ingest",
    "comment_keep_hidden",
    "comment_note_add",
    "comment_report",
    "comment_reply",
    "comment_screen",
    "comments_screen",
    "comment_viewed",
    "comments_bulk",
    "comments_retention_due",
    "comments_retention_purge",
    "labels_json",
    "poll_interval",
    "polls_claim_due",
    "publication_poll",
    "screening_settings_update",
    "webhook_event_ingest",
    "website_comment_poll_now",
]
