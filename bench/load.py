"""A small open-loop HTTP load generator (no new dependency: threads and requests).

Open loop: request i is due at start + i / rate whether or not earlier ones have answered,
as real users arrive; its latency is counted from when it was DUE, not from when a free
thread sent it, so a server that falls behind shows it in the percentiles instead of
silently slowing the generator down (coordinated omission).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests

from .metrics import percentile

GIVE_UP_S = 5.0


@dataclass(frozen=True)
class LoadResult:
    rate: float
    seconds: float
    latencies_ms: list[float]
    errors: int
    client_cpu_s: float = 0.0  # the generator's own CPU (this process), to show it kept up

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95) if self.latencies_ms else float("inf")

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50) if self.latencies_ms else float("inf")


def open_loop(
    *,
    rate: float,
    seconds: float,
    sessions: Sequence[requests.Session],
    request: Callable[[requests.Session, int], requests.Response],
    threads: int = 48,
) -> LoadResult:
    """Send ``rate`` requests a second for ``seconds``, request i through sessions[i % n];
    a response other than 2xx, or an exception, is an error."""
    total = int(rate * seconds)
    due: queue.Queue[int | None] = queue.Queue()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    cpu = time.process_time()

    def work() -> None:
        nonlocal errors
        while (i := due.get()) is not None:
            scheduled = start + i / rate
            ok = False
            if time.perf_counter() - scheduled > GIVE_UP_S:
                # So far behind that a user would have given up: an error, not sent, so an
                # overloaded server does not stretch the run by draining a backlog.
                with lock:
                    latencies.append(GIVE_UP_S * 1000)
                    errors += 1
                continue
            try:
                response = request(sessions[i % len(sessions)], i)
                ok = 200 <= response.status_code < 300
            except requests.RequestException:
                ok = False
            elapsed_ms = (time.perf_counter() - scheduled) * 1000
            with lock:
                latencies.append(elapsed_ms)
                errors += not ok

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for i in range(total):
        pause = start + i / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put(i)
    for _ in pool:
        due.put(None)
    for t in pool:
        t.join()
    return LoadResult(
        rate=rate,
        seconds=seconds,
        latencies_ms=latencies,
        errors=errors,
        client_cpu_s=time.process_time() - cpu,
    )
