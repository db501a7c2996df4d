"""Steps and conditions of a procedure's form (docs/procedures.md, "Conditions")."""

import pytest
from django.core.exceptions import ValidationError

from guichet.catalog.formschema import (
    clean_answers,
    clean_page,
    evaluate_form,
    pages,
    validate_fields,
    visible_fields,
)

KIND = {"id": "kind", "type": "choice", "label": "Type", "choices": ["Éclairage", "Voirie"]}
FIELDS = [
    KIND,
    {"id": "count", "type": "number", "label": "Combien ?"},
    {
        "id": "lamp",
        "type": "text",
        "label": "Numéro du lampadaire",
        "required": True,
        "condition": {"field": "kind", "op": "equals", "value": "Éclairage"},
    },
    {"id": "details", "type": "page", "label": "Précisions"},
    {"id": "notes", "type": "textarea", "label": "Notes"},
    {
        "id": "urgent",
        "type": "section",
        "label": "Urgence",
        "condition": {
            "any": [
                {"field": "kind", "op": "equals", "value": "Voirie"},
                {
                    "all": [
                        {"field": "count", "op": "gt", "value": 3},
                        {"field": "notes", "op": "not_empty"},
                    ]
                },
            ]
        },
    },
    {"id": "danger", "type": "yesno", "label": "Danger ?", "required": True},
    {"id": "calm", "type": "section", "label": "Le reste"},
    {"id": "email", "type": "email", "label": "E-mail"},
    {
        "id": "night",
        "type": "page",
        "label": "La nuit",
        "condition": {"field": "kind", "op": "equals", "value": "Éclairage"},
    },
    {"id": "since", "type": "date", "label": "Depuis quand ?", "required": True},
    {
        "id": "since_info",
        "type": "info",
        "help": "Merci.",
        "condition": {"field": "since", "op": "lt", "value": "2026-01-01"},
    },
    {
        "id": "hours",
        "type": "multichoice",
        "label": "Heures",
        "choices": ["soir", "nuit"],
        "condition": {"field": "lamp", "op": "empty"},
    },
]


def test_pages_split_the_form_at_each_page_item():
    steps = pages(FIELDS)
    assert [(page.index, page.title, page.id) for page in steps] == [
        (0, "", None),
        (1, "Précisions", "details"),
        (2, "La nuit", "night"),
    ]
    assert [item["id"] for item in steps[1].items] == ["notes", "urgent", "danger", "calm", "email"]
    assert steps[2].condition == {"field": "kind", "op": "equals", "value": "Éclairage"}
    assert [page.title for page in pages([{"id": "p", "type": "page", "label": "A"}, KIND])] == [
        "A"
    ]
    assert pages([]) == []
    assert len(pages([KIND])) == 1


def test_a_hidden_field_is_neither_validated_nor_stored_even_when_posted():
    answers, _ = clean_answers(
        FIELDS,
        {"kind": "Voirie", "lamp": "L-12", "danger": "no", "since": "pas une date", "hours": "z"},
    )
    # lamp: its condition is false; since and hours: their page is hidden.
    assert answers == {"kind": "Voirie", "danger": False}


def test_a_field_whose_condition_holds_is_required_and_stored():
    with pytest.raises(ValidationError) as error:
        clean_answers(FIELDS, {"kind": "Éclairage"})
    assert set(error.value.message_dict) == {"lamp", "since"}
    answers, _ = clean_answers(FIELDS, {"kind": "Éclairage", "lamp": "L-12", "since": "2025-12-01"})
    assert answers == {"kind": "Éclairage", "lamp": "L-12", "since": "2025-12-01"}


