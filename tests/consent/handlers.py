"""Consent-ended handlers for tests, and a way to swap the registry for a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from consent.handlers import (
    ConsentEndedHandler,
    consent_ended_handler_register,
    consent_ended_handler_unregister,
    consent_ended_handlers,
)

CALLS: list[tuple[int, str]] = []


def remember(*, person_id: int, reason: str) -> None:
    CALLS.append((person_id, reason))


def explode(*, person_id: int, reason: str) -> None:
    raise RuntimeError("takedown service unavailable")


@contextmanager
def consent_ended_handlers_replaced(*handlers: ConsentEndedHandler) -> Iterator[None]:
    """Only `handlers` are registered inside the block (none: no handler runs); the
    handlers registered before come back afterwards, in their order."""
    saved = consent_ended_handlers()
    for handler in saved:
        consent_ended_handler_unregister(handler)
    for handler in handlers:
        consent_ended_handler_register(handler)
    try:
        yield
    finally:
        for handler in consent_ended_handlers():
            consent_ended_handler_unregister(handler)
        for handler in saved:
            consent_ended_handler_register(handler)
