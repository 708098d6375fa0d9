"""The on-disk embedding cache the cross-validation reads (``screening/embeddings.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moderation.screening import embeddings
from moderation.screening.encoder import encoder


def test_cached_embeddings_are_each_texts_own_in_the_order_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_EMBEDDINGS", str(tmp_path))
    first = embeddings.embeddings(["well done year 6", "watch your back"])
    again = embeddings.embeddings(["watch your back", "see you at the fair", "well done year 6"])
    expected = np.stack([encoder().embed(t) for t in ("watch your back", "see you at the fair")])
    assert again[:2] == pytest.approx(expected, abs=1e-5)
    assert again[2] == pytest.approx(first[0], abs=0)
    assert len(list(tmp_path.rglob("chunk-*.npz"))) == 2  # the second call embedded one text
