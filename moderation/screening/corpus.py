"""The training and evaluation data of the semantic screener, and the fixed split between them.

Two kinds of comment are read:

* **Real comments**: ``train.csv.gz`` (38,617 human-written, human-labelled comments from
  Civil Comments, Latent Hatred, ConvAbuse and the SMS Spam Collection; licences and
  attributions in docs/screening.md). It is not committed: it is read from
  ``../shared/data/comments`` beside the repository, or from ``SCREENING_CORPUS``.
* **School comments**: the project's own hand-written sets in ``tests/fixtures/comments``.
  ``eval.jsonl`` and ``blind*.jsonl`` are held out; the rest is training data.

The real corpus is split once, before any training, stratified by source and label with a
fixed seed: ``HELDOUT_SHARE`` for evaluation only and ``CALIBRATION_SHARE`` of it for
calibrating scores and choosing thresholds. The split is committed as row hashes
(``data/corpus_split.tsv``, no text), so it is reproducible and the raw text stays out of the
repository. ``python -m moderation.screening.corpus`` writes it (and refuses to change it
unless told to).

Training comments that equal an evaluation comment, exactly or nearly (same letters and
digits once case, spacing and punctuation are dropped, or most word trigrams shared), are
dropped from training (``drop_near_copies``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from moderation.screening.types import ScreeningConfig, Span

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "comments"
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "comments" / "train.csv.gz"
SPLIT_PATH = Path(__file__).resolve().parent / "data" / "corpus_split.tsv"
HELDOUT_SHARE = 0.20  # of each (source, label) stratum: evaluation only
CALIBRATION_SHARE = 0.20  # of the rest: calibration and thresholds, never fitted on
SEED = 20261205
# The school's own training sets; eval.jsonl and blind*.jsonl are held out.
SCHOOL_TRAINING_FILES = (
    "dev.jsonl",
    "train_extra.jsonl",
    "train_round4.jsonl",
    "train_round5.jsonl",
    "train_round6.jsonl",
)
SCHOOL_HELDOUT_FILES = ("eval", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8")
HELD_OUT_NAME = re.compile(r"^(eval|blind)")
# The corpus says "ok"; the product's ordinary comment has no label.
REAL_LABELS = {"ok": (), "profanity": ("profanity",), "hate": ("hate",),
               "sexual": ("sexual",), "spam": ("spam",)}  # fmt: skip
REAL_SOURCES = frozenset({"civil_comments_toxic_spans", "civil_comments_sample", "implicit_hate",
                          "convabuse", "sms_spam_collection"})  # fmt: skip
NEAR_COPY_OVERLAP = 0.8  # share of word trigrams two texts have in common
TRAIN, CALIBRATE, HELDOUT = "train", "calibrate", "heldout"


@dataclass(frozen=True)
class Example:
    text: str
    labels: tuple[str, ...]
    source: str

    @property
    def harmful(self) -> bool:
        return bool(self.labels)


def corpus_path() -> Path:
    return Path(os.environ.get("SCREENING_CORPUS", DEFAULT_CORPUS))


def row_hash(text: str) -> str:
    """The id of a corpus row in the committed split: its text's SHA-256, first 12 digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_corpus(path: Path | None = None) -> list[Example]:
    path = path or corpus_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the human-labelled corpus lives in ../shared/data/comments "
            "beside the repository (or set SCREENING_CORPUS)"
        )
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return [
            Example(row["text"], REAL_LABELS[row["label"]], row["source"])
            for row in csv.DictReader(handle)
        ]


def read_school(name: str) -> list[Example]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [Example(r["text"], tuple(r["labels"]), r["source"]) for r in records]


def demo_school() -> ScreeningConfig:
    """The school the fixtures were written for (``context.json``), as the bench builds it."""
    context = json.loads((FIXTURES / "context.json").read_text(encoding="utf-8"))
    names = "|".join(r"\s+".join(map(re.escape, n.split())) for n in context["register"])
    pattern = re.compile(rf"\b(?:{names})(?:'s)?\b", re.IGNORECASE)

    def find(text: str) -> list[Span]:
        return [m.span() for m in pattern.finditer(text)]

    return ScreeningConfig(
        allowed_words=context["allowed_words"],
        name_finder=find,
        staff_names=context["staff_names"],
        allowed_contacts=context["school_contacts"],
        allowed_domains=context["allowed_domains"],
    )


