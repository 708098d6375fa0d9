"""Sentence embeddings of training and evaluation comments, cached on disk (never committed).

Embedding the ~50,000 comments the training script reads takes a quarter of an hour on one
free core, so each distinct text is embedded once and kept under ``SCREENING_EMBEDDINGS``
(``/tmp/screening-embeddings`` unless set): chunk files of (text id, 384 float32s), keyed by
the SHA-256 of the text as the model reads it and of the encoder's weights, so a changed
encoder never reuses stale vectors. ``python -m moderation.screening.embeddings`` fills the
cache for the training and calibration comments (what ``crossval.py`` reads).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from moderation.screening.encoder import encoder

CHUNK = 1024  # texts embedded and saved at a time, so an interrupted run keeps its work


def cache_dir() -> Path:
    root = Path(os.environ.get("SCREENING_EMBEDDINGS", "/tmp/screening-embeddings"))
    path = root / encoder().weights_sha256[:16]
    path.mkdir(parents=True, exist_ok=True)
    return path


def text_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _load(path: Path) -> dict[str, NDArray[np.float32]]:
    vectors: dict[str, NDArray[np.float32]] = {}
    for chunk in sorted(path.glob("chunk-*.npz")):
        with np.load(chunk) as arrays:
            vectors.update(zip(arrays["ids"].tolist(), arrays["vectors"], strict=True))
    return vectors


def embeddings(texts: Sequence[str], *, progress: bool = False) -> NDArray[np.float32]:
    """(texts, 384): each text's MiniLM embedding, from the cache or computed and cached."""
    path = cache_dir()
    known = _load(path)
    missing = sorted({text_id(t): t for t in texts if text_id(t) not in known}.items())
    started = time.perf_counter()
    for begin in range(0, len(missing), CHUNK):
        batch = missing[begin : begin + CHUNK]
        vectors = encoder().embed_batch([text for _, text in batch])
        ids = np.array([key for key, _ in batch])
        name = path / f"chunk-{time.time_ns()}.npz"
        np.savez(name.with_suffix(".tmp.npz"), ids=ids, vectors=vectors)
        name.with_suffix(".tmp.npz").rename(name)  # whole chunks only
        known.update(zip(ids.tolist(), vectors, strict=True))
        if progress:
            done = begin + len(batch)
            rate = done / (time.perf_counter() - started)
            print(f"embedded {done}/{len(missing)} ({rate:.0f}/s)", file=sys.stderr, flush=True)
    out = np.zeros((len(texts), encoder().dim), dtype=np.float32)
    for row, text in enumerate(texts):
        out[row] = known[text_id(text)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.parse_args()
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    from moderation.screening import corpus, train

    threadpool_limits(1)
    config = corpus.demo_school()
    data = train.training_data()
    texts = [e.text for e in data.train + data.calibrate]
    embeddings(train.model_inputs(texts, config), progress=True)


if __name__ == "__main__":
    main()
