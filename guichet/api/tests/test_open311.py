"""Open311 GeoReport v2 at /open311/v2/, over HTTP against the running server, in JSON and
XML; and read by a third-party Open311 client library (georeport)."""

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from guichet.api.models import Open311Request, Open311Service
from guichet.cases.benchmark import create_benchmark_cases
from guichet.cases.models import Case, CaseEvent
from guichet.catalog.models import Procedure
from guichet.conftest import ROAD_FIELDS, published, submit
from guichet.organization.api_clients import create_api_client

pytestmark = pytest.mark.django_db(transaction=True)

FORMATS = ["json", "xml"]
TAG_FIELDS = [
    *ROAD_FIELDS,
    {
        "id": "tags",
        "type": "multichoice",
        "label": "Ce qui gêne",
        "choices": ["Piétons", "Vélos", "Voitures"],
    },
    {"id": "seen_on", "type": "date", "label": "Vu le"},
    {"id": "count", "type": "number", "label": "Combien", "min": 1, "max": 10},
]


@pytest.fixture
def roads(org, service_a):
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            asks_location=True,
            processing_days=15,
            fields=TAG_FIELDS,
        )
    )
    Open311Service.objects.create(procedure=procedure, keywords="voirie, trou", group="Rues")
    return procedure


@pytest.fixture
def key(org, service_a, service_b):
    client, key = create_api_client(
        organization=org, name="App 311", actor=None, can_write=True, all_services=True
    )
    return key


def call(live_server, path, *, data=None, method=None):
    """(status, body as text, content type) of a call to the running server."""
    url = live_server.url + "/open311/v2/" + path
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers["Content-Type"]


def parse(fmt, text):
    return json.loads(text) if fmt == "json" else ET.fromstring(text)


def error_description(fmt, text) -> str:
    if fmt == "json":
        errors = json.loads(text)
        return " ".join(e["description"] for e in errors)
    root = ET.fromstring(text)
    assert root.tag == "errors"
    return " ".join(e.findtext("description") for e in root.iter("error"))