def make_split(examples: list[Example]) -> dict[str, str]:
    """Row hash -> part, stratified by (source, label), seeded: the same file gives the same
    split on any machine."""
    strata: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for example in examples:
        strata[(example.source, example.labels)].append(row_hash(example.text))
    rng = random.Random(SEED)
    parts: dict[str, str] = {}
    for key in sorted(strata):
        ids = sorted(set(strata[key]))
        rng.shuffle(ids)
        held = round(len(ids) * HELDOUT_SHARE)
        calibrate = round((len(ids) - held) * CALIBRATION_SHARE)
        for i, row in enumerate(ids):
            parts[row] = HELDOUT if i < held else CALIBRATE if i < held + calibrate else TRAIN
    return parts


def write_split(parts: dict[str, str], corpus_sha256: str, out: Path = SPLIT_PATH) -> None:
    lines = [f"# corpus sha256 {corpus_sha256}; seed {SEED}; python -m moderation.screening.corpus"]
    # Training rows are the rest, so only the other two parts are listed.
    lines += [f"{row}\t{part}" for row, part in sorted(parts.items()) if part != TRAIN]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_split(path: Path = SPLIT_PATH) -> dict[str, str]:
    rows = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in rows if line and not line.startswith("#"))


def corpus_parts(path: Path | None = None) -> dict[str, list[Example]]:
    """The real corpus by part, as committed in ``data/corpus_split.tsv``."""
    split = read_split()
    parts: dict[str, list[Example]] = {TRAIN: [], CALIBRATE: [], HELDOUT: []}
    for example in read_corpus(path):
        parts[split.get(row_hash(example.text), TRAIN)].append(example)
    return parts


# --- near copies ----------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalised(text: str) -> str:
    """Lower-case letters and digits, single-spaced: case, spacing and punctuation dropped."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _trigrams(key: str) -> frozenset[tuple[str, ...]]:
    words = key.split()
    return frozenset(zip(words, words[1:], words[2:], strict=False))


class NearCopyIndex:
    """Finds texts equal to, or nearly equal to, any of the indexed (evaluation) texts."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.keys: set[str] = set()
        self.compact: set[str] = set()
        self.trigrams: dict[tuple[str, ...], list[frozenset[tuple[str, ...]]]] = defaultdict(list)
        for text in texts:
            key = normalised(text)
            self.keys.add(key)
            self.compact.add(key.replace(" ", ""))
            grams = _trigrams(key)
            for gram in grams:
                self.trigrams[gram].append(grams)

    def exact(self, text: str) -> bool:
        return normalised(text) in self.keys

    def near(self, text: str) -> bool:
        key = normalised(text)
        if key in self.keys or key.replace(" ", "") in self.compact:
            return True
        grams = _trigrams(key)
        if len(grams) < 3:
            return False
        for gram in grams:
            for other in self.trigrams.get(gram, ()):
                shared = len(grams & other)
                if shared >= NEAR_COPY_OVERLAP * min(len(grams), len(other)):
                    return True
        return False


def drop_near_copies(
    examples: list[Example], index: NearCopyIndex
) -> tuple[list[Example], list[Example]]:
    """(kept, dropped): every example that is a near copy of an indexed text is dropped."""
    kept: list[Example] = []
    dropped: list[Example] = []
    for example in examples:
        (dropped if index.near(example.text) else kept).append(example)
    return kept, dropped


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the fixed split of the real corpus.")
    parser.add_argument("--force", action="store_true", help="overwrite an existing split")
    args = parser.parse_args()
    path = corpus_path()
    if SPLIT_PATH.exists() and not args.force:
        raise SystemExit(f"{SPLIT_PATH} exists; the split is fixed (use --force to remake it)")
    examples = read_corpus(path)
    parts = make_split(examples)
    write_split(parts, file_sha256(path))
    counts: dict[str, int] = defaultdict(int)
    for part in parts.values():
        counts[part] += 1
    print(json.dumps({"wrote": str(SPLIT_PATH), **counts}))


if __name__ == "__main__":
    main()
