"""The monthly report for elected officials (PDF/A, tagged): the same figures as the
dashboard set on the month and on the month before, read back from the PDF's text; the sector
filter and the backlog by stage, on the dashboard and in the report."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from guichet.cases.actions import KEPT_PAYLOAD_KEYS, post_message, transition_case
from guichet.cases.models import Case, EventKind
from guichet.conftest import submit
from guichet.lib.tests.pdfcheck import (
    assert_archivable_and_tagged,
    pdf_text,
    structure_alternatives,
)
from guichet.stats import aggregates
from guichet.stats.report import cell

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NORTH = {"latitude": 48.87, "longitude": 2.32}
SOUTH = {"latitude": 48.85, "longitude": 2.32}
LYON = {"latitude": 45.76, "longitude": 4.83}


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def square(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def close(case, at, transition="accept"):
    case = transition_case(case=case, transition="start_now", actor=None, at=at)
    return transition_case(case=case, transition=transition, actor=None, at=at)


@pytest.fixture
def sectors(service_a, service_b):
    """Service A's area is the north of Démoville, service B's its south."""
    service_a.area = square(2.30, 48.86, 2.34, 48.88)
    service_a.save(update_fields=["area"])
    service_b.area = square(2.30, 48.84, 2.34, 48.86)
    service_b.save(update_fields=["area"])


@pytest.fixture
def months(procedure_a, procedure_b, sectors):
    """May: one case filed (north), closed in 10 hours. June: four filed — north, closed in
    36 hours; south by phone, closed in 50 hours; in Lyon (no sector), still open with a
    message — and procedure B's case (no point), still open."""
    may = submit(procedure_a, submitted_at=paris(2026, 5, 12, 9), **NORTH)
    close(may, paris(2026, 5, 12, 19))
    one = submit(procedure_a, submitted_at=paris(2026, 6, 2, 10), **NORTH)
    close(one, paris(2026, 6, 3, 22))
    two = submit(procedure_a, submitted_at=paris(2026, 6, 8, 8), channel="phone", **SOUTH)
    close(two, paris(2026, 6, 10, 10))
    three = submit(procedure_a, submitted_at=paris(2026, 6, 15, 9), **LYON)
    post_message(case=three, body="Des nouvelles ?", from_citizen=True, at=paris(2026, 6, 16, 9))
    four = submit(procedure_b, submitted_at=paris(2026, 6, 20, 9))
    aggregates.count_new_events()
    return {"outside": [three, four], "north": [may, one], "south": [two]}


JUNE = {"start": "2026-06-01", "end": "2026-06-30"}
MAY = {"start": "2026-05-01", "end": "2026-05-31"}


def rows(response):
    return {str(label): value for label, value, _before in response.context["summary_rows"]}