def test_a_section_condition_applies_to_its_fields_up_to_the_next_section():
    # Neither Voirie nor (count > 3 and notes): the section "urgent" hides "danger" only.
    answers, _ = clean_answers(FIELDS, {"count": "5", "email": "a@b.test", "danger": "yes"})
    assert answers == {"count": 5, "email": "a@b.test"}
    # Nested all inside any: count > 3 and notes not empty shows it (and it is required).
    with pytest.raises(ValidationError) as error:
        clean_answers(FIELDS, {"count": "5", "notes": "Vite"})
    assert set(error.value.message_dict) == {"danger"}
    with pytest.raises(ValidationError):
        clean_answers(FIELDS, {"count": "5", "notes": "Vite", "danger": ""})
    answers, _ = clean_answers(FIELDS, {"count": "5", "notes": "Vite", "danger": "yes"})
    assert answers["danger"] is True


def test_a_field_depending_on_a_hidden_field_is_hidden():
    # "hours" shows when "lamp" is empty, but lamp is hidden (not Éclairage) and the whole
    # page is too; on a visible page, a rule on a hidden field hides its item all the same.
    fields = [
        KIND,
        {
            "id": "lamp",
            "type": "text",
            "condition": {"field": "kind", "op": "equals", "value": "Éclairage"},
        },
        {"id": "why", "type": "text", "condition": {"field": "lamp", "op": "empty"}},
    ]
    answers, _ = clean_answers(fields, {"kind": "Voirie", "why": "posted anyway"})
    assert answers == {"kind": "Voirie"}
    answers, _ = clean_answers(fields, {"kind": "Éclairage", "why": "no lamp number"})
    assert answers == {"kind": "Éclairage", "why": "no lamp number"}


def test_an_info_item_follows_its_condition():
    state = evaluate_form(FIELDS, {"kind": "Éclairage", "lamp": "x", "since": "2025-05-01"})
    assert "since_info" in state.visible
    state = evaluate_form(FIELDS, {"kind": "Éclairage", "lamp": "x", "since": "2026-05-01"})
    assert "since_info" not in state.visible
    assert state.visible_pages == [0, 1, 2]
    assert evaluate_form(FIELDS, {"kind": "Voirie"}).visible_pages == [0, 1]


def test_clean_page_validates_one_step_knowing_the_earlier_answers():
    assert clean_page(FIELDS, 0, {"kind": "Voirie", "notes": "ignored"}) == ({"kind": "Voirie"}, [])
    with pytest.raises(ValidationError) as error:
        clean_page(FIELDS, 1, {"notes": "Vite"}, answers_so_far={"kind": "Voirie"})
    assert list(error.value.message_dict) == ["danger"]
    answers, _ = clean_page(
        FIELDS, 1, {"danger": "no", "kind": "Éclairage"}, answers_so_far={"kind": "Voirie"}
    )
    assert answers == {"danger": False}  # only this step's answers, earlier ones as known
    # A hidden step gives nothing, whatever was posted.
    assert clean_page(FIELDS, 2, {"since": "x"}, answers_so_far={"kind": "Voirie"}) == ({}, [])
    with pytest.raises(ValidationError):
        clean_page(FIELDS, 2, {"since": "x"}, answers_so_far={"kind": "Éclairage", "lamp": "1"})


def test_clean_page_can_leave_files_for_later():
    fields = [{"id": "scan", "type": "file", "required": True}, {"id": "t", "type": "text"}]
    assert clean_page(fields, 0, {"t": "x"}, with_files=False) == ({"t": "x"}, [])
    with pytest.raises(ValidationError):
        clean_page(fields, 0, {"t": "x"})


def test_visible_fields_lists_the_answer_items_the_answers_show():
    ids = [item["id"] for item in visible_fields(FIELDS, {"kind": "Voirie"})]
    assert ids == ["kind", "count", "notes", "danger", "email"]


# --- Publication checks ----------------------------------------------------------------------


def messages(fields) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_fields(fields)
    return error.value.messages


def test_the_example_form_is_valid():
    validate_fields(FIELDS)
    validate_fields([])


