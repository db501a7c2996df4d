"""The conditions editor: "show only when" from pickers, without JSON and without
JavaScript (every step is a submit button)."""

import pytest
from django.urls import reverse

from guichet.catalog import actions
from guichet.catalog.models import Procedure

pytestmark = pytest.mark.django_db

FIELDS = [
    {"id": "outdoor", "type": "yesno", "label": "Plein air"},
    {"id": "kind", "type": "choice", "label": "Genre", "choices": ["Concert", "Marché", "Fête"]},
    {"id": "people", "type": "number", "label": "Participants"},
    {"id": "day", "type": "date", "label": "Jour"},
    {"id": "tents", "type": "text", "label": "Chapiteaux"},
    {"id": "later", "type": "text", "label": "Plus tard"},
]


@pytest.fixture
def procedure(org, service_a):
    return Procedure.objects.create(
        organization=org, service=service_a, title="Manifestation", slug="manif", fields=FIELDS
    )


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def url(procedure, field_id="tents"):
    return reverse("backoffice:procedure_field_condition", args=[procedure.pk, field_id])


def condition_of(procedure, field_id="tents"):
    procedure.refresh_from_db()
    return next(item for item in procedure.fields if item["id"] == field_id).get("condition")


def test_it_offers_the_earlier_fields_only(admin_client, procedure):
    response = admin_client.get(url(procedure))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Toujours affiché" in text
    field_select = text[
        text.index('name="c0-field"') : text.index("</select>", text.index('name="c0-field"'))
    ]
    for label in ("Plein air", "Genre", "Participants", "Jour"):
        assert label in field_select
    assert "Plus tard" not in field_select and "Chapiteaux" not in field_select


def test_a_yes_no_rule_is_saved_in_the_engine_format_and_said_in_french(admin_client, procedure):
    response = admin_client.post(
        url(procedure),
        {
            "count": "1",
            "join": "all",
            "c0-field": "outdoor",
            "c0-op": "equals",
            "c0-value": "yes",
            "do": "save",
        },
    )
    assert response.status_code == 303
    assert condition_of(procedure) == {"field": "outdoor", "op": "equals", "value": True}
    page = admin_client.get(url(procedure)).content.decode()
    assert "Affiché si « Plein air » vaut « Oui »" in page


