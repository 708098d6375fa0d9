"""Value types shared by the screeners, the pipeline and the callers (pure, no Django)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from moderation.screening.adaptation import SchoolAdaptation

Verdict = Literal["ok", "hold", "escalate"]
Span = tuple[int, int]
NameFinder = Callable[[str], list[Span]]

PROFANITY = "profanity"
THREAT = "threat"
HATE = "hate"
SEXUAL = "sexual"
SELF_HARM = "self_harm"
PERSONAL_DATA = "personal_data"
ALLEGATION = "allegation"
SPAM = "spam"

# R13: threats, hate and allegations go to the DSL; sexual content and self-harm are
# safeguarding matters too. Everything else is hidden and waits for a leader.
ESCALATE_LABELS = frozenset({THREAT, HATE, SEXUAL, SELF_HARM, ALLEGATION})
HOLD_LABELS = frozenset({PROFANITY, PERSONAL_DATA, SPAM})
LABELS = tuple(sorted(ESCALATE_LABELS | HOLD_LABELS))

# A label fires when its score reaches the threshold. Rule and word-list hits carry scores
# near 1; the profanity model's probability is the one score that needs a higher bar, since
# it rates single words such as "stupid" highly (measured on dev.jsonl, see docs/screening.md).
DEFAULT_THRESHOLDS: Mapping[str, float] = {label: 0.5 for label in LABELS} | {PROFANITY: 0.9}


@dataclass(frozen=True)
class Label:
    """One reason to hold a comment: what, how sure, where in the ORIGINAL text, who, why."""

    label: str
    score: float
    span: Span | None
    screener: str
    reason: str


@dataclass(frozen=True)
class ScreenResult:
    verdict: Verdict
    labels: list[Label]


@dataclass(frozen=True)
class ScreeningConfig:
    """Per-school settings.

    ``blocked_words``: extra words or phrases the school wants held as profanity (same syntax
    as the packaged word list: ``word``, ``prefix*``, ``*anywhere*``).
    ``allowed_words``: words and phrases never read as harmful, such as the school's or the
    town's name ("Scunthorpe", "Middlesex", "Dick Whittington").
    ``thresholds``: per-label overrides of ``DEFAULT_THRESHOLDS``.
    ``name_finder``: returns spans of full names of people on the register (R4); a comment
    naming a pupil in full is held.
    ``pupil_name_finder``: spans of any pupil's name, full or first (R13): a threat or sexual
    content beside one escalates (``targeting.py``); a first name alone is never held.
    ``staff_names``: staff surnames (and titles) so "Jones hit my son" reads as an allegation
    even without "Mr".
    ``allowed_contacts``: the school's own phone, email, address and postcode (R5).
    ``allowed_domains``: the school's own web domains; links to them are not spam.
    ``sensitivity``: the semantic screener's operating point, ``strict``, ``balanced`` or
    ``relaxed`` (measured false-hold budgets, see docs/screening.md).
    ``adaptation``: what the school's moderators' corrections taught the semantic screener
    (``adaptation.py``), or None.
    """

    blocked_words: Sequence[str] = ()
    allowed_words: Sequence[str] = ()
    thresholds: Mapping[str, float] = field(default_factory=dict)
    name_finder: NameFinder | None = None
    pupil_name_finder: NameFinder | None = None
    staff_names: Sequence[str] = ()
    allowed_contacts: Sequence[str] = ()
    allowed_domains: Sequence[str] = ()
    sensitivity: str = "balanced"
    adaptation: SchoolAdaptation | None = None

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, DEFAULT_THRESHOLDS.get(label, 0.5))
