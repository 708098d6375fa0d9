"""The screeners: small functions, one per harm, each returning the labels it has evidence for.

Every screener takes a ``Comment`` (the folded text plus the school's compiled settings) and
returns ``Label``s whose spans point into the ORIGINAL text, so a moderator sees exactly which
words fired. Screeners report a score and never decide: the pipeline applies thresholds and the
verdict policy, so a school can tune one without touching the other.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import islice
from urllib.parse import urlsplit

from moderation.checks.contacts import find_contact_details
from moderation.screening import lexicon
from moderation.screening.model import profanity_model
from moderation.screening.semantic import SemanticLabel, semantic_model
from moderation.screening.text import FoldedText
from moderation.screening.types import (
    ALLEGATION,
    HATE,
    PERSONAL_DATA,
    PROFANITY,
    SELF_HARM,
    SEXUAL,
    SPAM,
    THREAT,
    Label,
    ScreeningConfig,
    Span,
)

NAME_PLACEHOLDER = "ǂ"
SEMANTIC = "semantic"  # the screener name on the semantic model's labels
_MAX_WORD_HITS = 5
_NEVER = "(?!x)x"


@dataclass(frozen=True)
class SchoolRules:
    """Everything compiled from one school's settings (cached per distinct settings)."""

    blocked_words: lexicon.WordList | None
    allowed_words: re.Pattern[str] | None
    allegation_rules: tuple[lexicon.Rule, ...]


@dataclass(frozen=True)
class Comment:
    """A comment as the screeners see it.

    ``text.folded`` has allowed words blanked out and register full names replaced by
    ``NAME_PLACEHOLDER`` (so rules can say "a pupil" without knowing the name, and a pupil
    called "Dick" or "Gay" trips nothing); ``names`` are those names' spans in the original.
    """

    text: FoldedText
    config: ScreeningConfig
    rules: SchoolRules
    names: tuple[Span, ...]
    author_is_new: bool
    # The semantic model's reading, when the pipeline read a batch of comments at once.
    model_labels: tuple[SemanticLabel, ...] | None = None


Screener = Callable[[Comment], list[Label]]


# --- compiled data ------------------------------------------------------------------------


@cache
def _words(name: str) -> lexicon.WordList | None:
    return lexicon.compile_words(lexicon.read_lines(name))


@cache
def _mild_words() -> frozenset[str]:
    return frozenset(lexicon.read_lines("model_mild.txt"))


@cache
def _rules(name: str) -> tuple[lexicon.Rule, ...]:
    return lexicon.compile_rules(name, _macros(()))


@cache
def _macros(staff_names: tuple[str, ...]) -> Mapping[str, str]:
    names = "|".join(re.escape(name.casefold()) for name in staff_names if name.strip())
    return dict(lexicon.base_macros()) | {"STAFF_NAMES": names or _NEVER}


@cache
def school_rules(
    blocked: tuple[str, ...], allowed: tuple[str, ...], staff_names: tuple[str, ...]
) -> SchoolRules:
    """Compile a school's settings once; called with the same tuples for every comment."""
    return SchoolRules(
        blocked_words=lexicon.compile_words(blocked),
        allowed_words=lexicon.compile_phrases((*lexicon.read_lines("allowed.txt"), *allowed)),
        allegation_rules=lexicon.compile_rules("allegation.txt", _macros(staff_names)),
    )


# --- helpers shared by the screeners ------------------------------------------------------


def _label(comment: Comment, label: str, score: float, start: int, end: int, reason: str) -> Label:
    span = comment.text.original_span(start, end)
    evidence = comment.text.original[span[0] : span[1]]
    return Label(label, round(score, 3), span, label, f"{reason}: {evidence!r}")


def _word_labels(
    comment: Comment, label: str, words: lexicon.WordList | None, reason: str
) -> list[Label]:
    if words is None:
        return []
    matches = list(islice(words.finditer(comment.text.folded), _MAX_WORD_HITS))
    return [_label(comment, label, 1.0, m.start(), m.end(), reason) for m in matches]


def _rule_labels(
    comment: Comment, label: str, rules: Iterable[lexicon.Rule], bonus: float = 0.0
) -> list[Label]:
    """First match of each rule block: one piece of evidence per distinct reason."""
    labels = []
    for rule in rules:
        match = rule.search(comment.text.folded)
        if match:
            score = min(1.0, rule.score + bonus)
            labels.append(_label(comment, label, score, match.start(), match.end(), rule.reason))
    return labels


# --- the screeners ------------------------------------------------------------------------


def profanity(comment: Comment) -> list[Label]:
    """Packaged and school word lists (robust to disguise), then the shipped ML model.

    The model sees the folded text, so "sh1t" reads as "shit" to it too, but not the mild words
    of ``data/model_mild.txt``; its score is reported when it is at least even odds, and the
    pipeline's threshold decides.
    """
    labels = _word_labels(comment, PROFANITY, _words("profanity.txt"), "profane word")
    labels += _word_labels(
        comment, PROFANITY, comment.rules.blocked_words, "word the school blocks"
    )
    probability, span = profanity_model().score(comment.text.folded, _mild_words())
    if probability >= 0.5:
        start, end = span if span else (0, len(comment.text.folded))
        labels.append(
            _label(comment, PROFANITY, probability, start, end, "offensive-language model")
        )
    return labels


