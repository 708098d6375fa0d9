"""Rule R4 (and R20): find names of people in post text, alt text and hashtags.

Pure Python, no Django: the post checks build one :class:`NameIndex` per school from the
people register and ask it three questions about each text:

* :meth:`NameIndex.find_full_names` - a registered person's full name (any first name,
  legal or preferred, plus the surname). Beside an identifiable face this blocks.
* :meth:`NameIndex.find_first_names` - a registered first name on its own. Allowed only
  where that person's consent allows names, so the caller needs one hit per person.
* :func:`find_likely_full_names` - something that looks like the full name of somebody
  who is *not* in the register (a visitor, a parent, a sibling at another school).

How matching works, and why:

0. Unicode disguises are undone first (``textfold``, R20): invisible characters dropped
   (a word may be cut where one stood), NFKC, look-alike Cyrillic and Greek letters read
   as Latin, any space a space, and a right-to-left override also read as displayed.
   Matching runs on that folded text; every span is mapped back to the original.
1. The text is tokenised once into letter runs ("atoms"). CamelCase is split
   (``#AmeliaSmith`` -> Amelia, Smith), and the characters between two atoms decide whether
   they may belong to one name: whitespace of any length (so line breaks and double spaces),
   ``_``, hyphens and apostrophes (straight or curly), and up to three punctuation marks with
   no space around them ("Amelia.Smith") join; other punctuation breaks.
2. Every atom is folded by :func:`normalise` (case and accents), and register names are
   reduced to the same letters-only key (:func:`name_key`), so ``O'Neill``, ``O’Neill``,
   ``ONeill`` and ``O Neill`` are all ``oneill``, and ``Smith Jones`` meets ``Smith-Jones``.
3. Names are found by concatenating a few consecutive joinable atoms and looking the
   string up in a dict: constant work per atom, whatever the size of the register. There is
   no regex per person.
4. Hashtags and mentions written in one lower-case run (``#ameliasmith``,
   ``@amelia.smith``) have no word boundaries, so their letters are also searched for every
   registered full name as a substring.

Judgment calls (recall matters more than precision here: a false block costs a leader a
click, a missed name can identify a child):

* Middle names: up to :data:`MAX_MIDDLE_WORDS` unregistered words may stand between the
  first name and the surname ("Amelia Rose Smith"), but only when every word is
  capitalised, so "grace in the hall" is not "Grace Hall".
* Possessives: "Amelia Smith's" matches by its atoms; "Amelia Smiths'" and "Amelia Smiths"
  match by dropping a final ``s`` from the surname.
* Hyphenated surnames: each hyphen part of at least :data:`MIN_SURNAME_PART` letters also
  counts as the surname ("Oluwaseun Johnson" for Adeyemi-Johnson; not "Mohammed Al").
* Surname first: "Smith, Amelia" (with the comma) matches; "Smith Amelia" does not.
* First names alone must be capitalised in the text (or a CamelCase hashtag part):
  otherwise a pupil called Will or Grace would match every "will" and "grace".
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from importlib import resources

from backend.common.textfold import CONFUSABLES, CONFUSABLES_FOLDED, FoldedText, fold_variants

# --- tuning ---------------------------------------------------------------------------------

MAX_MIDDLE_WORDS = 2
"""Unregistered capitalised words allowed between a first name and a surname (a hyphenated
middle name counts as two)."""

MIN_SURNAME_PART = 3
"""A hyphen part of a surname shorter than this (Al-, El-, De-) is no surname on its own."""

MIN_CAMEL_PREFIX = 4
"""A CamelCase part this long may come before a name ("#TeamAmber"); a shorter one is a
name's own prefix ("McDonald", "MacLeod", "DeShawn"), so no "Donald" or "Leod" starts there."""

MIN_TAG_SUBSTRING = 6
"""Shorter full-name keys ("Jo Li" -> "joli") are not searched inside hashtags ("#jolie")."""

