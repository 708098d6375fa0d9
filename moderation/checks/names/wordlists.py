"""The word lists behind likely names: gender-guesser's first names, wordfreq's English
words and the US Census surnames, each derived once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from .keys import name_key
from .tuning import COMMON_FREQUENCY, EVERYDAY_FREQUENCY, NAME_SHARE_RATIO


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
