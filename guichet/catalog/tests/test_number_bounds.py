"""Number bounds of a form: a number between two other answers (formschema.bounds), checked
by the form engine for every channel, set in the designer without JSON, translated."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guichet.cases.actions import submit_case
from guichet.cases.models import Channel
from guichet.catalog.formschema import clean_answers, validate_fields
from guichet.catalog.models import Procedure
from guichet.catalog.translations import localized_fields, translatable_groups
from guichet.conftest import published

BETWEEN = [
    {"id": "places_min", "type": "number", "label": "Places minimum", "integer": True},
    {"id": "places_max", "type": "number", "label": "Places maximum", "integer": True},
    {
        "id": "places",
        "type": "number",
        "label": "Places réservées",
        "integer": True,
        "at_least": {"field": "places_min"},
        "at_most": {"field": "places_max", "message": "Pas plus que la salle n'en offre."},
    },
]


def errors_of(fields, data):
    with pytest.raises(ValidationError) as caught:
        clean_answers(fields, data)
    return caught.value.message_dict


def test_a_number_between_two_others_is_accepted_at_both_ends():
    for value in ("10", "25", "40"):
        answers, _ = clean_answers(
            BETWEEN, {"places_min": "10", "places_max": "40", "places": value}
        )
        assert answers["places"] == int(value)


def test_below_the_first_or_above_the_second_is_refused_with_its_message():
    below = errors_of(BETWEEN, {"places_min": "10", "places_max": "40", "places": "9"})
    assert below == {"places": ["Ce nombre ne peut pas être inférieur à « Places minimum » (10)."]}
    above = errors_of(BETWEEN, {"places_min": "10", "places_max": "40", "places": "41"})
    assert above == {"places": ["Pas plus que la salle n'en offre."]}


def test_strict_refuses_equality_and_decimals_compare_as_numbers():
    fields = [
        {"id": "plancher", "type": "number", "label": "Plancher"},
        {
            "id": "offre",
            "type": "number",
            "label": "Offre",
            "at_least": {"field": "plancher", "strict": True},
        },
    ]
    errors = errors_of(fields, {"plancher": "2,5", "offre": "2,5"})
    assert errors == {"offre": ["Indiquez un nombre supérieur à « Plancher » (2,5)."]}
    answers, _ = clean_answers(fields, {"plancher": "2,5", "offre": "2,51"})
    assert answers["offre"] == 2.51
    # Zero is an answer like any other: it is bounded too.
    fields[0]["label"] = "Zéro"
    errors = errors_of(fields, {"plancher": "0", "offre": "-1"})
    assert errors == {"offre": ["Indiquez un nombre supérieur à « Zéro » (0)."]}


def test_an_unanswered_or_hidden_reference_puts_no_bound():
    answers, _ = clean_answers(BETWEEN, {"places": "1000"})
    assert answers == {"places": 1000}
    fields = [
        {"id": "groupe", "type": "yesno", "label": "En groupe"},
        {
            "id": "taille",
            "type": "number",
            "label": "Taille",
            "condition": {"field": "groupe", "op": "equals", "value": "yes"},
        },
        {"id": "n", "type": "number", "label": "N", "at_least": {"field": "taille"}},
    ]
    answers, _ = clean_answers(fields, {"groupe": "no", "taille": "50", "n": "3"})
    assert answers == {"groupe": False, "n": 3}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"at_least": {"field": "later"}}, "n'est pas un champ placé avant"),
        ({"at_least": {"field": "day"}}, "qui n'est pas un nombre"),
        ({"at_most": {"days_from_today": 3}}, "clé inconnue « days_from_today »"),
        ({"at_most": "places_min"}, "est un objet"),
        ({"at_least": {"field": "n0", "strict": "yes"}}, "« strict » vaut true ou false"),
        ({"at_least": {}}, "indique un champ nombre"),
    ],
)
def test_the_schema_refuses_a_number_bound_that_cannot_work(item, message):
    fields = [
        {"id": "n0", "type": "number", "label": "N0"},
        {"id": "day", "type": "date", "label": "Jour"},
        {"id": "n", "type": "number", "label": "N", **item},
        {"id": "later", "type": "number", "label": "Plus tard"},
    ]
    with pytest.raises(ValidationError) as caught:
        validate_fields(fields)
    assert any(message in error for error in caught.value.messages), caught.value.messages


def test_number_bounds_belong_to_numbers_and_date_bounds_to_dates():
    fields = [
        {"id": "n0", "type": "number", "label": "N0"},
        {"id": "jour", "type": "date", "label": "Jour", "at_least": {"field": "n0"}},
    ]
    with pytest.raises(ValidationError) as caught:
        validate_fields(fields)
    assert any("ne s'applique qu'à un champ de type nombre" in e for e in caught.value.messages)
    validate_fields(BETWEEN)  # sound


def test_the_custom_message_is_translated():
    translations = {"en": {"fields": {"places": {"at_most_message": "No more than the hall has."}}}}
    with translation.override("en"):
        fields = localized_fields(BETWEEN, translations)
    assert fields[2]["at_most"]["message"] == "No more than the hall has."
    assert BETWEEN[2]["at_most"]["message"] == "Pas plus que la salle n'en offre."  # untouched


def test_the_translations_editor_lists_the_custom_messages(org, service_a):
    procedure = Procedure(organization=org, service=service_a, title="Salle", fields=BETWEEN)
    groups = {group.key: group for group in translatable_groups(procedure)}
    entries = [(entry.path, entry.french) for entry in groups["field-places"].entries]
    assert (("fields", "places", "at_most_message"), "Pas plus que la salle n'en offre.") in entries
    assert all(path[-1] != "at_least_message" for path, _ in entries)  # no message, nothing


@pytest.mark.django_db
@pytest.mark.parametrize("channel", Channel.values)
def test_the_bounds_hold_in_every_channel(org, service_a, channel):
    """submit_case judges the answers the same way whatever the door: a number outside the
    two others (or a date before the other date) is refused, inside it is filed."""
    fields = [
        *BETWEEN,
        {"id": "debut", "type": "date", "label": "Début"},
        {"id": "fin", "type": "date", "label": "Fin", "after": {"field": "debut"}},
    ]
    procedure = published(
        Procedure.objects.create(
            organization=org, service=service_a, title="Salle", slug="salle", fields=fields
        )
    )
    json_door = channel in ("api", "email")

    def file(places, end):
        answers = {"places_min": 10, "places_max": 40, "places": places}
        answers |= {"debut": "2027-03-10", "fin": end}
        data = answers if json_door else {key: str(value) for key, value in answers.items()}
        return submit_case(
            procedure=procedure,
            data=data,
            channel=channel,
            contact_name="Alice Martin",
            contact_email="alice@example.test",
        )

    assert file(25, "2027-03-12").data["places"] == 25
    for places, end, wrong in ((41, "2027-03-12", "places"), (25, "2027-03-01", "fin")):
        with pytest.raises(ValidationError) as caught:
            file(places, end)
        assert wrong in caught.value.message_dict, (channel, caught.value.message_dict)
    assert procedure.cases.count() == 1
