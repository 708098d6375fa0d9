"""Validation at the register's edges (issue 16 item 4): the DPIA gate (R19) and people's
names and dates of birth answer 400 naming the field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from consent.mis_import import mis_import_parse
from consent.mis_import.format import EARLY_DATE
from consent.models import Person


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reference": "DPIA-9", "dpo_name": "\u200b"}, "dpo_name"),
        ({"reference": "\x07\x1b", "dpo_name": "Dee Officer"}, "reference"),
        (
            {"reference": "DPIA-9", "dpo_name": "Dee Officer", "signed_at": "0389-06-01T00:00Z"},
            "signed_at",
        ),
    ],
    ids=["zero-width-dpo", "control-character-reference", "signed-in-389"],
)
def test_it_refuses_an_unreadable_dpia_and_leaves_identification_off_r19(
    api_as: Any, school: Any, head_teacher: Any, body: dict[str, str], field: str
) -> None:
    url = f"/api/schools/{school.pk}/dpia"
    response = api_as(head_teacher).post(url, body, format="json")
    assert response.status_code == 400 and response.json()["field"] == field
    assert api_as(head_teacher).get(url).json()["face_identification_enabled"] is False


def test_it_stores_the_dpia_without_invisible_characters_r19(
    api_as: Any, school: Any, head_teacher: Any
) -> None:
    url = f"/api/schools/{school.pk}/dpia"
    body = {"reference": "DPIA\u200b-9", "dpo_name": " Dee\x07 Officer "}
    assert api_as(head_teacher).post(url, body, format="json").status_code == 200
    school.refresh_from_db()
    assert (school.dpia_reference, school.dpo_name) == ("DPIA-9", "Dee Officer")


def test_it_refuses_a_person_born_in_2999(api_as: Any, school: Any, data_manager: Any) -> None:
    response = api_as(data_manager).post(
        f"/api/schools/{school.pk}/people",
        {"legal_first_name": "Noor", "last_name": "Ali", "date_of_birth": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "date_of_birth"
    assert not Person.objects.filter(last_name="Ali").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("date_of_birth", "2999-01-01"), ("last_name", "\x07\x08"), ("legal_first_name", "\u200b")],
    ids=["born-in-2999", "control-characters-name", "zero-width-name"],
)
def test_it_refuses_a_person_change_that_is_out_of_range_or_blank(
    api_as: Any, data_manager: Any, pupil: Person, field: str, value: str
) -> None:
    before = Person.objects.values().get(pk=pupil.pk)
    response = api_as(data_manager).patch(f"/api/people/{pupil.pk}", {field: value}, format="json")
    assert response.status_code == 400 and response.json()["field"] == field
    assert Person.objects.values().get(pk=pupil.pk) == before


def test_it_stores_names_composed_and_trimmed(api_as: Any, school: Any, data_manager: Any) -> None:
    response = api_as(data_manager).post(
        f"/api/schools/{school.pk}/people",
        {"legal_first_name": "Zoe\u0301\x07", "last_name": "Ali"},
        format="json",
    )
    assert response.status_code == 201
    assert Person.objects.get(last_name="Ali").legal_first_name == "Zo\u00e9"


def test_it_reports_an_imported_date_of_birth_before_1900() -> None:
    parsed = mis_import_parse(
        b"mis_id,legal_first_name,last_name,date_of_birth\nN1,Noor,Ali,1850-01-01\n"
    )
    assert parsed.rows == []
    assert parsed.errors[0]["errors"] == [
        EARLY_DATE.format(column="date_of_birth", value="1850-01-01", earliest="1900-01-01")
    ]