MIN_MENTION_TAG_SUBSTRING = 3
"""For people who must never be named (R16), first names this long are searched inside
hashtags ("#welldonegrace"); a false block ("Ali" in "#finalist") costs a leader a look."""

COMMON_FREQUENCY = 1e-6
"""A word seen at least once per million words of English (wordfreq) is common..."""

NAME_SHARE_RATIO = 3.0
"""...unless US Census name use is this many times its share of English text: "smith"
(130x), "khan" (3.9x) are names; "park" (1.7x), "day" (0.5x), "christmas" (0.4x) are
words. Measured, see docs/names.md."""

EVERYDAY_FREQUENCY = 1e-5
"""A common word seen this often never starts a likely name ("Will", "May", "Summer",
"Art"). Rarer ones still may: wordfreq counts names in text too, so "Isla", "Rhys", "Yusuf"
and "Callum" are "common words" that are first names first."""

# Closed sets, not name lists. A word after a title is not a pupil: "Mr Smith" and "Miss
# Rose" are staff, "King Charles" and "Father Michael" are not pupils called Charles or
# Michael. (Kinship words are no titles: "Nana Amelia" may well be a pupil.) Month and day
# names ("June", "April", "August") often stand before capitalised words in school text.
TITLES = frozenset(
    "mr mrs ms miss mx mister master madam madame dr prof rev revd reverend fr father sr "
    "sister brother st saint sir dame lord lady king queen prince princess captain capt "
    "coach".split()
)
CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)  # full names only: "Jan" and "Sun" are people's names as often as abbreviations


# --- normalisation ---------------------------------------------------------------------------

# Letters that Unicode does not decompose into base letter + accent.
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
    | {chr(code): letter for code, letter in CONFUSABLES_FOLDED.items()}
)
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


def normalise(text: str) -> str:
    """Fold case and accents so "Zoë", "ZOE" and "zoe" compare equal (any script's marks).

    The one folding rule for the register, the text and the word lists alike; ``casefold``
    also turns "ß" into "ss". Look-alike letters of other scripts fold to the Latin letter
    they imitate (Cyrillic "а", Greek "Ο": see ``textfold.CONFUSABLES``), capitals before
    case folding (Greek "Η" is an H, its small letter "η" an n), and NFKD turns
    mathematical and full-width letters into plain ones.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(CONFUSABLES).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(
        _FOLD_LETTERS
    )


def name_key(name: str) -> str:
    """The letters of a name, normalised: "O’Neill" -> "oneill", "Smith-Jones" -> "smithjones"."""
    if name.isascii() and name.isalpha():  # most words of most texts: skip the generator
        return name.lower()
    return "".join(ch for ch in normalise(name) if ch.isalpha())


# --- public data types -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPerson:
    """A person from the school's register; ``first_names`` holds legal and preferred names."""

    key: int
    first_names: tuple[str, ...]
    last_name: str


@dataclass(frozen=True)
class NameHit:
    """A registered person's name in a text; ``start``/``end`` index the original text."""

    key: int
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class LikelyName:
    """What looks like the full name of someone outside the register."""

    start: int
    end: int
    matched: str


# --- tokenising ------------------------------------------------------------------------------


class _Join(IntEnum):
    """How an atom is attached to the one before it."""

    CAMEL = 0  # inside one word: "Amelia|Smith" in "AmeliaSmith"
    HIDDEN = 1  # only invisible characters between: "Am|ara" or "Amara|okoye" (R20)
    SPACE = 2  # whitespace of any length, "_", or punctuation tight between letters
    PUNCT = 3  # a hyphen or apostrophe (with or without spaces): "O'|Neill", "Smith-|Jones"
    COMMA = 4  # "Smith, Amelia"
    BREAK = 5  # anything else: full stops before a space, hashes, digits ...


