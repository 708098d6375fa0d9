"""Likely full names of people outside the register ("Isla Park", "#oliverbrown")."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from backend.common.textfold import fold_variants

from .data import LikelyName
from .keys import name_key
from .tokens import (
    Atoms,
    Join,
    overlaps,
    span_end,
    starts_word,
    tags,
    tokenise,
    windows,
    word_count,
)
from .tuning import CALENDAR_WORDS, MIN_CAMEL_PREFIX, TITLES
from .wordlists import known_first_names, word_lists


@dataclass(frozen=True)
class RegisterNames:
    """Name keys from the register, trusted as names whatever the word lists say."""

    first_names: Collection[str]
    surnames: Collection[str]


def _likely_first(key: str, register: RegisterNames) -> bool:
    """A first name, not an everyday word ("Will"), title ("King") or month ("June").

    A pupil called Summer does not make "Summer Fayre" a name, so the register adds first
    names the list lacks ("Alfie") but never overrides the everyday words.
    """
    if len(key) < 2 or key in TITLES or key in CALENDAR_WORDS:
        return False
    if key in word_lists().everyday_words:
        return False
    return key in register.first_names or key in known_first_names()


def _likely_surname(key: str, register: RegisterNames) -> bool:
    """Not a common word ("Sports Day") nor a month or day; a title is fine ("Oliver King").

    Being a first name does not save a common word: "Ramadan Mubarak" is a greeting.
    """
    if len(key) < 2 or key in CALENDAR_WORDS:
        return False
    return key in register.surnames or key not in word_lists().common_words


def _surname_end(atoms: Atoms, start: int) -> tuple[int, str]:
    """Extend a capitalised surname over "O'|Brien", "Smith-|Jones" and "Mc|Donald"."""
    end, key = start, atoms.norms[start]
    while end + 1 < len(atoms) and atoms.caps[end + 1]:
        join = atoms.joins[end + 1]
        if join == Join.PUNCT or (join == Join.CAMEL and len(atoms.norms[end]) < MIN_CAMEL_PREFIX):
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
    register = RegisterNames(
        frozenset(map(name_key, first_names)), frozenset(map(name_key, surnames))
    )
    return likely_full_names(text, exclude_spans, register, allowed)


def likely_full_names(
    text: str,
    exclude_spans: Iterable[tuple[int, int]],
    register: RegisterNames,
    allowed: Collection[str],
) -> list[LikelyName]:
    excluded = list(exclude_spans)
    spans: list[tuple[int, int]] = []
    for folded in fold_variants(text):  # R20: Unicode disguises undone, spans mapped back
        plain = folded.text
        # No cuts at invisible characters here: "Pri\u200bya" is one capitalised word.
        atoms = tokenise(plain)
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
        for start, end in ((s, span_end(text, e)) for s, e in merged)
        if not overlaps(start, end, excluded)
    ]


def _likely_pairs(text: str, atoms: Atoms, register: RegisterNames) -> Iterator[tuple[int, int]]:
    for i in range(len(atoms) - 1):
        if not (atoms.caps[i] and atoms.caps[i + 1]) or atoms.joins[i + 1] > Join.SPACE:
            continue  # both capitalised, joined by whitespace or CamelCase only
        if not starts_word(atoms, i, after_hyphen=False):
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


def _likely_tag_names(text: str, register: RegisterNames) -> Iterator[tuple[int, int]]:
    census = word_lists().surnames
    for letters, offsets in tags(text):
        for cut in range(2, len(letters) - 1):
            rest = letters[cut:]
            if (rest in census or rest in register.surnames) and _likely_first(
                letters[:cut], register
            ):
                yield offsets[0], offsets[-1] + 1
                break


def _phrase_spans(atoms: Atoms, phrases: Collection[str]) -> Iterator[tuple[int, int]]:
    """Where any of ``phrases`` stands in the text, matched by name key like register names."""
    keys = {name_key(phrase) for phrase in phrases}
    keys.discard("")
    if not keys:
        return
    max_words = max(word_count(phrase) for phrase in phrases) + 1
    for i in range(len(atoms)):
        for j, key in windows(atoms, i, max_words):
            if key in keys:
                yield atoms.starts[i], atoms.ends[j]
