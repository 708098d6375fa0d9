"""A CONSENT_ENDED_HANDLERS target for tests: remembers every call."""

from __future__ import annotations

CALLS: list[tuple[int, str]] = []


def remember(*, person_id: int, reason: str) -> None:
    CALLS.append((person_id, reason))


def explode(*, person_id: int, reason: str) -> None:
    raise RuntimeError("takedown service unavailable")
