"""``screen_comment``: fold the text, run every screener, apply thresholds and the verdict policy.

Policy (R11, R13): threats, hate, sexual content, self-harm and allegations escalate to the DSL;
so does a threat or sexual content aimed at a child someone could find (a pupil's name, a
location or a contact request beside it, ``targeting.py``); profanity, personal data and
spam are held for a leader; anything else is ok. A comment carries
every rule label that reached its threshold, so the dashboard can show all the reasons at once,
and the semantic screener's label where it adds something (``reconcile``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from moderation.screening.screeners import (
    NAME_PLACEHOLDER,
    SCREENERS,
    SEMANTIC,
    Comment,
    school_rules,
    semantic_input,
)
from moderation.screening.semantic import semantic_model
from moderation.screening.targeting import targeted_labels
from moderation.screening.text import FoldedText, fold
from moderation.screening.types import (
    ESCALATE_LABELS,
    HOLD_LABELS,
    Label,
    ScreeningConfig,
    ScreenResult,
    Span,
    Verdict,
)


def _folded_span(text: FoldedText, span: Span) -> Span:
    """The folded span covering an original span (``origin`` is sorted, so bisect)."""
    return bisect_left(text.origin, span[0]), bisect_left(text.origin, span[1])


def prepare(text: str, config: ScreeningConfig, *, author_is_new: bool = False) -> Comment:
    """Fold the comment, blank out allowed words and stand register names in for a placeholder."""
    rules = school_rules(
        tuple(config.blocked_words), tuple(config.allowed_words), tuple(config.staff_names)
    )
    folded = fold(text)
    if rules.allowed_words is not None:
        allowed = [m.span() for m in rules.allowed_words.finditer(folded.folded)]
        folded = folded.masked(allowed, " ")
    names = tuple(sorted(config.name_finder(text))) if config.name_finder else ()
    folded = folded.masked([_folded_span(folded, span) for span in names], NAME_PLACEHOLDER)
    return Comment(folded, config, rules, names, author_is_new)


def reconcile(labels: list[Label], text: str | None = None) -> list[Label]:
    """The semantic screener is a second opinion for what the rules miss. When any rule fired,
    its labels (with their precise evidence) stand, and the model adds only an escalating label
    where the rules found just something to hold ("Jack Smith brought a knife in" is a named
    pupil to the rules and an allegation to the model), and only if the rules' evidence leaves
    some of ``text`` unexplained: a comment that is nothing but a disguised swear word ("@ss")
    has nothing more for the model to read. A rule's label is never dropped."""
    ruled = {label.label for label in labels if label.screener != SEMANTIC}
    if not ruled:
        return labels
    escalated = bool(ruled & ESCALATE_LABELS) or (text is not None and _explained(text, labels))
    return [
        label
        for label in labels
        if label.screener != SEMANTIC or (label.label in ESCALATE_LABELS and not escalated)
    ]


_WORD_CHARACTER = re.compile(r"\w")


def _explained(text: str, labels: list[Label]) -> bool:
    """Whether every letter and digit of ``text`` lies in some rule's evidence span."""
    spans = [label.span for label in labels if label.screener != SEMANTIC and label.span]
    return all(
        any(start <= m.start() < end for start, end in spans)
        for m in _WORD_CHARACTER.finditer(text)
    )


def verdict_for(labels: list[Label]) -> Verdict:
    kinds = {label.label for label in labels}
    if kinds & ESCALATE_LABELS:
        return "escalate"
    if kinds & HOLD_LABELS:
        return "hold"
    return "ok"


def screen_rules(
    text: str, config: ScreeningConfig, *, author_is_new: bool = False
) -> ScreenResult:
    """The rules and word lists alone (no semantic model, no targeting): what the model's
    thresholds are chosen around, and the bench's "rules alone" figures."""
    comment = prepare(text, config, author_is_new=author_is_new)
    labels = [
        label
        for screener in SCREENERS
        if screener.__name__ != SEMANTIC
        for label in screener(comment)
        if label.score >= config.threshold(label.label)
    ]
    return ScreenResult(verdict_for(labels), labels)


def screen_comment(
    text: str, config: ScreeningConfig, *, author_is_new: bool = False
) -> ScreenResult:
    """Screen one incoming comment.

    ``author_is_new`` is the platform's hint that the account is new or unknown to the page;
    it only raises the spam score.
    """
    return _screen(prepare(text, config, author_is_new=author_is_new))


def screen_comments(
    texts: Sequence[str], config: ScreeningConfig, *, author_is_new: bool = False
) -> list[ScreenResult]:
    """Screen many comments at once (a backlog after an outage, ``screen_comments``): the
    rules read each comment, the semantic model reads them all in one pass. Each result is
    the one ``screen_comment`` gives."""
    comments = [prepare(text, config, author_is_new=author_is_new) for text in texts]
    found = semantic_model().labels_for_batch(
        [semantic_input(comment) for comment in comments],
        sensitivity=config.sensitivity,
        adaptation=config.adaptation,
    )
    return [
        _screen(replace(comment, model_labels=tuple(labels)))
        for comment, labels in zip(comments, found, strict=True)
    ]


def _screen(comment: Comment) -> ScreenResult:
    labels = reconcile([
        label
        for screener in SCREENERS
        for label in screener(comment)
        if label.score >= comment.config.threshold(label.label)
    ], comment.text.original)  # fmt: skip
    labels += targeted_labels(comment, labels)  # R13: harm aimed at a findable child
    labels.sort(
        key=lambda label: (
            label.label not in ESCALATE_LABELS,  # what escalates first,
            label.screener == SEMANTIC,  # then a rule's precise evidence before the model's
            label.span or (0, 0),
        )
    )
    return ScreenResult(verdict_for(labels), labels)
