"""Identification: comparing a face's encoding with a gallery of enrolments (no Django).

Unknown stays unknown (R2): a face is identified only when the evidence is clear, and the
gallery holds only enrolments the caller may use (R3 is the caller's filter).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)


SCREEN_SLACK = 1e-3
"""Squared-distance margin of the float32 screening pass (see Gallery.nearest_two)."""

MatchReason = Literal["matched", "no_gallery", "too_far", "ambiguous", "too_small"]


@dataclass(frozen=True)
class Match(Generic[K]):
    """The outcome of comparing one face with the gallery.

    key is None unless the face is identified. distance is to the nearest enrolment;
    second_distance to the nearest enrolment of a DIFFERENT person (None if there is none).
    """

    key: K | None
    distance: float | None
    second_distance: float | None
    reason: MatchReason


class Gallery(Generic[K]):
    """Enrolled encodings stacked once into a matrix, for fast repeated matching."""

    def __init__(self, entries: Sequence[tuple[K, np.ndarray]]) -> None:
        self.keys: list[K] = [key for key, _ in entries]
        self.matrix = (
            np.stack([np.asarray(enc, dtype=np.float64) for _, enc in entries])
            if entries
            else np.empty((0, 128))
        )
        codes: dict[K, int] = {}
        self.codes = np.array([codes.setdefault(k, len(codes)) for k in self.keys], dtype=int)
        self.squared_norms = np.einsum("ij,ij->i", self.matrix, self.matrix)
        # Half the bytes to read per face: matching is bound by memory, not arithmetic.
        self.matrix32 = self.matrix.astype(np.float32)
        self.squared_norms32 = self.squared_norms.astype(np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def distances(self, encoding: np.ndarray) -> np.ndarray:
        """Euclidean distance from encoding to every enrolment.

        |a - b|^2 = |a|^2 - 2 a.b + |b|^2 needs one matrix-vector product and no
        gallery-sized temporary (allocating one per call was the slow part).
        """
        probe = np.asarray(encoding, dtype=np.float64)
        squared = self.squared_norms - 2.0 * (self.matrix @ probe) + probe @ probe
        return np.sqrt(np.maximum(squared, 0.0))

    def nearest_two(self, encoding: np.ndarray) -> tuple[int, float, float | None]:
        """The nearest enrolment (index, distance) and the distance to the nearest
        enrolment of a different person (None if there is none): the same answer as
        :meth:`distances` in float64, at about a third of its cost.

        A float32 pass over the whole gallery finds the few candidates within
        ``SCREEN_SLACK`` of each minimum (float32's error on these sums is below 1e-5, far
        inside the slack); only those are measured again in float64, so the reported
        distances and any tie (the lowest index wins, as ``argmin``) are float64's.
        """
        probe = np.asarray(encoding, dtype=np.float64)
        # |a - b|^2 - |a|^2: the probe's own norm is the same for every row.
        approx = self.squared_norms32 - 2.0 * (self.matrix32 @ probe.astype(np.float32))
        near = np.flatnonzero(approx <= approx.min() + SCREEN_SLACK)
        exact = self._exact(near, probe)
        best = int(near[int(np.argmin(exact))])
        best_distance = float(exact.min())
        other = self.codes != self.codes[best]
        if not other.any():
            return best, best_distance, None
        others = np.where(other, approx, np.inf)
        candidates = np.flatnonzero(others <= others.min() + SCREEN_SLACK)
        return best, best_distance, float(self._exact(candidates, probe).min())

    def _exact(self, rows: np.ndarray, probe: np.ndarray) -> np.ndarray:
        squared = self.squared_norms[rows] - 2.0 * (self.matrix[rows] @ probe) + probe @ probe
        return np.sqrt(np.maximum(squared, 0.0))


def match_face(
    encoding: np.ndarray,
    gallery: Gallery[K] | Sequence[tuple[K, np.ndarray]],
    *,
    face_px: int,
    tolerance: float = 0.5,
    margin: float = 0.05,
    min_identify_px: int = 60,
) -> Match[K]:
    """Identify a face only when the evidence is clear; otherwise it goes to tagging (R2).

    Identified when: the face is at least min_identify_px tall in the original (every false
    match seen was a small face), the nearest enrolment is within tolerance (0.6, the
    library default, matched strangers), and the nearest DIFFERENT person is at least
    `margin` further away (right and wrong distances overlap near 0.5). Several enrolments
    of the same person never make each other ambiguous. Distances are always reported.
    """
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    if len(g) == 0:
        return Match(key=None, distance=None, second_distance=None, reason="no_gallery")
    best, best_distance, second = g.nearest_two(encoding)

    reason: MatchReason
    if face_px < min_identify_px:
        reason = "too_small"
    elif best_distance > tolerance:
        reason = "too_far"
    elif second is not None and second - best_distance < margin:
        reason = "ambiguous"
    else:
        reason = "matched"
    key = g.keys[best] if reason == "matched" else None
    return Match(key=key, distance=best_distance, second_distance=second, reason=reason)


Version = tuple[int, str]
"""An enrolment as the cache knows it: (id, hash of its photo)."""


class DecodedCache(Generic[K]):
    """Decrypted enrolment encodings kept in this worker process, one entry per scope.

    For a scope (a school) the cache holds the encodings of exactly one set of enrolment
    versions ((id, photo hash) pairs): asked for a different set (an enrolment added,
    deleted, replaced, or no longer allowed) it
    decodes that set afresh and forgets the old one, so nothing withdrawn lingers past the
    next check of that school. The caller decides WHICH enrolments are allowed every time
    (R3 is never cached); only the decryption of unchanged rows is saved, and, through
    :meth:`gallery`, stacking them into a matrix again. Thread-safe.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[tuple[Version, ...], list[tuple[K, np.ndarray]]]] = {}
        self._galleries: dict[Hashable, tuple[tuple[Version, ...], Gallery[K]]] = {}
        self._lock = threading.Lock()

    def gallery(
        self,
        scope: Hashable,
        versions: Sequence[Version],
        load: Callable[[Sequence[Version]], list[tuple[K, np.ndarray]]],
    ) -> Gallery[K]:
        """The prepared Gallery of these enrolment versions: built once per set in this
        process (14 ms at 20,000 enrolments, every check before), rebuilt when the set
        changes, as :meth:`get`."""
        key = tuple(sorted(versions))
        with self._lock:
            cached = self._galleries.get(scope)
        if cached is not None and cached[0] == key:
            return cached[1]
        gallery = Gallery(self.get(scope, key, load))
        with self._lock:
            self._galleries[scope] = (key, gallery)
        return gallery

    def get(
        self,
        scope: Hashable,
        versions: Sequence[Version],
        load: Callable[[Sequence[Version]], list[tuple[K, np.ndarray]]],
    ) -> list[tuple[K, np.ndarray]]:
        """The decoded entries for these enrolment versions, via load() when they changed."""
        key = tuple(sorted(versions))
        with self._lock:
            cached = self._entries.get(scope)
        if cached is not None and cached[0] == key:
            return list(cached[1])
        entries = load(key)
        with self._lock:
            self._entries[scope] = (key, entries)
        return list(entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._galleries.clear()
