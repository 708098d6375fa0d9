"""Fold a comment into one lower-case, de-obfuscated form that remembers where each char came from.

Every screener matches against the folded text, and reports spans in the original text through
``FoldedText.original_span``. Folding undoes the cheap tricks people use to slip words past a
filter, while keeping one folded character per source position wherever it can:

* case, accents and compatibility forms (``Ｆｕｃｋ``, ``𝐟𝐮𝐜𝐤``, ``fück``) fold to plain a-z;
* look-alike Cyrillic and Greek letters fold to their Latin twins;
* invisible characters (zero-width spaces, soft hyphens) are dropped;
* curly quotes become straight ones, so patterns need only one apostrophe;
* leetspeak (``sh1t``, ``@ss``, ``$lag``, ``b!tch``) is read as letters, but only inside a word
  that already has a letter and is not a time, price, year group or address, so "3pm",
  "£5" and "Year 6" are left alone.

Spaced-out and symbol-separated letters (``f u c k``, ``f.u.c.k``) and repeated letters
(``fuuuck``) are handled by the word-list patterns instead (see ``lexicon.py``), because joining
them here would also glue together ordinary words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from moderation.screening.types import Span

_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"'})  # fmt: skip
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "ν": "v", "χ": "x",
})  # fmt: skip
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g", "@": "a",
         "$": "s", "€": "e", "!": "i", "|": "i"}  # fmt: skip
# Leet symbols that are also punctuation count as letters only when a letter follows:
# "sh!t" is "shit", but "wow!" stays "wow!".
_LEET_NEEDS_LETTER_AFTER = frozenset("!|")
_TOKEN = re.compile(r"\S+")
_LEET_CHAR = re.compile("[" + re.escape("".join(_LEET)) + "]")
_LETTER = re.compile("[a-z]")
# Tokens that are numbers with a unit, prices, times or ordinals: never leetspeak.
_NUMERIC = re.compile(
    r"^[(\"']?(?:[£$€#]?\d[\d.,:]*(?:am|pm|st|nd|rd|th|s|k|m|p|x|yrs?|ish|mins?|hrs?)?[-/]?)+\W*$"
)
_URL_OR_EMAIL = re.compile(r"https?:|www\.|\w@\w[\w-]*\.\w")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _INVISIBLE:
        return ""
    char = char.translate(_QUOTES).translate(_HOMOGLYPHS)
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
    return base.casefold().translate(_HOMOGLYPHS)


@dataclass(frozen=True)
class FoldedText:
    """The original comment, its folded form, and the origin of every folded character."""

    original: str
    folded: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> Span:
        """Map a span of ``folded`` back to the original text."""
        if not self.origin:
            return (0, 0)
        if end <= start:
            position = self.origin[min(start, len(self.origin) - 1)]
            return (position, position)
        return (self.origin[start], self.origin[end - 1] + 1)

    def masked(self, spans: list[Span], fill: str) -> FoldedText:
        """A copy with the given folded spans overwritten by ``fill`` (same length and origins).

        Used to blank out allowed words ("Scunthorpe") and to stand names in for a placeholder.
        """
        if not spans:
            return self
        chars = list(self.folded)
        for start, end in spans:
            chars[start:end] = fill * (end - start)
        return FoldedText(self.original, "".join(chars), self.origin)


def _deleet(token: str) -> str:
    if not _LEET_CHAR.search(token) or not _LETTER.search(token):
        return token
    if _NUMERIC.match(token) or _URL_OR_EMAIL.search(token):
        return token
    out = []
    for index, char in enumerate(token):
        replacement = _LEET.get(char)
        if replacement is not None and char in _LEET_NEEDS_LETTER_AFTER:
            after = token[index + 1 : index + 2]
            if not ("a" <= after <= "z" or after in _LEET):
                replacement = None
        out.append(replacement or char)
    return "".join(out)


def fold(text: str) -> FoldedText:
    """Fold ``text`` (see the module docstring); the result maps back to ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            origin.append(index)
    plain = "".join(chars)
    # Leetspeak is decided per whitespace-separated token and never changes the length.
    folded = _TOKEN.sub(lambda match: _deleet(match.group()), plain)
    return FoldedText(text, folded, tuple(origin))
