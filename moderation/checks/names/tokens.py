"""Tokenising text into letter runs ("atoms") and the joins between them, and the windows of
joinable atoms that every search looks up (docs/names.md)."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from .keys import MARKS, name_key
from .tuning import MIN_CAMEL_PREFIX, TITLES


class Join(IntEnum):
    """How an atom is attached to the one before it."""

    CAMEL = 0  # inside one word: "Amelia|Smith" in "AmeliaSmith"
    HIDDEN = 1  # only invisible characters between: "Am|ara" or "Amara|okoye" (R20)
    SPACE = 2  # whitespace of any length, "_", or punctuation tight between letters
    PUNCT = 3  # a hyphen or apostrophe (with or without spaces): "O'|Neill", "Smith-|Jones"
    COMMA = 4  # "Smith, Amelia"
    BREAK = 5  # anything else: full stops before a space, hashes, digits ...


JOINABLE = (Join.CAMEL, Join.HIDDEN, Join.SPACE, Join.PUNCT)
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u00ad")
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u2032`\u00b4")
_SPACE_CHARS = " \t\r\n\f\v\u00a0\u2009\u202f_"
HYPHEN_SPLIT = re.compile("[" + re.escape("".join(sorted(_HYPHENS))) + "]")
_RUN = re.compile(rf"(?:[^\W\d_]|[{MARKS}])+")
_TAG = re.compile(rf"[#@](?:\w|[{MARKS}.'\u2019\-])+")
MAX_TIGHT_PUNCTUATION = 3
"""Punctuation this short, with no space around it, joins two words into one name (R20):
"Amara.Okoye", "Amara*Okoye", "Amara..Okoye". With a space after it, a full stop ends a
sentence ("Well done Amara. Okoye class next")."""


def _join_kind(gap: str) -> Join:
    if not gap:
        return Join.CAMEL
    core = gap.strip(_SPACE_CHARS)
    if not core:
        return Join.SPACE
    if len(core) == 1:
        if core in _HYPHENS or core in _APOSTROPHES:
            return Join.PUNCT
        if core == ",":
            return Join.COMMA
    if core == gap and len(core) <= MAX_TIGHT_PUNCTUATION and _all_punctuation(core):
        return Join.SPACE
    return Join.BREAK


def _all_punctuation(chars: str) -> bool:
    """Punctuation or symbols only (no digits, no comma: "Smith,Amelia" is surname-first)."""
    return "," not in chars and all(unicodedata.category(ch)[0] in "PS" for ch in chars)


def _camel_cuts(run: str) -> list[int]:
    """Offsets where a CamelCase run splits: "AmeliaSmith" -> [6], "ABCAmelia" -> [3]."""
    tail = run[1:]
    if tail == tail.lower():  # the common case, decided in C
        return []
    cuts = []
    prev_upper = run[0].isupper()
    prev_lower = run[0].islower()
    for i in range(1, len(run)):
        ch = run[i]
        if unicodedata.combining(ch):
            continue  # an accent keeps the case of the letter it sits on
        upper = ch.isupper()
        if upper and (prev_lower or (prev_upper and i + 1 < len(run) and run[i + 1].islower())):
            cuts.append(i)
        prev_upper, prev_lower = upper, ch.islower()
    return cuts


@dataclass
class Atoms:
    """Parallel lists, one entry per atom, so the hot loops index plain lists."""

    starts: list[int]
    ends: list[int]
    norms: list[str]
    caps: list[bool]  # first letter upper-case: a proper-noun signal
    joins: list[Join]  # how atom i attaches to atom i - 1 (BREAK for the first)

    def __len__(self) -> int:
        return len(self.norms)


@lru_cache(maxsize=32)
def tokenise(text: str, hidden: frozenset[int] = frozenset()) -> Atoms:
    """Atoms of ``text``; ``hidden`` holds offsets where invisible characters were dropped
    (:class:`textfold.FoldedText`), and a letter run is also cut there (a HIDDEN join).

    Memoised (issue 19): the names check reads each field three times (full names, likely
    names, first names) and tokenising was a third of its time. Callers only read the
    returned atoms; they must never change them."""
    atoms = Atoms([], [], [], [], [])
    prev_end: int | None = None
    hidden_at = sorted(hidden)
    for match in _RUN.finditer(text):
        run, base = match.group(), match.start()
        cuts = _camel_cuts(run)
        hidden_cuts: set[int] = set()
        if hidden_at:
            first = bisect.bisect_right(hidden_at, base)
            last = bisect.bisect_left(hidden_at, match.end())
            if first < last:
                hidden_cuts = {at - base for at in hidden_at[first:last]}
                cuts = sorted(hidden_cuts.union(cuts))
        bounds = [0, *cuts, len(run)]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            start, end = base + lo, base + hi
            atoms.joins.append(
                Join.BREAK
                if prev_end is None
                else Join.HIDDEN
                if lo in hidden_cuts
                else _join_kind(text[prev_end:start])
            )
            atoms.starts.append(start)
            atoms.ends.append(end)
            atoms.norms.append(name_key(run[lo:hi]))
            atoms.caps.append(run[lo].isupper())
            prev_end = end
    return atoms


_MAX_WINDOW_ATOMS = 12  # bounds the work on "aMiXeD cAsE" runs, which split at every capital
MAX_WINDOW_LETTERS = 64  # and on letters split by invisible characters, which count as none


def windows(
    atoms: Atoms, start: int, max_words: int, max_letters: int = MAX_WINDOW_LETTERS
) -> Iterator[tuple[int, str]]:
    """(last atom, concatenated key) for each joinable run of atoms beginning at ``start``.

    A run spans at most ``max_words`` words and ``max_letters`` letters; CamelCase parts of
    one word count once, so "aMeLiA" still reads as "amelia".
    """
    key = atoms.norms[start]
    yield start, key
    words = parts = 1
    for j in range(start + 1, len(atoms)):
        join = atoms.joins[j]
        if join not in JOINABLE:
            return
        if join != Join.HIDDEN:  # "A\u200bm\u200ba\u200br\u200ba" is one part
            parts += 1
            if parts > _MAX_WINDOW_ATOMS:
                return
            if join != Join.CAMEL:
                words += 1
                if words > max_words:
                    return
        key += atoms.norms[j]
        if len(key) > max_letters:
            return
        yield j, key


def starts_word(atoms: Atoms, i: int, *, after_hyphen: bool) -> bool:
    """Whether a name may begin at atom ``i`` rather than inside somebody else's name.

    Not inside "McDonald" (see :data:`MIN_CAMEL_PREFIX`); and a first name does not begin
    after a hyphen or apostrophe ("Anne-Marie" holds no Marie, "O'Neill" no Neill), though
    a surname may ("Amelia Smith-Jones" may be the registered Amelia Jones).
    """
    join = atoms.joins[i]
    if join == Join.CAMEL:
        return len(atoms.norms[i - 1]) >= MIN_CAMEL_PREFIX
    return after_hyphen or join != Join.PUNCT


def tags(text: str) -> Iterator[tuple[str, list[int]]]:
    """Each hashtag or mention as its name key plus the text offset of every key letter."""
    for match in _TAG.finditer(text):
        letters: list[str] = []
        offsets: list[int] = []
        for i in range(match.start() + 1, match.end()):
            folded = name_key(text[i])
            letters.append(folded)
            offsets.extend([i] * len(folded))
        yield "".join(letters), offsets


def after_title(text: str, atoms: Atoms, i: int) -> bool:
    """Whether atom ``i`` follows a title: "Mrs Smith", "Mr. Smith", "#MrSmith"."""
    if i == 0 or atoms.norms[i - 1] not in TITLES:
        return False
    return not text[atoms.ends[i - 1] : atoms.starts[i]].strip(_SPACE_CHARS + ".")


def span_end(text: str, end: int) -> int:
    """Extend a span over combining accents that follow its last letter."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def word_count(name: str) -> int:
    """Words as :func:`windows` counts them: "de Vries" 2, "McDonald" 1, "O'Neill" 2."""
    return sum(join != Join.CAMEL for join in tokenise(name).joins)
