"""Rule R5: find personal contact details (email, UK phone, postcode, street address) in text.

Pure Python, no Django: the post checks (R5) and the comment screener both call it.

Why each detector looks the way it does:

* Emails: a plain address is easy; people who want to dodge a filter write
  ``name at gmail dot com`` or ``name [at] gmail [dot] com``. The spoken form is only taken
  when it ends in a common top-level domain, so "see you at school dot" never matches.
* Phones: ``phonenumbers`` with region GB. Its ``VALID`` leniency rejects Ofcom's drama
  ranges (07700 900xxx) that people and tests use, and ``POSSIBLE`` alone matches years and
  reference numbers, so we take ``POSSIBLE`` and then keep only numbers written the way a
  phone number is written (a leading 0, +44 or 0044, or any international number that
  ``phonenumbers`` calls valid) with a UK-length national number.
* Postcodes: the official format (outward code + inward code whose letters never include
  C, I, K, M, O or V), any case, with or without the space; so "3pm" is never a postcode.
* Addresses: a house number, up to three name words and a street suffix ("12 Acacia
  Avenue", "Flat 3, 45 High Street"). Words such as "hour" or "the" cannot be street names,
  so "a 2 hour drive" or "3 miles down the road" do not match.

The school's own contact details (``allowed``) are compared after normalisation: emails
case-folded, phones in E.164, postcodes without spaces, addresses case-folded with street
suffixes expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from backend.common.textfold import fold, fold_variants

EMAIL = "email"
PHONE = "phone"
POSTCODE = "postcode"
ADDRESS = "address"


class ContactHit(NamedTuple):
    """One contact detail found in a text; ``start``/``end`` index the original text."""

    kind: str
    start: int
    end: int
    matched: str


# --- emails -------------------------------------------------------------------------------

_TLDS = r"(?:com|co|uk|org|net|edu|gov|sch|ac|io|me|info|biz|ie|us|eu|ltd|email)"
_EMAIL_PLAIN = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", re.UNICODE
)
_DOT_WORD = r"(?:\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+|\.)"
_EMAIL_DOMAIN = rf"[A-Za-z0-9-]+(?:{{dot}}[A-Za-z0-9-]+)*{{dot}}{_TLDS}(?![\w-])"
# "jo @ gmail . com": the @ says it is an address, so spaced dots are fine.
_DOT_SPACED = r"\s*\.\s*"
_EMAIL_SPACED = r"\s*@\s*" + _EMAIL_DOMAIN.format(dot=_DOT_SPACED)
# "jo at gmail dot com", "jo [at] gmail [dot] com": a spoken "at" needs a spoken or tight dot,
# or "a lovely day at school. Uk weather" would read as an address.
_EMAIL_SPOKEN = r"(?:\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+)" + _EMAIL_DOMAIN.format(
    dot=_DOT_WORD
)
_EMAIL_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[\w.+-]+(?:{_EMAIL_SPACED}|{_EMAIL_SPOKEN})", re.IGNORECASE
)
_EMAIL_WORDS = re.compile(r"\s*[\[\(\{<]?\s*\b(at|dot)\b\s*[\]\)\}>]?\s*", re.IGNORECASE)


def _email_key(raw: str) -> str:
    """``Name [at] Gmail (dot) com`` -> ``name@gmail.com``."""

    def spoken(match: re.Match[str]) -> str:
        return "@" if match.group(1).lower() == "at" else "."

    return re.sub(r"\s+", "", _EMAIL_WORDS.sub(spoken, raw)).casefold()


def _find_emails(text: str) -> list[ContactHit]:
    hits = [ContactHit(EMAIL, m.start(), m.end(), m.group()) for m in _EMAIL_PLAIN.finditer(text)]
    for m in _EMAIL_OBFUSCATED.finditer(text):
        if not any(h.start <= m.start() < h.end for h in hits):
            hits.append(ContactHit(EMAIL, m.start(), m.end(), m.group()))
    return hits


# --- phones -------------------------------------------------------------------------------

_UK_PREFIX = re.compile(r"^\(?\s*(?:0|\+\s*44|0044)")


def _phone_key(raw: str) -> str | None:
    """E.164 form of a phone number written in UK style, or ``None`` if it is not one."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    return _accept_phone(raw, number)


def _accept_phone(raw: str, number: phonenumbers.PhoneNumber) -> str | None:
    national = str(number.national_number)
    uk_style = (
        number.country_code == 44
        and _UK_PREFIX.match(raw) is not None
        and len(national) in (9, 10)
        and phonenumbers.is_possible_number(number)
    )
    international = raw.lstrip().startswith("+") and phonenumbers.is_valid_number(number)
    if not (uk_style or international):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _find_phones(text: str) -> list[ContactHit]:
    hits = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        if _accept_phone(match.raw_string, match.number) is not None:
            hits.append(ContactHit(PHONE, match.start, match.end, match.raw_string))
    return hits


# --- postcodes ----------------------------------------------------------------------------

# The official format (GOV.UK Bulk Data Transfer spec). Outward code: A9, A99, AA9, AA99,
# A9A, AA9A; first letter never Q, V or X, second never I, J or Z. Inward code: a digit and
# two letters, never C, I, K, M, O or V. GIR 0AA is the one historic exception.
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_POSTCODE = re.compile(
    rf"(?<![A-Za-z0-9])(?:GIR\s*0AA|{_OUTWARD}\s*{_INWARD})(?![A-Za-z0-9])", re.IGNORECASE
)


