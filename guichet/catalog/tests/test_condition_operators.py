"""Each operator of the conditions, as the form engine evaluates it for every channel, and
the plain-French sentence the designer shows (docs/procedures.md, "Conditions")."""

import pytest
from django.http import QueryDict
from django.utils import translation

from guichet.cases.models import Channel
from guichet.catalog.conditions import condition_sentence, describe_condition, evaluate_condition
from guichet.catalog.formschema import validate_fields
from guichet.catalog.models import Procedure
from guichet.conftest import published

FIELDS = [
    {"id": "outdoor", "type": "yesno", "label": "Plein air"},
    {"id": "kind", "type": "choice", "label": "Genre", "choices": ["Concert", "Marché", "Fête"]},
    {"id": "extras", "type": "multichoice", "label": "Besoins", "choices": ["Eau", "Électricité"]},
    {"id": "people", "type": "number", "label": "Participants"},
    {"id": "day", "type": "date", "label": "Jour"},
    {"id": "notes", "type": "text", "label": "Remarques"},
]
# operator -> (rule, answers that show the dependent field, answers that hide it)
CASES = {
    "equals": (
        {"field": "outdoor", "op": "equals", "value": True},
        {"outdoor": True},
        {"outdoor": False},
    ),
    "differs": (
        {"field": "kind", "op": "differs", "value": "Concert"},
        {"kind": "Fête"},
        {"kind": "Concert"},
    ),
    "contains": (
        {"field": "extras", "op": "contains", "value": "Eau"},
        {"extras": ["Eau", "Électricité"]},
        {"extras": ["Électricité"]},
    ),
    "gt": ({"field": "people", "op": "gt", "value": 100}, {"people": 250}, {"people": 80}),
    "lt": (
        {"field": "day", "op": "lt", "value": "2027-06-01"},
        {"day": "2027-05-14"},
        {"day": "2027-07-14"},
    ),
    "empty": ({"field": "notes", "op": "empty"}, {}, {"notes": "RAS"}),
    "not_empty": ({"field": "notes", "op": "not_empty"}, {"notes": "RAS"}, {}),
    "in": (
        {"field": "kind", "op": "in", "value": ["Concert", "Fête"]},
        {"kind": "Fête"},
        {"kind": "Marché"},
    ),
}


def form(rule):
    return [*FIELDS, {"id": "tents", "type": "text", "label": "Chapiteaux", "condition": rule}]


def posted(answers: dict) -> QueryDict:
    """The answers as a form posts them (the portal, the back office's filing)."""
    data = QueryDict(mutable=True)
    for key, value in answers.items():
        if isinstance(value, bool):
            data[key] = "yes" if value else "no"
        elif isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = str(value)
    return data


@pytest.mark.parametrize("op", sorted(CASES))
def test_each_operator_is_valid_and_evaluated(op):
    rule, shown, hidden = CASES[op]
    validate_fields(form(rule))
    assert evaluate_condition(rule, shown) is True
    assert evaluate_condition(rule, hidden) is False


@pytest.mark.django_db
@pytest.mark.parametrize("channel", Channel.values)
@pytest.mark.parametrize("op", sorted(CASES))
def test_each_operator_holds_in_every_channel(org, service_a, op, channel):
    from guichet.cases.actions import submit_case

    rule, shown, hidden = CASES[op]
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Manifestation",
            slug="manif",
            fields=form(rule),
        )
    )
    # JSON for the API and the e-mail's parsed answers, a posted form for the others.
    as_sent = (lambda answers: answers) if channel in ("api", "email") else posted
    for answers, stored in ((shown, True), (hidden, False)):
        case = submit_case(
            procedure=procedure,
            data=as_sent({**answers, "tents": "Deux"}),
            channel=channel,
            contact_name="Alice Martin",
            contact_email="alice@example.test",
        )
        assert ("tents" in case.data) is stored, (op, channel, answers)


def test_in_is_checked_against_the_field_at_publication():
    from django.core.exceptions import ValidationError

    for rule, message in (
        ({"field": "kind", "op": "in", "value": "Concert"}, "liste de valeurs"),
        ({"field": "kind", "op": "in", "value": []}, "liste de valeurs"),
        ({"field": "kind", "op": "in", "value": ["Concert", "Cirque"]}, "pas un des choix"),
        ({"field": "people", "op": "in", "value": [1, "deux"]}, "un nombre"),
    ):
        with pytest.raises(ValidationError) as error:
            validate_fields(form(rule))
        assert any(message in text for text in error.value.messages), error.value.messages


@pytest.mark.parametrize(
    ("condition", "french", "english"),
    [
        (
            {"field": "outdoor", "op": "equals", "value": True},
            "Affiché si « Plein air » vaut « Oui »",
            "Shown if “Plein air” equals “Yes”",
        ),
        (
            {"field": "kind", "op": "in", "value": ["Concert", "Fête"]},
            "Affiché si « Genre » est l'un de « Concert », « Fête »",
            "Shown if “Genre” is one of “Concert”, “Fête”",
        ),
        (
            {"field": "day", "op": "gt", "value": "2027-06-01"},
            "Affiché si « Jour » est après le 1 juin 2027",
            "Shown if “Jour” is after June 1, 2027",
        ),
        (
            {"field": "notes", "op": "empty"},
            "Affiché si « Remarques » est vide",
            "Shown if “Remarques” is empty",
        ),
        (
            {
                "any": [
                    {"field": "people", "op": "gt", "value": 100},
                    {
                        "all": [
                            {"field": "kind", "op": "differs", "value": "Marché"},
                            {"field": "extras", "op": "contains", "value": "Eau"},
                        ]
                    },
                ]
            },
            "Affiché si « Participants » est supérieur à « 100 » ou (« Genre » ne vaut pas "
            "« Marché » et « Besoins » contient « Eau »)",
            "Shown if “Participants” is greater than “100” or (“Genre” differs from “Marché” "
            "and “Besoins” contains “Eau”)",
        ),
        (None, "Toujours affiché", "Always shown"),
    ],
)
def test_the_sentence_says_the_rule(condition, french, english):
    with translation.override("fr"):
        assert condition_sentence(condition, FIELDS) == french
    with translation.override("en"):
        assert condition_sentence(condition, FIELDS) == english


def test_the_sentence_names_an_unknown_field_by_its_id():
    assert describe_condition({"field": "gone", "op": "not_empty"}, FIELDS) == "« gone » est rempli"
