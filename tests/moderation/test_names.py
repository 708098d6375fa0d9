"""R4 / R20: names of people in post text, alt text and hashtags (pure, no Django)."""

from __future__ import annotations

import pytest

from bench.names_bench import make_register, make_text
from moderation.checks.names import (
    LikelyName,
    NameHit,
    NameIndex,
    RegisterPerson,
    find_likely_full_names,
    name_key,
    normalise,
)

AMELIA = RegisterPerson(1, ("Amelia", "Mia"), "Smith")
SIOBHAN = RegisterPerson(2, ("Siobhán",), "O'Neill")
SEUN = RegisterPerson(3, ("Oluwaseun", "Seun"), "Adeyemi-Johnson")
ZOE = RegisterPerson(4, ("Zoe",), "Smith")
MOHAMMED = RegisterPerson(5, ("Mohammed",), "Al-Hassan")
CHLOE = RegisterPerson(6, ("Chloé",), "Dubois")
JAN = RegisterPerson(7, ("Jan",), "de Vries")
AMBER = RegisterPerson(8, ("Amber",), "Jones")
ELLA = RegisterPerson(9, ("Ella",), "Smith-Jones")
JOSE = RegisterPerson(10, ("José",), "García")
GRACE = RegisterPerson(11, ("Grace",), "Hall")
OTHER_AMELIA = RegisterPerson(12, ("Amelia",), "Smith")
OLIVER = RegisterPerson(13, ("Oliver",), "Jones")
REGISTER = [AMELIA, SIOBHAN, SEUN, ZOE, MOHAMMED, CHLOE, JAN, AMBER, ELLA, JOSE, GRACE, OLIVER]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex.build(REGISTER)


def full(index: NameIndex, text: str) -> list[tuple[int, str]]:
    return [(hit.key, hit.matched) for hit in index.find_full_names(text)]


def firsts(index: NameIndex, text: str) -> list[tuple[int, str]]:
    return [(hit.key, hit.matched) for hit in index.find_first_names(text)]


def likely(text: str, **kwargs: object) -> list[str]:
    return [name.matched for name in find_likely_full_names(text, **kwargs)]  # type: ignore[arg-type]


# --- normalise --------------------------------------------------------------------------------


def test_normalise_folds_case_and_accents() -> None:
    assert normalise("ZOË Siobhán José Chloé") == "zoe siobhan jose chloe"


def test_normalise_folds_letters_that_do_not_decompose() -> None:
    assert normalise("Søren Łukasz Straße Æthelred") == "soren lukasz strasse aethelred"


def test_normalise_folds_decomposed_accents_like_composed_ones() -> None:
    assert normalise("Zoe\u0308") == normalise("Zo\u00eb") == "zoe"


def test_name_key_keeps_only_letters() -> None:
    assert name_key("O’Neill") == name_key("O'Neill") == name_key("o neill") == "oneill"


# --- full names of registered people ----------------------------------------------------------


def test_it_finds_full_name_with_span_into_original_text(index: NameIndex) -> None:
    text = "Well done Amelia Smith!"
    assert index.find_full_names(text) == [NameHit(1, 10, 22, "Amelia Smith")]


@pytest.mark.parametrize("text", ["AMELIA SMITH", "amelia smith", "aMeLiA sMiTh"])
def test_it_finds_full_name_in_any_case(index: NameIndex, text: str) -> None:
    assert full(index, text) == [(1, text)]


def test_it_folds_accents_written_in_the_text(index: NameIndex) -> None:
    assert full(index, "Zoë Smith won") == [(4, "Zoë Smith")]


def test_it_folds_accents_held_in_the_register(index: NameIndex) -> None:
    assert full(index, "Jose Garcia and Chloe Dubois") == [(10, "Jose Garcia"), (6, "Chloe Dubois")]


def test_it_keeps_span_over_decomposed_accent(index: NameIndex) -> None:
    text = "Zoe\u0308 Smith"
    assert full(index, text) == [(4, text)]


