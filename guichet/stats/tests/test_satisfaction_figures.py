"""Satisfaction on the steering dashboard: answers and average per period, in scope."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from guichet.cases.models import SatisfactionSurvey
from guichet.cases.satisfaction import open_survey, record_rating
from guichet.conftest import make_member, submit
from guichet.organization.models import Role

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))
JUNE = {"start": "2026-06-01", "end": "2026-06-30", "by": "month"}


@pytest.fixture
def rated(procedure_a, procedure_b):
    for procedure, rating, day in ((procedure_a, 5, 3), (procedure_a, 2, 20), (procedure_b, 4, 5)):
        survey = open_survey(case=submit(procedure))
        record_rating(survey=survey, rating=rating)
        at = datetime.datetime(2026, 6, day, 10, tzinfo=PARIS)
        SatisfactionSurvey.objects.filter(pk=survey.pk).update(answered_at=at)


def test_the_dashboard_shows_answers_and_average(client, administrator, rated):
    client.force_login(administrator)
    html = client.get(reverse("stats:dashboard"), JUNE).content.decode()
    assert "Note moyenne de satisfaction (sur 5)" in html
    url = reverse("stats:dashboard_data", args=["satisfaction", "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url, JUNE).content.decode()), delimiter=";"))
    assert rows == [["Période", "Avis reçus", "Note moyenne (sur 5)"], ["juin 2026", "3", "3.7"]]


def test_a_supervisor_counts_only_their_services(client, org, service_a, rated):
    chief = make_member("chef.voirie@demoville.test", org, Role.SUPERVISOR, [service_a])
    client.force_login(chief)
    url = reverse("stats:dashboard_data", args=["satisfaction", "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url, JUNE).content.decode()), delimiter=";"))
    assert rows[1] == ["juin 2026", "2", "3.5"]
