"""The designer's routing editor: rules as rows, edited with forms, moved up and down, a zone
of their own (drawn, pasted or imported), and "Tester un cas" saying which rule and which
service would win."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.catalog import actions
from guichet.catalog.models import Procedure
from guichet.catalog.routing import decide_route
from guichet.conftest import ROAD_FIELDS
from guichet.organization.models import Service

pytestmark = pytest.mark.django_db


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


NORTH_ZONE = square(2.10, 46.99, 2.14, 47.00)
IN_NORTH = {"latitude": "46.995", "longitude": "2.12"}
IN_SOUTH = {"latitude": "46.985", "longitude": "2.12"}


@pytest.fixture
def north(org):
    return Service.objects.create(organization=org, name="Voirie nord", slug="voirie-nord")


@pytest.fixture
def lighting(org):
    return Service.objects.create(organization=org, name="Éclairage public", slug="eclairage")


@pytest.fixture
def draft(org, service_a, north, lighting):
    return Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Signaler un problème",
        slug="signaler",
        asks_location=True,
        fields=ROAD_FIELDS,
    )


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def url(name, draft, *args):
    return reverse(f"backoffice:{name}", args=[draft.pk, *args])


def add(client, draft, **data):
    return client.post(url("procedure_routing_rule_add", draft), data)


def test_an_administrator_adds_rules_with_forms_and_sees_them_as_rows(admin_client, draft):
    response = add(
        admin_client,
        draft,
        field="kind",
        op="equals",
        value="Éclairage",
        place="none",
        service="eclairage",
    )
    assert response.status_code == 303
    assert response["Location"].endswith("/orientation/#rule-1")
    response = add(
        admin_client,
        draft,
        field="",
        op="equals",
        place="zone",
        zone=json.dumps(NORTH_ZONE),
        service="voirie-nord",
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.routing == [
        {
            "service": "eclairage",
            "when": {"field": "kind", "op": "equals", "value": "Éclairage"},
        },
        {"service": "voirie-nord", "area": NORTH_ZONE},
    ]
    page = admin_client.get(url("procedure_routing", draft)).content.decode()
    assert "« Type de problème » vaut « Éclairage »" in page
    assert "le point est dans la zone dessinée pour cette règle" in page
    assert "Éclairage public" in page and "Voirie nord" in page
    assert 'id="rule-2"' in page


def test_a_rule_form_keeps_what_was_typed_and_says_what_is_wrong(admin_client, draft):
    response = add(
        admin_client,
        draft,
        field="kind",
        op="equals",
        value="",
        place="zone",
        zone='{"type": "Polygon", "coordinates": [[[2.1, 46.9], [2.2, 46.9]]]}',
        service="",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Indiquez la valeur à comparer." in page
    assert "un contour a besoin d&#x27;au moins quatre positions" in page
    assert "Choisissez le service" in page
    assert "[[2.1, 46.9], [2.2, 46.9]]" in page
    draft.refresh_from_db()
    assert draft.routing == []


def test_a_zone_is_imported_from_a_geojson_file(admin_client, draft):
    feature = {"type": "Feature", "properties": {"nom": "Nord"}, "geometry": NORTH_ZONE}
    upload = SimpleUploadedFile(
        "nord.geojson",
        json.dumps({"type": "FeatureCollection", "features": [feature]}).encode(),
        "application/geo+json",
    )
    response = add(
        admin_client,
        draft,
        field="",
        op="equals",
        place="zone",
        zone_file=upload,
        service="voirie-nord",
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.routing == [{"service": "voirie-nord", "area": NORTH_ZONE}]


def test_the_order_of_the_rules_changes_with_up_and_down_buttons(admin_client, draft):
    actions.update_procedure_routing(
        procedure=draft,
        routing=[{"service": "eclairage"}, {"service": "voirie-nord", "area": NORTH_ZONE}],
    )
    response = admin_client.post(url("procedure_routing_rule_move", draft, 2), {"direction": "up"})
    assert response.status_code == 303
    assert response["Location"].endswith("#rule-1")
    draft.refresh_from_db()
    assert [rule["service"] for rule in draft.routing] == ["voirie-nord", "eclairage"]
    admin_client.post(url("procedure_routing_rule_move", draft, 1), {"direction": "down"})
    draft.refresh_from_db()
    assert [rule["service"] for rule in draft.routing] == ["eclairage", "voirie-nord"]
    response = admin_client.post(url("procedure_routing_rule_move", draft, 1), {})
    assert response.status_code == 400
    assert admin_client.post(url("procedure_routing_rule_move", draft, 3), {}).status_code == 404


def test_a_rule_is_edited_and_removed_after_a_confirmation(admin_client, draft):
    actions.update_procedure_routing(
        procedure=draft,
        routing=[
            {
                "service": "eclairage",
                "when": {"field": "kind", "op": "equals", "value": "Éclairage"},
            }
        ],
    )
    page = admin_client.get(url("procedure_routing_rule", draft, 1)).content.decode()
    assert 'value="Éclairage"' in page
    response = admin_client.post(
        url("procedure_routing_rule", draft, 1),
        {
            "field": "kind",
            "op": "differs",
            "value": "Éclairage",
            "place": "service",
            "service": "voirie-nord",
        },
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.routing == [
        {
            "service": "voirie-nord",
            "when": {"field": "kind", "op": "differs", "value": "Éclairage"},
            "location": True,
        }
    ]
    confirm = admin_client.get(url("procedure_routing_rule_remove", draft, 1))
    assert "Supprimer la règle n° 1 ?" in confirm.content.decode()
    draft.refresh_from_db()
    assert len(draft.routing) == 1
    response = admin_client.post(url("procedure_routing_rule_remove", draft, 1))
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.routing == []
    assert admin_client.get(url("procedure_routing_rule", draft, 1)).status_code == 404


def test_a_compound_condition_is_kept_when_the_rule_is_edited(admin_client, draft):
    when = {
        "any": [
            {"field": "kind", "op": "equals", "value": "Éclairage"},
            {"field": "kind", "op": "equals", "value": "Signalisation"},
        ]
    }
    actions.update_procedure_routing(
        procedure=draft, routing=[{"service": "eclairage", "when": when}]
    )
    page = admin_client.get(url("procedure_routing_rule", draft, 1)).content.decode()
    assert "Condition actuelle :" in page
    admin_client.post(
        url("procedure_routing_rule", draft, 1),
        {"field": "__keep__", "op": "equals", "place": "none", "service": "voirie-nord"},
    )
    draft.refresh_from_db()
    assert draft.routing == [{"service": "voirie-nord", "when": when}]


def test_a_zone_rule_wins_for_a_point_inside_and_the_test_box_says_so(admin_client, draft):
    actions.update_procedure_routing(
        procedure=draft,
        routing=[
            {"service": "voirie-nord", "area": NORTH_ZONE},
            {
                "service": "eclairage",
                "when": {"field": "kind", "op": "equals", "value": "Éclairage"},
            },
        ],
    )
    draft.refresh_from_db()
    # The evaluator that routes filed cases.
    decision = decide_route(
        version=draft,
        organization=draft.organization,
        answers={"kind": "Éclairage"},
        latitude=46.995,
        longitude=2.12,
        default_service=draft.service,
    )
    assert (decision.service.slug, decision.rule) == ("voirie-nord", 0)

    page = admin_client.get(
        url("procedure_routing", draft), {"essai": "1", "essai-kind": "Éclairage", **IN_NORTH}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "La règle n° 1 s'applique : la demande irait au service Voirie nord." in text
    page = admin_client.get(
        url("procedure_routing", draft), {"essai": "1", "essai-kind": "Éclairage", **IN_SOUTH}
    )
    assert "La règle n° 2 s'applique : la demande irait au service Éclairage public." in (
        page.content.decode()
    )
    page = admin_client.get(
        url("procedure_routing", draft), {"essai": "1", "essai-kind": "Nid-de-poule"}
    )
    assert (
        "Aucune règle ne s'applique : la demande irait au service destinataire, Voirie."
        in page.content.decode()
    )
    page = admin_client.get(url("procedure_routing", draft), {"essai": "1", "latitude": "46.9"})
    assert page.status_code == 400
    assert "Une position a besoin d&#x27;une latitude et d&#x27;une longitude." in (
        page.content.decode()
    )


def test_the_json_document_stays_editable(admin_client, draft):
    response = admin_client.post(
        url("procedure_routing", draft), {"document": '[{"service": "eclairage"}]'}
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.routing == [{"service": "eclairage"}]
    response = admin_client.post(
        url("procedure_routing", draft), {"document": '[{"service": "inconnu"}]'}
    )
    assert response.status_code == 400
    assert "le service « inconnu » n&#x27;existe pas" in response.content.decode()


def test_outsiders_get_404_and_agents_403(client, draft, agent_a, other_org_agent):
    client.force_login(other_org_agent)
    assert client.get(url("procedure_routing_rule_add", draft)).status_code == 404
    client.force_login(agent_a)
    assert client.get(url("procedure_routing_rule_add", draft)).status_code == 403
