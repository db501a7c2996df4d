"""The map of the cases and the inbox's zone filter: only the cases the agent sees, filtered
as the list is, in a number of queries that does not grow with the cases."""

import csv
import datetime
import io
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from guichet.backoffice.forms import inbox_query
from guichet.cases import actions
from guichet.catalog.actions import publish_procedure
from guichet.conftest import submit
from guichet.organization.access import get_membership

pytestmark = pytest.mark.django_db

INBOX = "/backoffice/"
MAP = "/backoffice/carte/"
POINTS = "/backoffice/carte/demandes.json"

RENNES = {"latitude": 48.1173, "longitude": -1.6778}
NANTES = {"latitude": 47.2184, "longitude": -1.5536}
AROUND_RENNES = "48.0,-1.8,48.2,-1.5"


def listed(client, **query):
    return {case.reference for case in client.get(INBOX, query).context["page_obj"]}


def points(client, **query):
    response = client.get(POINTS, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def on_map(client, **query):
    return {point["reference"] for point in points(client, **query)["points"]}


# --- The zone filter ---------------------------------------------------------------------------


def test_the_zone_keeps_the_cases_inside_it(client, agent_a, procedure_a):
    rennes = submit(procedure_a, **RENNES)
    nantes = submit(procedure_a, **NANTES)
    nowhere = submit(procedure_a)
    client.force_login(agent_a)
    assert listed(client, tab="all") == {rennes.reference, nantes.reference, nowhere.reference}
    assert listed(client, tab="all", zone=AROUND_RENNES) == {rennes.reference}
    assert listed(client, tab="all", zone="47,-2,49,-1") == {rennes.reference, nantes.reference}
    assert listed(client, tab="all", zone="40,0,41,1") == set()


def test_the_zone_edges_are_inside_it(client, agent_a, procedure_a):
    south_west = submit(procedure_a, latitude=48.0, longitude=-1.8)
    north_east = submit(procedure_a, latitude=48.2, longitude=-1.5)
    too_far_north = submit(procedure_a, latitude=48.20001, longitude=-1.6)
    too_far_west = submit(procedure_a, latitude=48.1, longitude=-1.80001)
    client.force_login(agent_a)
    shown = listed(client, tab="all", zone=AROUND_RENNES)
    assert shown == {south_west.reference, north_east.reference}
    assert too_far_north.reference not in shown and too_far_west.reference not in shown


@pytest.mark.parametrize(
    "zone",
    [
        "abc",
        "48.0,-1.8,48.2",
        "48.0,-1.8,48.2,-1.5,3",
        "48.0;-1.8;48.2;-1.5",
        "48.2,-1.8,48.0,-1.5",  # south above north
        "48.0,-1.5,48.2,-1.8",  # west east of east
        "48.0,-1.8,48.0,-1.5",  # no height
        "-91,-1.8,48.2,-1.5",
        "48.0,-1.8,91,-1.5",
        "48.0,-181,48.2,-1.5",
        "48.0,-1.8,48.2,181",
        "nan,-1.8,48.2,-1.5",
        "48.0,-1.8,48.2,inf",
        "48.0,-1.8,48.2,1e999",
        "48.0,-1.8,48.2," + "1" * 200,
        ",,,",
    ],
)
def test_an_invalid_zone_is_ignored(client, agent_a, procedure_a, zone):
    nantes = submit(procedure_a, **NANTES)
    nowhere = submit(procedure_a)
    client.force_login(agent_a)
    response = client.get(INBOX, {"tab": "all", "zone": zone})
    assert response.status_code == 200
    shown = {case.reference for case in response.context["page_obj"]}
    assert shown == {nantes.reference, nowhere.reference}  # the filter is off
    assert "errorlist" not in response.text
    assert "Zone sélectionnée sur la carte" not in response.text
    assert "zone" not in response.context["current_query"]
    assert on_map(client, tab="all", zone=zone) == {nantes.reference}
    assert client.get(MAP, {"tab": "all", "zone": zone}).status_code == 200


def test_the_zone_is_kept_by_the_filters_saved_views_and_exports(client, agent_a, procedure_a):
    rennes = submit(procedure_a, **RENNES)
    nantes = submit(procedure_a, **NANTES)
    client.force_login(agent_a)
    response = client.get(INBOX, {"tab": "all", "zone": AROUND_RENNES, "page": "1"})
    query = response.context["current_query"]
    assert parse_qs(query) == {"tab": ["all"], "zone": [AROUND_RENNES]}
    text = response.text
    # The filter form sends the zone again; the note removes it (and keeps the rest).
    assert f'<input type="hidden" name="zone" value="{AROUND_RENNES}">' in text
    assert "Zone sélectionnée sur la carte" in text
    assert 'href="?tab=all">Retirer la zone</a>' in text
    membership = get_membership(agent_a, procedure_a.organization)
    saved = inbox_query(QueryDict(f"tab=all&zone={AROUND_RENNES}&bogus=1"), membership)
    assert parse_qs(saved) == {"tab": ["all"], "zone": [AROUND_RENNES]}
    export = client.get("/backoffice/export.csv", {"tab": "all", "zone": AROUND_RENNES})
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [rennes.reference]
    assert nantes.reference not in content
    assert "Zone sélectionnée" not in client.get(INBOX, {"tab": "all"}).text


# --- The map page ------------------------------------------------------------------------------


def test_the_map_page_has_the_filters_the_tabs_and_an_empty_map(client, agent_a, case_a):
    client.force_login(agent_a)
    response = client.get(MAP, {"tab": "all", "q": "trou", "zone": AROUND_RENNES})
    assert response.status_code == 200
    text = response.text
    query = response.context["current_query"].replace("&", "&amp;")
    assert parse_qs(response.context["current_query"]) == {
        "tab": ["all"],
        "q": ["trou"],
        "zone": [AROUND_RENNES],
    }
    # The filters, sent to the map page again, with the tab and the zone.
    assert 'action="/backoffice/carte/"' in text and 'name="q" value="trou"' in text
    assert f'name="zone" value="{AROUND_RENNES}"' in text
    assert 'name="tab" value="all"' in text
    # The tabs stay on the map page (links relative to it).
    assert 'href="?tab=closed&amp;q=trou' in text
    # The points of this view, and the way to the list.
    assert f'data-points-url="/backoffice/carte/demandes.json?{query}"' in text
    assert f'data-zone="{AROUND_RENNES}"' in text
    assert f'href="/backoffice/?{query}">Liste</a>' in text
    assert 'aria-current="page">Carte</a>' in text
    # Without JavaScript: a sentence and the list; the map stays hidden.
    assert "La carte a besoin de JavaScript." in text
    assert f'href="/backoffice/?{query}">Voir ces demandes en liste</a>' in text
    assert "data-case-map hidden" in text
    assert 'role="region" aria-label="Carte des demandes' in text
    assert "leaflet.markercluster.js" in text and "casemap.js" in text
    assert case_a.reference not in text  # the cases come from the endpoint


def test_the_inbox_links_to_the_map_of_its_view(client, agent_a, case_a):
    client.force_login(agent_a)
    text = client.get(INBOX, {"tab": "all", "q": "trou", "page": "1"}).text
    assert 'href="/backoffice/carte/?tab=all&amp;q=trou">Carte</a>' in text
    assert 'aria-current="page">Liste</a>' in text
    assert 'href="/backoffice/carte/">Carte</a>' in client.get(INBOX).text


def test_the_map_page_makes_a_bounded_number_of_queries(
    client, agent_a, procedure_a, django_assert_max_num_queries
):
    client.force_login(agent_a)
    with django_assert_max_num_queries(40) as few:
        client.get(MAP)
    baseline = len(few.captured_queries)
    for _ in range(20):
        submit(procedure_a, **RENNES)
    with django_assert_max_num_queries(baseline):
        assert client.get(MAP, {"tab": "all"}).status_code == 200


# --- The points --------------------------------------------------------------------------------


def test_the_points_are_the_cases_with_a_position_and_what_the_preview_shows(
    client, agent_a, procedure_a
):
    rennes = submit(procedure_a, **RENNES)
    submit(procedure_a)  # no position: not on the map
    client.force_login(agent_a)
    result = points(client)
    assert result["truncated"] is False
    assert result["summary"] == "1 demande localisée sur la carte."
    assert result["points"] == [
        {
            "reference": rennes.reference,
            "latitude": RENNES["latitude"],
            "longitude": RENNES["longitude"],
            "procedure": "Signaler un problème sur la voirie",
            "state": "Nouvelle",
            "category": "new",
            "created": timezone.localdate(rennes.created_at).isoformat(),
            "url": reverse("backoffice:case", args=[rennes.reference]),
        }
    ]
    assert "no-cache" in client.get(POINTS)["Cache-Control"]


def test_each_agent_sees_the_points_of_their_services_only(
    client,
    agent_a,
    agent_b,
    supervisor,
    administrator,
    other_org_agent,
    procedure_a,
    procedure_b,
    other_procedure,
):
    mine = submit(procedure_a, **RENNES)
    theirs = submit(procedure_b, **NANTES)
    elsewhere = submit(other_procedure, **RENNES)
    for user, expected in [
        (agent_a, {mine.reference}),
        (agent_b, {theirs.reference}),
        (supervisor, {mine.reference, theirs.reference}),
        (administrator, {mine.reference, theirs.reference}),
    ]:
        client.force_login(user)
        assert on_map(client, tab="all") == expected, user
        # Whatever the filters ask for: a service, a zone, a search.
        assert on_map(client, tab="all", service=theirs.service_id) <= expected, user
        assert on_map(client, tab="all", q=elsewhere.reference) == set(), user
    client.force_login(agent_a)
    assert on_map(client, tab="all", service=theirs.service_id) == {mine.reference}  # ignored
    # Another organization's agent: refused here, their own cases only on their site.
    client.force_login(other_org_agent)
    assert client.get(POINTS, {"tab": "all"}).status_code == 403
    response = client.get(POINTS, {"tab": "all"}, HTTP_HOST="villeneuve.test")
    assert {point["reference"] for point in response.json()["points"]} == {elsewhere.reference}


def test_the_points_follow_the_tab_and_the_filters(
    client, agent_a, supervisor, procedure_a, procedure_b
):
    new = submit(procedure_a, **RENNES)
    closed = actions.transition_case(
        case=submit(procedure_a, **RENNES), transition="close", actor=agent_a
    )
    mine = actions.assign_case(
        case=submit(procedure_a, contact_name="Élodie Lefèvre", **NANTES),
        assignee=supervisor,
        actor=supervisor,
    )
    certificate = submit(procedure_b, **NANTES)
    client.force_login(supervisor)
    assert on_map(client) == {new.reference, mine.reference, certificate.reference}  # to handle
    assert on_map(client, tab="closed") == {closed.reference}
    assert on_map(client, tab="mine") == {mine.reference}
    assert on_map(client, tab="all", procedure=procedure_b.pk) == {certificate.reference}
    assert on_map(client, tab="all", q="lefevre") == {mine.reference}
    assert on_map(client, tab="all", zone=AROUND_RENNES) == {new.reference, closed.reference}
    closed_point = points(client, tab="closed")["points"][0]
    assert (closed_point["state"], closed_point["category"]) == ("Classée sans suite", "closed")


def test_the_points_stop_at_the_setting_and_say_so(client, agent_a, procedure_a, settings):
    settings.GUICHET_MAP_MAX_POINTS = 2
    now = timezone.now()
    made = [
        submit(procedure_a, submitted_at=now - datetime.timedelta(hours=hours), **RENNES)
        for hours in (3, 2)
    ]
    client.force_login(agent_a)
    result = points(client, sort="created")
    assert result["truncated"] is False and len(result["points"]) == 2
    newest = submit(procedure_a, **RENNES)
    submit(procedure_a)  # without a position: does not count
    result = points(client, sort="created")
    assert result["truncated"] is True
    assert result["summary"] == "2 demandes localisées sur la carte."
    # The view's first cases, in its order (the newest first here).
    assert [point["reference"] for point in result["points"]] == [
        newest.reference,
        made[1].reference,
    ]


def test_the_points_cost_the_same_queries_whatever_the_number_of_cases(
    client, supervisor, procedure_a, procedure_b, django_assert_max_num_queries
):
    submit(procedure_a, **RENNES)
    client.force_login(supervisor)
    with django_assert_max_num_queries(20) as few:
        assert len(points(client, tab="all")["points"]) == 1
    baseline = len(few.captured_queries)
    for index in range(30):
        case = submit(procedure_a if index % 2 else procedure_b, **NANTES)
        if index % 3 == 0:
            actions.transition_case(case=case, transition="close", actor=supervisor)
        if index == 10:  # cases of a second version of the workflow
            publish_procedure(procedure=procedure_a)
            procedure_a.refresh_from_db()
    with django_assert_max_num_queries(baseline):
        result = points(client, tab="all")
    assert len(result["points"]) == 31
    assert len({point["state"] for point in result["points"]}) == 2
