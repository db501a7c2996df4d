import pytest

from guichet.catalog.models import Procedure

pytestmark = pytest.mark.django_db


def test_it_lists_the_published_procedures_of_the_organization_by_theme(
    client, procedure_a, procedure_b, other_procedure
):
    Procedure.objects.create(
        organization=procedure_a.organization,
        service=procedure_a.service,
        title="Démarche en préparation",
        slug="brouillon",
    )
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Signaler un problème sur la voirie</a>" in html
    assert ">Demander un acte d&#x27;état civil</a>" in html
    assert 'href="/demarches/signaler-voirie/"' in html
    assert "Voirie, propreté et espace public" in html
    assert "État civil et citoyenneté" in html
    assert "Démarche en préparation" not in html
    assert ">Signaler un problème</a>" not in html  # the other organization's
    assert 'action="/suivi/"' in html


def test_it_shows_the_other_organization_its_own_procedures_on_its_host(
    client, procedure_a, other_procedure
):
    html = client.get("/", HTTP_HOST="villeneuve.test").content.decode()
    assert ">Signaler un problème</a>" in html
    assert "Signaler un problème sur la voirie" not in html
    assert "Villeneuve-sur-Démo" in html


def test_it_shows_the_other_organization_under_its_path_prefix(
    client, procedure_a, other_procedure
):
    html = client.get("/o/villeneuve/").content.decode()
    assert ">Signaler un problème</a>" in html
    assert 'href="/o/villeneuve/demarches/signaler-voirie/"' in html
    assert "Signaler un problème sur la voirie" not in html


def test_it_says_when_there_is_no_procedure(client, org):
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucune démarche n'est proposée en ligne" in response.content.decode()


def test_it_says_when_no_organization_is_configured(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucune organisation n'est encore configurée" in response.content.decode()


def test_it_has_one_main_heading_and_the_portal_navigation(client, procedure_a):
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert 'href="/" aria-current="page"' in html
    assert 'href="/backoffice/"' in html
