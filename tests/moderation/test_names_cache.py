"""The names index is kept per school between checks and rebuilt when the register changes
(issue 19): a name imported after the last check is found by the next one (R4)."""

from typing import Any

from backend.faces.boxes import FaceBox
from moderation.checks.evaluate import ImageView, evaluate
from moderation.checks.face_analysis import FaceView
from moderation.checks.names import RegisterPerson
from moderation.checks.names.cache import IndexCache
from tests.consent.factories import PersonFactory

AMELIA = RegisterPerson(1, ("Amelia",), "Smith")
KWAME = RegisterPerson(2, ("Kwame",), "Mensah")


def test_the_index_is_reused_while_the_register_is_unchanged() -> None:
    cache = IndexCache()
    first = cache.get(7, [AMELIA, KWAME])
    assert cache.get(7, [RegisterPerson(1, ("Amelia",), "Smith"), KWAME]) is first


def test_a_person_added_to_the_register_is_found_by_the_next_search() -> None:
    cache = IndexCache()
    assert cache.get(7, [AMELIA]).find_full_names("Well done Kwame Mensah") == []
    [hit] = cache.get(7, [AMELIA, KWAME]).find_full_names("Well done Kwame Mensah")
    assert hit.key == KWAME.key


def test_a_corrected_surname_replaces_the_old_one() -> None:
    cache = IndexCache()
    cache.get(7, [AMELIA])
    index = cache.get(7, [RegisterPerson(1, ("Amelia",), "Smyth")])
    assert index.find_full_names("Amelia Smith") == []
    assert [h.key for h in index.find_full_names("Amelia Smyth")] == [1]


def test_each_school_keeps_its_own_index() -> None:
    cache = IndexCache()
    cache.get(1, [AMELIA])
    assert cache.get(2, [KWAME]).find_full_names("Amelia Smith") == []
    assert [h.key for h in cache.get(1, [AMELIA]).find_full_names("Amelia Smith")] == [1]


def _identifiable_photo() -> ImageView:
    face = FaceView(box=FaceBox(100, 300, 300, 100), identifiable=True)
    return ImageView(key=1, alt_text="", faces=[face])


def _r4_people(school: Any, text: str) -> list[Any]:
    """Whose registered full name R4 found in the text (a likely name has no person)."""
    result = evaluate(
        school=school, channels=["website"], text=text, images=[_identifiable_photo()]
    )
    return [f.person_id for f in result.findings if f.rule == "R4" and f.person_id]


def test_r4_a_pupil_imported_after_a_check_is_found_by_the_next_check(school: Any) -> None:
    PersonFactory(school=school, legal_first_name="Amelia", last_name="Smith")
    text = "Congratulations to Wiktoria Nowak on her award"
    assert _r4_people(school, text) == []  # checked once: this register's index is cached
    wiktoria = PersonFactory(school=school, legal_first_name="Wiktoria", last_name="Nowak")
    assert _r4_people(school, text) == [wiktoria.pk]


def test_first_names_of_chosen_people_are_the_same_hits_as_filtering_every_hit() -> None:
    namesakes = [RegisterPerson(k, ("Amelia",), f"Surname{k}") for k in range(1, 200)]
    index = IndexCache().get(1, namesakes)
    text = "Amelia and Amelia-Rose read to Year 2, then Amelia sang."
    everyone = index.find_first_names(text)
    chosen = {3, 150}
    assert index.find_first_names(text, only=chosen) == [h for h in everyone if h.key in chosen]
    assert index.find_first_names(text, only=set()) == []