def test_the_report_has_the_dashboard_figures_of_the_month_and_the_month_before(
    client, administrator, months
):
    client.force_login(administrator)
    june = rows(client.get(reverse("stats:dashboard"), JUNE))
    may = rows(client.get(reverse("stats:dashboard"), MAY))
    # By hand: June received 4, closed 2 (36 h and 50 h: median 36 h = 1.5 days, p90 50 h
    # = 2.1 days), one message; May received 1, closed 1 in 10 h (0.4 day).
    assert june["Demandes reçues"] == 4 and may["Demandes reçues"] == 1
    assert june["Délai médian de traitement (jours)"] == 1.5
    assert june["90 % des demandes traitées en (jours)"] == 2.1
    assert may["Délai médian de traitement (jours)"] == 0.4
    response = client.get(reverse("stats:monthly_report"), {"month": "2026-06"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-demoville-2026-06.pdf"' in response["Content-Disposition"]
    title = "Rapport mensuel des demandes : juin 2026"
    assert_archivable_and_tagged(response.content, title=title, language="fr")
    text = pdf_text(response.content)
    assert "Ville de Démoville" in text and "Juin 2026 Mai 2026" in text
    assert "Demandes reçues 4 1" in text
    assert "Délai médian de traitement (jours) 1,5 0,4" in text
    for label, value in june.items():
        assert f"{label} {cell(value)} {cell(may[label])}" in text, label
    # The tables of the month beside the month before.
    assert "Signaler un problème sur la voirie 3 1" in text
    assert "Téléphone 1 0" in text
    assert "Voirie 3 1 État civil 1 0" in text  # by service
    # By sector: Lyon and the case without a point, the north (service A's area), the south.
    assert "Hors secteur 2 0 Voirie 1 1 État civil 1 0" in text
    assert "Demandes en cours : 2, dont" in text
    # Bar charts of the month, by procedure and by channel, said in words to a screen reader.
    assert "Demandes reçues par démarche, juin 2026" in text
    assert "Demandes reçues par canal, juin 2026" in text
    figures = [alt for kind, alt in structure_alternatives(response.content) if kind == "/Figure"]
    assert (
        "Demandes reçues par démarche, juin 2026. Signaler un problème sur la voirie : 3; "
        in " ".join(figures)
    ), figures
    assert any(alt.startswith("Demandes reçues par canal, juin 2026.") for alt in figures)


def test_the_report_follows_the_filters_and_the_members_services(
    client, supervisor, months, service_a, procedure_b
):
    supervisor.memberships.get().services.remove(procedure_b.service)
    client.force_login(supervisor)
    query = {"month": "2026-06", "area": str(service_a.pk)}
    text = pdf_text(client.get(reverse("stats:monthly_report"), query).content)
    assert "Périmètre : vos services — secteur Voirie" in text
    assert "Demandes reçues 1 1" in text


def test_a_bad_month_is_a_400_on_the_dashboard_that_keeps_the_input(client, administrator):
    client.force_login(administrator)
    for month in ("juin", "2026-13", "2999-01"):
        response = client.get(reverse("stats:monthly_report"), {"month": month})
        assert response.status_code == 400
        assert f'value="{month}"' in response.content.decode()
        assert response.context["report_form"].errors["month"]


def test_the_dashboard_filters_by_sector(client, administrator, months, service_a, service_b):
    client.force_login(administrator)
    south = rows(client.get(reverse("stats:dashboard"), {**JUNE, "area": str(service_b.pk)}))
    assert south["Demandes reçues"] == 1 and south["Délai médian de traitement (jours)"] == 2.1
    nowhere = client.get(reverse("stats:dashboard"), {**JUNE, "area": "aucun"})
    assert rows(nowhere)["Demandes reçues"] == 2
    outside = [case.pk for case in months["outside"]]
    assert nowhere.context["overdue"] == Case.objects.overdue().filter(pk__in=outside).count()
    north = client.get(reverse("stats:dashboard"), {**JUNE, "area": str(service_a.pk)})
    assert north.context["overdue"] == 0  # both closed
    table = client.get(reverse("stats:dashboard"), JUNE).context["tables"]["area"][2]
    assert table == [("Hors secteur", 2), ("Voirie", 1), ("État civil", 1)]
    assert client.get(reverse("stats:dashboard"), {"area": "12345"}).status_code == 400


def test_the_backlog_by_stage(client, administrator, months):
    client.force_login(administrator)
    stages = dict(client.get(reverse("stats:dashboard"), JUNE).context["tables"]["category"][2])
    assert stages == {"Nouvelle": 2, "En cours": 0, "En attente du demandeur": 0}


def test_the_reports_queries_are_bounded(
    client, administrator, months, django_assert_max_num_queries
):
    client.force_login(administrator)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("stats:monthly_report"), {"month": "2026-06"}).status_code == 200


def test_the_sector_is_recorded_at_filing_and_outlives_anonymization(procedure_a, sectors):
    north = submit(procedure_a, **NORTH)
    nowhere = submit(procedure_a, **LYON)
    filed = {
        case.pk: case.events.get(kind=EventKind.SUBMITTED).payload for case in (north, nowhere)
    }
    assert filed[north.pk]["area"] == "voirie"
    assert "area" not in filed[nowhere.pk]
    # What the journal of an anonymized case keeps: the rebuild still finds its sector.
    assert "area" in KEPT_PAYLOAD_KEYS


def test_a_month_without_requests_says_so(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("stats:monthly_report"), {"month": "2026-02"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Demandes reçues 0 0" in text
    assert "Délai médian de traitement (jours) – –" in text
    assert (
        "Demandes reçues par démarche Démarche Février 2026 Janvier 2026 Aucune demande. 0 0"
        in text
    )
