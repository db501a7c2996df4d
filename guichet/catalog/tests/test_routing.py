"""Routing rules: which service receives a new case, from the answers or the location."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guichet.cases.actions import submit_case
from guichet.cases.models import EventKind
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.catalog.routing import decide_route, route_case
from guichet.conftest import ROAD_FIELDS, published
from guichet.organization.models import Service

pytestmark = pytest.mark.django_db


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


# Two districts of Démoville, sharing the parallel 48.86 N.
NORTH_AREA = square(2.30, 48.86, 2.34, 48.88)
SOUTH_AREA = square(2.30, 48.84, 2.34, 48.86)
IN_NORTH = {"latitude": 48.87, "longitude": 2.32}
IN_SOUTH = {"latitude": 48.85, "longitude": 2.32}
NOWHERE = {"latitude": 45.76, "longitude": 4.83}  # Lyon
LIGHTING = {"field": "kind", "op": "equals", "value": "Éclairage"}
POTHOLE = {"kind": "Nid-de-poule", "description": "Un trou devant le 12."}
LAMP = {"kind": "Éclairage", "description": "Le lampadaire du 12 est éteint."}


@pytest.fixture
def north(org):
    return Service.objects.create(
        organization=org, name="Secteur nord", slug="nord", area=NORTH_AREA
    )


@pytest.fixture
def south(org):
    return Service.objects.create(organization=org, name="Secteur sud", slug="sud", area=SOUTH_AREA)


def make_procedure(org, service, routing):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            asks_location=True,
            fields=ROAD_FIELDS,
            routing=routing,
        )
    )


def file(procedure, data=POTHOLE, **point):
    return submit_case(
        procedure=procedure,
        data=data,
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        **point,
    )


def test_an_answer_rule_sends_the_case_to_its_service(org, service_a, service_b):
    procedure = make_procedure(org, service_a, [{"service": "etat-civil", "when": LIGHTING}])
    assert file(procedure, LAMP).service == service_b
    assert file(procedure, POTHOLE).service == service_a


def test_a_location_rule_picks_the_service_whose_area_holds_the_point(org, service_a, north, south):
    procedure = make_procedure(org, service_a, [{"location": True}])
    assert file(procedure, **IN_NORTH).service == north
    assert file(procedure, **IN_SOUTH).service == south
    assert file(procedure, **NOWHERE).service == service_a


def test_without_a_point_the_location_rule_gives_way_to_the_next(org, service_a, service_b, north):
    procedure = make_procedure(org, service_a, [{"location": True}, {"service": "etat-civil"}])
    assert file(procedure).service == service_b
    assert file(procedure, **IN_NORTH).service == north


def test_the_first_matching_rule_wins(org, service_a, service_b, north):
    rules = [{"service": "etat-civil", "when": LIGHTING}, {"location": True}]
    procedure = make_procedure(org, service_a, rules)
    assert file(procedure, LAMP, **IN_NORTH).service == service_b
    assert file(procedure, POTHOLE, **IN_NORTH).service == north
    procedure.routing = list(reversed(rules))
    procedure.save()
    published(procedure)
    assert file(procedure, LAMP, **IN_NORTH).service == north


def test_when_no_rule_matches_the_procedure_service_gets_the_case(org, service_a, north):
    procedure = make_procedure(org, service_a, [{"service": "nord", "when": LIGHTING}])
    assert file(procedure, POTHOLE, **IN_NORTH).service == service_a


def test_a_procedure_without_rules_keeps_its_service(org, service_a, north):
    case = file(make_procedure(org, service_a, []), **IN_NORTH)
    assert case.service == service_a
    assert case.events.get().payload["routing"] == "default"


def test_a_named_service_with_location_matches_inside_its_own_area_only(
    org, service_a, north, south
):
    procedure = make_procedure(org, service_a, [{"service": "nord", "location": True}])
    assert file(procedure, **IN_NORTH).service == north
    assert file(procedure, **IN_SOUTH).service == service_a
    assert file(procedure).service == service_a


def test_rules_combine_an_answer_and_a_location(org, service_a, north, south):
    procedure = make_procedure(org, service_a, [{"location": True, "when": LIGHTING}])
    assert file(procedure, LAMP, **IN_SOUTH).service == south
    assert file(procedure, POTHOLE, **IN_SOUTH).service == service_a


def test_overlapping_areas_go_to_the_first_service_by_name(org, service_a, north):
    Service.objects.create(
        organization=org, name="Agglomération", slug="agglo", area=square(2, 48, 3, 49)
    )
    procedure = make_procedure(org, service_a, [{"location": True}])
    assert file(procedure, **IN_NORTH).service.slug == "agglo"
    # On the shared border of two districts, the first by name too.
    Service.objects.filter(slug="agglo").update(area=None)
    Service.objects.create(organization=org, name="Secteur sud", slug="sud", area=SOUTH_AREA)
    assert file(procedure, latitude=48.86, longitude=2.32).service == north


def test_location_routing_reads_the_services_in_one_query(
    org, service_a, north, south, django_assert_num_queries
):
    procedure = make_procedure(
        org, service_a, [{"location": True}, {"service": "nord", "location": True}]
    )
    version = procedure.current_version
    with django_assert_num_queries(1):
        decision = decide_route(
            version=version,
            organization=org,
            answers=POTHOLE,
            default_service=service_a,
            **IN_SOUTH,
        )
    assert decision.service == south and decision.rule == 0
    with django_assert_num_queries(2):
        decision = decide_route(
            version=version, organization=org, answers=POTHOLE, default_service=service_a, **NOWHERE
        )
    assert decision.service == service_a and decision.rule == "default"


def test_routing_stays_in_the_organization(org, other_org, service_a, north):
    Service.objects.create(organization=other_org, name="A", slug="ailleurs", area=NORTH_AREA)
    procedure = make_procedure(org, service_a, [{"location": True}])
    service = route_case(
        version=procedure.current_version,
        organization=org,
        answers={},
        default_service=service_a,
        **IN_NORTH,
    )
    assert service == north


def test_the_journal_records_the_rule_that_routed_the_case(org, service_a, service_b, north):
    procedure = make_procedure(
        org, service_a, [{"service": "etat-civil", "when": LIGHTING}, {"location": True}]
    )
    by_answer = file(procedure, LAMP).events.get(kind=EventKind.SUBMITTED).payload
    by_place = file(procedure, **IN_NORTH).events.get(kind=EventKind.SUBMITTED).payload
    by_default = file(procedure).events.get(kind=EventKind.SUBMITTED).payload
    assert (by_answer["routing"], by_answer["service"]) == (0, "etat-civil")
    assert (by_place["routing"], by_place["service"]) == (1, "nord")
    assert (by_default["routing"], by_default["service"]) == ("default", "voirie")


def test_a_routed_case_is_for_the_agents_of_its_service_only(
    client, org, service_a, agent_a, agent_b
):
    procedure = make_procedure(org, service_a, [{"service": "etat-civil", "when": LIGHTING}])
    case = file(procedure, LAMP)
    url = reverse("backoffice:case", args=[case.reference])
    client.force_login(agent_b)
    assert client.get(url).status_code == 200
    assert case.reference in client.get(reverse("backoffice:inbox")).text
    client.force_login(agent_a)
    assert client.get(url).status_code == 404
    assert case.reference not in client.get(reverse("backoffice:inbox")).text


def test_a_service_deleted_after_publication_is_skipped(org, service_a, north):
    procedure = make_procedure(org, service_a, [{"service": "nord"}])
    north.delete()
    assert file(procedure).service == service_a


def test_a_broken_area_saved_before_validation_does_not_stop_a_case(org, service_a, north):
    Service.objects.filter(pk=north.pk).update(area={"type": "Polygon", "coordinates": "?"})
    procedure = make_procedure(org, service_a, [{"location": True}])
    assert file(procedure, **IN_NORTH).service == service_a


# --- Publication ----------------------------------------------------------------------------


def refused(org, service, routing) -> list[str]:
    procedure = Procedure.objects.create(
        organization=org,
        service=service,
        title="Signaler",
        slug="signaler",
        fields=ROAD_FIELDS,
        routing=routing,
    )
    with pytest.raises(ValidationError) as error:
        publish_procedure(procedure=procedure)
    procedure.refresh_from_db()
    assert procedure.current_version is None and not procedure.is_published
    return error.value.message_dict["routing"]


def test_publication_refuses_a_rule_naming_an_unknown_service(org, service_a, other_service):
    # "voirie" exists, but in another organization: the rule names no service of this one.
    Service.objects.filter(pk=service_a.pk).update(slug="voirie-centre")
    messages = refused(
        org, service_a, [{"location": True}, {"service": "voirie", "when": LIGHTING}]
    )
    assert messages == [
        "Règle d'orientation n° 2 : le service « voirie » n'existe pas dans cette organisation."
    ]


@pytest.mark.parametrize(
    ("routing", "expected"),
    [
        ({"service": "voirie"}, "doivent former une liste"),
        (["voirie"], "n° 1 : une règle doit être un objet"),
        ([{}], "ni un service ni la localisation"),
        ([{"location": False}], "ni un service ni la localisation"),
        ([{"location": "oui"}], "« location » vaut true ou false"),
        ([{"service": 3}], "« service » doit être le nom court d'un service"),
        ([{"service": "voirie", "if": LIGHTING}], "clé inconnue « if »"),
        ([{"service": "voirie", "when": "kind == 1"}], "la condition doit être un objet"),
        (
            [{"service": "voirie", "when": {"field": "colour", "op": "equals", "value": 1}}],
            "porte sur le champ « colour », absent du formulaire",
        ),
        (
            [{"service": "voirie", "when": {"field": "kind", "op": "like", "value": 1}}],
            "opérateur inconnu « like »",
        ),
        (
            [{"service": "voirie", "when": {"field": "kind", "op": "equals"}}],
            "n'a pas de valeur à comparer",
        ),
        (
            [{"service": "voirie", "when": {"any": [LIGHTING, {"all": "x"}]}}],
            "« all » doit être une liste",
        ),
        # The same checks as the conditions inside a form: comparisons that fit the field.
        (
            [{"service": "voirie", "when": {"field": "kind", "op": "gt", "value": 3}}],
            "compare des nombres ou des dates",
        ),
        (
            [{"service": "voirie", "when": {**LIGHTING, "unit": "m"}}],
            "clé inconnue « unit » dans la condition",
        ),
    ],
)
def test_publication_refuses_malformed_rules(org, service_a, routing, expected):
    messages = refused(org, service_a, routing)
    assert any(expected in message for message in messages), messages


def test_publication_accepts_well_formed_rules(org, service_a, service_b):
    procedure = make_procedure(
        org,
        service_a,
        [
            {
                "service": "etat-civil",
                "when": {"any": [LIGHTING, {"field": "description", "op": "empty"}]},
            },
            {"service": "voirie", "location": True},
            {"location": True},
            {"service": "etat-civil"},
        ],
    )
    assert procedure.current_version.routing[0]["service"] == "etat-civil"
