"""Benchmark of the names check (R4): index build, search speed, and list memory.

Run ``python -m bench.names_bench`` (or call :func:`run`). Every number is measured on this
machine when it runs; nothing is estimated. The register and the texts are generated from
the small sets of diverse UK school names below, with a fixed seed, so runs compare.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from moderation.checks import names
from moderation.checks.names import NameIndex, RegisterPerson, name_key

FIRST_NAMES: tuple[str, ...] = (
    "Amelia", "Oliver", "Siobhán", "Oluwaseun", "Zoë", "Mohammed", "Chloé", "Jan", "Aisha",
    "Noah", "Isla", "Muhammad", "Freya", "Kwame", "Priya", "Harpreet", "Ffion", "Rhys",
    "Niamh", "Cian", "Eilidh", "Callum", "Wiktoria", "Jakub", "Mei", "Wei", "Yusuf", "Maryam",
    "Chidi", "Adaeze", "José", "Inês", "Luca", "Giulia", "Tomasz", "Zainab", "Ibrahim",
    "Olamide", "Ama", "Kofi", "Aoife", "Seren", "Dylan", "Grace", "Leo", "Ava", "Elif",
    "Mehmet", "Anh", "Sofia",
)  # fmt: skip

PREFERRED: dict[str, str] = {
    "Oluwaseun": "Seun", "Mohammed": "Mo", "Wiktoria": "Wiki", "Olamide": "Lami",
    "Muhammad": "Hamza", "Zainab": "Zee", "Giulia": "Jules",
}  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Smith", "O'Neill", "Adeyemi-Johnson", "Al-Hassan", "Dubois", "de Vries", "Jones",
    "Begum", "Patel", "Khan", "Williams", "Taylor", "Davies", "Evans", "Brown", "Wilson",
    "Okafor", "Mensah", "Nowak", "Kowalski", "Nguyen", "Chen", "Singh", "Kaur", "Hussain",
    "Ahmed", "Rahman", "Murphy", "O'Brien", "McDonald", "MacLeod", "Campbell", "Jenkins",
    "Hughes", "Owen", "Llewellyn", "Yılmaz", "Demir", "Rossi", "Ferreira", "Silva",
    "Smith-Jones", "Osei", "Boateng", "Abubakar", "Kapoor", "Sharma", "Chowdhury", "Islam",
    "Wright", "Green", "Thompson", "Robinson", "Clarke", "Walker", "Lewis", "Ali", "Shah",
    "Mahmood", "Wiśniewski",
)  # fmt: skip

FILLER: tuple[str, ...] = (
    "Well done Year 6 for a fantastic Sports Day!",
    "Happy Christmas from everyone at Oakfield Primary.",
    "Thank you Mrs Patel and Mr Smith for running the Summer Fair.",
    "Our Reception class visited Chester Zoo on Tuesday and loved the penguins.",
    "Please remember that PE kits are needed on Monday and Thursday.",
    "The Year 4 choir sang beautifully at the Harvest Festival.",
    "World Book Day was a huge success, with costumes from The Gruffalo everywhere.",
    "Parents' Evening appointments open next week on the school app.",
    "Forest School sessions continue after half term, so wellies please.",
    "Congratulations to our netball team, who reached the county final.",
)

VISITORS: tuple[str, ...] = ("Julia Donaldson", "Marcus Rashford", "Tom Fletcher")

TEXT_CHARS = 10_000
REGISTER_SIZE = 2_000
REPEATS = 20


def make_register(size: int, seed: int = 7) -> list[RegisterPerson]:
    """``size`` people with distinct name pairs; some have a preferred first name too."""
    pairs = [(first, last) for first in FIRST_NAMES for last in SURNAMES]
    if size > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct people")
    random.Random(seed).shuffle(pairs)
    return [
        RegisterPerson(key, (first, PREFERRED[first]) if first in PREFERRED else (first,), last)
        for key, (first, last) in enumerate(pairs[:size], start=1)
    ]


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", " ").split())


def _mention(person: RegisterPerson, rng: random.Random) -> str:
    """One way a post writes a full name: plain, possessive, shouted, hashtag, split lines."""
    first, last = rng.choice(person.first_names), person.last_name
    forms: tuple[Callable[[], str], ...] = (
        lambda: f"{first} {last}",
        lambda: f"{first} {last}'s",
        lambda: f"{first.upper()} {last.upper()}",
        lambda: "#" + _camel(first) + _camel(last),
        lambda: "#" + name_key(first) + name_key(last),
        lambda: f"{first}\n{last}",
    )
    return rng.choice(forms)()


def make_text(
    people: Sequence[RegisterPerson], chars: int = TEXT_CHARS, seed: int = 11
) -> tuple[str, list[int]]:
    """School-post prose of about ``chars`` characters with register names sprinkled in.

    Returns the text and the key of each person mentioned by full name, in order.
    """
    rng = random.Random(seed)
    parts: list[str] = []
    mentioned: list[int] = []
    size = 0
    while size < chars:
        roll = rng.random()
        if roll < 0.35:
            person = rng.choice(people)
            mentioned.append(person.key)
            sentence = f"A big well done to {_mention(person, rng)} for their hard work."
        elif roll < 0.5:
            sentence = f"{rng.choice(rng.choice(people).first_names)} read a poem in assembly."
        elif roll < 0.55:
            sentence = f"Our visiting author {rng.choice(VISITORS)} signed books."
        else:
            sentence = rng.choice(FILLER)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts), mentioned


def _best_of(repeats: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls, and the last result."""
    timings = []
    result = None
    for _ in range(repeats):
        began = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), result


