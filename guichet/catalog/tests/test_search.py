"""The search engine of pages, FAQ and procedures, on the database in use (SQLite's FTS5 or
PostgreSQL's full-text search: the suite runs on both)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from guichet.catalog import search
from guichet.catalog.actions import save_info_page, unpublish_procedure

pytestmark = pytest.mark.django_db


def page(org, title, body="", **extra):
    extra.setdefault("is_published", True)
    return save_info_page(organization=org, actor=None, title=title, body=body, **extra)


@pytest.fixture
def pages(org, other_org):
    return {
        "passport": page(
            org,
            "Passeport et carte d'identité",
            "Prenez rendez-vous en mairie pour déposer votre demande de titre.",
            summary="Les papiers à prévoir et les délais.",
            title_en="Passport and identity card",
            body_en="Book an appointment at the town hall.",
        ),
        "census": page(
            org,
            "Recensement citoyen",
            "À 16 ans, faites-vous recenser. Un passeport ou une carte d'identité suffit.",
        ),
        "school": page(org, "Inscription à l'école", "Les inscriptions scolaires ouvrent en mars."),
        "waste": page(org, "Collecte des encombrants", "Sur rendez-vous, devant chez vous."),
        "draft": page(org, "Passeport : page en préparation", is_published=False),
        "expired": page(
            org,
            "Passeport : fermeture exceptionnelle",
            expires_at=timezone.now() - datetime.timedelta(days=1),
        ),
        "future": page(
            org,
            "Passeport : nouveaux horaires",
            published_at=timezone.now() + datetime.timedelta(days=3),
        ),
        "elsewhere": page(other_org, "Passeport à Villeneuve"),
    }


def titles(org, text, **kwargs):
    return [result.title for result in search.search(org, text, **kwargs)]


def test_the_engine_is_the_databases(pages):
    assert connection.vendor in ("sqlite", "postgresql")


def test_an_exact_title_beats_a_body_mention(org, pages):
    found = titles(org, "passeport")
    assert found[0] == "Passeport et carte d'identité"
    assert "Recensement citoyen" in found


def test_a_title_that_starts_with_the_words_comes_first(org, pages):
    faq = page(
        org,
        "Faut-il prendre rendez-vous pour un passeport ?",
        "Oui.",
        kind="faq",
    )
    found = titles(org, "passeport")
    assert found[:3] == ["Passeport et carte d'identité", faq.title, "Recensement citoyen"]


def test_drafts_expired_future_and_other_organizations_pages_are_never_found(org, pages):
    found = titles(org, "passeport")
    assert set(found) == {"Passeport et carte d'identité", "Recensement citoyen"}


@pytest.mark.parametrize("text", ["ecole", "École", "ÉCOLE", "inscription ecole"])
def test_accents_and_case_do_not_matter(org, pages, text):
    assert titles(org, text)[0] == "Inscription à l'école"


@pytest.mark.parametrize("text", ["paseport", "passeprot", "passepirt", "pâsseport", "PASSEPORTT"])
def test_one_typing_mistake_is_forgiven(org, pages, text):
    assert titles(org, text)[0] == "Passeport et carte d'identité"


def test_words_are_found_as_they_are_typed(org, pages):
    assert titles(org, "passe")[0] == "Passeport et carte d'identité"
    assert titles(org, "encombr") == ["Collecte des encombrants"]


def test_a_sentence_finds_the_page_that_holds_most_of_its_words(org, pages):
    found = titles(org, "Comment obtenir une carte d'identité ?")
    assert found[0] == "Passeport et carte d'identité"


def test_nothing_is_found_for_unknown_or_empty_queries(org, pages):
    assert titles(org, "piscine") == []
    assert titles(org, "   ") == []
    assert titles(org, "le la les") == []
    assert titles(org, '"*) OR ( NEAR') == []  # the engines' syntax is never passed through


def test_english_readers_get_the_translation_and_french_elsewhere(org, pages):
    with translation.override("en"):
        assert titles(org, "passport")[0] == "Passport and identity card"
        assert "Inscription à l'école" in titles(org, "ecole")


def test_procedures_are_found_until_they_close(org, procedure_a):
    assert titles(org, "voirie") == [procedure_a.title]
    result = search.search(org, "voirie")[0]
    assert result.kind == "procedure" and result.url == f"/demarches/{procedure_a.slug}/"
    unpublish_procedure(procedure=procedure_a)
    assert titles(org, "voirie") == []


def test_an_unpublished_page_leaves_the_index(org, pages):
    save_info_page(organization=org, actor=None, page=pages["school"], is_published=False)
    assert titles(org, "ecole") == []


def test_kinds_can_be_chosen(org, pages, procedure_a):
    faq = page(org, "Peut-on signaler un problème de voirie la nuit ?", kind="faq")
    assert titles(org, "voirie", kinds=["faq"]) == [faq.title]
    assert titles(org, "voirie", kinds=["procedure"]) == [procedure_a.title]


def test_pages_holding_every_word_come_alone_when_there_are_some(org, pages):
    page(org, "Horaires de la mairie", "Du lundi au samedi.", kind="faq")
    page(org, "Se pacser", "Le Pacs s'enregistre en mairie.")
    assert titles(org, "horaires mairie") == ["Horaires de la mairie"]
    # No page holds both words: those holding one of them.
    assert set(titles(org, "horaires piscine")) == {"Horaires de la mairie"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("encomrents", "Collecte des encombrants"),  # a letter missing, another replaced
        ("enconbrents", "Collecte des encombrants"),
        ("pasepport", "Passeport et carte d'identité"),
        ("passeprtt", "Passeport et carte d'identité"),
        ("pasesprot", "Passeport et carte d'identité"),  # two swaps, one edit each
        ("inscirpton", "Inscription à l'école"),
        ("pasport", "Passeport et carte d'identité"),  # seven letters typed: two edits
    ],
)
def test_two_typing_mistakes_are_forgiven_on_long_words(org, pages, text, expected):
    found = titles(org, text)
    assert found and found[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("passport", "Passeport et carte d'identité"),
        ("identity card", "Passeport et carte d'identité"),
    ],
)
def test_the_english_spelling_of_a_french_word_finds_it(org, pages, text, expected):
    # The English translation puts these words in the index: a French reader typing them
    # must still get the French page, not nothing.
    found = titles(org, text)
    assert found and found[0] == expected


@pytest.mark.parametrize("text", ["nairue", "pasprt", "ecloes"])
def test_words_of_fewer_than_seven_letters_get_one_edit_not_two(org, pages, text):
    assert titles(org, text) == []


def test_a_mistake_on_the_first_letter_counts_twice(org, pages):
    assert titles(org, "oasseport")[0] == "Passeport et carte d'identité"
    assert titles(org, "oaseport") == []  # two mistakes, one on the first letter
    assert titles(org, "bairie") == []


def test_one_edit_is_still_forgiven_on_a_short_word(org, pages):
    assert titles(org, "mairue") == ["Passeport et carte d'identité"]


def test_exact_matches_come_before_corrected_ones(org, pages):
    licence = page(org, "Licence de débit de boissons", "Pour ouvrir un bar.")
    software = page(org, "Nos logiciels", "Le code du portail est publié sous une license libre.")
    # The word as typed, even in a body, comes before a correction of it in a title.
    assert titles(org, "license") == [software.title, licence.title]
    assert titles(org, "licence") == [licence.title, software.title]


def test_one_correction_comes_before_two(org, pages):
    two = page(org, "Travaux impasse Kermorrec", "La chaussée est refaite.")
    one = page(org, "Travaux rue Kermarrec", "La chaussée est refaite.")
    # "kermarec": one letter from "kermarrec", two from "kermorrec".
    assert titles(org, "kermarec") == [one.title, two.title]


def test_numbers_are_not_corrected(org, pages):
    page(org, "Élections de 2024", "Les résultats.")
    assert titles(org, "2025") == []