@pytest.mark.parametrize(
    "fields, message",
    [
        ([{"id": "Bad id", "type": "text"}], "identifiant invalide"),
        ([KIND, KIND], "utilisé deux fois"),
        ([{"id": "x", "type": "hologram"}], "type inconnu"),
        ([{"id": "x", "type": "choice"}], "aucun choix"),
        ([{"id": "x", "type": "choice", "choices": ["a", "a"]}], "deux fois"),
        ([{"id": "x", "type": "choice", "choices": ["a", ""]}], "texte non vide"),
        ([{"id": "x", "type": "choice", "choices": ["a"], "widget": "slider"}], "widget"),
        ([{"id": "x", "type": "text", "pattern": "[a-"}], "est invalide"),
        ([{"id": "x", "type": "text", "max_length": 0}], "max_length"),
        ([{"id": "x", "type": "number", "min": 5, "max": 1}], "minimum dépasse"),
        ([{"id": "x", "type": "number", "min": "5"}], "doit être un nombre"),
        ([{"id": "x", "type": "number", "integer": "yes"}], "integer"),
        ([{"id": "x", "type": "date", "min": "2026-02-01", "max": "2026-01-01"}], "dépasse"),
        ([{"id": "x", "type": "date", "min": "01/01/2026"}], "AAAA-MM-JJ"),
        ([{"id": "x", "type": "file", "extensions": ["exe"]}], "extension non admise"),
        ([{"id": "x", "type": "file", "max_size": 10**12}], "max_size"),
        ([{"id": "x", "type": "file", "max_count": 0}], "max_count"),
        ([{"id": "x", "type": "text", "required": "yes"}], "required"),
        ([{"id": "p", "type": "page", "label": "Vide"}, {"id": "q", "type": "page"}, KIND], "Vide"),
        ([KIND, {"id": "p", "type": "page", "label": "Fin"}], "« Fin » ne contient aucun"),
    ],
)
def test_publication_refuses_a_bad_form(fields, message):
    assert any(message in text for text in messages(fields)), messages(fields)


@pytest.mark.parametrize(
    "condition, message",
    [
        ({"field": "later", "op": "not_empty"}, "placé avant"),
        ({"field": "x", "op": "not_empty"}, "placé avant"),  # itself
        ({"field": "nowhere", "op": "not_empty"}, "placé avant"),
        ({"field": "part", "op": "not_empty"}, "placé avant"),  # a section takes no answer
        ({"field": "scan", "op": "not_empty"}, "pièce jointe"),
        ({"field": "kind", "op": "like", "value": "a"}, "opérateur inconnu"),
        ({"field": "kind", "op": "equals"}, "pas de valeur"),
        ({"field": "kind", "op": "equals", "value": "Gaz"}, "pas un des choix"),
        ({"field": "kind", "op": "gt", "value": 3}, "nombres ou des dates"),
        ({"field": "count", "op": "gt", "value": "trois"}, "un nombre"),
        ({"field": "day", "op": "lt", "value": "demain"}, "une date"),
        ({"field": "ok", "op": "equals", "value": "oui"}, "true ou false"),
        ({"field": "ok", "op": "contains", "value": True}, "contains"),
        ({"all": []}, "non vide"),
        ({"any": {"field": "kind"}}, "non vide"),
        ({"all": [{"field": "kind", "op": "empty"}], "field": "kind"}, "rien d'autre"),
        ({"field": "kind", "op": "empty", "valeur": 1}, "clé inconnue"),
        ("kind == 1", "un objet"),
    ],
)
def test_publication_refuses_a_bad_condition(condition, message):
    fields = [
        KIND,
        {"id": "count", "type": "number"},
        {"id": "day", "type": "date"},
        {"id": "ok", "type": "yesno"},
        {"id": "scan", "type": "file"},
        {"id": "part", "type": "section"},
        {"id": "x", "type": "text", "condition": condition},
        {"id": "later", "type": "text"},
    ]
    assert any(message in text for text in messages(fields)), messages(fields)


def test_conditions_on_pages_sections_and_texts_are_checked_too():
    for kind in ("page", "section", "info"):
        item = {"id": "x", "type": kind, "condition": {"field": "y", "op": "empty"}}
        assert any("placé avant" in text for text in messages([KIND, item, {"id": "y"}]))
