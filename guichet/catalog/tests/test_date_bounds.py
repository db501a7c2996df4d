"""Date bounds of a form: a date after another date, or from today (formschema.bounds)."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guichet.catalog.exchange import export_procedure, import_procedure
from guichet.catalog.formschema import clean_answers, clean_page, form_field, validate_fields
from guichet.catalog.models import Procedure
from guichet.conftest import published
from guichet.demo import data as demo
from guichet.portal.forms import AnswersForm

RANGE = [
    {"id": "date_debut", "type": "date", "label": "Premier jour", "required": True},
    {
        "id": "date_fin",
        "type": "date",
        "label": "Dernier jour",
        "required": True,
        "after": {"field": "date_debut"},
    },
]


def errors_of(fields, data, **kwargs):
    with pytest.raises(ValidationError) as caught:
        clean_answers(fields, data, **kwargs)
    return caught.value.message_dict


def test_a_range_that_ends_before_it_starts_is_refused():
    errors = errors_of(RANGE, {"date_debut": "2027-03-10", "date_fin": "2020-01-01"})
    assert errors == {
        "date_fin": ["Cette date ne peut pas précéder « Premier jour » (10 mars 2027)."]
    }


def test_a_range_of_one_day_or_more_is_accepted():
    answers, _ = clean_answers(RANGE, {"date_debut": "2027-03-10", "date_fin": "2027-03-10"})
    assert answers == {"date_debut": "2027-03-10", "date_fin": "2027-03-10"}
    answers, _ = clean_answers(RANGE, {"date_debut": "2027-03-10", "date_fin": "2027-03-12"})
    assert answers["date_fin"] == "2027-03-12"


def test_strict_refuses_the_same_day_and_the_message_is_configurable():
    fields = copy.deepcopy(RANGE)
    fields[1]["after"] = {"field": "date_debut", "strict": True, "message": "Au moins une nuit."}
    errors = errors_of(fields, {"date_debut": "2027-03-10", "date_fin": "2027-03-10"})
    assert errors == {"date_fin": ["Au moins une nuit."]}


def test_before_bounds_a_date_by_a_later_one():
    fields = [
        {"id": "fin", "type": "date", "label": "Fin"},
        {"id": "demande", "type": "date", "label": "Demande", "before": {"field": "fin"}},
    ]
    errors = errors_of(fields, {"fin": "2027-01-01", "demande": "2027-02-01"})
    assert errors == {"demande": ["Cette date ne peut pas suivre « Fin » (1 janvier 2027)."]}


def test_an_unanswered_reference_puts_no_bound():
    answers, _ = clean_answers(
        [{"id": "a", "type": "date"}, {"id": "b", "type": "date", "after": {"field": "a"}}],
        {"b": "2020-01-01"},
    )
    assert answers == {"b": "2020-01-01"}


def test_the_bound_reads_the_answer_of_an_earlier_step():
    fields = [RANGE[0], {"id": "step2", "type": "page", "label": "Fin"}, RANGE[1]]
    with pytest.raises(ValidationError) as caught:
        clean_page(fields, 1, {"date_fin": "2027-03-01"}, None, {"date_debut": "2027-03-10"})
    assert list(caught.value.message_dict) == ["date_fin"]


def test_days_from_today_count_from_the_day_of_filing():
    fields = [
        {
            "id": "jour",
            "type": "date",
            "label": "Jour",
            "after": {"days_from_today": 0},
            "before": {"days_from_today": 365},
        }
    ]
    march = datetime.date(2027, 3, 10)
    errors = errors_of(fields, {"jour": "2027-03-09"}, today=march)
    assert errors == {"jour": ["Indiquez une date à partir du 10 mars 2027."]}
    errors = errors_of(fields, {"jour": "2028-03-10"}, today=march)
    assert errors == {"jour": ["Indiquez une date jusqu'au 9 mars 2028 au plus tard."]}
    assert clean_answers(fields, {"jour": "2027-03-10"}, today=march)[0] == {"jour": "2027-03-10"}


def test_the_citizens_date_picker_starts_at_today_an_agents_correction_does_not():
    item = {"id": "jour", "type": "date", "after": {"days_from_today": 0}, "min": "2020-01-01"}
    today = timezone.localdate()
    html = form_field(item, today=today).widget.render("jour", None)
    assert f'min="{today.isoformat()}"' in html
    assert 'min="2020-01-01"' in form_field(item).widget.render("jour", None)
    portal_form = AnswersForm(items=[item])
    assert f'min="{today.isoformat()}"' in str(portal_form["answer-jour"])


@pytest.mark.parametrize(
    ("bound", "message"),
    [
        ({"field": "inconnu"}, "« after » porte sur « inconnu », qui n'est pas un champ placé"),
        ({"field": "nom"}, "« after » porte sur « nom », qui n'est pas une date."),
        ({"field": "fin"}, "« after » porte sur « fin », qui n'est pas un champ placé"),
        ({}, "« after » indique soit un champ"),
        ({"field": "debut", "days_from_today": 1}, "« after » indique soit un champ"),
        ({"days_from_today": "3"}, "« days_from_today » est un nombre entier"),
        ({"field": "debut", "strict": "oui"}, "« strict » vaut true ou false."),
        ({"field": "debut", "message": ""}, "« message » est un texte"),
        ({"field": "debut", "after": 1}, "clé inconnue « after » dans « after »"),
        ("debut", "« after » est un objet"),
    ],
)
def test_the_schema_refuses_a_bound_that_cannot_work(bound, message):
    fields = [
        {"id": "nom", "type": "text"},
        {"id": "debut", "type": "date"},
        {"id": "jour", "type": "date", "after": bound},
        {"id": "fin", "type": "date"},
    ]
    with pytest.raises(ValidationError) as caught:
        validate_fields(fields)
    assert any(message in text for text in caught.value.messages), caught.value.messages


def test_the_schema_refuses_a_bound_on_a_field_that_is_not_a_date():
    with pytest.raises(ValidationError) as caught:
        validate_fields([{"id": "n", "type": "number", "before": {"days_from_today": 1}}])
    assert "ne s'applique qu'à un champ de type date" in caught.value.messages[0]


def test_the_schema_accepts_sound_bounds():
    validate_fields(
        [*RANGE, {"id": "j", "type": "date", "after": {"days_from_today": -30, "strict": False}}]
    )


@pytest.mark.django_db
def test_bounds_survive_export_and_import_and_a_bad_one_is_refused(org, service_a):
    procedure = published(
        Procedure.objects.create(
            organization=org, service=service_a, title="Occupation", slug="occupation", fields=RANGE
        )
    )
    document = export_procedure(procedure)
    assert document["fields"][1]["after"] == {"field": "date_debut"}
    document["slug"] = "occupation-bis"
    copy_ = import_procedure(organization=org, document=document)
    assert copy_.fields[1]["after"] == {"field": "date_debut"}
    document["slug"] = "occupation-ter"
    document["fields"][1]["after"] = {"field": "inconnu"}
    with pytest.raises(ValidationError) as caught:
        import_procedure(organization=org, document=document)
    assert any("« inconnu »" in text for text in caught.value.messages)


def _date_ranges(fields):
    ids = {item["id"] for item in fields if item.get("type") == "date"}
    return [(start, end) for start, end in (("date_debut", "date_fin"),) if {start, end} <= ids]


def test_every_demo_procedure_with_a_date_range_refuses_a_backward_range():
    forms = {**demo.FIELDS}
    ranges = {kind: fields for kind, fields in forms.items() if _date_ranges(fields)}
    assert ranges  # the demo's terrace and refreshment-bar forms
    for kind, fields in ranges.items():
        validate_fields(fields)
        end = next(item for item in fields if item["id"] == "date_fin")
        assert end.get("after", {}).get("field") == "date_debut", kind


@pytest.mark.django_db
def test_the_designer_keeps_the_bounds_of_a_field_it_edits(client, administrator, org, service_a):
    from django.urls import reverse

    from guichet.catalog import actions

    procedure = actions.create_procedure(organization=org, service=service_a, title="Terrasse")
    actions.update_procedure_fields(procedure=procedure, fields=copy.deepcopy(RANGE))
    client.force_login(administrator)
    response = client.post(
        reverse("backoffice:procedure_field", args=[procedure.pk, "date_fin"]),
        # The field form shows the bound (backoffice/designer_bounds.py) and posts it back.
        {
            "label": "Dernier jour d'occupation",
            "id": "date_fin",
            "required": "on",
            "after_ref": "field:date_debut",
        },
    )
    assert response.status_code == 303
    procedure.refresh_from_db()
    assert procedure.fields[1]["label"] == "Dernier jour d'occupation"
    assert procedure.fields[1]["after"] == {"field": "date_debut"}
    # A bound the engine cannot use is refused when the form is saved.
    with pytest.raises(ValidationError):
        actions.update_procedure_fields(
            procedure=procedure,
            fields=[{**RANGE[1], "after": {"field": "date_debut"}}, RANGE[0]],
        )
