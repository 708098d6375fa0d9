"""R5: personal contact details in text block, except the school's own."""

from __future__ import annotations

import pytest

from moderation.checks.contacts import ContactHit, find_contact_details


def kinds(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(hit.kind, hit.matched) for hit in find_contact_details(text, **kwargs)]  # type: ignore[arg-type]


def test_it_finds_a_plain_email_with_its_position() -> None:
    text = "Email me at jo.bloggs+pta@gmail.com please"
    assert find_contact_details(text) == [ContactHit("email", 12, 35, "jo.bloggs+pta@gmail.com")]


@pytest.mark.parametrize(
    "text",
    [
        "jo at gmail dot com",
        "jo [at] hotmail [dot] co [dot] uk",
        "jo(at)yahoo(dot)com",
        "jo @ gmail . com",
        "jo at gmail.com",
    ],
)
def test_it_finds_a_lightly_obfuscated_email(text: str) -> None:
    assert kinds(text) == [("email", text)]


def test_it_does_not_read_an_ordinary_sentence_with_at_as_an_email() -> None:
    assert kinds("Lovely day at school. Uk weather was kind, see you at the gate.") == []


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "+44 7700 900123",
        "(020) 7946 0958",
        "07700900123",
        "0161 496 0000",
        "+44 (0)20 7946 0958",
    ],
)
def test_it_finds_uk_phone_numbers_in_common_formats(number: str) -> None:
    assert kinds(f"ring {number} after six") == [("phone", number)]


def test_it_finds_an_international_number_written_with_a_plus() -> None:
    assert kinds("whatsapp +234 803 123 4567") == [("phone", "+234 803 123 4567")]


@pytest.mark.parametrize(
    "text",
    ["Class of 2023 2024", "Score was 10-12", "Ref 12345678", "on 10/10/2024 at 3pm", "999"],
)
def test_it_does_not_take_years_scores_or_references_for_phone_numbers(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "sw1a1aa", "M1 1AE", "b33 8th", "CR2 6XH", "DN55 1PT", "EC1A  1BB", "GIR 0AA"],
)
def test_it_finds_postcodes_in_any_case_and_spacing(postcode: str) -> None:
    assert kinds(f"we're at {postcode} now") == [("postcode", postcode)]


@pytest.mark.parametrize("text", ["See you at 3pm", "Room B1 3PM", "Year 6 and Y5", "AB1"])
def test_it_does_not_take_times_or_class_names_for_postcodes(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "address",
    [
        "12 Acacia Avenue",
        "Flat 3, 45 High Street",
        "7 Rose Cl",
        "221b Baker St.",
        "2 the grove",
        "14 Mill Lane",
        "9 Kings Road",
        "31 Orchard Close",
        "5 Park Crescent",
        "8 Green Way",
        "3 Beech Drive",
        "10 Victoria Gardens",
        "4 Abbey Court",
        "6 Church Place",
        "11 Albert Terrace",
        "2 Lime Grove",
        "1 Stable Mews",
    ],
)
def test_it_finds_street_addresses_with_common_suffixes(address: str) -> None:
    if address == "2 the grove":
        # "the" is never a street name on its own, so this one must not match.
        assert kinds(f"she lives at {address}") == []
        return
    assert kinds(f"she lives at {address} near the shop") == [("address", address)]


@pytest.mark.parametrize(
    "text",
    [
        "It's a 2 hour drive away",
        "3 miles down the lane",
        "Year 6 walked 2 miles up the hill",
        "Top 10 places to visit",
    ],
)
def test_it_does_not_take_distances_for_addresses(text: str) -> None:
    assert kinds(text) == []


def test_it_finds_several_kinds_in_order() -> None:
    text = "I'm at 12 Acacia Avenue, AB1 2DN, 07700 900123, jo@example.com"
    assert [hit.kind for hit in find_contact_details(text)] == [
        "address",
        "postcode",
        "phone",
        "email",
    ]


def test_it_does_not_treat_an_email_local_part_as_a_phone() -> None:
    assert kinds("07700900123@example.com") == [("email", "07700900123@example.com")]


def test_it_allows_the_schools_own_details_after_normalisation() -> None:
    text = (
        "Call the office on 01632 960001, email Office@School.org.uk, or visit "
        "1 School Lane, AB1 2DN. My number is 07700 900123."
    )
    allowed = ["+441632960001", "office@school.org.uk", "1 School Ln, Townsville, ab12dn"]
    assert kinds(text, allowed=allowed) == [("phone", "07700 900123")]


def test_it_still_reports_a_different_email_at_the_schools_domain() -> None:
    text = "write to head@school.org.uk"
    assert kinds(text, allowed=["office@school.org.uk"]) == [("email", "head@school.org.uk")]


def test_it_allows_an_obfuscated_form_of_the_schools_email() -> None:
    assert kinds("office at school dot org dot uk", allowed=["office@school.org.uk"]) == []
