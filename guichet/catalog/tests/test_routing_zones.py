"""Routing rules with a zone of their own (`area`): matched by the case's point, checked at
publication like a service's area."""

import pytest

from guichet.catalog.models import Procedure
from guichet.catalog.routing import decide_route, routing_errors
from guichet.conftest import ROAD_FIELDS
from guichet.organization.models import Service

pytestmark = pytest.mark.django_db

ZONE = {
    "type": "Polygon",
    "coordinates": [[[2.10, 46.99], [2.14, 46.99], [2.14, 47.0], [2.10, 47.0], [2.10, 46.99]]],
}


@pytest.fixture
def north(org):
    return Service.objects.create(organization=org, name="Voirie nord", slug="voirie-nord")


def route(procedure, **point):
    return decide_route(
        version=procedure,
        organization=procedure.organization,
        answers={"kind": "Éclairage"},
        default_service=procedure.service,
        **{"latitude": None, "longitude": None, **point},
    )


def test_a_zone_rule_matches_a_point_inside_only(org, service_a, north):
    procedure = Procedure(
        organization=org, service=service_a, routing=[{"service": "voirie-nord", "area": ZONE}]
    )
    inside = route(procedure, latitude=46.995, longitude=2.12)
    assert (inside.service, inside.rule) == (north, 0)
    assert route(procedure, latitude=46.98, longitude=2.12).rule == "default"
    assert route(procedure).rule == "default"  # no point, no zone


def test_publication_checks_the_zone_and_its_service(org, north):
    assert (
        routing_errors(
            [{"service": "voirie-nord", "area": ZONE}], organization=org, fields=ROAD_FIELDS
        )
        == []
    )
    errors = routing_errors(
        [{"area": ZONE}, {"service": "voirie-nord", "area": {"type": "Point"}}],
        organization=org,
        fields=ROAD_FIELDS,
    )
    assert errors == [
        "Règle d'orientation n° 1 : une règle avec une zone désigne le service qui la reçoit.",
        "Règle d'orientation n° 2, zone : Le type de géométrie « Point » n'est pas accepté : "
        "utilisez Polygon ou MultiPolygon.",
    ]


def test_a_zone_rule_goes_with_the_exported_procedure(org, other_org, service_a, north):
    import json

    from guichet.catalog import exchange

    procedure = Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Signaler",
        slug="signaler",
        fields=ROAD_FIELDS,
        routing=[{"service": "voirie-nord", "area": ZONE}],
    )
    document = json.loads(exchange.dumps(exchange.export_procedure(procedure)))
    imported = exchange.import_procedure(organization=other_org, document=document)
    assert imported.routing == [{"service": "voirie-nord", "area": ZONE}]
    decision = route(imported, latitude=46.995, longitude=2.12)
    assert decision.service.organization == other_org
    assert decision.service.slug == "voirie-nord"
