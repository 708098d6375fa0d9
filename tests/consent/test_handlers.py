"""The consent-ended handler registry (R10): wiring in code, not in settings."""

from __future__ import annotations

from consent.handlers import (
    consent_ended_handler_name,
    consent_ended_handler_register,
    consent_ended_handler_unregister,
    consent_ended_handlers,
)
from tests.consent import handlers


def test_it_calls_handlers_in_the_order_they_were_registered() -> None:
    consent_ended_handler_register(handlers.remember)
    consent_ended_handler_register(handlers.explode)

    assert consent_ended_handlers() == (handlers.remember, handlers.explode)


def test_it_registers_a_handler_once_however_often_it_is_registered() -> None:
    consent_ended_handler_register(handlers.remember)
    consent_ended_handler_register(handlers.remember)

    assert consent_ended_handlers() == (handlers.remember,)


def test_it_forgets_an_unregistered_handler() -> None:
    consent_ended_handler_register(handlers.remember)
    consent_ended_handler_unregister(handlers.remember)

    assert consent_ended_handlers() == ()


def test_it_gives_the_previous_handlers_back_after_a_replacement() -> None:
    consent_ended_handler_register(handlers.remember)
    with handlers.consent_ended_handlers_replaced(handlers.explode):
        assert consent_ended_handlers() == (handlers.explode,)

    assert consent_ended_handlers() == (handlers.remember,)


def test_it_names_a_handler_by_its_dotted_path_for_the_logs() -> None:
    assert consent_ended_handler_name(handlers.remember) == "tests.consent.handlers.remember"
