"""``names_check_ms``: the R4 names check of a 2,000-character post against a 50,000-person
trust register, beside a per-name regex loop measured in the same process.

The check is what ``moderation.checks.evaluate`` runs on a field beside an identifiable face:
registered full names, likely full names of people outside the register, and capitalised
first names, on the school's index taken from the per-school cache (built once, rebuilt
when the register changes: ``moderation.checks.names.cache``). The baseline compiles one
case-insensitive ``first last`` pattern per name form beforehand (not timed) and searches
the text with each; it finds only plain "First Last" forms, so it does strictly less.
Register names are generated (50 first names x 1,000 generated surnames, fixed seed).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import time
from typing import Any

from bench.metrics import metric
from bench.names_bench import FIRST_NAMES, PREFERRED, SURNAMES, make_text
from moderation.checks.names import NameIndex, RegisterPerson

TRUST_PEOPLE = 50_000
TEXT_CHARS = 2_000
SYLLABLES = ("Ash", "Brad", "Cal", "Dun", "Elm", "Fair", "Glen", "Hart", "Kirk", "Lang")
ENDINGS = ("ford", "ley", "ton", "wick", "more", "by", "field", "well", "stone", "wood")


def trust_register(size: int = TRUST_PEOPLE, seed: int = 5) -> list[RegisterPerson]:
    """``size`` people: real-looking surnames plus generated ones, every first name."""
    surnames = list(SURNAMES) + [
        f"{a}{b}{c}" for a in SYLLABLES for b in ("", "en", "er") for c in ENDINGS
    ]
    surnames += [f"{s}-{t}" for s, t in zip(surnames, reversed(surnames), strict=True)]
    rng = random.Random(seed)
    people = []
    for key in range(1, size + 1):
        first = rng.choice(FIRST_NAMES)
        firsts = (first, PREFERRED[first]) if first in PREFERRED else (first,)
        people.append(RegisterPerson(key, firsts, rng.choice(surnames)))
    return people


def names_check(index: NameIndex, text: str, in_photo: set[int]) -> int:
    """The three searches R4 runs on one field (first names only of the people identified
    in the photo, as ``evaluate`` asks); returns how many hits they made."""
    full = index.find_full_names(text)
    spans = [(h.start, h.end) for h in full]
    likely = index.find_likely_full_names(text, exclude_spans=spans)
    return len(full) + len(likely) + len(index.find_first_names(text, only=in_photo))


def regex_baseline(people: list[RegisterPerson]) -> list[tuple[int, re.Pattern[str]]]:
    return [
        (p.key, re.compile(rf"\b{re.escape(first)}\s+{re.escape(p.last_name)}\b", re.IGNORECASE))
        for p in people
        for first in p.first_names
    ]


def _median_ms(action: Any, repeats: int) -> float:
    return _medians_ms(action, repeats)[0]


def _medians_ms(action: Any, repeats: int) -> tuple[float, float]:
    """Median wall and median CPU milliseconds of ``repeats`` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def run(repeats: int = 50) -> dict[str, Any]:
    from moderation.checks.names.cache import index_for
    from moderation.checks.names.tokens import tokenise

    people = trust_register()
    text, mentioned = make_text(people[:2_000], chars=TEXT_CHARS)
    start = time.perf_counter()
    index = index_for("trust", people)
    build_ms = (time.perf_counter() - start) * 1000
    reread = [RegisterPerson(p.key, p.first_names, p.last_name) for p in people]
    start = time.perf_counter()
    assert index_for("trust", reread) is index  # a worker re-reads the register each check
    cached_ms = (time.perf_counter() - start) * 1000
    in_photo = {people[0].key, people[1].key}
    hits = names_check(index, text, in_photo)

    def one_check() -> None:
        tokenise.cache_clear()  # each check is of a new text: no tokens from the last one
        names_check(index_for("trust", people), text, in_photo)

    value, cpu = _medians_ms(one_check, repeats)
    patterns = regex_baseline(people)
    found: list[int] = []

    def baseline() -> None:
        found[:] = [key for key, pattern in patterns if pattern.search(text)]

    base = _median_ms(baseline, 3)
    full_found = {h.key for h in index.find_full_names(text)}
    return {
        "metrics": [
            metric(
                "names_check_ms",
                value,
                "ms",
                n=repeats,
                baseline=f"{len(patterns)} precompiled per-name regexes (median of 3)",
                baseline_value=base,
                notes=(
                    f"{len(text)}-char post, {len(people)}-person register; index from the "
                    f"per-school cache (cold build {build_ms:.0f} ms; a hit with a re-read "
                    f"register {cached_ms:.1f} ms, not in the value); CPU {cpu:.2f} ms; "
                    f"{hits} hits; full names mentioned {len(set(mentioned))}, found "
                    f"{len(set(mentioned) & full_found)} "
                    f"vs regex {len(set(mentioned) & set(found))}"
                ),
                digits=2,
            )
        ]
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
