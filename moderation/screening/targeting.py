"""R13 at the decision level: harm aimed at a child someone could find escalates.

"someone should sort him out, he lives at 14 Oak Road" reads to each screener as something
smaller than it is: the address is personal data (held), and the sentence model, reading
the whole comment, is diluted by the address and finds no threat. Together they are a
threat against a located child, which is the DSL's business at once (R13).

The rule combines two kinds of evidence found in the same comment:

* a **target**: a register pupil's name (any of the school's pupils, full or first name),
  a location (a street address or postcode, "lives at", "the school gate", "walks home"...)
  or a contact request ("dm me", "what's her number", a phone number or an email);
* **harm**: a threat or sexual content, read by
  1. phrases that threaten only once someone is within reach ("sort him out", "teach her
     a lesson", "waiting for her"), or compliment a child's looks beside a contact request or
     a location ("she's gorgeous, dm me");
  2. the sentence model reading the comment with its targets blanked out, so the address no
     longer dilutes "someone should sort him out". The model and its weights are unchanged;
     only what it reads is, and its label still has to reach the school's threshold.

When a comment already escalates, nothing is added. No model is retrained here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from moderation.checks.contacts import ADDRESS, POSTCODE, find_contact_details
from moderation.screening import lexicon
from moderation.screening.screeners import NAME_PLACEHOLDER, SEMANTIC, Comment, semantic_input
from moderation.screening.semantic import semantic_model
from moderation.screening.text import FoldedText
from moderation.screening.types import ESCALATE_LABELS, SEXUAL, THREAT, Label, Span

SCREENER = "targeted"
PUPIL_NAME = "a pupil's name"
LOCATION = "a location"
CONTACT = "a contact request"

# Who the harm is aimed at: a pronoun, a name (ǂ, masked before matching), "that kid", "your
# daughter".
_OBJECT = (
    r"him|her|them|'?em|ǂ+|(?:that|this|the)\s+(?:\w+\s+)?(?:kid|boy|girl|lad|lass|child|brat"
    r"|little\s+\w+)|{YOUR}\s+(?:\w+\s+)?(?:{CHILD_NOUN})"
)
_SUBJECT = r"she|he|ǂ+|(?:that|this|the)\s+(?:\w+\s+)?(?:kid|boy|girl|lad|lass|child)"

_LOCATION_PATTERNS = (
    r"lives?\s+(?:at|on|in|near|round|down|up|opposite|next\s+to|by)\b",
    r"living\s+(?:at|on|in|near)\b",
    r"where\s+(?:{_SUBJECT}|they)\s+(?:lives?|walks?|plays?|goes|hangs?\s+out)",
    r"(?:his|her|their)\s+(?:house|home|address|street|road|flat|bedroom|window|bus\s+stop)",
    r"(?:school\s+)?gates?\b",
    # Not "the car park" (parking is no place a child is found).
    r"outside\s+(?:the\s+)?school|(?<!car\s)(?:the\s+)?(?:play\s*ground|park|bus\s+stop|alley|rec)\b",
    r"walks?\s+(?:home|to\s+school|back)|on\s+(?:his|her|their)\s+way\s+(?:home|to\s+school)",
    r"(?:after\s+school|home\s*time|pick\s*-?\s*up\s+time)\b",
)
_CONTACT_PATTERNS = (
    r"(?:dm|pm|inbox|message|msg|text|whatsapp|snap|kik|email|e-mail|call|ring|add)\s+me\b",
    r"(?:what'?s|whats|wats|what\s+is)\s+(?:his|her|their|{YOUR})\s+(?:snap(?:chat)?|insta(?:gram)?"
    r"|number|addy|kik|whatsapp|tiktok|address|phone)",
    r"(?:send|give)\s+me\s+(?:his|her|their)\s+(?:number|snap|insta|address|details)",
    r"(?:my|our)\s+(?:snap(?:chat)?|insta(?:gram)?|kik|whatsapp|number|discord)\s+(?:is|:)",
    r"(?:get|put)\s+(?:her|him|them|ǂ+)\s+in\s+touch\s+with\s+me",
)
# Phrases that threaten once someone is within reach; alone they are too vague to escalate.
_THREAT_PATTERNS = (
    r"(?:sort|straighten)\s+(?:{_OBJECT})\s+out\b",
    r"teach\s+(?:{_OBJECT})\s+(?:a\s+lesson|a\s+thing\s+or\s+two|some\s+manners)",
    r"(?:wait|waiting)\s+for\s+(?:{_OBJECT})\b",
    r"pay\s+(?:{_OBJECT})\s+(?:a\s+(?:little\s+)?visit|back)\b|visit\s+(?:{_OBJECT})\b",
    r"(?:make|making)\s+(?:{_OBJECT})\s+(?:pay|suffer|regret|sorry|cry)\b",
    r"(?:{_OBJECT}|{_SUBJECT})\s+(?:needs?|wants?|deserves?)\s+(?:sorting|dealing\s+with"
    r"|a\s+lesson|teaching|putting\s+in\s+(?:his|her|their)\s+place)",
    r"(?:someone|somebody|people|we|i)\s+(?:\S+\s+){0,3}?(?:deal|deals|dealt)\s+with\s+(?:{_OBJECT})",
    r"knows?\s+where\s+(?:{_SUBJECT}|they)\s+(?:lives?|walks?|goes|plays?)",
    r"(?:catch|get|grab|find)\s+(?:{_OBJECT})\s+(?:on\s+(?:his|her|their)\s+own|alone|after\s+school"
    r"|outside|walking)",
    r"(?:{_SUBJECT})\s+(?:had\s+)?better\s+watch\s+(?:out|it)",
)
# A child's looks praised beside a contact request or a location: grooming, not a parent.
_LOOKS_PATTERNS = (
    r"(?:{_SUBJECT})\s*(?:'s|s|\s+is|\s+looks?|\s+looked)\s+(?:so\s+|well\s+|proper\s+|dead\s+"
    r"|really\s+|very\s+)?(?:pretty|gorgeous|cute|beautiful|stunning|lush|peng|fit|hot)\b",
)


@dataclass(frozen=True)
class Target:
    kind: str
    folded: Span  # in the folded text, for masking
    evidence: str  # the words in the original text


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    local = {**lexicon.base_macros(), "_OBJECT": _OBJECT, "_SUBJECT": _SUBJECT}
    return re.compile("|".join(rf"(?<![\w'])(?:{lexicon.expand(p, local)})" for p in patterns))


def _folded_span(comment: Comment, span: Span) -> Span:
    """The folded span covering an original span (``origin`` is sorted)."""
    origin = comment.text.origin
    return bisect_left(origin, span[0]), bisect_left(origin, span[1])


def _names_masked(comment: Comment, found: list[Target]) -> FoldedText:
    """The folded text with every pupil's name standing as the name placeholder."""
    spans = [t.folded for t in found if t.kind == PUPIL_NAME]
    return comment.text.masked(spans, NAME_PLACEHOLDER)