def _postcode_key(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def _find_postcodes(text: str) -> list[ContactHit]:
    return [ContactHit(POSTCODE, m.start(), m.end(), m.group()) for m in _POSTCODE.finditer(text)]


# --- street addresses ---------------------------------------------------------------------

_SUFFIXES = {
    "road": "road", "rd": "road", "street": "street", "st": "street", "lane": "lane",
    "ln": "lane", "avenue": "avenue", "ave": "avenue", "av": "avenue", "close": "close",
    "cl": "close", "crescent": "crescent", "cres": "crescent", "way": "way", "drive": "drive",
    "dr": "drive", "gardens": "gardens", "gdns": "gardens", "court": "court", "ct": "court",
    "place": "place", "pl": "place", "terrace": "terrace", "terr": "terrace", "tce": "terrace",
    "grove": "grove", "gr": "grove", "mews": "mews", "square": "square", "sq": "square",
    "hill": "hill", "row": "row", "walk": "walk", "rise": "rise", "parade": "parade",
    "boulevard": "boulevard", "wharf": "wharf", "vale": "vale", "croft": "croft",
    "crest": "crest", "chase": "chase", "park": "park", "green": "green",
}  # fmt: skip
# Words that cannot be part of a street name: they turn "3 miles down the lane" or "a 2 hour
# drive" into false hits.
_NOT_A_NAME = (
    r"the|a|an|and|or|of|to|in|on|at|by|up|down|along|across|from|for|my|our|your|their|his"
    r"|her|its|this|that|these|those|mile|miles|min|mins|minute|minutes|hour|hours|hr|hrs|day"
    r"|days|week|weeks|yard|yards|metre|metres|meter|meters|km|steps|houses|doors|more|other"
    r"|car|cars|bus|buses|times|kids|children|people|pupils|year|years|yr|class|is|are|was"
    r"|were|be|with|very|so|just|only|and|than|then"
)
_NAME_WORD = rf"(?!(?:{_NOT_A_NAME})\b)[A-Za-z][A-Za-z'’.-]*"
_ADDRESS = re.compile(
    r"(?<![\w-])(?<!year )(?<!yr )(?<!class )(?<!room )(?<!group )"  # "Year 6 sponsored walk"
    r"(?:(?:flat|apartment|apt|unit|suite)\s+\d+[A-Za-z]?\s*,?\s*)?"
    rf"\d{{1,4}}[A-Za-z]?\s*,?\s+(?:{_NAME_WORD}\s+){{1,3}}"
    rf"(?:{'|'.join(sorted(_SUFFIXES, key=len, reverse=True))})\b\.?",
    re.IGNORECASE,
)


def _address_key(raw: str) -> str:
    words = re.findall(r"[a-z0-9]+", raw.casefold())
    return " ".join(_SUFFIXES.get(word, word) for word in words)


def _find_addresses(text: str) -> list[ContactHit]:
    return [ContactHit(ADDRESS, m.start(), m.end(), m.group()) for m in _ADDRESS.finditer(text)]


# --- public API ---------------------------------------------------------------------------


def _key(hit: ContactHit) -> str | None:
    if hit.kind == EMAIL:
        return _email_key(hit.matched)
    if hit.kind == PHONE:
        return _phone_key(hit.matched)
    if hit.kind == POSTCODE:
        return _postcode_key(hit.matched)
    return _address_key(hit.matched)


def _scan(text: str) -> list[ContactHit]:
    emails = _find_emails(text)
    others = _find_phones(text) + _find_postcodes(text) + _find_addresses(text)

    # Digits inside an email (07700900123@mail.com) are part of the email, not a phone.
    def inside_email(hit: ContactHit) -> bool:
        return any(e.start <= hit.start and hit.end <= e.end for e in emails)

    hits = emails + [hit for hit in others if not inside_email(hit)]
    return sorted(hits, key=lambda hit: (hit.start, hit.end))


@lru_cache(maxsize=256)
def _allowed_keys(allowed: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """Normalised (kind, key) pairs for the school's own configured contact details.

    Each allowed entry is scanned like any text, so "1 School Lane, Town AB1 2CD" allows both
    the street address and the postcode; a bare phone number also counts as itself. Cached,
    because the comment screener passes the same school settings for every comment.
    """
    keys: set[tuple[str, str]] = set()
    for entry in (fold(raw).text for raw in allowed):
        for hit in _scan(entry):
            key = _key(hit)
            if key is not None:
                keys.add((hit.kind, key))
        phone = _phone_key(entry)
        if phone is not None:
            keys.add((PHONE, phone))
    return frozenset(keys)


def find_contact_details(text: str, *, allowed: Iterable[str] = ()) -> list[ContactHit]:
    """Return every email, phone number, postcode and street address in ``text`` (R5).

    Hits equal (after normalisation) to one of the ``allowed`` entries, the school's own
    published contact details, are left out. Hits are ordered by position.

    The text is searched as a reader sees it (``textfold``): full-width digits and "＠",
    zero-width spaces inside an address, look-alike letters. Spans and ``matched`` refer to
    the original text.
    """
    permitted = _allowed_keys(tuple(allowed))
    hits: dict[tuple[str, int, int], ContactHit] = {}
    for folded in fold_variants(text):
        for hit in _scan(folded.text):
            if (hit.kind, _key(hit)) in permitted:
                continue
            start, end = folded.span(hit.start, hit.end)
            hits.setdefault(
                (hit.kind, start, end), ContactHit(hit.kind, start, end, text[start:end])
            )
    return sorted(hits.values(), key=lambda hit: (hit.start, hit.end))
