"""Satisfaction results: supervisors see their services', administrators all; count,
average, distribution and latest comments by procedure and service; 404 outside."""

import pytest
from django.urls import reverse

from guichet.cases.satisfaction import open_survey, record_rating
from guichet.conftest import make_member, submit
from guichet.organization.models import Role

pytestmark = pytest.mark.django_db


def rate(procedure, rating, comment=""):
    survey = open_survey(case=submit(procedure))
    record_rating(survey=survey, rating=rating, comment=comment)
    return survey


@pytest.fixture
def ratings(procedure_a, procedure_b):
    rate(procedure_a, 5, "Très rapide, merci.")
    rate(procedure_a, 4)
    rate(procedure_a, 2, "Personne ne m'a rappelé.")
    rate(procedure_b, 3, "Correct.")
    open_survey(case=submit(procedure_b))  # invited, not answered: not counted


def rows(html):
    return html.split("<tbody>")


def test_supervisors_see_count_average_distribution_and_comments(
    client, supervisor, ratings, django_assert_max_num_queries
):
    client.force_login(supervisor)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("backoffice:satisfaction"))
    assert page.status_code == 200
    html = page.content.decode()
    by_procedure = rows(html)[1]
    road = by_procedure.split("Signaler un problème sur la voirie")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in road.split("<td>")[1:]]
    assert cells == ["Voirie", "3", "3,7", "0", "1", "0", "1", "1"]
    assert "Personne ne m&#x27;a rappelé." in html
    assert html.index("Correct.") < html.index("Très rapide")  # latest first


def test_a_supervisor_of_one_service_sees_only_it(client, org, service_a, service_b, ratings):
    chief = make_member("chef.voirie@demoville.test", org, Role.SUPERVISOR, [service_a])
    client.force_login(chief)
    html = client.get(reverse("backoffice:satisfaction")).content.decode()
    assert "Signaler un problème sur la voirie" in html
    assert "Demander un acte d&#x27;état civil" not in html
    assert "Correct." not in html
    url = reverse("backoffice:satisfaction")
    assert client.get(url, {"service": service_b.pk}).status_code == 404


def test_filters_by_service_and_procedure(client, administrator, service_b, procedure_b, ratings):
    client.force_login(administrator)
    url = reverse("backoffice:satisfaction")
    html = client.get(url, {"service": service_b.pk}).content.decode()
    assert "Correct." in html and "Très rapide" not in html
    html = client.get(url, {"procedure": procedure_b.pk}).content.decode()
    assert "Correct." in html and "Très rapide" not in html


def test_another_organizations_service_or_procedure_answers_404(
    client, administrator, other_service, other_procedure, ratings
):
    client.force_login(administrator)
    url = reverse("backoffice:satisfaction")
    assert client.get(url, {"service": other_service.pk}).status_code == 404
    assert client.get(url, {"procedure": other_procedure.pk}).status_code == 404
    assert client.get(url, {"service": "abc"}).status_code == 404


def test_agents_and_outsiders_are_refused(client, agent_a, other_org_agent, ratings):
    for someone in (agent_a, other_org_agent):
        client.force_login(someone)
        assert client.get(reverse("backoffice:satisfaction")).status_code == 403


def test_no_answers_yet_says_so(client, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("backoffice:satisfaction")).content.decode()
    assert "Aucune réponse pour l'instant" in html
