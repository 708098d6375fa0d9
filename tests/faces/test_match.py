"""The per-worker cache of decrypted enrolments (speed only: who is matched is decided by
the caller on every check), and the gallery's float32 screening (the same answers as a
float64 scan of every enrolment)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from backend.faces.match import DecodedCache, Gallery, Version, match_face


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


def _full_scan(gallery: Gallery[int], probe: np.ndarray) -> tuple[int, float, float | None]:
    """The answer of scanning every enrolment in float64 (the previous matcher)."""
    distances = gallery.distances(probe)
    best = int(np.argmin(distances))
    others = distances[gallery.codes != gallery.codes[best]]
    return best, float(distances[best]), float(others.min()) if others.size else None


def test_the_float32_screen_finds_the_same_nearest_faces_as_a_float64_scan() -> None:
    rng = np.random.default_rng(4)
    encodings = rng.normal(0, 0.09, size=(3000, 128))
    gallery = Gallery([(i // 3, enc) for i, enc in enumerate(encodings)])  # 3 a person
    for n in range(40):
        probe = encodings[n * 70] + rng.normal(0, 0.01 * (n % 5), 128)
        best, distance, second = gallery.nearest_two(probe)
        want_best, want_distance, want_second = _full_scan(gallery, probe)
        assert best == want_best
        # float64 rounding of a row-subset product vs the whole matrix: below 1e-7
        assert distance == pytest.approx(want_distance, abs=1e-7)
        assert second == pytest.approx(want_second, abs=1e-7)


def test_of_two_identical_enrolments_the_first_is_the_nearest_as_before() -> None:
    twin = np.full(128, 0.05)
    gallery = Gallery([(1, np.zeros(128)), (2, twin), (3, twin.copy())])
    best, distance, second = gallery.nearest_two(twin + 1e-4)
    assert best == 1 and second == pytest.approx(distance)


def test_a_gallery_of_one_person_has_no_second_distance() -> None:
    gallery = Gallery([(5, np.zeros(128)), (5, np.full(128, 0.01))])
    match = match_face(np.full(128, 0.01), gallery, face_px=100)
    assert match.key == 5 and match.second_distance is None and match.reason == "matched"