def _cold_load(load: Any) -> dict[str, float]:
    """Load time of a cached loader from cold, then its memory (tracemalloc) from cold again.

    Timed apart because tracemalloc slows allocation several-fold. The timed load also
    imports the data packages, so the memory figures are the lists alone: kept is what
    stays for the life of the process, peak adds the parsers' temporary tables.
    """
    load.cache_clear()
    began = time.perf_counter()
    load()
    seconds = time.perf_counter() - began
    load.cache_clear()
    tracemalloc.start()
    try:
        load()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {
        "load_seconds": round(seconds, 3),
        "kept_mib": round(kept / 2**20, 2),
        "peak_mib": round(peak / 2**20, 2),
    }


def _search(label: str, text: str, find: Callable[[str], list[Any]]) -> dict[str, float]:
    seconds, found = _best_of(REPEATS, lambda: find(text))
    return {
        f"{label}_found": len(found),
        f"{label}_ms": round(seconds * 1000, 3),
        f"{label}_names_per_second": round(len(found) / seconds),
        f"{label}_chars_per_second": round(len(text) / seconds),
    }


def run() -> dict[str, Any]:
    """Measure and return every figure; see the module docstring."""
    first_names_memory = _cold_load(names.known_first_names)
    word_lists_memory = _cold_load(names.word_lists)

    people = make_register(REGISTER_SIZE)
    trust = make_register(len(FIRST_NAMES) * len(SURNAMES))
    build_seconds, index = _best_of(5, lambda: NameIndex.build(people))
    trust_build_seconds, _ = _best_of(3, lambda: NameIndex.build(trust))
    text, mentioned = make_text(people)
    full_hits = index.find_full_names(text)
    spans = [(hit.start, hit.end) for hit in full_hits]

    return {
        "register_size": len(people),
        "build_ms": round(build_seconds * 1000, 2),
        "trust_register_size": len(trust),
        "trust_build_ms": round(trust_build_seconds * 1000, 2),
        "text_chars": len(text),
        "full_names_mentioned": len(mentioned),
        "full_names_missed": len(set(mentioned) - {hit.key for hit in full_hits}),
        **_search("full", text, index.find_full_names),
        **_search("first", text, index.find_first_names),
        **_search("likely", text, lambda t: index.find_likely_full_names(t, exclude_spans=spans)),
        "first_name_list": {"names": len(names.known_first_names()), **first_names_memory},
        "word_lists": {
            "common_words": len(names.word_lists().common_words),
            "census_surnames": len(names.word_lists().surnames),
            **word_lists_memory,
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
