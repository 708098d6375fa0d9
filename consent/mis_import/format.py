"""The MIS CSV format: headers, aliases, answers, limits, messages, and the parsed rows.

Documented in docs/consent.md; in short, one row per person with the headers in `HEADERS`
(SIMS/Arbor report names in `ALIASES` are accepted too).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from ..models import SOCIAL_PHOTO_PURPOSES, Decision, PersonKind, Purpose

HEADERS = (
    "mis_id",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "kind",
    "year_group",
    "registration_group",
    "date_of_birth",
    "on_roll",
    "left_on",
    "consent_photo_website",
    "consent_photo_social",
    "consent_photo_x",
    "consent_photo_facebook",
    "consent_photo_instagram",
    "consent_photo_press",
    "consent_name",
    "consent_first_name",
    "consent_biometric",
    "consent_date",
)
REQUIRED_HEADERS = ("mis_id", "legal_first_name", "last_name")
CONTACT_FIELDS = ("id", "name", "relationship", "parental_responsibility", "court_order")
CONTACT_HEADER = re.compile(r"^contact(\d{1,2})_(" + "|".join(CONTACT_FIELDS) + r")$")
MAX_CONTACTS = 10

# Column names seen in SIMS and Arbor reports, normalised (lower case, spaces and dashes
# to underscores), mapped to ours.
ALIASES = {
    "upn": "mis_id",
    "admission_number": "mis_id",
    "adno": "mis_id",
    "mis_id_(upn)": "mis_id",
    "legal_forename": "legal_first_name",
    "forename": "legal_first_name",
    "first_name": "legal_first_name",
    "preferred_forename": "preferred_first_name",
    "preferred_name": "preferred_first_name",
    "legal_surname": "last_name",
    "surname": "last_name",
    "year": "year_group",
    "year_group_name": "year_group",
    "reg_group": "registration_group",
    "registration": "registration_group",
    "class": "registration_group",
    "form": "registration_group",
    "dob": "date_of_birth",
    "date_of_leaving": "left_on",
    "leaving_date": "left_on",
}

# Consent columns and the purposes each answers. Per-channel columns override the social
# column for their channel.
CONSENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "consent_photo_website": (Purpose.PHOTO_WEBSITE,),
    "consent_photo_social": SOCIAL_PHOTO_PURPOSES,
    "consent_photo_press": (Purpose.PHOTO_PRESS,),
    "consent_name": (Purpose.NAME_WITH_PHOTO,),
    "consent_first_name": (Purpose.FIRST_NAME_ONLY,),
    "consent_biometric": (Purpose.BIOMETRIC,),
    # Applied after the social column, so they win for their channel.
    "consent_photo_x": (Purpose.PHOTO_X,),
    "consent_photo_facebook": (Purpose.PHOTO_FACEBOOK,),
    "consent_photo_instagram": (Purpose.PHOTO_INSTAGRAM,),
}
KINDS = {
    "pupil": PersonKind.PUPIL,
    "student": PersonKind.PUPIL,
    "staff": PersonKind.STAFF,
    "adult": PersonKind.ADULT,
    "other_adult": PersonKind.ADULT,
    "other adult": PersonKind.ADULT,
}
TRUE = {"true", "yes", "y", "1", "t"}
FALSE = {"false", "no", "n", "0", "f"}
ANSWERS = {"granted": Decision.GRANTED, "refused": Decision.REFUSED, "": None}

MIS_EVIDENCE = (
    "MIS import #{run} ({filename}): the school's MIS records that the signed written "
    "consent is held."
)
MIS_CLEARED = "The answer was cleared in the MIS export (import #{run})."

# Messages (line-level reasons and file-level problems).
FILE_EMPTY = "The file is empty."
FILE_NOT_TEXT = "The file is not a CSV text file (UTF-8 or Windows-1252)."
MISSING_HEADERS = "The header row lacks required columns: {columns}."
DUPLICATE_HEADER = "The header row has {column!r} twice."
REQUIRED = "{column}: required."
TOO_LONG = "{column}: longer than {limit} characters."
INVISIBLE_CHARACTERS = (
    "{column}: contains invisible characters (zero-width spaces, direction marks); remove them."
)
BAD_DATE = "{column}: {value!r} is not a date in the form YYYY-MM-DD."
FUTURE_DATE = "{column}: {value} is in the future."
EARLY_DATE = "{column}: {value} is before {earliest}."
BAD_BOOL = "{column}: {value!r} is not true or false."
BAD_KIND = "kind: {value!r} is not pupil, staff or adult."
BAD_ANSWER = "{column}: {value!r} is not granted, refused or blank."
DATE_NEEDED = "consent_date: required when any consent column has an answer."
DUPLICATE_MIS_ID = "mis_id: {value!r} appears more than once in the file (lines {lines})."
WRONG_COLUMNS = "The row has {found} fields; the header has {expected}."
CONTACT_NAME_NEEDED = "contact{n}_name: required when other contact{n} columns are filled."

LIMITS = {
    "mis_id": 50,
    "legal_first_name": 100,
    "preferred_first_name": 100,
    "last_name": 100,
    "year_group": 30,
    "registration_group": 30,
}
NAME_COLUMNS = frozenset({"legal_first_name", "preferred_first_name", "last_name"})
PERSON_FIELDS = (
    "kind",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "year_group",
    "registration_group",
    "date_of_birth",
)


@dataclass
class ContactRow:
    key: str
    name: str
    relationship: str
    has_parental_responsibility: bool
    court_order: bool


@dataclass
class Row:
    line: int
    mis_id: str
    values: dict[str, Any]
    on_roll: bool
    left_on: datetime.date | None
    answers: dict[str, str | None]  # purpose -> decision or None (blank)
    consent_date: datetime.date | None
    contacts: list[ContactRow] = field(default_factory=list)


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[dict[str, Any]]
    seen_mis_ids: set[str]
    file_errors: list[str]
    ignored_headers: list[str]


PER_CHANNEL_COLUMNS = frozenset(
    {"consent_photo_x", "consent_photo_facebook", "consent_photo_instagram"}
)