def test_it_finds_preferred_first_name_with_surname(index: NameIndex) -> None:
    assert full(index, "Mia Smith scored") == [(1, "Mia Smith")]


def test_it_finds_legal_first_name_with_surname(index: NameIndex) -> None:
    assert full(index, "Oluwaseun Adeyemi-Johnson scored") == [(3, "Oluwaseun Adeyemi-Johnson")]


def test_it_finds_possessive_full_name(index: NameIndex) -> None:
    assert full(index, "Amelia Smith's painting") == [(1, "Amelia Smith's")]


def test_it_finds_possessive_full_name_with_curly_apostrophe(index: NameIndex) -> None:
    assert full(index, "Amelia Smith’s painting") == [(1, "Amelia Smith’s")]


def test_it_finds_plural_possessive_full_name(index: NameIndex) -> None:
    assert full(index, "Amelia Smiths' painting") == [(1, "Amelia Smiths")]


def test_it_finds_apostrophe_surname(index: NameIndex) -> None:
    assert full(index, "Siobhán O'Neill sang") == [(2, "Siobhán O'Neill")]


def test_it_finds_apostrophe_surname_with_curly_apostrophe(index: NameIndex) -> None:
    assert full(index, "Siobhan O’Neill sang") == [(2, "Siobhan O’Neill")]


@pytest.mark.parametrize("written", ["Siobhan ONeill", "Siobhan O Neill", "siobhan oneill"])
def test_it_finds_apostrophe_surname_written_without_apostrophe(
    index: NameIndex, written: str
) -> None:
    assert full(index, written) == [(2, written)]


def test_it_finds_hyphenated_surname(index: NameIndex) -> None:
    assert full(index, "Ella Smith-Jones ran") == [(9, "Ella Smith-Jones")]


def test_it_finds_hyphenated_surname_written_with_space(index: NameIndex) -> None:
    assert full(index, "Ella Smith Jones ran") == [(9, "Ella Smith Jones")]


def test_it_finds_one_long_part_of_a_hyphenated_surname(index: NameIndex) -> None:
    assert full(index, "Seun Johnson ran") == [(3, "Seun Johnson")]


def test_it_does_not_take_a_short_particle_for_the_surname(index: NameIndex) -> None:
    assert full(index, "Mohammed Al ran") == []


def test_it_finds_surname_with_particle_in_any_case(index: NameIndex) -> None:
    assert full(index, "Jan De Vries and jan devries") == [(7, "Jan De Vries"), (7, "jan devries")]


def test_it_finds_name_split_by_a_line_break(index: NameIndex) -> None:
    assert full(index, "Congratulations Amelia\nSmith") == [(1, "Amelia\nSmith")]


def test_it_finds_name_split_by_several_spaces(index: NameIndex) -> None:
    assert full(index, "Amelia    Smith") == [(1, "Amelia    Smith")]


def test_it_finds_camel_case_hashtag(index: NameIndex) -> None:
    assert full(index, "#AmeliaSmith") == [(1, "AmeliaSmith")]


def test_it_finds_lower_case_hashtag(index: NameIndex) -> None:
    assert full(index, "#ameliasmith") == [(1, "ameliasmith")]


def test_it_finds_underscore_hashtag(index: NameIndex) -> None:
    assert full(index, "#Amelia_Smith") == [(1, "Amelia_Smith")]


def test_it_finds_name_inside_a_longer_hashtag(index: NameIndex) -> None:
    assert full(index, "#welldoneameliasmith2024") == [(1, "ameliasmith")]


def test_it_finds_name_inside_a_camel_case_hashtag_with_other_words(index: NameIndex) -> None:
    assert full(index, "#WellDoneSiobhanONeill") == [(2, "SiobhanONeill")]


def test_it_does_not_find_a_first_name_inside_a_mc_surname(index: NameIndex) -> None:
    index = NameIndex.build([RegisterPerson(1, ("Donald",), "Hughes")])
    assert index.find_first_names("Mrs McDonald and Donald Hughes") == [
        NameHit(1, 17, 23, "Donald")
    ]


