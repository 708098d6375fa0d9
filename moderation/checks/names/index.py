"""The register index: a school's people's names as dicts of name keys, searched for full
names, capitalised first names and (R16) every mention."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from backend.common.textfold import FoldedText, fold_variants

from .data import LikelyName, NameHit, RegisterPerson
from .keys import name_key
from .likely import RegisterNames, likely_full_names
from .tokens import (
    HYPHEN_SPLIT,
    JOINABLE,
    MAX_WINDOW_LETTERS,
    Atoms,
    Join,
    after_title,
    span_end,
    starts_word,
    tags,
    tokenise,
    windows,
    word_count,
)
from .tuning import MAX_MIDDLE_WORDS, MIN_MENTION_TAG_SUBSTRING, MIN_SURNAME_PART, MIN_TAG_SUBSTRING

_Keys = frozenset[int]


def _freeze(table: dict[str, set[int]]) -> dict[str, _Keys]:
    return {name: frozenset(keys) for name, keys in table.items() if name}


def _surname_variants(last_name: str) -> set[str]:
    """The whole surname, plus each long enough hyphen part ("Adeyemi-Johnson" -> Johnson)."""
    variants = {name_key(last_name)}
    parts = [name_key(part) for part in HYPHEN_SPLIT.split(last_name)]
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
    max_letters: int = MAX_WINDOW_LETTERS  # no longer key can match (bounds hostile text)

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
            max_last = max(max_last, word_count(person.last_name))
            for first_name in person.first_names:
                first = name_key(first_name)
                if not first:
                    continue
                firsts[first].add(person.key)
                max_first = max(max_first, word_count(first_name))
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
            min(longest, MAX_WINDOW_LETTERS),
        )

    def find_full_names(self, text: str) -> list[NameHit]:
        """Every registered full name in ``text``, one hit per person per place."""
        return _found_in(text, self._full_names)

    def _full_names(self, folded: FoldedText) -> set[tuple[int, int, int]]:
        """(key, start, end) in the folded text; :func:`_found_in` maps them back."""
        text = folded.text
        atoms = tokenise(text, folded.hidden)
        found: set[tuple[int, int, int]] = set()
        for i in range(len(atoms)):
            if starts_word(atoms, i, after_hyphen=False):
                for j, first in windows(atoms, i, self.max_first_words, self.max_letters):
                    keys = self.first_names.get(first)
                    if keys:
                        found.update(self._surname_after(atoms, i, j, keys))
            if i + 1 < len(atoms):
                found.update(self._surname_first(text, atoms, i))
        found.update(self._in_tags(text))
        return found

    def _surname_match(self, atoms: Atoms, start: int) -> Iterator[tuple[int, _Keys]]:
        """(last atom, keys) for each surname beginning at atom ``start``, possessive too."""
        for end, key in windows(atoms, start, self.max_surname_words, self.max_letters):
            keys = self.surnames.get(key)
            if keys is None and len(key) > 1 and key[-1] == "s":  # Smiths', Smiths
                keys = self.surnames.get(key[:-1])
            if keys:
                yield end, keys

    def _surname_after(
        self, atoms: Atoms, first_start: int, first_end: int, keys: _Keys
    ) -> Iterator[tuple[int, int, int]]:
        """Surnames of ``keys`` right after the first name or after a few middle names."""
        start = first_end + 1
        for gap in range(MAX_MIDDLE_WORDS + 1):
            at = start + gap
            if at >= len(atoms) or atoms.joins[at] not in JOINABLE:
                return
            if gap and not (atoms.caps[first_start] and atoms.caps[at - 1]):
                return  # middle names only in capitalised text: "grace in the hall"
            if gap and not starts_word(atoms, at, after_hyphen=True):
                continue  # "Amelia McDonald" is no Amelia Donald
            for end, surname_keys in self._surname_match(atoms, at):
                for key in keys & surname_keys:
                    yield key, atoms.starts[first_start], atoms.ends[end]

    def _surname_first(self, text: str, atoms: Atoms, start: int) -> Iterator[tuple[int, int, int]]:
        """Surname first, then a comma and a first name of the same person: "Smith, Amelia".

        Not after a title: "Thank you Mrs Smith, Amelia and Jack" names a teacher.
        """
        for surname_end, surname_keys in self._surname_match(atoms, start):
            first_start = surname_end + 1
            if first_start >= len(atoms) or atoms.joins[first_start] != Join.COMMA:
                continue
            if after_title(text, atoms, start):
                return
            for end, first in windows(atoms, first_start, self.max_first_words, self.max_letters):
                for key in surname_keys & self.first_names.get(first, frozenset()):
                    yield key, atoms.starts[start], atoms.ends[end]

    def _in_tags(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Full names run together inside hashtags and mentions: "#thanksameliasmith"."""
        lengths = self.tag_key_lengths
        for letters, offsets in tags(text):
            for at in range(len(letters)):
                for length in lengths:
                    if at + length > len(letters):
                        break
                    for key in self.full_names.get(letters[at : at + length], ()):
                        yield key, offsets[at], offsets[at + length - 1] + 1

    def find_first_names(self, text: str, *, only: Collection[int] | None = None) -> list[NameHit]:
        """Capitalised registered first names, one hit per person who bears the name.

        A word after a title is a surname ("Miss Rose"), so it is no pupil's first name.
        ``only``: look for these people's names alone (R4 asks about the people in the
        photos); the same hits as filtering the full answer by key, without making one hit
        per namesake in a large register (every "Amelia" of a trust, for each "Amelia").
        """
        wanted = None if only is None else frozenset(only)
        return _found_in(text, lambda folded: self._first_names(folded, wanted))

    def _first_names(
        self, folded: FoldedText, only: frozenset[int] | None = None
    ) -> set[tuple[int, int, int]]:
        text = folded.text
        atoms = tokenise(text, folded.hidden)
        found: set[tuple[int, int, int]] = set()
        for i in range(len(atoms)):
            if not atoms.caps[i] or not starts_word(atoms, i, after_hyphen=False):
                continue
            if after_title(text, atoms, i):
                continue
            for j, first in windows(atoms, i, self.max_first_words, self.max_letters):
                keys = self.first_names.get(first, frozenset())
                for key in keys if only is None else keys & only:
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
        atoms = tokenise(text, folded.hidden)
        for i in range(len(atoms)):
            if not starts_word(atoms, i, after_hyphen=True):
                continue
            for j, first in windows(atoms, i, self.max_first_words, self.max_letters):
                for key in self.first_names.get(first, ()):
                    found.add((key, atoms.starts[i], atoms.ends[j]))
        lengths = sorted({len(k) for k in self.first_names if len(k) >= MIN_MENTION_TAG_SUBSTRING})
        for letters, offsets in tags(text):
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
        register = RegisterNames(self.first_names.keys(), self.surnames.keys())
        return likely_full_names(text, exclude_spans, register, allowed)


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
    for start, neg_end, key in sorted((s, -span_end(text, e), k) for k, s, e in found):
        end = -neg_end
        if start >= last_end.get(key, -1):
            kept.append(NameHit(key, start, end, text[start:end]))
            last_end[key] = end
    return kept
