"""Undo Unicode disguises before the names (R4, R16) and contact-details (R5) checks.

Pure Python, no Django. A name or an email can be written so that it reads the same to a
person but no longer matches: a zero-width space inside "Am\u200bara", a Cyrillic "а" or a
Greek "Ο", mathematical bold letters, a full-width "＠", an em space between the names, or a
right-to-left override that shows reversed letters the right way round. :func:`fold`
turns a text into what a reader sees, one plain character at a time:

1. Invisible characters (format characters, category Cf, and the few other default-ignorable
   ones: variation selectors, the combining grapheme joiner, Hangul fillers) are dropped.
   Where one stood between two letters the names check may cut a word there (``hidden``),
   so "Amara\u200bokoye" still reads as two names while "Am\u200bara" reads as one.
2. Every other non-ASCII character is NFKC-normalised ("𝐀" -> "A", "７" -> "7",
   "＠" -> "@", "ﬁ" -> "fi"), look-alike letters from other scripts become the Latin letter
   they imitate (:data:`CONFUSABLES`, case kept, because capitals are a name signal), and any
   Unicode space becomes a plain space (line and paragraph separators a line break).
3. ASCII is left as it is, so most texts cost one ``isascii`` call.

Every character of the folded text remembers the original character it came from
(``origin``), so a match in the folded text maps back to the code points of the original
(:meth:`FoldedText.span`): findings highlight what the author actually typed.

A right-to-left override (U+202E) shows the Latin letters after it reversed, so
``"Amara \u202eeyokO"`` looks like "Amara Okoye". :func:`fold_variants` adds a second,
visual reading of such a text, in which each overridden run is reversed; checks search both.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Look-alikes of Latin letters (after Unicode's confusables.txt, restricted to letters that
# are near-identical in common fonts). Case is kept: "А" (Cyrillic) is a capital A.
_LOOK_ALIKES = {
    # Cyrillic capitals and small letters
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ӏ": "I", "Ѵ": "V",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l",
    "ѵ": "v",
    # Greek capitals and small letters
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    "α": "a", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "υ": "u", "χ": "x",
    "γ": "y", "η": "n", "ϲ": "c", "ϳ": "j",
    # Latin small capitals, and Armenian look-alikes
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r",
    "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
    "օ": "o", "ս": "u", "հ": "h", "ո": "n",
}  # fmt: skip
CONFUSABLES = str.maketrans(_LOOK_ALIKES)
"""``str.translate`` table: look-alike letters of other scripts -> Latin, case kept."""

CONFUSABLES_FOLDED = str.maketrans(
    {k: v for k, v in _LOOK_ALIKES.items() if k == k.casefold() and v == v.casefold()}
)
"""The small letters of :data:`CONFUSABLES`, for text that is already case-folded."""

# Default-ignorable characters that are not format characters (those are found by category).
_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
)
_RTL_OVERRIDE = "\u202e"
_OVERRIDE_ENDS = frozenset("\u202c\u2069\n\r\u2029")  # PDF, PDI, end of line or paragraph
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def is_invisible(ch: str) -> bool:
    """A character that shows nothing: a format character (Cf) or another default-ignorable."""
    return unicodedata.category(ch) == "Cf" or ch in _IGNORABLE


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds any invisible character (the register refuses such names)."""
    return not text.isascii() and any(is_invisible(ch) for ch in text)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """What one non-ASCII character reads as; "" when it is invisible."""
    if is_invisible(ch):
        return ""
    out = unicodedata.normalize("NFKC", ch).translate(CONFUSABLES)
    if out.isascii() and not out.isspace():
        return out
    return "".join(
        ("\n" if c in "\u2028\u2029" else " ") if c.isspace() and not c.isascii() else c
        for c in out
    )


@dataclass(frozen=True)
class FoldedText:
    """A text as a reader sees it, and where each of its characters came from."""

    text: str
    origin: tuple[int, ...] | None  # original index of each character; None: unchanged
    hidden: frozenset[int]  # offsets in ``text`` where invisible characters were dropped
    in_order: bool = True  # False for the visual reading of a right-to-left override

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The ``[start, end)`` of the original text that ``text[start:end]`` came from."""
        origin = self.origin
        if origin is None or end <= start:
            return start, end
        if self.in_order:
            return origin[start], origin[end - 1] + 1
        part = origin[start:end]
        return min(part), max(part) + 1


def fold(text: str) -> FoldedText:
    """The text as a reader sees it (see the module docstring), in its stored order."""
    return _fold_cached(text)


@functools.lru_cache(maxsize=64)
def _fold_cached(text: str) -> FoldedText:
    # Cached: the post checks fold each text once per question (full names, first names,
    # likely names, R16 mentions, contacts).
    if text.isascii():
        return FoldedText(text, None, frozenset())
    pieces: list[str] = []
    origin: list[int] = []
    hidden: set[int] = set()
    length = pos = 0
    for match in _NON_ASCII.finditer(text):
        if match.start() > pos:
            pieces.append(text[pos : match.start()])
            origin.extend(range(pos, match.start()))
            length += match.start() - pos
        for i in range(match.start(), match.end()):
            out = _fold_char(text[i])
            if not out:
                hidden.add(length)
                continue
            pieces.append(out)
            origin.extend([i] * len(out))
            length += len(out)
        pos = match.end()
    pieces.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return FoldedText("".join(pieces), tuple(origin), frozenset(hidden))


def _visual_order(text: str) -> list[int]:
    """Original indices in display order: each run after a right-to-left override reversed
    (up to the pop, an isolate's end, or the end of the line). Nesting is not modelled."""
    order: list[int] = []
    i = 0
    while i < len(text):
        if text[i] != _RTL_OVERRIDE:
            order.append(i)
            i += 1
            continue
        end = i + 1
        while end < len(text) and text[end] not in _OVERRIDE_ENDS:
            end += 1
        order.append(i)
        order.extend(range(end - 1, i, -1))
        i = end
    return order


def _fold_in_order(text: str, order: Sequence[int]) -> FoldedText:
    pieces: list[str] = []
    origin: list[int] = []
    hidden: set[int] = set()
    length = 0
    for i in order:
        ch = text[i]
        out = ch if ch.isascii() else _fold_char(ch)
        if not out:
            hidden.add(length)
            continue
        pieces.append(out)
        origin.extend([i] * len(out))
        length += len(out)
    return FoldedText("".join(pieces), tuple(origin), frozenset(hidden), in_order=False)


def fold_variants(text: str) -> tuple[FoldedText, ...]:
    """:func:`fold` of the text, plus its visual reading when it holds a right-to-left
    override (what a reader sees may then differ from the stored order)."""
    folded = fold(text)
    if _RTL_OVERRIDE not in text:
        return (folded,)
    return folded, _fold_in_order(text, _visual_order(text))