def test_it_does_not_find_a_first_name_after_a_hyphen() -> None:
    index = NameIndex.build([RegisterPerson(1, ("Marie",), "Curie")])
    assert index.find_first_names("Anne-Marie Curie") == []


def test_it_does_not_start_a_full_name_after_a_hyphen() -> None:
    index = NameIndex.build([RegisterPerson(1, ("Marie",), "Curie")])
    assert index.find_full_names("Anne-Marie Curie") == []


def test_it_does_not_read_a_mc_prefix_as_a_middle_name() -> None:
    index = NameIndex.build([RegisterPerson(1, ("Amelia",), "Donald")])
    assert index.find_full_names("Amelia McDonald") == []


def test_it_finds_name_in_a_mention(index: NameIndex) -> None:
    assert full(index, "cc @amelia.smith") == [(1, "amelia.smith")]


def test_it_finds_full_name_with_unregistered_middle_name(index: NameIndex) -> None:
    assert full(index, "Amelia Rose Smith") == [(1, "Amelia Rose Smith")]


def test_it_ignores_lower_case_words_between_first_name_and_surname(index: NameIndex) -> None:
    assert full(index, "we say grace in the hall") == []


def test_it_ignores_more_than_two_middle_words(index: NameIndex) -> None:
    assert full(index, "Amelia Rose Mary Jane Smith") == []


def test_it_finds_surname_first_with_comma(index: NameIndex) -> None:
    assert full(index, "Smith, Amelia (Year 3)") == [(1, "Smith, Amelia")]


def test_it_does_not_read_title_and_surname_then_first_name_as_surname_first(
    index: NameIndex,
) -> None:
    assert full(index, "Thank you Mrs Smith, Amelia and Oliver") == []


def test_it_does_not_treat_a_first_name_alone_as_full_name(index: NameIndex) -> None:
    assert full(index, "Amelia painted a tiger") == []


def test_it_does_not_treat_a_surname_alone_as_full_name(index: NameIndex) -> None:
    assert full(index, "Thank you Mrs Smith") == []


def test_it_does_not_match_a_name_inside_another_word(index: NameIndex) -> None:
    assert full(index, "Ambers Jones and Amelia Smithson") == []


def test_it_does_not_match_across_a_full_stop(index: NameIndex) -> None:
    assert full(index, "Well done Amelia. Smith class next.") == []


def test_it_does_not_pair_names_of_different_people(index: NameIndex) -> None:
    assert full(index, "Amelia Jones") == []


def test_it_reports_every_person_who_has_the_full_name() -> None:
    index = NameIndex.build([AMELIA, OTHER_AMELIA])
    assert sorted(hit.key for hit in index.find_full_names("Amelia Smith")) == [1, 12]


def test_it_reports_every_mention_of_a_person(index: NameIndex) -> None:
    assert full(index, "Amelia Smith, then Mia Smith") == [(1, "Amelia Smith"), (1, "Mia Smith")]


def test_it_finds_every_name_sprinkled_in_a_long_text_against_a_large_register() -> None:
    people = make_register(2_000)
    text, mentioned = make_text(people, chars=10_000)
    found = {hit.key for hit in NameIndex.build(people).find_full_names(text)}
    assert len(text) >= 10_000
    assert set(mentioned) <= found


# --- first names alone ------------------------------------------------------------------------


def test_it_finds_a_capitalised_first_name_alone(index: NameIndex) -> None:
    assert firsts(index, "Well done Oliver!") == [(13, "Oliver")]


def test_it_finds_preferred_first_name_alone(index: NameIndex) -> None:
    assert firsts(index, "Well done Seun!") == [(3, "Seun")]


def test_it_returns_one_first_name_hit_per_person_who_has_it() -> None:
    index = NameIndex.build([AMELIA, OTHER_AMELIA])
    assert sorted(hit.key for hit in index.find_first_names("Go Amelia!")) == [1, 12]