def test_refresh_shows_the_operators_and_input_of_the_chosen_field(admin_client, procedure):
    response = admin_client.post(
        url(procedure), {"count": "1", "c0-field": "kind", "c0-op": "in", "do": "refresh"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="in"' in text and "est l&#x27;un de" in text
    assert 'type="checkbox" name="c0-value" value="Concert"' in text
    assert 'value="gt"' not in text  # no "greater than" on a choice
    response = admin_client.post(
        url(procedure), {"count": "1", "c0-field": "day", "c0-op": "gt", "do": "refresh"}
    )
    assert 'type="date"' in response.content.decode()


def test_clauses_are_added_removed_and_combined_with_or(admin_client, procedure):
    data = {
        "count": "1",
        "join": "any",
        "c0-field": "kind",
        "c0-op": "in",
        "c0-value": ["Concert", "Fête"],
        "do": "add",
    }
    response = admin_client.post(url(procedure), data)
    assert 'name="c1-field"' in response.content.decode()
    data.update(
        {"count": "2", "c1-field": "people", "c1-op": "gt", "c1-value": "100", "do": "save"}
    )
    assert admin_client.post(url(procedure), data).status_code == 303
    assert condition_of(procedure) == {
        "any": [
            {"field": "kind", "op": "in", "value": ["Concert", "Fête"]},
            {"field": "people", "op": "gt", "value": 100},
        ]
    }
    page = admin_client.get(url(procedure)).content.decode()
    assert (
        "Affiché si « Genre » est l&#x27;un de « Concert », « Fête » ou « Participants » est "
        "supérieur à « 100 »"
    ) in page
    data.update({"do": "remove-0"})
    response = admin_client.post(url(procedure), data)
    assert 'name="c1-field"' not in response.content.decode()
    assert 'name="c0-value" value="100"' in response.content.decode()


@pytest.mark.parametrize(
    ("clause", "error_on", "message"),
    [
        ({"c0-field": "later", "c0-op": "empty"}, "c0-field", "placé après cet élément"),
        (
            {"c0-field": "kind", "c0-op": "equals", "c0-value": "Cirque"},
            "c0-value",
            "parmi les choix",
        ),
        ({"c0-field": "kind", "c0-op": "gt", "c0-value": "3"}, "c0-op", "ne s&#x27;applique pas"),
        ({"c0-field": "people", "c0-op": "gt", "c0-value": "beaucoup"}, "c0-value", "un nombre"),
        ({"c0-field": "day", "c0-op": "lt", "c0-value": "demain"}, "c0-value", "date"),
    ],
)
def test_errors_stand_next_to_their_control(admin_client, procedure, clause, error_on, message):
    response = admin_client.post(url(procedure), {"count": "1", "do": "save", **clause})
    assert response.status_code == 400
    text = response.content.decode()
    error = text.index(f'id="cond_{error_on}_error"')
    assert message in text[error : error + 400]
    assert condition_of(procedure) is None


def test_a_stored_fault_shows_beside_its_control(admin_client, procedure):
    fields = [dict(item) for item in FIELDS]
    fields[4]["condition"] = {"field": "kind", "op": "equals", "value": "Concert"}
    actions.update_procedure_fields(procedure=procedure, fields=fields)
    procedure.refresh_from_db()
    procedure.fields[1]["choices"] = ["Marché", "Fête"]  # a choice removed behind its back
    procedure.save()
    text = admin_client.get(url(procedure)).content.decode()
    assert 'id="cond_c0-value_error"' in text


def test_a_section_gets_a_condition_too_and_always_show_removes_it(admin_client, procedure):
    fields = [*FIELDS[:2], {"id": "stage", "type": "section", "label": "Scène"}, *FIELDS[2:]]
    actions.update_procedure_fields(procedure=procedure, fields=fields)
    data = {
        "count": "1",
        "c0-field": "kind",
        "c0-op": "equals",
        "c0-value": "Concert",
        "do": "save",
    }
    assert admin_client.post(url(procedure, "stage"), data).status_code == 303
    assert condition_of(procedure, "stage") == {"field": "kind", "op": "equals", "value": "Concert"}
    fields_page = admin_client.get(reverse("backoffice:procedure_fields", args=[procedure.pk]))
    assert "« Genre » vaut « Concert »" in fields_page.content.decode()
    assert admin_client.post(url(procedure, "stage"), {"do": "clear"}).status_code == 303
    assert condition_of(procedure, "stage") is None


def test_nested_groups_are_left_to_the_json(admin_client, procedure):
    fields = [dict(item) for item in FIELDS]
    fields[4]["condition"] = {
        "any": [
            {
                "all": [
                    {"field": "outdoor", "op": "equals", "value": True},
                    {"field": "people", "op": "gt", "value": 10},
                ]
            },
            {"field": "kind", "op": "equals", "value": "Fête"},
        ]
    }
    actions.update_procedure_fields(procedure=procedure, fields=fields)
    text = admin_client.get(url(procedure)).content.decode()
    assert "groupes dans des groupes" in text
    assert "(« Plein air » vaut « Oui » et « Participants » est supérieur à « 10 »)" in text
    # It stays as it is until removed here, the only way short of the procedure's file.
    assert admin_client.post(url(procedure), {"do": "save", "count": "0"}).status_code == 200
    assert condition_of(procedure, fields[4]["id"]) == fields[4]["condition"]
    assert admin_client.post(url(procedure), {"do": "clear"}).status_code == 303
    assert condition_of(procedure, fields[4]["id"]) is None


def test_outsiders_get_404(client, other_org_agent, procedure):
    client.force_login(other_org_agent)
    assert client.get(url(procedure)).status_code == 404


def test_the_item_form_links_to_the_editor(admin_client, procedure):
    page = admin_client.get(reverse("backoffice:procedure_field", args=[procedure.pk, "tents"]))
    assert url(procedure) in page.content.decode()


def test_the_item_form_says_the_condition_in_words_and_keeps_it(admin_client, procedure):
    """No JSON box in the item's form: the rule in words, a link to its editor, and an edit
    of the item leaves the condition as it was (a posted "condition" is ignored)."""
    fields = [dict(item) for item in FIELDS]
    fields[4]["condition"] = {"field": "outdoor", "op": "equals", "value": True}
    actions.update_procedure_fields(procedure=procedure, fields=fields)
    item_id = fields[4]["id"]
    address = reverse("backoffice:procedure_field", args=[procedure.pk, item_id])
    text = admin_client.get(address).content.decode()
    assert "Affiché si « Plein air » vaut « Oui »." in text
    assert "Modifier la condition d'affichage" in text
    assert 'name="condition"' not in text
    posted = {
        "label": "Nouveau libellé",
        "id": item_id,
        "condition": '{"field": "kind", "op": "empty"}',
    }
    response = admin_client.post(address, posted)
    assert response.status_code == 303, response.content.decode()
    procedure.refresh_from_db()
    saved = next(item for item in procedure.fields if item["id"] == item_id)
    assert saved["label"] == "Nouveau libellé"
    assert saved["condition"] == {"field": "outdoor", "op": "equals", "value": True}
