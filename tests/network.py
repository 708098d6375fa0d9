"""Tests never reach the internet: platform calls must meet a local fake."""

import socket
from typing import Any

import pytest

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def forbid_network(monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    """Any connection beyond loopback fails loudly, naming ``who`` forbade it (PostgreSQL
    and Redis are reached through libpq or on loopback, so they are unaffected)."""
    real_connect = socket.socket.connect

    def connect_locally(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOOPBACK:
            raise OSError(f"{who}: no network ({host})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect_locally)
