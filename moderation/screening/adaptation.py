"""Learning from a school's moderators: the semantic screener adjusted by their corrections.

A moderator's "Reclassify" says a comment was ordinary, or harmful with a given label. From a
school's corrections ``fit`` builds a ``SchoolAdaptation``:

1. **Thresholds**: per label, the model's threshold is moved (within ``SHIFT_RANGE`` of the
   base threshold at the school's sensitivity) to the value that gets most of the school's
   corrections for that label right; ties keep the base threshold.
2. **Similar comments**: each corrected comment is kept as an exemplar; a new comment whose
   feature vector is at least ``SIMILARITY`` (cosine) to one takes its corrected verdict for the
   semantic screener (an ordinary one silences the model; a harmful one adds its label). The
   rules are never overridden: a slur or a phone number is held whatever a correction said.

``compare`` measures a base and a candidate configuration on held-out comments the same way
the screener runs (``screen_comment``) and ``is_worse`` says whether the candidate lost:
the refit installs nothing that does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Cosine of the character-and-word vectors at which a new comment counts as "similar" to a
# corrected one: a word or two changed ("What is he saying?!" / "what is she saying??").
SIMILARITY = 0.75
SHIFT_RANGE = (0.5, 2.0)  # a refitted threshold stays within these multiples of the base
_STEPS = 31
TOLERANCE = 1e-9


Vector = Mapping[int, float]  # a comment's l2-normalised sparse features (``semantic``)


def cosine(a: Vector, b: Vector) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(weight * large.get(column, 0.0) for column, weight in small.items())


@dataclass(frozen=True)
class Correction:
    """A moderator's verdict on one comment: ``labels`` empty means ordinary."""

    text: str  # the text the model reads (``screeners.semantic_input``)
    labels: tuple[str, ...]
    probabilities: Mapping[str, float]  # the base model's, before any adaptation


@dataclass(frozen=True)
class SchoolAdaptation:
    thresholds: Mapping[str, float] = field(default_factory=dict)  # label -> probability
    exemplar_texts: tuple[str, ...] = ()
    exemplar_labels: tuple[tuple[str, ...], ...] = ()
    similarity: float = SIMILARITY

    def nearest(
        self, vector: Vector, vectorise: Callable[[str], Vector]
    ) -> tuple[tuple[str, ...], float] | None:
        """The corrected verdict of the most similar corrected comment, if similar enough."""
        best: tuple[tuple[str, ...], float] | None = None
        for text, labels in zip(self.exemplar_texts, self.exemplar_labels, strict=True):
            similarity = cosine(vector, vectorise(text))
            if similarity >= self.similarity and (best is None or similarity > best[1]):
                best = labels, similarity
        return best


def _refit_threshold(label: str, base: float, corrections: Sequence[Correction]) -> float:
    """The threshold within ``SHIFT_RANGE`` of ``base`` that gets most corrections right."""
    scores = np.array([c.probabilities[label] for c in corrections])
    wanted = np.array([label in c.labels for c in corrections])
    relevant = wanted | ~np.array([bool(c.labels) for c in corrections])
    if not relevant.any():
        return base
    low, high = SHIFT_RANGE
    candidates = np.unique(np.clip(np.geomspace(base * low, base * high, _STEPS), 0.01, 0.99))

    def errors(threshold: float) -> int:
        held = scores >= threshold
        return int(((held != wanted) & relevant).sum())

    best = min(candidates, key=lambda t: (errors(float(t)), abs(float(t) - base)))
    return base if errors(base) <= errors(float(best)) else float(best)


def fit(
    corrections: Sequence[Correction], base_thresholds: Mapping[str, float]
) -> SchoolAdaptation:
    """A school's adaptation from its corrections (see the module docstring)."""
    if not corrections:
        return SchoolAdaptation()
    thresholds = {
        label: _refit_threshold(label, base, corrections) for label, base in base_thresholds.items()
    }
    changed = {label: t for label, t in thresholds.items() if t != base_thresholds[label]}
    return SchoolAdaptation(
        thresholds=changed,
        exemplar_texts=tuple(c.text for c in corrections),
        exemplar_labels=tuple(c.labels for c in corrections),
    )


@dataclass(frozen=True)
class Measurement:
    comments: int
    harmful: int
    recall_harmful_held: float
    false_hold_rate: float

    @property
    def utility(self) -> float:
        """Harmful held minus ordinary held: one number that goes down when either side
        gets worse by more than the other gets better."""
        return self.recall_harmful_held - self.false_hold_rate

    def as_dict(self) -> dict[str, float | int]:
        return {
            "comments": self.comments,
            "harmful": self.harmful,
            "recall_harmful_held": round(self.recall_harmful_held, 4),
            "false_hold_rate": round(self.false_hold_rate, 4),
        }


def measure(held: Sequence[bool], harmful: Sequence[bool]) -> Measurement:
    held_harmful = [h for h, bad in zip(held, harmful, strict=True) if bad]
    held_ordinary = [h for h, bad in zip(held, harmful, strict=True) if not bad]
    return Measurement(
        comments=len(held),
        harmful=len(held_harmful),
        recall_harmful_held=sum(held_harmful) / max(1, len(held_harmful)),
        false_hold_rate=sum(held_ordinary) / max(1, len(held_ordinary)),
    )


def compare(
    screen: Callable[[str, SchoolAdaptation | None], str],
    reference: Sequence[tuple[str, bool]],
    candidate: SchoolAdaptation,
    current: SchoolAdaptation | None,
) -> tuple[Measurement, Measurement]:
    """(current, candidate) measured on held-out ``(text, harmful)`` pairs; ``screen`` returns
    the verdict of one text under an adaptation."""
    harmful = [bad for _, bad in reference]
    before = [screen(text, current) != "ok" for text, _ in reference]
    after = [screen(text, candidate) != "ok" for text, _ in reference]
    return measure(before, harmful), measure(after, harmful)


def is_worse(before: Measurement, after: Measurement) -> bool:
    return after.utility < before.utility - TOLERANCE
