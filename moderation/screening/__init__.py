"""Pre-screening of incoming comments on a school's posts (R11-R13). Pure Python, no Django.

    from moderation.screening import ScreeningConfig, screen_comment
    result = screen_comment("watch your back", ScreeningConfig())
    result.verdict  # "escalate"; result.labels say which screener fired, why, and where

See docs/screening.md for what each screener does, its data and its measured accuracy.
"""

from moderation.screening.pipeline import screen_comment, screen_comments
from moderation.screening.types import (
    DEFAULT_THRESHOLDS,
    ESCALATE_LABELS,
    HOLD_LABELS,
    LABELS,
    Label,
    NameFinder,
    ScreeningConfig,
    ScreenResult,
    Verdict,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "ESCALATE_LABELS",
    "HOLD_LABELS",
    "LABELS",
    "Label",
    "NameFinder",
    "ScreenResult",
    "ScreeningConfig",
    "Verdict",
    "screen_comment",
    "screen_comments",
]
