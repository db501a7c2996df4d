"""The processing time on a procedure's page: the median of its cases closed in 90 days."""

import datetime

import pytest
from django.utils import timezone

from guichet.cases.actions import transition_case
from guichet.cases.models import Case
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def closed(procedure, *, filed_days_ago, took_days):
    filed = timezone.now() - filed_days_ago * DAY
    case = submit(procedure, submitted_at=filed)
    return transition_case(case=case, transition="close", actor=None, at=filed + took_days * DAY)


@pytest.fixture
def history(procedure_a, procedure_b):
    for filed_days_ago, took in [(20, 2), (30, 3), (40, 7), (85, 10)]:
        closed(procedure_a, filed_days_ago=filed_days_ago, took_days=took)
    closed(procedure_a, filed_days_ago=200, took_days=50)  # closed 150 days ago: too old
    closed(procedure_a, filed_days_ago=120, took_days=25)  # closed 95 days ago: too old
    submit(procedure_a, submitted_at=timezone.now() - 60 * DAY)  # still open
    closed(procedure_b, filed_days_ago=10, took_days=1)  # another procedure


def test_the_median_is_over_the_cases_closed_in_the_last_90_days(history, procedure_a):
    assert Case.objects.median_processing_days(procedure_a) == pytest.approx(5.0)  # 2 3 7 10


def test_the_procedure_page_shows_the_median(client, history, procedure_a):
    page = client.get(f"/demarches/{procedure_a.slug}/").text
    assert "l'ont été en 5 jours ou moins" in page
    assert "Délai annoncé" not in page


def test_with_too_few_cases_the_announced_delay_is_shown(client, procedure_a):
    closed(procedure_a, filed_days_ago=10, took_days=4)
    assert Case.objects.median_processing_days(procedure_a) is None
    page = client.get(f"/demarches/{procedure_a.slug}/").text
    assert "Délai annoncé : 15 jours." in page and "Délai constaté" not in page
