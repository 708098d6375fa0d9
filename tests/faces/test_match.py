"""The per-worker cache of decrypted enrolments (speed only: who is matched is decided by
the caller on every check)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from backend.faces.match import DecodedCache, Version


class Loader:
    def __init__(self) -> None:
        self.calls: list[tuple[Version, ...]] = []

    def __call__(self, versions: Sequence[Version]) -> list[tuple[int, np.ndarray]]:
        self.calls.append(tuple(versions))
        return [(pk, np.full(128, float(pk))) for pk, _ in versions]


def test_it_decodes_a_schools_enrolments_once_while_they_stay_the_same() -> None:
    cache: DecodedCache[int] = DecodedCache()
    load = Loader()

    first = cache.get("school-1", [(2, "b"), (1, "a")], load)
    again = cache.get("school-1", [(1, "a"), (2, "b")], load)

    assert load.calls == [((1, "a"), (2, "b"))]
    assert [k for k, _ in first] == [k for k, _ in again] == [1, 2]


def test_it_decodes_again_when_an_enrolment_is_added_removed_or_replaced() -> None:
    cache: DecodedCache[int] = DecodedCache()
    load = Loader()
    cache.get("school-1", [(1, "a")], load)

    cache.get("school-1", [(1, "a"), (2, "b")], load)  # added
    cache.get("school-1", [(2, "b")], load)  # removed or no longer allowed
    entries = cache.get("school-1", [(2, "new photo")], load)  # replaced

    assert len(load.calls) == 4
    assert [k for k, _ in entries] == [2]


def test_it_keeps_schools_apart() -> None:
    cache: DecodedCache[int] = DecodedCache()
    load = Loader()

    cache.get("school-1", [(1, "a")], load)
    cache.get("school-2", [(1, "a")], load)

    assert len(load.calls) == 2
