"""The one normaliser for typed text and given dates (issue 16 item 4)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from backend.common.errors import InvalidInput
from backend.common.normalise import (
    check_date_of_birth,
    check_dpia_signed_at,
    check_schedule,
    clean_text,
)


def test_it_strips_format_and_control_characters_and_trims() -> None:
    assert clean_text(" Dee\u200b O\u2019Neill\x07 ", field="dpo_name") == "Dee O\u2019Neill"


def test_it_stores_one_composed_form() -> None:
    assert clean_text("Zoe\u0301", field="name") == "Zo\u00e9"


def test_it_keeps_line_breaks_and_tabs_only_where_the_field_is_multi_line() -> None:
    assert clean_text("one\r\n\ttwo", field="note", multiline=True) == "one\n\ttwo"
    assert clean_text("one\n\ttwo", field="name") == "onetwo"


@pytest.mark.parametrize("value", ["", "   ", "\u200b\u200d", "\x00\x1b", "\u202e"])
def test_it_refuses_a_required_value_empty_after_normalising(value: str) -> None:
    with pytest.raises(InvalidInput) as err:
        clean_text(value, field="dpo_name")
    assert err.value.field == "dpo_name"


def test_it_refuses_a_value_over_the_length_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        clean_text("x" * 11, field="reference", max_length=10)
    assert err.value.field == "reference"


@pytest.mark.parametrize("year", [389, 1999])
def test_it_refuses_a_dpia_signed_before_2000(year: int) -> None:
    with pytest.raises(InvalidInput) as err:
        check_dpia_signed_at(datetime.datetime(year, 6, 1, tzinfo=datetime.UTC))
    assert err.value.field == "signed_at"


def test_it_refuses_a_dpia_signed_after_tomorrow() -> None:
    with pytest.raises(InvalidInput):
        check_dpia_signed_at(timezone.now() + datetime.timedelta(days=3))


def test_it_accepts_a_dpia_signed_today() -> None:
    check_dpia_signed_at(timezone.now())


@pytest.mark.parametrize("born", [datetime.date(2999, 1, 1), datetime.date(1899, 12, 31)])
def test_it_refuses_a_date_of_birth_outside_1900_to_today(born: datetime.date) -> None:
    with pytest.raises(InvalidInput) as err:
        check_date_of_birth(born)
    assert err.value.field == "date_of_birth"


def test_it_refuses_a_schedule_more_than_a_year_ahead() -> None:
    with pytest.raises(InvalidInput) as err:
        check_schedule(datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC))
    assert err.value.field == "scheduled_at"


def test_it_accepts_a_schedule_within_the_year() -> None:
    check_schedule(timezone.now() + datetime.timedelta(days=300))
