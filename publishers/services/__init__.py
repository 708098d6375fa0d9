"""Publishing, exactly once; channel accounts; the website feed's comments (R11); webhook
intake; deleting publications for a takedown. One module per concern, the public names
re-exported here so callers write ``from publishers import services``:

| module | what |
|---|---|
| ``common`` | messages, retry tunables, the task queue, the one conditional state move |
| ``publishing`` | start, claim, publish, retry with backoff, reconcile |
| ``recovery`` | the ``publishers.recover_stuck`` sweep |
| ``resolving`` | a leader's "mark as posted" and "post again" |
| ``deletion`` | withdraw, the takedown's record, delete on the platform (R10) |
| ``accounts`` | channel accounts and their health |
| ``website_comments`` | comments on the school's news page |
| ``webhooks`` | Facebook webhook intake |
| ``backfill`` | the demo's website entries |

The takedown *workflow* (who may ask, consent ended, confirm) is moderation's
(``moderation/takedowns.py``); this app only ever talks to moderation through
``moderation.interface``.

Exactly once, in short (see docs/publishers.md for the long version):

* one :class:`Publication` row per (post, channel), unique in the database;
* the publish task *claims* it with a conditional UPDATE (``queued -> attempting``)
  committed before the platform's create call, so the create call runs at most once per
  claim;
* transient errors put it back to ``queued`` with an exponential, jittered delay (or the
  platform's ``retry_after``); permanent ones fail it and tell the leaders;
* when we cannot tell whether the platform accepted the post (timeout after sending, 5xx,
  "duplicate", or the worker died), we *reconcile*: read the account's recent posts and
  match the text; found means published, otherwise ``unconfirmed`` for a person to decide
  ("mark as posted" or "post again"). Nothing is ever posted again on a guess.

Services never hold a database transaction open across a platform call.
"""

from .accounts import (
    ACCOUNT_EXISTS,
    CUSTOM_HOST_REFUSED,
    DISPLAY_NAME_REQUIRED,
    MISSING_FIELDS,
    NOT_CHANNEL_ADMIN,
    UNKNOWN_FIELD,
    UNKNOWN_KIND,
    WEBSITE_NO_SECRETS,
    channel_account_check_health,
    channel_account_create,
    channel_account_update,
    channel_account_validate,
    channel_accounts_check_health_all,
)
from .backfill import website_backfill
from .common import (
    ACCOUNT_DISABLED,
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    CONTENT_CHANGED,
    DELETE_BACKOFF_CAP_SECONDS,
    FINAL,
    MAX_COUNTDOWN_SECONDS,
    NO_ACCOUNT,
    NO_ACCOUNT_TO_DELETE,
    NOT_A_LEADER,
    PAUSE_RECHECK,
    RECONCILE_LOOKS,
    RECONCILE_SKEW,
    REQUEUE_GRACE,
    WITHDRAWN_BEFORE_PUBLISHING,
    backoff_delay,
    max_attempts,
    publications_settle,
    stuck_after,
)
from .deletion import (
    NOT_FOUND_FOR_TAKEDOWN,
    TAKEDOWN_ALREADY_CONFIRMED,
    Withdrawal,
    publication_delete,
    publications_withdraw,
    takedown_record_confirmation,
    takedown_record_request,
)
from .publishing import (
    GAVE_UP,
    RECHECK_STOPPED,
    UNCONFIRMED,
    UNEXPECTED,
    publication_claim,
    publication_publish,
    publication_reconcile,
    publications_start,
    website_account_ensure,
)
from .recovery import publications_recover
from .resolving import (
    CANNOT_RETRY,
    NOT_UNCONFIRMED,
    RETRY_TAKEDOWN,
    URL_REQUIRED,
    publication_mark_posted,
    publication_retry,
)
from .webhooks import (
    WebhookReceipt,
    webhook_event_process,
    webhook_facebook_challenge,
    webhook_facebook_receive,
)
from .website_comments import (
    COMMENT_ALREADY_DECIDED,
    COMMENT_MAX_CHARS,
    COMMENT_NAME_MAX_CHARS,
    COMMENT_NAME_REQUIRED,
    COMMENT_STATUS,
    COMMENT_TEXT_REQUIRED,
    COMMENT_TOO_LONG,
    NOT_A_MODERATOR,
    website_comment_decide,
    website_comment_submit,
)

__all__ = [
    "ACCOUNT_DISABLED",
    "ACCOUNT_EXISTS",
    "BACKOFF_BASE_SECONDS",
    "BACKOFF_CAP_SECONDS",
    "CANNOT_RETRY",
    "COMMENT_ALREADY_DECIDED",
    "COMMENT_MAX_CHARS",
    "COMMENT_NAME_MAX_CHARS",
    "COMMENT_NAME_REQUIRED",
    "COMMENT_STATUS",
    "COMMENT_TEXT_REQUIRED",
    "COMMENT_TOO_LONG",
    "CONTENT_CHANGED",
    "CUSTOM_HOST_REFUSED",
    "DELETE_BACKOFF_CAP_SECONDS",
    "DISPLAY_NAME_REQUIRED",
    "FINAL",
    "GAVE_UP",
    "MAX_COUNTDOWN_SECONDS",
    "MISSING_FIELDS",
    "NOT_A_LEADER",
    "NOT_A_MODERATOR",
    "NOT_CHANNEL_ADMIN",
    "NOT_FOUND_FOR_TAKEDOWN",
    "NOT_UNCONFIRMED",
    "NO_ACCOUNT",
    "NO_ACCOUNT_TO_DELETE",
    "PAUSE_RECHECK",
    "RECHECK_STOPPED",
    "RECONCILE_LOOKS",
    "RECONCILE_SKEW",
    "REQUEUE_GRACE",
    "RETRY_TAKEDOWN",
    "TAKEDOWN_ALREADY_CONFIRMED",
    "UNCONFIRMED",
    "UNEXPECTED",
    "UNKNOWN_FIELD",
    "UNKNOWN_KIND",
    "URL_REQUIRED",
    "WEBSITE_NO_SECRETS",
    "WITHDRAWN_BEFORE_PUBLISHING",
    "WebhookReceipt",
    "Withdrawal",
    "backoff_delay",
    "channel_account_check_health",
    "channel_account_create",
    "channel_account_update",
    "channel_account_validate",
    "channel_accounts_check_health_all",
    "max_attempts",
    "publication_claim",
    "publication_delete",
    "publication_mark_posted",
    "publication_publish",
    "publication_reconcile",
    "publication_retry",
    "publications_recover",
    "publications_settle",
    "publications_start",
    "publications_withdraw",
    "stuck_after",
    "takedown_record_confirmation",
    "takedown_record_request",
    "webhook_event_process",
    "webhook_facebook_challenge",
    "webhook_facebook_receive",
    "website_account_ensure",
    "website_backfill",
    "website_comment_decide",
    "website_comment_submit",
]
