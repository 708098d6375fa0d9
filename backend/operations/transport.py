"""The embedded broker: kombu's filesystem transport with atomic writes (issue 13).

Kombu's own filesystem transport creates a message file and then writes into it, and the
consumer moves files out of the folder without taking the writer's lock, so a worker can
read a file that is still empty: ``JSONDecodeError('Expecting value: line 1 column 1')``,
"Unrecoverable error", and the worker is gone while the web server goes on serving. Its
exchange tables (written by every queue bind, read by every publish) have the same race.

Here every file is written beside its folder under a name no reader looks at and renamed
into place (``os.replace`` is atomic on one filesystem), so a reader sees a whole file or
none. The worker also runs without remote control, mingle and gossip (backend/celery.py),
so no pidbox broadcasts are written at all. Chosen over kombu's SQLAlchemy transport on
SQLite by the soak test (docs/operations.md): no new dependency and no second SQLite file
contending for locks with the application database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from time import monotonic
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, filesystem, virtual
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

#: The scheme of the embedded broker's URL (``embeddedfs://``).
SCHEME = "embeddedfs"


def _write_atomically(folder: str, name: str, data: bytes) -> None:
    """Write ``data`` to ``folder/name`` so no reader ever sees part of it."""
    fd, staging = tempfile.mkstemp(dir=folder, prefix=".staging-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
        os.replace(staging, os.path.join(folder, name))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staging)
        raise


class Channel(filesystem.Channel):
    # Kombu's two base classes disagree on the argument's name; this is filesystem's.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put a message on ``queue``: the file appears complete or not at all. (Readers
        only take names ending in ``.<queue>.msg``, never the staging name.)"""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        try:
            _write_atomically(self.data_folder_out, name, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {name!r} to directory") from exc

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        """Add a binding to the exchange's table, rewriting the table atomically under an
        exclusive lock on a separate lock file (readers of the table take no lock)."""
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(exist_ok=True)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        lock_path = self.control_folder / f".{exchange}.lock"
        with open(lock_path, "a+b") as lock_file:
            filesystem.lock(lock_file, filesystem.LOCK_EX)
            try:
                queues = self.get_table(exchange)
                if binding in queues:
                    return
                queues.insert(0, binding)
                _write_atomically(str(self.control_folder), file.name, str_to_bytes(dumps(queues)))
            finally:
                filesystem.unlock(lock_file)

    def _delete(
        self, queue: str, exchange: str, routing_key: str, pattern: str, *args: Any, **kwargs: Any
    ) -> None:
        """Remove a binding (the queue's messages go as in kombu), the same atomic way."""
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern)
        file = self._exchange_file(exchange)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        lock_path = self.control_folder / f".{exchange}.lock"
        with open(lock_path, "a+b") as lock_file:
            filesystem.lock(lock_file, filesystem.LOCK_EX)
            try:
                queues = self.get_table(exchange)
                if binding not in queues:
                    return
                queues.remove(binding)
                _write_atomically(str(self.control_folder), file.name, str_to_bytes(dumps(queues)))
            finally:
                filesystem.unlock(lock_file)


class Transport(filesystem.Transport):
    Channel = Channel
    driver_type = driver_name = SCHEME


TRANSPORT_ALIASES.setdefault(SCHEME, "backend.operations.transport:Transport")
