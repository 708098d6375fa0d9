"""Procedures' use cases, one module each; the public names are re-exported here."""

from .letters import (
    LetterDetails,
    letter_template_update,
    parent_letter_draft,
    parent_letter_pdf,
    parent_letter_send,
    parent_letter_update,
)
from .mentions import (
    SearchRun,
    mention_capture,
    mention_dismiss,
    mention_watch_update,
    mentions_search,
)
from .reports import (
    ReportPackSet,
    platform_report_outcome_record,
    platform_report_record,
    report_pack_build,
)
from .x_costs import (
    x_budget_update,
    x_call_record,
    x_reply_polling_pause_if_over_budget,
    x_usage_sync,
)

__all__ = [
    "LetterDetails",
    "ReportPackSet",
    "SearchRun",
    "letter_template_update",
    "mention_capture",
    "mention_dismiss",
    "mention_watch_update",
    "mentions_search",
    "parent_letter_draft",
    "parent_letter_pdf",
    "parent_letter_send",
    "parent_letter_update",
    "platform_report_outcome_record",
    "platform_report_record",
    "report_pack_build",
    "x_budget_update",
    "x_call_record",
    "x_reply_polling_pause_if_over_budget",
    "x_usage_sync",
]