_JOINABLE = (_Join.CAMEL, _Join.HIDDEN, _Join.SPACE, _Join.PUNCT)
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u00ad")
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u2032`\u00b4")
_SPACE_CHARS = " \t\r\n\f\v\u00a0\u2009\u202f_"
_HYPHEN_SPLIT = re.compile("[" + re.escape("".join(sorted(_HYPHENS))) + "]")
_RUN = re.compile(rf"(?:[^\W\d_]|[{_MARKS}])+")
_TAG = re.compile(rf"[#@](?:\w|[{_MARKS}.'\u2019\-])+")
MAX_TIGHT_PUNCTUATION = 3
"""Punctuation this short, with no space around it, joins two words into one name (R20):
"Amara.Okoye", "Amara*Okoye", "Amara..Okoye". With a space after it, a full stop ends a
sentence ("Well done Amara. Okoye class next")."""


def _join_kind(gap: str) -> _Join:
    if not gap:
        return _Join.CAMEL
    core = gap.strip(_SPACE_CHARS)
    if not core:
        return _Join.SPACE
    if len(core) == 1:
        if core in _HYPHENS or core in _APOSTROPHES:
            return _Join.PUNCT
        if core == ",":
            return _Join.COMMA
    if core == gap and len(core) <= MAX_TIGHT_PUNCTUATION and _all_punctuation(core):
        return _Join.SPACE
    return _Join.BREAK


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
class _Atoms:
    """Parallel lists, one entry per atom, so the hot loops index plain lists."""

    starts: list[int]
    ends: list[int]
    norms: list[str]
    caps: list[bool]  # first letter upper-case: a proper-noun signal
    joins: list[_Join]  # how atom i attaches to atom i - 1 (BREAK for the first)

    def __len__(self) -> int:
        return len(self.norms)


def _tokenise(text: str, hidden: frozenset[int] = frozenset()) -> _Atoms:
    """Atoms of ``text``; ``hidden`` holds offsets where invisible characters were dropped
    (:class:`textfold.FoldedText`), and a letter run is also cut there (a HIDDEN join)."""
    atoms = _Atoms([], [], [], [], [])
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
                _Join.BREAK
                if prev_end is None
                else _Join.HIDDEN
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
_MAX_WINDOW_LETTERS = 64  # and on letters split by invisible characters, which count as none


def _windows(
    atoms: _Atoms, start: int, max_words: int, max_letters: int = _MAX_WINDOW_LETTERS
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
        if join not in _JOINABLE:
            return
        if join != _Join.HIDDEN:  # "A\u200bm\u200ba\u200br\u200ba" is one part
            parts += 1
            if parts > _MAX_WINDOW_ATOMS:
                return
            if join != _Join.CAMEL:
                words += 1
                if words > max_words:
                    return
        key += atoms.norms[j]
        if len(key) > max_letters:
            return
        yield j, key


def _starts_word(atoms: _Atoms, i: int, *, after_hyphen: bool) -> bool:
    """Whether a name may begin at atom ``i`` rather than inside somebody else's name.

    Not inside "McDonald" (see :data:`MIN_CAMEL_PREFIX`); and a first name does not begin
    after a hyphen or apostrophe ("Anne-Marie" holds no Marie, "O'Neill" no Neill), though
    a surname may ("Amelia Smith-Jones" may be the registered Amelia Jones).
    """
    join = atoms.joins[i]
    if join == _Join.CAMEL:
        return len(atoms.norms[i - 1]) >= MIN_CAMEL_PREFIX
    return after_hyphen or join != _Join.PUNCT


def _tags(text: str) -> Iterator[tuple[str, list[int]]]:
    """Each hashtag or mention as its name key plus the text offset of every key letter."""
    for match in _TAG.finditer(text):
        letters: list[str] = []
        offsets: list[int] = []
        for i in range(match.start() + 1, match.end()):
            folded = name_key(text[i])
            letters.append(folded)
            offsets.extend([i] * len(folded))
        yield "".join(letters), offsets


def _after_title(text: str, atoms: _Atoms, i: int) -> bool:
    """Whether atom ``i`` follows a title: "Mrs Smith", "Mr. Smith", "#MrSmith"."""
    if i == 0 or atoms.norms[i - 1] not in TITLES:
        return False
    return not text[atoms.ends[i - 1] : atoms.starts[i]].strip(_SPACE_CHARS + ".")


def _span_end(text: str, end: int) -> int:
    """Extend a span over combining accents that follow its last letter."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


# --- the register index ----------------------------------------------------------------------

_Keys = frozenset[int]


def _freeze(table: dict[str, set[int]]) -> dict[str, _Keys]:
    return {name: frozenset(keys) for name, keys in table.items() if name}


def _word_count(name: str) -> int:
    """Words as :func:`_windows` counts them: "de Vries" 2, "McDonald" 1, "O'Neill" 2."""
    return sum(join != _Join.CAMEL for join in _tokenise(name).joins)


def _surname_variants(last_name: str) -> set[str]:
    """The whole surname, plus each long enough hyphen part ("Adeyemi-Johnson" -> Johnson)."""
    variants = {name_key(last_name)}
    parts = [name_key(part) for part in _HYPHEN_SPLIT.split(last_name)]
    if len(parts) > 1:
        variants.update(part for part in parts if len(part) >= MIN_SURNAME_PART)
    variants.discard("")  # no surname on file: never a full name, never a bare first name
    return variants


@dataclass(frozen=True)
class NameIndex:
    """Dicts from folded name keys to register keys; build once per school and reuse."""

    first_names: dict[str, _Keys]
    surnames: dict[str, _Keys]
    full_names: dict[str, _Keys]
    max_first_words: int
    max_surname_words: int
    tag_key_lengths: tuple[int, ...]  # lengths of full-name keys searched inside hashtags
    max_letters: int = _MAX_WINDOW_LETTERS  # no longer key can match (bounds hostile text)

    @classmethod
    def build(cls, people: Iterable[RegisterPerson]) -> NameIndex:
        """Index every first name (legal and preferred) against every form of the surname.

        Immutable once built, so one index can serve every check of a school until its
        register changes.
        """
        firsts: dict[str, set[int]] = defaultdict(set)
        lasts: dict[str, set[int]] = defaultdict(set)
        fulls: dict[str, set[int]] = defaultdict(set)
        max_first = max_last = 1
        for person in people:
            surnames = _surname_variants(person.last_name)
            for surname in surnames:
                lasts[surname].add(person.key)
            max_last = max(max_last, _word_count(person.last_name))
            for first_name in person.first_names:
                first = name_key(first_name)
                if not first:
                    continue
                firsts[first].add(person.key)
                max_first = max(max_first, _word_count(first_name))
                for surname in surnames:
                    fulls[first + surname].add(person.key)
        lengths = tuple(sorted({len(k) for k in fulls if len(k) >= MIN_TAG_SUBSTRING}))
        # +1: a possessive "s" after a surname ("Smiths'").
        longest = max((len(k) for k in (*firsts, *lasts)), default=0) + 1
        # +1: the text may split a name the register writes as one word ("Anne Marie").
        return cls(
            _freeze(firsts),
            _freeze(lasts),
            _freeze(fulls),
            max_first + 1,
            max_last + 1,
            lengths,
            min(longest, _MAX_WINDOW_LETTERS),
        )

    def find_full_names(self, text: str) -> list[NameHit]:
        """Every registered full name in ``text``, one hit per person per place."""
        return _found_in(text, self._full_names)

    def _full_names(self, folded: FoldedText) -> set[tuple[int, int, int]]:
        """(key, start, end) in the folded text; :func:`_found_in` maps them back."""
        text = folded.text
        atoms = _tokenise(text, folded.hidden)
        found: set[tuple[int, int, int]] = set()
        for i in range(len(atoms)):
            if _starts_word(atoms, i, after_hyphen=False):
                for j, first in _windows(atoms, i, self.max_first_words, self.max_letters):
                    keys = self.first_names.get(first)
                    if keys:
                        found.update(self._surname_after(atoms, i, j, keys))
            if i + 1 < len(atoms):
                found.update(self._surname_first(text, atoms, i))
        found.update(self._in_tags(text))
        return found

    def _surname_match(self, atoms: _Atoms, start: int) -> Iterator[tuple[int, _Keys]]:
        """(last atom, keys) for each surname beginning at atom ``start``, possessive too."""
        for end, key in _windows(atoms, start, self.max_surname_words, self.max_letters):
            keys = self.surnames.get(key)
            if keys is None and len(key) > 1 and key[-1] == "s":  # Smiths', Smiths
                keys = self.surnames.get(key[:-1])
            if keys:
                yield end, keys

    def _surname_after(
        self, atoms: _Atoms, first_start: int, first_end: int, keys: _Keys
    ) -> Iterator[tuple[int, int, int]]:
        """Surnames of ``keys`` right after the first name or after a few middle names."""
        start = first_end + 1
        for gap in range(MAX_MIDDLE_WORDS + 1):
            at = start + gap
            if at >= len(atoms) or atoms.joins[at] not in _JOINABLE:
                return
            if gap and not (atoms.caps[first_start] and atoms.caps[at - 1]):
                return  # middle names only in capitalised text: "grace in the hall"
            if gap and not _starts_word(atoms, at, after_hyphen=True):
                continue  # "Amelia McDonald" is no Amelia Donald
            for end, surname_keys in self._surname_match(atoms, at):
                for key in keys & surname_keys:
                    yield key, atoms.starts[first_start], atoms.ends[end]

    def _surname_first(
        self, text: str, atoms: _Atoms, start: int
    ) -> Iterator[tuple[int, int, int]]:
        """Surname first, then a comma and a first name of the same person: "Smith, Amelia".

        Not after a title: "Thank you Mrs Smith, Amelia and Jack" names a teacher.
        """
        for surname_end, surname_keys in self._surname_match(atoms, start):
            first_start = surname_end + 1
            if first_start >= len(atoms) or atoms.joins[first_start] != _Join.COMMA:
                continue
            if _after_title(text, atoms, start):
                return
            for end, first in _windows(atoms, first_start, self.max_first_words, self.max_letters):
                for key in surname_keys & self.first_names.get(first, frozenset()):
                    yield key, atoms.starts[start], atoms.ends[end]

    def _in_tags(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Full names run together inside hashtags and mentions: "#thanksameliasmith"."""
        lengths = self.tag_key_lengths
        for letters, offsets in _tags(text):
            for at in range(len(letters)):
                for length in lengths:
                    if at + length > len(letters):
                        break
                    for key in self.full_names.get(letters[at : at + length], ()):
                        yield key, offsets[at], offsets[at + length - 1] + 1

    def find_first_names(self, text: str) -> list[NameHit]:
        """Capitalised registered first names, one hit per person who bears the name.

        A word after a title is a surname ("Miss Rose"), so it is no pupil's first name.
        """
        return _found_in(text, self._first_names)

    def _first_names(self, folded: FoldedText) -> set[tuple[int, int, int]]:
        text = folded.text
        atoms = _tokenise(text, folded.hidden)
        found: set[tuple[int, int, int]] = set()
        for i in range(len(atoms)):
            if not atoms.caps[i] or not _starts_word(atoms, i, after_hyphen=False):
                continue
            if _after_title(text, atoms, i):
                continue
            for j, first in _windows(atoms, i, self.max_first_words, self.max_letters):
                for key in self.first_names.get(first, ()):
                    found.add((key, atoms.starts[i], atoms.ends[j]))
        return found

    def find_mentions(self, text: str) -> list[NameHit]:
        """Every form of a registered name, for people who must never be named (R16).

        Errs towards blocking, where :meth:`find_first_names` errs towards letting prose
        through: a first name (legal or preferred) in any case, after a title too ("grace",
        "Miss Grace"), possessive ("Grace's"), inside a hyphenated name ("Anne-Grace"), in a
        hashtag whether CamelCase or not ("#WellDoneGrace", "#welldonegrace": first names of
        :data:`MIN_MENTION_TAG_SUBSTRING` letters or more), and every full name. Build the
        index from the few people concerned, not the whole register.
        """
        return _found_in(text, self._mentions)

    def _mentions(self, folded: FoldedText) -> set[tuple[int, int, int]]:
        text = folded.text
        found = self._full_names(folded)
        atoms = _tokenise(text, folded.hidden)
        for i in range(len(atoms)):
            if not _starts_word(atoms, i, after_hyphen=True):
                continue
            for j, first in _windows(atoms, i, self.max_first_words, self.max_letters):
                for key in self.first_names.get(first, ()):
                    found.add((key, atoms.starts[i], atoms.ends[j]))
        lengths = sorted({len(k) for k in self.first_names if len(k) >= MIN_MENTION_TAG_SUBSTRING})
        for letters, offsets in _tags(text):
            for at in range(len(letters)):
                for length in lengths:
                    if at + length > len(letters):
                        break
                    for key in self.first_names.get(letters[at : at + length], ()):
                        found.add((key, offsets[at], offsets[at + length - 1] + 1))
        return found

    def find_likely_full_names(
        self,
        text: str,
        *,
        exclude_spans: Iterable[tuple[int, int]] = (),
        allowed: Collection[str] = (),
    ) -> list[LikelyName]:
        """:func:`find_likely_full_names`, trusting this register's first names and surnames.

        A sibling or parent of a pupil often shares the surname ("Isla Park" beside a
        registered Min-jun Park), and pupils' first names fill gaps in the 2008 first-name
        list ("Alfie").
        """
        register = _RegisterNames(self.first_names.keys(), self.surnames.keys())
        return _likely_full_names(text, exclude_spans, register, allowed)


def _found_in(
    text: str, find: Callable[[FoldedText], Iterable[tuple[int, int, int]]]
) -> list[NameHit]:
    """Run ``find`` over each reading of ``text`` (R20: Unicode disguises undone, see
    ``textfold``) and map its (key, start, end) hits back to the original text."""
    found: set[tuple[int, int, int]] = set()
    for folded in fold_variants(text):
        origin = folded.origin
        if origin is None:  # nothing to undo (plain ASCII): spans are the original's
            found.update(find(folded))
        elif folded.in_order:
            found.update((key, origin[s], origin[e - 1] + 1) for key, s, e in find(folded))
        else:
            found.update((key, *folded.span(s, e)) for key, s, e in find(folded))
    return _without_overlaps(text, found)


def _without_overlaps(text: str, found: Iterable[tuple[int, int, int]]) -> list[NameHit]:
    """Keep one hit per person per place: the earliest, longest of overlapping ones."""
    kept: list[NameHit] = []
    last_end: dict[int, int] = {}
    # Longest first at each start: "Seun Adeyemi Johnson" rather than "Seun Adeyemi".
    for start, neg_end, key in sorted((s, -_span_end(text, e), k) for k, s, e in found):
        end = -neg_end
        if start >= last_end.get(key, -1):
            kept.append(NameHit(key, start, end, text[start:end]))
            last_end[key] = end
    return kept


# --- likely names of people outside the register ---------------------------------------------


@functools.cache
def known_first_names() -> frozenset[str]:
    """First-name keys from gender-guesser's bundled list (about 44,000, many countries).

    Loaded once, on first use, as name keys; the parser's own tables are dropped.
    """
    # Imported here: nothing else needs gender-guesser, and only this check needs the list.
    from gender_guesser.detector import Detector  # type: ignore[import-untyped]

    return frozenset(key for key in map(name_key, Detector(case_sensitive=False).names) if key)


@dataclass(frozen=True)
class WordLists:
    """Name keys of English words, and of census surnames that are not such words."""

    common_words: frozenset[str]  # see COMMON_FREQUENCY and NAME_SHARE_RATIO
    everyday_words: frozenset[str]  # the common words at EVERYDAY_FREQUENCY or more
    surnames: frozenset[str]


def _census_shares(filename: str, weight: float) -> dict[str, float]:
    """US Census 1990 name file (shipped in the ``names`` package): name -> share of people."""
    shares = {}
    for line in resources.files("names").joinpath(filename).read_text().splitlines():
        name, percent, *_ = line.split()
        shares[name_key(name)] = float(percent) / 100 * weight
    return shares


@functools.cache
def word_lists() -> WordLists:
    """Common English words and name-like census surnames, derived once.

    wordfreq's English list counts words in subtitles, news, books, Wikipedia and the web,
    where "Smith" is as frequent as "wood". The census share of people bearing a word as a
    name tells the two apart (:data:`NAME_SHARE_RATIO`), so "Smith", "Jones" and "Patel"
    stay names while "Park", "Day" and "Christmas" are words.
    """
    from wordfreq import get_frequency_dict, get_frequency_list

    surnames = _census_shares("dist.all.last", 1.0)
    shares = dict(surnames)
    for filename in ("dist.male.first", "dist.female.first"):  # each half of the people
        for name, share in _census_shares(filename, 0.5).items():
            shares[name] = max(share, shares.get(name, 0.0))
    common: set[str] = set()
    everyday: set[str] = set()
    for word, frequency in get_frequency_dict("en", wordlist="small").items():
        key = name_key(word)
        if (
            key
            and frequency >= COMMON_FREQUENCY
            and shares.get(key, 0.0) < (NAME_SHARE_RATIO * frequency)
        ):
            common.add(key)
            if frequency >= EVERYDAY_FREQUENCY:
                everyday.add(key)
    # wordfreq keeps every list it has read; ours are derived, so let its copies go.
    get_frequency_dict.cache_clear()
    get_frequency_list.cache_clear()
    return WordLists(frozenset(common), frozenset(everyday), frozenset(surnames.keys() - common))


def preload() -> None:
    """Load the likely-name lists now (about a second) rather than in the first check."""
    known_first_names()
    word_lists()


@dataclass(frozen=True)
class _RegisterNames:
    """Name keys from the register, trusted as names whatever the word lists say."""

    first_names: Collection[str]
    surnames: Collection[str]


def _likely_first(key: str, register: _RegisterNames) -> bool:
    """A first name, not an everyday word ("Will"), title ("King") or month ("June").

    A pupil called Summer does not make "Summer Fayre" a name, so the register adds first
    names the list lacks ("Alfie") but never overrides the everyday words.
    """
    if len(key) < 2 or key in TITLES or key in CALENDAR_WORDS:
        return False
    if key in word_lists().everyday_words:
        return False
    return key in register.first_names or key in known_first_names()


def _likely_surname(key: str, register: _RegisterNames) -> bool:
    """Not a common word ("Sports Day") nor a month or day; a title is fine ("Oliver King").

    Being a first name does not save a common word: "Ramadan Mubarak" is a greeting.
    """
    if len(key) < 2 or key in CALENDAR_WORDS:
        return False
    return key in register.surnames or key not in word_lists().common_words


def _surname_end(atoms: _Atoms, start: int) -> tuple[int, str]:
    """Extend a capitalised surname over "O'|Brien", "Smith-|Jones" and "Mc|Donald"."""
    end, key = start, atoms.norms[start]
    while end + 1 < len(atoms) and atoms.caps[end + 1]:
        join = atoms.joins[end + 1]
        if join == _Join.PUNCT or (
            join == _Join.CAMEL and len(atoms.norms[end]) < MIN_CAMEL_PREFIX
        ):
            end += 1
            key += atoms.norms[end]
        else:
            break
    return end, key


def find_likely_full_names(
    text: str,
    *,
    exclude_spans: Iterable[tuple[int, int]] = (),
    first_names: Collection[str] = (),
    surnames: Collection[str] = (),
    allowed: Collection[str] = (),
) -> list[LikelyName]:
    """Capitalised "First Surname" pairs that look like somebody's full name.

    1. A capitalised word that gender-guesser knows as a first name, unless it is an
       everyday English word ("Will", "May", "Summer", "Art"), a title, a month or a day.
    2. Then, after whitespace or a CamelCase join, a capitalised word that is not a common
       English word ("Sports Day", "Summer Fair"), a month or a day, nor a short
       all-capitals acronym ("Oliver PE kit").
    3. A hashtag counts when its letters split into such a first name and a census surname
       ("#oliverbrown"); anything left over ("#oliverbrownrocks") does not.
    4. Overlapping pairs merge ("Amelia Rose Smith"). Spans overlapping ``exclude_spans``
       (the register's own hits) or an ``allowed`` phrase (the school's own name, a place
       such as "Milton Keynes") are left out.

    ``first_names`` and ``surnames`` come from the register
    (:meth:`NameIndex.find_likely_full_names` passes them): its first names add those the
    list lacks ("Alfie"), and its surnames count even where they are words ("Park").
    """
    register = _RegisterNames(
        frozenset(map(name_key, first_names)), frozenset(map(name_key, surnames))
    )
    return _likely_full_names(text, exclude_spans, register, allowed)


def _likely_full_names(
    text: str,
    exclude_spans: Iterable[tuple[int, int]],
    register: _RegisterNames,
    allowed: Collection[str],
) -> list[LikelyName]:
    excluded = list(exclude_spans)
    spans: list[tuple[int, int]] = []
    for folded in fold_variants(text):  # R20: Unicode disguises undone, spans mapped back
        plain = folded.text
        # No cuts at invisible characters here: "Pri\u200bya" is one capitalised word.
        atoms = _tokenise(plain)
        excluded.extend(folded.span(s, e) for s, e in _phrase_spans(atoms, allowed))
        found = [*_likely_pairs(plain, atoms, register), *_likely_tag_names(plain, register)]
        spans.extend(folded.span(s, e) for s, e in found)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [
        LikelyName(start, end, text[start:end])
        for start, end in ((s, _span_end(text, e)) for s, e in merged)
        if not _overlaps(start, end, excluded)
    ]


def _likely_pairs(text: str, atoms: _Atoms, register: _RegisterNames) -> Iterator[tuple[int, int]]:
    for i in range(len(atoms) - 1):
        if not (atoms.caps[i] and atoms.caps[i + 1]) or atoms.joins[i + 1] > _Join.SPACE:
            continue  # both capitalised, joined by whitespace or CamelCase only
        if not _starts_word(atoms, i, after_hyphen=False):
            continue
        if not _likely_first(atoms.norms[i], register):
            continue
        end, surname = _surname_end(atoms, i + 1)
        written = text[atoms.starts[i + 1] : atoms.ends[end]]
        shouting = text[atoms.starts[i] : atoms.ends[i]].isupper()
        if written.isupper() and len(written) <= 4 and not shouting:
            continue  # an acronym: "Oliver PE kit"
        if _likely_surname(surname, register):
            yield atoms.starts[i], atoms.ends[end]


def _likely_tag_names(text: str, register: _RegisterNames) -> Iterator[tuple[int, int]]:
    census = word_lists().surnames
    for letters, offsets in _tags(text):
        for cut in range(2, len(letters) - 1):
            rest = letters[cut:]
            if (rest in census or rest in register.surnames) and _likely_first(
                letters[:cut], register
            ):
                yield offsets[0], offsets[-1] + 1
                break


def _phrase_spans(atoms: _Atoms, phrases: Collection[str]) -> Iterator[tuple[int, int]]:
    """Where any of ``phrases`` stands in the text, matched by name key like register names."""
    keys = {name_key(phrase) for phrase in phrases}
    keys.discard("")
    if not keys:
        return
    max_words = max(_word_count(phrase) for phrase in phrases) + 1
    for i in range(len(atoms)):
        for j, key in _windows(atoms, i, max_words):
            if key in keys:
                yield atoms.starts[i], atoms.ends[j]
