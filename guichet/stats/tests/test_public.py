"""The public statistics and open data: the figures of the last twelve complete months, none
below the threshold, no personal data."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.cases.actions import transition_case
from guichet.conftest import submit
from guichet.stats import aggregates
from guichet.stats.public import last_twelve_months

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day, hour):
    """A time of the last complete month (the public pages' last column)."""
    month = last_twelve_months(timezone.localdate())[-1]
    return datetime.datetime(month.year, month.month, day, hour, tzinfo=PARIS)


@pytest.fixture
def history(procedure_a, procedure_b, settings):
    settings.GUICHET_STATS_MIN_CASES = 3
    # Last month: four road reports, answered in 24, 48, 72 and 96 hours (median 48 h by
    # nearest rank: 2 days), all before their due date. Two certificates: under the threshold.
    for hours in (24, 48, 72, 96):
        case = submit(procedure_a, submitted_at=at(2, 9), contact_name="Zoé Secrète")
        transition_case(
            case=case,
            transition="close",
            actor=None,
            at=at(2, 9) + datetime.timedelta(hours=hours),
        )
    for _ in range(2):
        submit(procedure_b, submitted_at=at(10, 9), contact_name="Zoé Secrète")
    aggregates.count_new_events()


def test_twelve_complete_months():
    months = last_twelve_months(datetime.date(2026, 4, 15))
    assert months[0] == datetime.date(2025, 4, 1)
    assert months[-1] == datetime.date(2026, 3, 1)
    assert len(months) == 12


def test_the_procedure_page_shows_the_month(client, history, procedure_a):
    response = client.get(reverse("statistics:procedure", args=[procedure_a.slug]))
    assert response.status_code == 200
    march = response.context["months"][-1]
    assert (march.received, march.closed, march.median_days, march.on_time_percent) == (
        4,
        4,
        2.0,
        100,
    )
    assert "Zoé" not in response.content.decode()


def test_nothing_under_the_threshold_is_shown(client, history, procedure_b):
    response = client.get(reverse("statistics:procedure", args=[procedure_b.slug]))
    march = response.context["months"][-1]
    assert (march.received, march.closed, march.median_days, march.on_time_percent) == (
        None,
        None,
        None,
        None,
    )
    assert "moins de seuil" in response.content.decode()
    assert response.context["total"].received is None


def test_the_organization_page_sums_its_procedures(client, history):
    response = client.get(reverse("statistics:organization"))
    assert response.status_code == 200
    march = response.context["months"][-1]
    assert march.received == 6
    body = response.content.decode()
    assert "Zoé" not in body and "alice@example.test" not in body


def test_the_open_data_follow_the_schema(client, history):
    response = client.get(reverse("statistics:open_data"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 24  # two published procedures × twelve months
    last = f"{last_twelve_months(timezone.localdate())[-1]:%Y-%m}"
    march = {row["demarche"]: row for row in rows if row["mois"] == last}
    assert march["signaler-voirie"]["demandes_recues"] == "4"
    assert march["signaler-voirie"]["delai_median_jours"] == "2.0"
    assert march["signaler-voirie"]["part_dans_le_delai_pct"] == "100"
    assert march["acte-etat-civil"]["demandes_recues"] == ""
    assert "Zoé" not in response.content.decode()
    schema = client.get(reverse("statistics:open_data_schema"))
    assert "Licence Ouverte 2.0" in schema.content.decode()
    for column in rows[0]:
        assert f"<code>{column}</code>" in schema.content.decode()


def test_an_unpublished_or_other_procedure_is_not_found(client, procedure_a, other_procedure):
    # Another organization's procedure of the same slug is not this site's.
    other = client.get(reverse("statistics:procedure", args=[other_procedure.slug]))
    assert other.context["procedure"] == procedure_a
    procedure_a.is_published = False
    procedure_a.save(update_fields=["is_published"])
    assert client.get(reverse("statistics:procedure", args=[procedure_a.slug])).status_code == 404
    assert client.get(reverse("statistics:procedure", args=["inconnue"])).status_code == 404


def test_the_procedure_page_links_its_median_to_the_statistics(client, procedure_a):
    for _ in range(3):
        case = submit(procedure_a)
        transition_case(case=case, transition="close", actor=None)
    response = client.get(reverse("portal:procedure", args=[procedure_a.slug]))
    assert reverse("statistics:procedure", args=[procedure_a.slug]) in response.content.decode()


def _conforms(value: str, field: dict) -> bool:
    if value == "":
        return not field["constraints"]["required"]
    kind = field["type"]
    if kind == "string":
        return True
    if kind == "yearmonth":
        return re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) is not None
    number = int(value) if kind == "integer" else float(value)
    return field["constraints"]["minimum"] <= number <= field["constraints"].get("maximum", number)


def test_the_open_data_have_a_table_schema_they_conform_to(client, history):
    schema = client.get(reverse("statistics:open_data_table_schema"))
    assert schema["Content-Type"] == "application/json"
    document = schema.json()
    assert document["$schema"] == "https://specs.frictionlessdata.io/schemas/table-schema.json"
    assert document["licenses"][0]["name"] == "etalab-2.0"
    assert document["path"].endswith(reverse("statistics:open_data"))
    assert document["missingValues"] == [""]
    csv_text = client.get(reverse("statistics:open_data")).content.decode()
    reader = csv.reader(io.StringIO(csv_text))
    header = next(reader)
    fields = document["fields"]
    assert [field["name"] for field in fields] == header
    assert {field["type"] for field in fields} == {"string", "yearmonth", "integer", "number"}
    rows = list(reader)
    assert len(rows) == 24
    for row in rows:
        for value, field in zip(row, fields, strict=True):
            assert _conforms(value, field), (field["name"], value)
    keys = {tuple(row[header.index(name)] for name in document["primaryKey"]) for row in rows}
    assert len(keys) == len(rows)
    # The page that describes the file links to it, and the visitor's language is kept.
    assert (
        reverse("statistics:open_data_table_schema")
        in client.get(reverse("statistics:open_data_schema")).content.decode()
    )
    english = client.get(
        reverse("statistics:open_data_table_schema"), headers={"accept-language": "en"}
    ).json()
    assert english["fields"][0]["description"] == "The organization's identifier."