def test_it_finds_first_name_with_accent_folded(index: NameIndex) -> None:
    assert firsts(index, "Bravo Siobhan") == [(2, "Siobhan")]


def test_it_finds_possessive_first_name(index: NameIndex) -> None:
    assert firsts(index, "Amber's drawing") == [(8, "Amber")]


def test_it_finds_first_name_in_a_camel_case_hashtag(index: NameIndex) -> None:
    assert firsts(index, "#WellDoneAmber") == [(8, "Amber")]


def test_it_does_not_find_a_first_name_inside_another_word(index: NameIndex) -> None:
    assert firsts(index, "Ambers and Chambers") == []


def test_it_ignores_a_lower_case_first_name_that_is_an_ordinary_word(index: NameIndex) -> None:
    assert firsts(index, "we say grace before lunch") == []


def test_it_ignores_a_first_name_after_a_title(index: NameIndex) -> None:
    assert firsts(index, "Thank you Miss Grace") == []


# --- likely full names of people outside the register -----------------------------------------


def test_it_finds_a_likely_full_name_with_its_span() -> None:
    assert find_likely_full_names("Thanks to Oliver Brown!") == [LikelyName(10, 22, "Oliver Brown")]


@pytest.mark.parametrize("name", ["Amelia Smith", "Harry Patel", "Rahim Khan", "Aisha Begum"])
def test_it_finds_likely_name_whose_surname_is_mostly_a_name(name: str) -> None:
    assert likely(f"Well done {name} today") == [name]


@pytest.mark.parametrize("name", ["Isla Kowalczyk", "Rhys Kowalczyk", "Yusuf Kowalczyk"])
def test_it_finds_likely_name_whose_first_name_is_frequent_in_text(name: str) -> None:
    assert likely(f"Well done {name} today") == [name]


def test_it_finds_likely_name_with_accents() -> None:
    assert likely("Bravo Zoë Kowalczyk") == ["Zoë Kowalczyk"]


@pytest.mark.parametrize(
    "name", ["Ella O'Brien", "Ella O’Brien", "Noah McDonald", "Ava Lloyd-Hughes"]
)
def test_it_finds_likely_name_with_compound_surname(name: str) -> None:
    assert likely(f"Well done {name}!") == [name]


def test_it_finds_likely_possessive_name_without_the_ending() -> None:
    assert likely("Oliver Brown's bike") == ["Oliver Brown"]


def test_it_merges_a_likely_name_with_a_middle_name() -> None:
    assert likely("Amelia Rose Brown") == ["Amelia Rose Brown"]


def test_it_finds_likely_name_in_a_camel_case_hashtag() -> None:
    assert likely("#WellDoneOliverBrown") == ["OliverBrown"]


def test_it_finds_likely_name_in_a_lower_case_hashtag() -> None:
    assert likely("#oliverbrown") == ["oliverbrown"]


@pytest.mark.parametrize(
    "text",
    [
        "Well done Year 6",
        "Happy Christmas",
        "Merry Christmas everyone",
        "Sports Day",
        "Summer Fair",
        "May Day celebrations",
        "Art Week",
        "Christian Aid",
        "Victoria Park",
        "Red Nose Day",
        "World Book Day",
        "Harvest Festival",
        "Forest School",
        "The Gruffalo",
        "King Charles",
        "Eid Mubarak",
        "Ramadan Mubarak",
        "Jack and the Beanstalk",
        "#christmasjumper",
    ],
)
def test_it_does_not_flag_ordinary_school_text(text: str) -> None:
    assert likely(text) == []


@pytest.mark.parametrize("text", ["Mr Smith", "Thank you Mrs Patel", "Ask Miss Jones", "Dr Khan"])
def test_it_does_not_flag_a_title_and_surname(text: str) -> None:
    assert likely(text) == []


def test_it_does_not_take_month_names_for_first_names() -> None:
    assert likely("Our April Ofsted visit went well") == []


