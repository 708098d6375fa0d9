"""The MIS CSV columns explained, and the template a consent administrator downloads.

The import page shows this guide beside the upload (and the template holds exactly these
headers), so the words a school reads come from the same place as the headers the parser
accepts: a test checks every header in `HEADERS` is explained here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .format import CONTACT_FIELDS, HEADERS, MAX_CONTACTS, REQUIRED_HEADERS

ANSWER = "granted, refused or blank (blank is no answer, which means no)"
TEMPLATE_CONTACTS = 2
TEMPLATE_FILENAME = "mis-import-template.csv"


@dataclass(frozen=True)
class ImportColumn:
    header: str
    mandatory: bool
    values: str
    notes: str


_EXPLAINED: dict[str, tuple[str, str]] = {
    "mis_id": ("text, up to 50 characters", "UPN, admission number or staff code"),
    "legal_first_name": ("text, up to 100 characters", ""),
    "preferred_first_name": ("text, up to 100 characters", "blank: the legal first name"),
    "last_name": ("text, up to 100 characters", ""),
    "kind": ("pupil, staff or adult", "blank: pupil"),
    "year_group": ("text, up to 30 characters", "for example Reception or Year 5"),
    "registration_group": ("text, up to 30 characters", "the class or form"),
    "date_of_birth": ("a date as YYYY-MM-DD, or blank", "not in the future"),
    "on_roll": ("true or false (also yes/no)", "blank: true; false marks the person as left"),
    "left_on": ("a date as YYYY-MM-DD, or blank", "the leaving date (blank: the import day)"),
    "consent_photo_website": (ANSWER, "photos on the school website"),
    "consent_photo_social": (ANSWER, "photos on X, Facebook and Instagram"),
    "consent_photo_x": (ANSWER, "overrides the social column for X"),
    "consent_photo_facebook": (ANSWER, "overrides the social column for Facebook"),
    "consent_photo_instagram": (ANSWER, "overrides the social column for Instagram"),
    "consent_photo_press": (ANSWER, "press and print"),
    "consent_name": (ANSWER, "full name published with a photo"),
    "consent_first_name": (ANSWER, "first name only"),
    "consent_biometric": (ANSWER, "face recognition; a grant means the written consent is held"),
    "consent_date": (
        "a date as YYYY-MM-DD",
        "the day the answers were given; required when any consent column has an answer",
    ),
}
_CONTACT_EXPLAINED: dict[str, tuple[str, str]] = {
    "id": ("text, up to 50 characters", "the MIS contact id (blank: the number N is the key)"),
    "name": ("text, up to 200 characters", "required when any other column of contact N is"),
    "relationship": ("text, up to 50 characters", "for example Mother"),
    "parental_responsibility": ("true or false", "blank: false"),
    "court_order": ("true or false", "blank: false"),
}


def import_columns() -> list[ImportColumn]:
    """Every column the import reads, in template order; contacts as ``contactN_...``."""
    people = [
        ImportColumn(header, header in REQUIRED_HEADERS, *_EXPLAINED[header]) for header in HEADERS
    ]
    contacts = [
        ImportColumn(
            f"contactN_{name}",
            False,
            _CONTACT_EXPLAINED[name][0],
            f"N is 1 to {MAX_CONTACTS}; {_CONTACT_EXPLAINED[name][1]}",
        )
        for name in CONTACT_FIELDS
    ]
    return people + contacts


def import_template_headers() -> list[str]:
    """The template's header row: every person column and two contacts' columns."""
    contacts = [
        f"contact{n}_{name}" for n in range(1, TEMPLATE_CONTACTS + 1) for name in CONTACT_FIELDS
    ]
    return [*HEADERS, *contacts]


def import_template_csv() -> str:
    """A CSV with the header row only, ready to fill in (UTF-8, CRLF as spreadsheets write)."""
    out = io.StringIO()
    csv.writer(out).writerow(import_template_headers())
    return out.getvalue()
