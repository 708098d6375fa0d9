"""One normaliser for what people type and the dates they give, applied at the edges
(services), so every caller (API, admin, command, import) gets the same rules
(issue 16 item 4).

Text: format characters (Unicode category Cf: zero-width spaces, direction marks) and
control characters (Cc) are invisible, so a value made only of them looks blank to a
reader while the database holds something; they are removed (line breaks and tabs kept
where the field is multi-line), the text is NFC-normalised so the same name is stored one
way, and trimmed. A required value that is empty after that is refused, naming the field.

Dates: a typing slip (year 389, 2999, 9999) must not pass as a real date, so each kind of
date has a sane window.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.utils import timezone

from .errors import InvalidInput
from .textfold import is_invisible

TEXT_EMPTY = "Fill in {field}: it is empty (or holds only invisible characters)."
TEXT_TOO_LONG = "{field} is too long: at most {max_length} characters."
DATE_OUT_OF_RANGE = "{field} must be between {earliest} and {latest}."

EARLIEST_DPIA = datetime.date(2000, 1, 1)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
SCHEDULE_HORIZON = datetime.timedelta(days=366)

_MULTILINE_KEEP = frozenset("\n\t")


def _label(field: str) -> str:
    return field.replace("_", " ")


def _is_hidden(ch: str, *, multiline: bool) -> bool:
    if multiline and ch in _MULTILINE_KEEP:
        return False
    return unicodedata.category(ch) == "Cc" or is_invisible(ch)


def clean_text(
    value: str | None,
    *,
    field: str,
    required: bool = True,
    multiline: bool = False,
    max_length: int | None = None,
) -> str:
    """`value` without format/control characters, NFC-normalised and trimmed; raises
    InvalidInput naming `field` when required and empty, or longer than `max_length`."""
    text = value or ""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if not _is_hidden(ch, multiline=multiline))
    text = unicodedata.normalize("NFC", text).strip()
    if required and not text:
        raise InvalidInput(TEXT_EMPTY.format(field=_label(field)), field=field)
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(
            TEXT_TOO_LONG.format(field=_label(field).capitalize(), max_length=max_length),
            field=field,
        )
    return text


def _check_window(
    value: datetime.date, *, field: str, earliest: datetime.date, latest: datetime.date
) -> None:
    if not earliest <= value <= latest:
        raise InvalidInput(
            DATE_OUT_OF_RANGE.format(
                field=_label(field).capitalize(), earliest=_day(earliest), latest=_day(latest)
            ),
            field=field,
        )


def check_dpia_signed_at(value: datetime.datetime, *, field: str = "signed_at") -> None:
    """A DPIA is signed on or after 2000-01-01 and not later than tomorrow (time zones)."""
    latest = timezone.localdate() + datetime.timedelta(days=1)
    _check_window(_as_date(value), field=field, earliest=EARLIEST_DPIA, latest=latest)


def check_date_of_birth(value: datetime.date, *, field: str = "date_of_birth") -> None:
    """A date of birth is on or after 1900-01-01 and not in the future."""
    _check_window(
        _as_date(value), field=field, earliest=EARLIEST_BIRTH, latest=timezone.localdate()
    )


def check_schedule(
    value: datetime.datetime,
    *,
    field: str = "scheduled_at",
    now: datetime.datetime | None = None,
) -> None:
    """A publishing time is from now to a year ahead."""
    now = now or timezone.now()
    if not now <= value <= now + SCHEDULE_HORIZON:
        raise InvalidInput(
            DATE_OUT_OF_RANGE.format(
                field=_label(field).capitalize(),
                earliest="now",
                latest=f"a year from now ({_day(timezone.localdate(now + SCHEDULE_HORIZON))})",
            ),
            field=field,
        )


def _day(day: datetime.date) -> str:
    """The way people read a date everywhere in the product: 5 Dec 2026."""
    return f"{day.day} {day.strftime('%b %Y')}"


def _as_date(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value