def targets(comment: Comment) -> list[Target]:
    """Every pupil's name, location and contact request in the comment."""
    original = comment.text.original
    found: list[Target] = []
    finder = comment.config.pupil_name_finder
    name_spans = set(comment.names) | set(finder(original) if finder else ())
    for span in sorted(name_spans):
        found.append(Target(PUPIL_NAME, _folded_span(comment, span), original[slice(*span)]))
    # The school's own address counts too: "waiting at the school" is a place a child is.
    for hit in find_contact_details(original):
        kind = LOCATION if hit.kind in (ADDRESS, POSTCODE) else CONTACT
        found.append(Target(kind, _folded_span(comment, (hit.start, hit.end)), hit.matched))
    folded = _names_masked(comment, found).folded
    for kind, patterns in ((LOCATION, _LOCATION_PATTERNS), (CONTACT, _CONTACT_PATTERNS)):
        for match in _compiled(patterns).finditer(folded):
            span = comment.text.original_span(match.start(), match.end())
            found.append(Target(kind, match.span(), original[slice(*span)]))
    return found


def _label(comment: Comment, label: str, span: Span, target: Target, why: str) -> Label:
    start, end = comment.text.original_span(*span)
    evidence = comment.text.original[start:end]
    return Label(
        label,
        1.0,
        (start, end),
        SCREENER,
        f"{why} beside {target.kind} ({target.evidence!r}), escalated to the DSL: {evidence!r}",
    )


def targeted_labels(comment: Comment, labels: list[Label]) -> list[Label]:
    """R13: escalating labels for a threat or sexual content aimed at a findable child.

    Nothing when a rule escalates the comment already or it names, places or contacts no one.
    Where only the semantic model escalated, this still runs: it names the target and the
    words, which the model's whole-comment label cannot (the verdict does not change).
    """
    if any(label.label in ESCALATE_LABELS and label.screener != SEMANTIC for label in labels):
        return []
    found = targets(comment)
    if not found:
        return []
    first = found[0]
    reachable = next((t for t in found if t.kind != PUPIL_NAME), None)
    folded = _names_masked(comment, found)
    threat = _compiled(_THREAT_PATTERNS).search(folded.folded)
    if threat:
        return [_label(comment, THREAT, threat.span(), first, "a threat")]
    looks = _compiled(_LOOKS_PATTERNS).search(folded.folded) if reachable else None
    if looks and reachable:
        return [_label(comment, SEXUAL, looks.span(), reachable, "a child's looks praised")]
    # The sentence model, reading the comment with the places and contacts blanked out.
    blanked = folded.masked([t.folded for t in found if t.kind != PUPIL_NAME], " ")
    text = semantic_input(
        Comment(blanked, comment.config, comment.rules, comment.names, comment.author_is_new)
    )
    if not text.strip():
        return []
    whole = (0, len(comment.text.folded))
    return [
        _label(
            comment, label, whole, first, f"reads as {'a threat' if label == THREAT else 'sexual'}"
        )
        for label, score in _semantic_scores(text, comment)
        if label in (THREAT, SEXUAL) and score >= comment.config.threshold(label)
    ][:1]


def _semantic_scores(text: str, comment: Comment) -> list[tuple[str, float]]:
    config = comment.config
    found = semantic_model().labels_for(
        text, sensitivity=config.sensitivity, adaptation=config.adaptation
    )
    return [(item.label, item.score) for item in found]
