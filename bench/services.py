"""The services some benchmarks need (PostgreSQL, Redis, gunicorn, a Celery worker), found
from the environment, and started and stopped around one benchmark.

- ``DATABASE_URL`` (or ``BENCH_DATABASE_URL``, which wins): the PostgreSQL server and the
  database to use, default ``postgres://postgres@127.0.0.1:5432/bench``. The database is
  created and migrated when missing and is the benchmarks' own: a name without "bench" in
  it gets ``_bench`` appended, so pointing the variable at a real database never touches it.
- ``REDIS_URL``: the broker for the Celery worker, default ``redis://127.0.0.1:6379/0``.

A service that cannot be reached makes :class:`ServiceMissing`; the benchmark then reports
its metrics with value None and the reason, and the others still run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SETTINGS = "bench.settings"


class ServiceMissing(RuntimeError):
    """PostgreSQL or Redis is not reachable, so a metric is reported as not measured."""


def database_url() -> str:
    """The benchmarks' own PostgreSQL database (see the module docstring)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "bench"
    if "bench" not in name:
        name = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def _connect_params(url: str, dbname: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": dbname,
        "connect_timeout": 3,
    }


def reset_database(url: str, *, drop: bool) -> None:
    """Create the benchmarks' database if missing (dropping it first when ``drop``)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    try:
        conn = psycopg.connect(**_connect_params(url, "postgres"), autocommit=True)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise ServiceMissing(f"PostgreSQL unreachable at {urlsplit(url).netloc}: {exc}") from exc
    with conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise ServiceMissing(f"Redis unreachable at {url}: {exc}") from exc


def server_env(url: str, *, media_root: str, queue: str) -> dict[str, str]:
    """The environment of a process of the system under test (web or worker)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url(),
        "CELERY_BROKER_URL": redis_url(),
        "CELERY_RESULT_BACKEND": redis_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PRIVATE_MEDIA_ROOT": media_root,
        "DJANGO_DEBUG": "false",
        # Persistent connections, as docs/performance.md tells production to run: opening
        # a PostgreSQL connection per request costs more than the queue query itself.
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
    }


def django_on_postgres(*, queue: str | None = None) -> dict[str, str]:
    """Configure Django in this process on the benchmarks' PostgreSQL database (created and
    migrated if needed). Returns the environment for servers and workers to share."""
    url = database_url()
    reset_database(url, drop=False)
    env = server_env(
        url,
        media_root=tempfile.mkdtemp(prefix="bench-media-"),
        queue=queue or f"bench-{uuid.uuid4().hex[:8]}",
    )
    os.environ.update({k: env[k] for k in env if k != "DJANGO_DEBUG"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and its worker processes (Linux /proc)."""
        return tree_cpu_seconds(self.pid)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (not grandchildren)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid] + [int(c) for c in children.read_text().split()] if children.exists() else [pid]
    total = 0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 3, threads: int = 1) -> Iterator[Server]:
    """gunicorn serving the product as production does (sync workers)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "backend.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(f"{base}/healthz", server)
        yield Server(url=base, pid=server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered (503 is fine: no beat runs during a benchmark)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def celery_worker(
    env: dict[str, str], *, concurrency: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker on Redis consuming the benchmark's own queue."""
    check_redis(env["CELERY_BROKER_URL"])
    queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "backend",
        "worker",
        "--pool=prefork" if concurrency > 1 else "--pool=solo",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{queue}@%h",
    ]
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        purge_queue(env)


def purge_queue(env: dict[str, str]) -> None:
    """Drop what is left on the benchmark's queue, so nothing runs in a later worker."""
    import redis

    with contextlib.suppress(redis.RedisError):  # no broker, nothing left to drop
        redis.Redis.from_url(env["CELERY_BROKER_URL"]).delete(env["CELERY_TASK_DEFAULT_QUEUE"])
