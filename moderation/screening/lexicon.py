"""Load the packaged word lists and phrase rules (``data/*.txt``) and compile them to regexes.

Two kinds of data file, both UTF-8, ``#`` starting a comment:

Word lists (``profanity.txt``, ``slurs.txt``, ``sexual_words.txt``, ``allowed.txt``), one entry a
line. ``word`` matches the whole word (and its plural), ``word*`` a word starting with it,
``*word`` a word ending with it, ``*word*`` anywhere inside a word. Whole-word matching is what
keeps "Scunthorpe", "assess" and "class" clean. Each entry becomes a pattern that also matches
the usual disguises on top of what folding already undid: repeated letters (``fuuuck``), one
symbol between letters (``f.u.c.k``, ``f-u-c-k``), a starred-out letter (``f*ck``, ``c**t``)
and letters spaced out one by one (``f u c k``).

Rule files (``threat.txt``, ``hate.txt``, ...) hold regular expressions run against the folded
text, grouped under directives::

    @reason threatens to hurt someone
    @score 0.9
    @unless <regex>        # optional: the block is skipped when this matches the comment
    {I_WILL} (?:stab|batter) {TARGET}

``{NAME}`` expands a macro from ``macros.txt`` (``NAME = regex``; macros may use macros), so a
vocabulary such as the words for a child is written once and shared by every rule file; a
``NAME = regex`` line inside a rule file defines a macro for that file only. Directives apply to
the lines after them until the next ``@reason``/``@score`` (``@unless`` to the next block only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

_DATA = "moderation.screening.data"
_WILDCARD = "[*#%]"
_SEPARATOR = r"[._\-~'\"^,:;|+=/\\]?"
_SPACED_GAP = r"[\s._\-*,]+"
_BEFORE = r"(?<![a-z0-9])"
_AFTER = r"(?![a-z0-9])"
_WORD_START = re.compile(r"(?<![a-z0-9])[a-z]")
_MACRO = re.compile(r"\{([A-Z_]+)\}")
_DEFINITION = re.compile(r"^([A-Z_]+)\s+=\s+(.+)$")


@cache
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a packaged data file."""
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


# --- word lists ---------------------------------------------------------------------------


def _letter(char: str, *, first: bool) -> str:
    if not ("a" <= char <= "z"):
        return re.escape(char)
    return f"{char}+" if first else f"(?:{char}+|{_WILDCARD})"


def _compact(word: str) -> str:
    """``fuck`` -> f+ ?(u+|*) ?(c+|*) ?(k+|*), one optional separator between letters."""
    return _SEPARATOR.join(_letter(char, first=index == 0) for index, char in enumerate(word))


def _entry_pattern(entry: str) -> str:
    prefix_ok = entry.startswith("*")
    suffix_ok = entry.endswith("*")
    core = entry.strip("*").casefold()
    words = core.split()
    body = r"[\s\W_]+".join(_compact(word) for word in words)
    alternatives = [body]
    if len(words) == 1 and len(core) >= 3 and core.isalpha():
        alternatives.append(_SPACED_GAP.join(core))
    joined = "|".join(alternatives)
    head = "[a-z]*?" if prefix_ok else ""
    tail = "[a-z]*" if suffix_ok else rf"(?:e?s)?{_AFTER}"
    return f"{head}(?:{joined}){tail}"


@dataclass(frozen=True)
class WordList:
    """A compiled word list. Matching is tried only where a word starts, which is several
    times faster than letting one big alternation search every position of the comment."""

    pattern: re.Pattern[str]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        resume = 0
        for start in _WORD_START.finditer(text):
            if start.start() < resume:
                continue
            match = self.pattern.match(text, start.start())
            if match:
                resume = match.end()
                yield match


def compile_words(entries: Iterable[str]) -> WordList | None:
    """One matcher for all entries (see the module docstring), or ``None`` for no entries."""
    patterns = sorted({_entry_pattern(entry) for entry in entries if entry.strip("* ")})
    if not patterns:
        return None
    return WordList(re.compile("|".join(patterns)))


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Plain phrases (allowed words), matched as whole words, case-insensitively."""
    escaped = sorted(
        {r"\s+".join(re.escape(word) for word in phrase.casefold().split()) for phrase in phrases},
        key=len,
        reverse=True,
    )
    escaped = [phrase for phrase in escaped if phrase]
    if not escaped:
        return None
    return re.compile(rf"{_BEFORE}(?:{'|'.join(escaped)}){_AFTER}")


# --- rule files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A block of alternatives that share one reason and score.

    ``unless``: if it matches anywhere in the comment, the block does not fire (a parent's
    "my daughter ... if you know what I mean" is a joke, a stranger's is not).
    """

    pattern: re.Pattern[str]
    reason: str
    score: float
    unless: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        if self.unless is not None and self.unless.search(text):
            return None
        return self.pattern.search(text)


@cache
def base_macros() -> Mapping[str, str]:
    """The shared vocabulary of ``macros.txt``."""
    return {
        match.group(1): match.group(2).strip()
        for match in map(_DEFINITION.match, read_lines("macros.txt"))
        if match
    }


def expand(pattern: str, macros: Mapping[str, str]) -> str:
    """Replace ``{NAME}`` with ``(?:macro)``, recursively."""
    for _ in range(10):
        expanded = _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise ValueError(f"macro expansion does not terminate: {pattern[:80]}")


def compile_rules(name: str, macros: Mapping[str, str]) -> tuple[Rule, ...]:
    """Compile a rule file into one alternation per ``@reason``/``@score`` block.

    A line ``NAME = regex`` defines a macro local to the file. Every alternative is anchored
    at a word start, so "skill yourself" never reads as "kill yourself".
    """
    local = dict(macros)
    rules: list[Rule] = []
    reason, score = "", 0.9
    block: list[str] = []
    unless: re.Pattern[str] | None = None

    def flush() -> None:
        nonlocal unless
        if block:
            alternation = "|".join(f"{_BEFORE}(?:{expand(p, local)})" for p in block)
            rules.append(Rule(re.compile(alternation), reason, score, unless))
            block.clear()
        unless = None

    for line in read_lines(name):
        definition = _DEFINITION.match(line)
        if definition:
            local[definition.group(1)] = definition.group(2).strip()
        elif line.startswith("@reason "):
            flush()
            reason = line.removeprefix("@reason ").strip()
        elif line.startswith("@score "):
            flush()
            score = float(line.removeprefix("@score "))
        elif line.startswith("@unless "):
            flush()
            unless = re.compile(expand(line.removeprefix("@unless ").strip(), local))
        else:
            block.append(line)
    flush()
    return tuple(rules)
