"""The steering dashboard of the back office: who sees it, what it shows, its downloads."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guichet.cases.actions import transition_case
from guichet.conftest import submit
from guichet.stats import aggregates

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture
def counted(procedure_a, procedure_b):
    at = datetime.datetime(2026, 6, 2, 10, tzinfo=PARIS)
    a = submit(procedure_a, submitted_at=at)
    transition_case(case=a, transition="close", actor=None, at=at + datetime.timedelta(hours=30))
    submit(procedure_b, submitted_at=at, channel="phone")
    aggregates.count_new_events()


JUNE = {"start": "2026-06-01", "end": "2026-06-30"}


def test_it_refuses_agents(client, agent_a):
    client.force_login(agent_a)
    assert client.get(reverse("stats:dashboard")).status_code == 403


def test_it_sends_anonymous_visitors_to_login(client):
    assert client.get(reverse("stats:dashboard")).status_code == 302


def test_administrators_see_every_service(client, administrator, counted):
    client.force_login(administrator)
    response = client.get(reverse("stats:dashboard"), JUNE)
    assert response.status_code == 200
    rows = dict((str(label), value) for label, value, _before in response.context["summary_rows"])
    assert rows["Demandes reçues"] == 2
    assert rows["Demandes clôturées"] == 1
    assert rows["Délai médian de traitement (jours)"] == round(30 / 24, 1)
    assert "Signaler un problème sur la voirie" in response.content.decode()
    assert "<svg" in response.content.decode()


def test_supervisors_see_only_their_services(client, supervisor, counted, procedure_b):
    supervisor_membership = supervisor.memberships.get()
    supervisor_membership.services.remove(procedure_b.service)
    client.force_login(supervisor)
    response = client.get(reverse("stats:dashboard"), JUNE)
    rows = dict((str(label), value) for label, value, _before in response.context["summary_rows"])
    assert rows["Demandes reçues"] == 1
    assert response.context["tables"]["procedure"][2] == [("Signaler un problème sur la voirie", 1)]


def test_filters_by_channel(client, administrator, counted):
    client.force_login(administrator)
    response = client.get(reverse("stats:dashboard"), {**JUNE, "channel": "phone"})
    rows = dict((str(label), value) for label, value, _before in response.context["summary_rows"])
    assert rows["Demandes reçues"] == 1


def test_a_bad_period_is_a_400_that_keeps_the_input(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("stats:dashboard"), {"start": "2026-06-30", "end": "2026-06-01"})
    assert response.status_code == 400
    assert 'value="2026-06-30"' in response.content.decode()
    response = client.get(reverse("stats:dashboard"), {"start": "demain"})
    assert response.status_code == 400


def test_it_downloads_each_table(client, administrator, counted):
    client.force_login(administrator)
    url = reverse("stats:dashboard_data", args=["channel", "csv"])
    response = client.get(url, JUNE)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0] == ["Canal", "Reçues"]
    assert sorted(rows[1:]) == [["Site web", "1"], ["Téléphone", "1"]]
    url = reverse("stats:dashboard_data", args=["received", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url, {**JUNE, "by": "month"}).content)).active
    values = list(sheet.values)
    assert values[0] == ("Période", "Reçues", "Clôturées")
    assert values[1][1:] == (2, 1)
    assert client.get(reverse("stats:dashboard_data", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("stats:dashboard_data", args=["channel", "pdf"])).status_code == 404


def test_its_queries_are_bounded(client, administrator, counted, django_assert_max_num_queries):
    client.force_login(administrator)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("stats:dashboard"), JUNE).status_code == 200


def test_a_large_overdue_count_is_kept_a_minute_per_scope(
    client, administrator, supervisor, procedure_a, settings
):
    from django.core.cache import cache

    from guichet.cases.models import Case

    cache.clear()
    settings.GUICHET_STATS_OVERDUE_CACHE_FROM = 2
    old = datetime.datetime(2025, 1, 6, 10, tzinfo=PARIS)  # long past its deadline
    for _ in range(2):
        submit(procedure_a, submitted_at=old)
    client.force_login(administrator)
    url = reverse("stats:dashboard")
    assert client.get(url).context["overdue"] == Case.objects.overdue().count() == 2
    submit(procedure_a, submitted_at=old)
    # Kept: the same scope reads the count of a moment ago...
    assert client.get(url).context["overdue"] == 2
    # ...another scope counts its own, now.
    client.force_login(supervisor)
    assert client.get(url).context["overdue"] == 3
    # Below the threshold nothing is kept: a small backlog is always counted live.
    settings.GUICHET_STATS_OVERDUE_CACHE_FROM = 10
    cache.clear()
    client.force_login(administrator)
    assert client.get(url).context["overdue"] == 3
    submit(procedure_a, submitted_at=old)
    assert client.get(url).context["overdue"] == 4
