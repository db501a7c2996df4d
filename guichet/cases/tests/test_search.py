"""Finding cases in the back office, on the database in use (SQLite's FTS5 or PostgreSQL's
full-text search: the suite runs on both)."""

import pytest

from guichet.cases import actions
from guichet.cases.models import Case
from guichet.cases.search import matching_ids
from guichet.conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(procedure_a, agent_a):
    school = submit(
        procedure_a,
        data={"kind": "Nid-de-poule", "description": "Un nid-de-poule devant l'école Jules-Ferry."},
        contact_name="Élodie Lefèvre",
        contact_email="elodie.lefevre@example.test",
        contact_phone="06 12 34 56 78",
        address="3 rue des Écoles",
    )
    actions.post_message(case=school, body="Le trou s'agrandit de jour en jour.", from_citizen=True)
    lamp = submit(
        procedure_a,
        data={"kind": "Éclairage", "description": "Lampadaire éteint place du Marché."},
        contact_name="Marc Dupont",
        contact_email="marc@example.test",
        contact_phone="+33 7 00 00 00 01",
    )
    return {"school": school, "lamp": lamp}


def found(text) -> set[str]:
    ids = matching_ids(text)
    if ids is None:
        return set()
    return set(Case.objects.filter(pk__in=ids).values_list("reference", flat=True))


@pytest.mark.parametrize(
    "text",
    [
        "ecole",  # without the accent
        "ÉCOLE",  # upper case
        "Ecol",  # the start of a word
        "lefevre",
        "Élodie",
        "jules ferry",
        "elodie.lefevre@example.test",
        "agrandit",  # in a message
        "nid poule",
        "rue des écoles",
    ],
)
def test_text_is_found_whatever_its_accents_case_or_end(cases, text):
    assert found(text) == {cases["school"].reference}


@pytest.mark.parametrize(
    "text", ["06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "06.12.34.56.78", "0612"]
)
def test_a_phone_number_however_typed(cases, text):
    assert found(text) == {cases["school"].reference}


def test_a_reference_whole_or_in_part(cases):
    reference = cases["lamp"].reference  # DV-2026-000002
    assert found(reference) == {reference}
    assert found(reference.lower()) == {reference}
    assert found(reference.rsplit("-", 1)[1]) == {reference}


def test_every_word_must_match(cases):
    assert found("nid lampadaire") == set()
    assert found("lampadaire marché") == {cases["lamp"].reference}
    assert found("piscine") == set()
    assert matching_ids("  ") is None and matching_ids("?!") is None
    assert found('"*) OR ( NEAR') == set()  # the engines' syntax is never passed through


def test_the_index_follows_the_actions(cases, agent_a, citizen, procedure_a):
    lamp = cases["lamp"]
    actions.post_message(
        case=lamp, body="Une équipe passera jeudi.", from_citizen=False, author=agent_a
    )
    assert found("jeudi") == {lamp.reference}
    mine = submit(procedure_a, citizen=citizen, contact_name="Alice Martin")
    actions.transition_case(case=mine, transition="close", actor=agent_a)
    assert found("alice martin") == {mine.reference}
    actions.erase_citizen(citizen=citizen)  # a closed case loses its contact details...
    assert found("alice martin") == set()  # ...and the search forgets them
    assert found("lefevre") == {cases["school"].reference}