def post_request(live_server, fmt, key, **extra):
    data = {
        "api_key": key,
        "service_code": "signaler-voirie",
        "lat": "48.85",
        "long": "2.35",
        "attribute[kind]": "Éclairage",
        "description": "Lampadaire éteint depuis lundi.",
        "email": "zoe@example.test",
        "first_name": "Zoé",
        "last_name": "Petit",
    }
    data.update(extra)
    data = {k: v for k, v in data.items() if v is not None}
    return call(live_server, f"requests.{fmt}", data=data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint(live_server, org, fmt):
    status, text, content_type = call(live_server, f"discovery.{fmt}")
    assert status == 200
    assert content_type.startswith("application/json" if fmt == "json" else "text/xml")
    body = parse(fmt, text)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert endpoint["url"] == live_server.url + "/open311/v2/"
        assert "text/xml" in endpoint["formats"]
    else:
        assert body.findtext("endpoints/endpoint/url") == live_server.url + "/open311/v2/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_only_procedures_on_open311(live_server, roads, procedure_b, fmt):
    status, text, _ = call(live_server, f"services.{fmt}")
    assert status == 200
    body = parse(fmt, text)
    if fmt == "json":
        assert [s["service_code"] for s in body] == ["signaler-voirie"]
        service = body[0]
        assert service["keywords"] == "voirie,trou"
        assert service["group"] == "Rues"
        assert service["metadata"] is True
        assert service["type"] == "realtime"
    else:
        codes = [s.findtext("service_code") for s in body.iter("service")]
        assert codes == ["signaler-voirie"]
        assert body.findtext("service/metadata") == "true"
        assert body.findtext("service/group") == "Rues"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_maps_the_form_fields(live_server, roads, fmt):
    status, text, _ = call(live_server, f"services/signaler-voirie.{fmt}")
    assert status == 200
    body = parse(fmt, text)
    if fmt == "json":
        attributes = {a["code"]: a for a in body["attributes"]}
        # The description is Open311's own parameter; files are not attributes.
        assert list(attributes) == ["kind", "tags", "seen_on", "count"]
        assert attributes["kind"]["datatype"] == "singlevaluelist"
        assert attributes["kind"]["required"] is True
        assert [v["key"] for v in attributes["kind"]["values"]][0] == "Nid-de-poule"
        assert attributes["tags"]["datatype"] == "multivaluelist"
        assert attributes["seen_on"]["datatype"] == "datetime"
        assert attributes["count"]["datatype"] == "number"
        assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4]
        assert attributes["count"]["datatype_description"]
    else:
        assert body.findtext("service_code") == "signaler-voirie"
        attribute = body.find("attributes/attribute")
        assert attribute.findtext("code") == "kind"
        assert attribute.findtext("required") == "true"
        keys = [v.findtext("key") for v in attribute.iter("value")]
        assert keys == ["Nid-de-poule", "Éclairage", "Signalisation"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_404(live_server, roads, fmt):
    status, text, _ = call(live_server, f"services/nope.{fmt}")
    assert status == 404
    assert "nope" in error_description(fmt, text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_case_through_the_domain(live_server, roads, key, fmt):
    status, text, _ = post_request(
        live_server,
        fmt,
        key,
        **{
            "attribute[tags][]": ["Piétons", "Vélos"],
            "attribute[seen_on]": "2026-11-30T08:00:00Z",
            "media_url": "https://photos.example.test/1.jpg",
            "device_id": "phone-1",
            "account_id": "acct-9",
        },
    )
    assert status == 201, text
    body = parse(fmt, text)
    if fmt == "json":
        reference, token = body[0]["service_request_id"], body[0]["token"]
    else:
        reference = body.findtext("request/service_request_id")
        token = body.findtext("request/token")
    case = Case.objects.get(reference=reference)
    assert case.channel == "api"
    assert case.data["tags"] == ["Piétons", "Vélos"]
    assert case.data["description"] == "Lampadaire éteint depuis lundi."
    assert case.data["seen_on"] == "2026-11-30"
    assert case.contact_name == "Zoé Petit"
    assert (case.latitude, case.longitude) == (48.85, 2.35)
    event = CaseEvent.objects.get(case=case, kind="submitted")
    assert event.api_client.name == "App 311"
    extra = Open311Request.objects.get(case=case)
    assert (extra.device_id, extra.account_id, extra.token) == ("phone-1", "acct-9", token)

    status, text, _ = call(live_server, f"tokens/{token}.{fmt}")
    assert status == 200
    assert reference in text

    status, text, _ = call(live_server, f"requests/{reference}.{fmt}")
    assert status == 200
    body = parse(fmt, text)
    if fmt == "json":
        assert body[0]["status"] == "open"
        assert body[0]["media_url"] == "https://photos.example.test/1.jpg"
        assert body[0]["status_notes"]
        # Read without a key: no description, no contact.
        assert "description" not in body[0]
        assert "Zoé" not in text
    else:
        assert body.findtext("request/status") == "open"
        assert body.find("request/description") is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_by_address_string_alone(live_server, roads, key, fmt):
    status, text, _ = post_request(
        live_server, fmt, key, lat=None, long=None, address_string="12 rue de la Paix"
    )
    assert status == 201, text
    assert Case.objects.get().address == "12 rue de la Paix"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"api_key": None}, 403, "api_key"),
        ({"service_code": "nope"}, 400, "nope"),
        ({"lat": None, "long": None}, 400, "lat"),
        ({"attribute[kind]": "Volcan"}, 400, "attribute[kind]"),
        ({"attribute[tags][]": ["Piétons", "Chars"]}, 400, "attribute[tags]"),
        ({"attribute[count]": "douze"}, 400, "attribute[count]"),
        ({"attribute[nope]": "x"}, 400, "nope"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_post_errors(live_server, roads, key, fmt, change, status, words):
    got, text, content_type = post_request(live_server, fmt, key, **change)
    assert got == status, text
    assert content_type.startswith("application/json" if fmt == "json" else "text/xml")
    assert words in error_description(fmt, text)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_read_only_key_cannot_post(live_server, org, roads, fmt):
    _client, read_key = create_api_client(
        organization=org, name="Lecture", actor=None, all_services=True
    )
    status, text, _ = post_request(live_server, fmt, read_key)
    assert status == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_is_checked(live_server, roads, fmt):
    assert call(live_server, f"services.{fmt}?jurisdiction_id=demoville")[0] == 200
    status, text, _ = call(live_server, f"services.{fmt}?jurisdiction_id=ailleurs")
    assert status == 404
    assert "jurisdiction_id" in error_description(fmt, text)


def _file(roads, days_ago, **overrides):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return submit(roads, submitted_at=when, latitude=48.85, longitude=2.35, **overrides)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_default_to_90_days(live_server, roads, procedure_b, fmt):
    recent = _file(roads, 10)
    _file(roads, 100)  # too old for the default
    submit(procedure_b)  # not on Open311
    status, text, _ = call(live_server, f"requests.{fmt}")
    assert status == 200
    body = parse(fmt, text)
    if fmt == "json":
        assert [r["service_request_id"] for r in body] == [recent.reference]
    else:
        found = [r.findtext("service_request_id") for r in body.iter("request")]
        assert found == [recent.reference]


def test_requests_filters(live_server, roads):
    old = _file(roads, 100)
    recent = _file(roads, 5)
    start = (timezone.now() - datetime.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - datetime.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, text, _ = call(live_server, f"requests.json?start_date={start}&end_date={end}")
    assert [r["service_request_id"] for r in json.loads(text)] == [old.reference]
    ids = f"{old.reference},{recent.reference}"
    status, text, _ = call(live_server, f"requests.json?service_request_id={ids}")
    assert {r["service_request_id"] for r in json.loads(text)} == {old.reference, recent.reference}
    status, text, _ = call(live_server, "requests.json?status=closed")
    assert json.loads(text) == []
    status, text, _ = call(live_server, "requests.json?status=open&service_code=signaler-voirie")
    assert [r["service_request_id"] for r in json.loads(text)] == [recent.reference]
    status, text, _ = call(live_server, "requests.json?service_code=other")
    assert json.loads(text) == []
    # More than 90 days apart, a bad date, a bad status: 400.
    far = (timezone.now() - datetime.timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert call(live_server, f"requests.json?start_date={far}&end_date={end}")[0] == 400
    assert call(live_server, "requests.json?start_date=hier")[0] == 400
    assert call(live_server, "requests.xml?status=pending")[0] == 400


def test_requests_stop_at_1000_and_page(live_server, roads):
    """1,001 real cases of the last 60 days (written in bulk, as the benchmark does): the
    list stops at the standard's 1,000, and the next page holds the last one."""
    create_benchmark_cases(procedure=roads, count=1001, span=datetime.timedelta(days=60))
    status, text, _ = call(live_server, "requests.json")
    first = json.loads(text)
    assert status == 200 and len(first) == 1000
    status, text, _ = call(live_server, "requests.json?page=2")
    second = json.loads(text)
    assert len(second) == 1
    seen = {r["service_request_id"] for r in first + second}
    assert len(seen) == 1001 == roads.cases.count()
    status, text, _ = call(live_server, "requests.json?page_size=2&page=3")
    assert len(json.loads(text)) == 2
    assert call(live_server, "requests.json?page_size=1001")[0] == 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_and_token_are_404(live_server, roads, fmt):
    assert call(live_server, f"requests/DV-2026-999999.{fmt}")[0] == 404
    assert call(live_server, f"tokens/nope.{fmt}")[0] == 404
    status, text, _ = call(live_server, f"nowhere.{fmt}")
    assert status == 404
    assert error_description(fmt, text)
    # An address with a line break is none of Open311's either: its error, not a page.
    status, text, content_type = call(live_server, f"nowhere%0Athere.{fmt}")
    assert status == 404
    assert fmt in content_type
    assert error_description(fmt, text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_request_updates(live_server, roads, fmt):
    from guichet.cases.actions import transition_case

    case = _file(roads, 2)
    workflow = case.get_workflow()
    step = workflow.transitions_for(case.state, "agent")[0]
    transition_case(case=case, transition=step.code, actor=None, comment="vu")
    status, text, _ = call(live_server, f"servicerequestupdates.{fmt}")
    assert status == 200
    body = parse(fmt, text)
    if fmt == "json":
        updates = body["service_request_updates"]
        assert [u["service_request_id"] for u in updates] == [case.reference] * 2
        assert updates[0]["status"] == "open"
    else:
        updates = list(body.iter("request_update"))
        assert [u.findtext("service_request_id") for u in updates] == [case.reference] * 2


def test_a_read_key_sees_the_description(live_server, roads, key):
    case = _file(roads, 1)
    status, text, _ = call(live_server, f"requests/{case.reference}.json?api_key={key}")
    assert json.loads(text)[0]["description"] == "Un trou devant le 12."


def test_multi_value_attribute_in_xml_too(live_server, roads, key):
    status, text, _ = post_request(live_server, "xml", key, **{"attribute[tags][]": ["Voitures"]})
    assert status == 201
    assert Case.objects.get().data["tags"] == ["Voitures"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_third_party_client_reads_services_and_requests(live_server, roads, key, fmt):
    from georeport import GeoReport

    case = _file(roads, 3)
    client = GeoReport(live_server.url + "/open311/v2", output_format=fmt)
    services = client.get_service_list()
    if fmt == "xml":  # xmltodict gives one element as a dict, several as a list
        services = [services] if isinstance(services, dict) else services
    assert [s["service_code"] for s in services] == ["signaler-voirie"]
    definition = client.get_service_definition("signaler-voirie")
    assert definition["service_code"] == "signaler-voirie"
    requests = client.get_service_requests(service_code="signaler-voirie")
    if fmt == "xml":
        requests = [requests] if isinstance(requests, dict) else requests
    assert [r["service_request_id"] for r in requests] == [case.reference]
    one = client.get_service_request(case.reference)
    assert one["status"] == "open"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_closed_case_is_reported_closed(live_server, roads, fmt):
    from guichet.cases.actions import transition_case

    case = _file(roads, 2)
    still_open = _file(roads, 1)
    for code in ("start_now", "accept"):
        case = transition_case(case=case, transition=code, actor=None, comment="Réparé")
    assert case.category == "closed"
    status, text, _ = call(live_server, f"requests.{fmt}?status=closed")
    assert status == 200
    body = parse(fmt, text)
    if fmt == "json":
        assert [(r["service_request_id"], r["status"]) for r in body] == [
            (case.reference, "closed")
        ]
        status, text, _ = call(live_server, f"requests/{still_open.reference}.json")
        assert json.loads(text)[0]["status"] == "open"
    else:
        requests = list(body.iter("request"))
        assert [(r.findtext("service_request_id"), r.findtext("status")) for r in requests] == [
            (case.reference, "closed")
        ]