def test_it_takes_a_surname_that_is_also_a_title() -> None:
    assert likely("Well done Oliver King") == ["Oliver King"]


def test_it_does_not_take_day_names_for_surnames() -> None:
    assert likely("See you Jordan Tuesday") == []


def test_it_does_not_take_a_short_acronym_for_a_surname() -> None:
    assert likely("Oliver PE kit") == []


def test_it_does_not_flag_a_first_name_alone() -> None:
    assert likely("Well done Oliver") == []


def test_it_does_not_flag_lower_case_prose() -> None:
    assert likely("well done oliver brown") == []


def test_it_does_not_flag_a_surname_that_is_a_common_word() -> None:
    assert likely("Isla Park") == []


def test_it_flags_a_common_word_surname_known_from_the_register() -> None:
    assert likely("Isla Park", surnames=["Park"]) == ["Isla Park"]


def test_it_flags_a_first_name_known_only_from_the_register() -> None:
    assert likely("Alfie Kowalczyk", first_names=["Alfie"]) == ["Alfie Kowalczyk"]


def test_index_does_not_take_an_everyday_word_for_a_first_name_because_a_pupil_has_it() -> None:
    index = NameIndex.build([RegisterPerson(1, ("Summer",), "Okafor")])
    assert index.find_likely_full_names("Summer Fayre on Saturday") == []


def test_index_trusts_its_own_surnames_for_likely_names() -> None:
    index = NameIndex.build([RegisterPerson(1, ("Min-jun",), "Park")])
    assert [name.matched for name in index.find_likely_full_names("Isla Park")] == ["Isla Park"]


def test_it_leaves_out_excluded_spans() -> None:
    text = "Oliver Brown and Ella Green"
    assert likely(text, exclude_spans=[(0, 12)]) == ["Ella Green"]


def test_it_leaves_out_allowed_phrases() -> None:
    assert likely("Trip to Milton Keynes", allowed=["Milton Keynes"]) == []


# --- R20: Unicode disguises (see also test_names_unicode.py, through the post checks) ---------


def test_r20_normalise_folds_look_alike_letters_of_other_scripts() -> None:
    assert normalise("\u0410m\u0435l\u0456a \u0391\u039fK") == "amelia aok"  # Cyrillic, Greek


def test_r20_a_zero_width_space_inside_a_name_is_no_word_break(index: NameIndex) -> None:
    text = "Well done Am\u200belia Smith!"
    assert index.find_full_names(text) == [NameHit(1, 10, 23, "Am\u200belia Smith")]


def test_r20_punctuation_tight_between_names_joins_them(index: NameIndex) -> None:
    assert full(index, "Thanks Amelia.Smith") == [(1, "Amelia.Smith")]
    assert full(index, "Thanks Amelia*Smith") == [(1, "Amelia*Smith")]


def test_r20_a_mathematical_bold_name_is_found_with_its_original_span(index: NameIndex) -> None:
    bold = "\U0001d400\U0001d426\U0001d41e\U0001d425\U0001d422\U0001d41a"  # 𝐀𝐦𝐞𝐥𝐢𝐚
    assert firsts(index, f"Go {bold}!") == [(1, bold)]


# --- R16: every form of a flagged person's name -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("we say grace", "grace"),
        ("Thank you Miss Grace", "Grace"),
        ("Grace's painting", "Grace"),
        ("#GoGrace", "Grace"),
        ("#welldonegrace", "grace"),
        ("Anne-Grace sang", "Grace"),
        ("GRACE HALL", "GRACE HALL"),
        ("Gr\u0430ce", "Gr\u0430ce"),
    ],
)
def test_r16_mentions_find_a_first_name_in_any_form(text: str, matched: str) -> None:
    never_named = NameIndex.build([GRACE])
    assert [(h.key, h.matched) for h in never_named.find_mentions(text)] == [(11, matched)]


def test_r16_mentions_do_not_find_a_first_name_inside_another_word() -> None:
    assert NameIndex.build([GRACE]).find_mentions("a graceful dance, disgraced") == []