def threat(comment: Comment) -> list[Label]:
    return _rule_labels(comment, THREAT, _rules("threat.txt"))


def hate(comment: Comment) -> list[Label]:
    return _word_labels(comment, HATE, _words("slurs.txt"), "slur") + _rule_labels(
        comment, HATE, _rules("hate.txt")
    )


def sexual(comment: Comment) -> list[Label]:
    return _word_labels(comment, SEXUAL, _words("sexual_words.txt"), "sexual word") + _rule_labels(
        comment, SEXUAL, _rules("sexual.txt")
    )


def self_harm(comment: Comment) -> list[Label]:
    return _rule_labels(comment, SELF_HARM, _rules("self_harm.txt"))


def personal_data(comment: Comment) -> list[Label]:
    """Full names from the register, contact details (R5), and requests to find a child."""
    labels = [
        Label(PERSONAL_DATA, 1.0, span, PERSONAL_DATA,
              f"full name of someone on the register: {comment.text.original[slice(*span)]!r}")
        for span in comment.names
    ]  # fmt: skip
    for hit in find_contact_details(comment.text.original, allowed=comment.config.allowed_contacts):
        labels.append(
            Label(PERSONAL_DATA, 1.0, (hit.start, hit.end), PERSONAL_DATA,
                  f"contact details ({hit.kind}): {hit.matched!r}")
        )  # fmt: skip
    return labels + _rule_labels(comment, PERSONAL_DATA, _rules("personal_data.txt"))


def allegation(comment: Comment) -> list[Label]:
    return _rule_labels(comment, ALLEGATION, comment.rules.allegation_rules)


_URL = re.compile(
    r"(?<![@\w.-])(?:https?://\S+|www\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|co\.uk|uk|net|org"
    r"|biz|info|ru|xyz|io|ly|me|link|club|top|site|online|shop|store|click|app|gl|gg|tk|cc)"
    r"(?:/\S*)?)(?![\w-])"
)
_REPEATED_WORD = re.compile(r"[a-z]{2,}")
_NEW_AUTHOR_BONUS = 0.2


def _link_allowed(url: str, domains: Iterable[str]) -> bool:
    host = urlsplit(url if "://" in url else f"//{url}").hostname or ""
    return any(host == d or host.endswith(f".{d}") for d in (d.casefold() for d in domains))


def spam(comment: Comment) -> list[Label]:
    """Links, money and follower spam, and the same word over and over.

    A new author's comment scores higher, so a soft "follow my page" is held from a brand-new
    account but not from a parent who has commented for years.
    """
    bonus = _NEW_AUTHOR_BONUS if comment.author_is_new else 0.0
    labels = _rule_labels(comment, SPAM, _rules("spam.txt"), bonus)
    for match in _URL.finditer(comment.text.folded):
        if not _link_allowed(match.group(), comment.config.allowed_domains):
            labels.append(_label(comment, SPAM, 0.7 + bonus, match.start(), match.end(), "link"))
            break
    words = _REPEATED_WORD.findall(comment.text.folded)
    if len(words) >= 5:
        word, count = Counter(words).most_common(1)[0]
        if count >= 5 and count * 2 >= len(words):
            labels.append(_label(comment, SPAM, 0.7 + bonus, 0, len(comment.text.folded),
                                 f"repeats {word!r} {count} times"))  # fmt: skip
    return labels


# How the semantic model is told about a register name it cannot see (see ``semantic``).
_NAME_FOR_MODEL = "the child"
_SEMANTIC_REASONS = {
    THREAT: "reads as a threat", HATE: "reads as hate", SEXUAL: "reads as sexual",
    SELF_HARM: "reads as self-harm", ALLEGATION: "reads as an allegation",
    PERSONAL_DATA: "reads as seeking or sharing personal details", PROFANITY: "reads as abusive",
    SPAM: "reads as spam",
}  # fmt: skip


def semantic_input(comment: Comment) -> str:
    """What the sentence model reads: the folded text (leetspeak undone, the school's allowed
    words blanked) with each register name standing as "the child"."""
    return comment.text.folded.replace(NAME_PLACEHOLDER, _NAME_FOR_MODEL)


def semantic(comment: Comment) -> list[Label]:
    """A sentence-embedding classifier (``semantic.py``): the comment's meaning, not its words.

    Its evidence is the whole comment. The label's screener is ``"semantic"``, so a moderator
    can tell a model's judgement from a rule's.
    """
    text = comment.text.original
    stripped = text.strip()
    if not stripped:
        return []
    start = len(text) - len(text.lstrip())
    span = (start, start + len(stripped))
    config = comment.config
    found = comment.model_labels
    if found is None:
        found = tuple(
            semantic_model().labels_for(
                semantic_input(comment),
                sensitivity=config.sensitivity,
                adaptation=config.adaptation,
            )
        )
    return [
        Label(item.label, round(item.score, 3), span, SEMANTIC,
              f"{_SEMANTIC_REASONS[item.label]} to the semantic model (p={item.probability:.2f}, "
              f"held from {item.threshold:.2f} at {config.sensitivity} sensitivity{item.note}): "
              f"{stripped!r}")
        for item in found
        if item.score >= config.threshold(item.label)
    ]  # fmt: skip


SCREENERS: tuple[Screener, ...] = (
    threat, hate, sexual, self_harm, allegation, personal_data, profanity, spam, semantic,
)  # fmt: skip
