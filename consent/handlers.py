"""Who is told when someone's consent ends (R10): a registry filled in code.

The app that owes work when a person's consent ends (withdrawal, refusal, objection, expiry,
leaving, a safeguarding flag, erasure) registers a handler from its `AppConfig.ready()`:

    from consent.handlers import consent_ended_handler_register
    consent_ended_handler_register(takedown_for_person)

`consent.services.consent_end_handlers_run` calls every registered handler with
`(person_id=..., reason=...)` for each recorded consent end. Handlers must be idempotent:
a retry tells them again. Wiring lives in code, not in an environment variable, so no
configuration value can silently switch the takedown off.
"""

from __future__ import annotations

from typing import Protocol


class ConsentEndedHandler(Protocol):
    """Work owed when a person's consent ends; `reason` is one of consent's REASON_* values."""

    def __call__(self, *, person_id: int, reason: str) -> None: ...


_HANDLERS: list[ConsentEndedHandler] = []


def consent_ended_handler_register(handler: ConsentEndedHandler) -> ConsentEndedHandler:
    """Add a handler (once: registering it again changes nothing). Returns it, so it can be
    used as a decorator."""
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)
    return handler


def consent_ended_handler_unregister(handler: ConsentEndedHandler) -> None:
    """Remove a handler if it is registered (tests swap handlers with this)."""
    if handler in _HANDLERS:
        _HANDLERS.remove(handler)


def consent_ended_handlers() -> tuple[ConsentEndedHandler, ...]:
    """The registered handlers, in registration order."""
    return tuple(_HANDLERS)


def consent_ended_handler_name(handler: ConsentEndedHandler) -> str:
    """A dotted name for logs and error messages."""
    module = getattr(handler, "__module__", "?")
    return f"{module}.{getattr(handler, '__qualname__', repr(handler))}"
