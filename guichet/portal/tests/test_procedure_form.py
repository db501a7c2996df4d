import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.models import Case
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.conftest import image_bytes

from .walk import file_request, post_steps

pytestmark = pytest.mark.django_db

ROAD_URL = "/demarches/signaler-voirie/"
CERTIFICATE_URL = "/demarches/acte-etat-civil/"

ROAD_ANSWERS = {
    "answer-kind": "Éclairage",
    "answer-description": "Le lampadaire devant l'école est éteint.",
}
CERTIFICATE_ANSWERS = {
    "answer-certificate": "Mariage",
    "answer-event_date": "2001-06-30",
    "answer-copies": "2",
}


def road_contact(**overrides):
    data = {
        "contact_name": "Zoé Lefèvre",
        "contact_email": "zoe@example.test",
        "contact_phone": "",
        "address": "3 rue des Écoles",
        "latitude": "48.8566",
        "longitude": "2.3522",
    }
    data.update(overrides)
    return data


def contact_step(client, url, answers):
    """Posts the first step; returns the contact step's URL."""
    response = client.post(url, {**answers, "action": "next"})
    assert response.status_code == 303
    return response["Location"]


def test_it_shows_the_first_step_of_the_form(client, procedure_a):
    response = client.get(ROAD_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Étape 1 sur 3 :" in html
    assert '<li class="current" aria-current="step">Votre demande</li>' in html
    assert '<label for="id_answer-description">' in html
    # Attachments are chosen on the summary, contact details on their own step.
    assert 'name="answer-photo"' not in html
    assert "contact_name" not in html
    assert "Précédent" not in html


def test_the_contact_step_asks_for_a_location_when_the_procedure_does(client, procedure_a):
    html = client.get(contact_step(client, ROAD_URL, ROAD_ANSWERS)).content.decode()
    assert "Étape 2 sur 3 :" in html
    assert "Adresse / localisation" in html
    assert 'name="latitude"' in html
    assert 'name="contact_name"' in html


def test_it_has_no_location_section_when_the_procedure_asks_none(client, procedure_b):
    html = client.get(contact_step(client, CERTIFICATE_URL, CERTIFICATE_ANSWERS)).content.decode()
    assert "Adresse / localisation" not in html
    assert 'name="latitude"' not in html
    summary = post_steps(client, "acte-etat-civil", [CERTIFICATE_ANSWERS])
    assert "multipart/form-data" not in client.get(summary).content.decode()


def test_it_prefills_the_contact_details_of_a_signed_in_citizen(client, procedure_b, citizen):
    client.force_login(citizen)
    html = client.get(contact_step(client, CERTIFICATE_URL, CERTIFICATE_ANSWERS)).content.decode()
    assert 'value="Alice Martin"' in html
    assert 'value="alice@example.test"' in html


def test_it_files_a_case_with_an_attachment(client, procedure_a):
    photo = SimpleUploadedFile("lampadaire.jpg", image_bytes("JPEG"), "image/jpeg")
    summary = post_steps(client, "signaler-voirie", [ROAD_ANSWERS], road_contact())
    html = client.get(summary).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="answer-photo"' in html
    response = client.post(summary, {"action": "submit", "answer-photo": photo})
    assert response.status_code == 303
    assert response["Location"] == "/demarches/signaler-voirie/confirmation/"
    case = Case.objects.get()
    assert case.channel == "web"
    assert case.citizen is None
    assert case.language == "fr"
    assert case.data == {
        "kind": "Éclairage",
        "description": "Le lampadaire devant l'école est éteint.",
    }
    assert (case.address, case.latitude, case.longitude) == ("3 rue des Écoles", 48.8566, 2.3522)
    attachment = case.attachments.get()
    assert (attachment.field_id, attachment.original_name) == ("photo", "lampadaire.jpg")
    page = client.get(response["Location"])
    assert case.reference in page.content.decode()


def test_it_links_the_case_to_the_signed_in_citizen(client, procedure_b, citizen):
    client.force_login(citizen)
    response = file_request(client, "acte-etat-civil", [CERTIFICATE_ANSWERS])
    assert response.status_code == 303
    case = Case.objects.get()
    assert case.citizen == citizen
    assert case.data == {"certificate": "Mariage", "event_date": "2001-06-30", "copies": 2}


def test_it_keeps_every_answer_when_some_are_wrong(client, procedure_b):
    response = client.post(
        CERTIFICATE_URL,
        {**CERTIFICATE_ANSWERS, "answer-event_date": "30/02/2001x", "answer-copies": "beaucoup"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_answer-event_date"' in html
    assert 'href="#id_answer-copies"' in html
    assert "Saisissez un nombre." in html
    assert 'value="30/02/2001x"' in html
    assert 'value="beaucoup"' in html
    assert '<option value="Mariage" selected>' in html
    assert 'aria-invalid="true"' in html
    assert "Erreur – Étape 1 sur 3" in html


def test_it_requires_the_required_fields(client, procedure_a):
    response = client.post(ROAD_URL, {"action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("id_answer-kind", "id_answer-description"):
        assert f'href="#{field}"' in html
    response = client.post(contact_step(client, ROAD_URL, ROAD_ANSWERS), {"action": "next"})
    assert response.status_code == 400
    assert 'href="#id_contact_name"' in response.content.decode()
    assert not Case.objects.exists()


def test_it_shows_the_rules_of_the_domain_on_the_contact_step(client, procedure_a):
    url = contact_step(client, ROAD_URL, ROAD_ANSWERS)
    response = client.post(url, {**road_contact(contact_email="", longitude=""), "action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Indiquez une adresse e-mail ou un téléphone" in html
    assert 'href="#id_contact_email"' in html
    assert "Une position a besoin d&#x27;une latitude et d&#x27;une longitude." in html
    assert 'href="#id_latitude"' in html
    assert 'value="Zoé Lefèvre"' in html


@pytest.mark.parametrize("latitude", ["abc", "NaN", "1e999999", "91"])
def test_it_refuses_a_bad_position_without_failing(client, procedure_a, latitude):
    url = contact_step(client, ROAD_URL, ROAD_ANSWERS)
    response = client.post(url, {**road_contact(latitude=latitude), "action": "next"})
    assert response.status_code == 400
    assert 'href="#id_latitude"' in response.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_a_program_as_attachment(client, procedure_a):
    program = SimpleUploadedFile("photo.exe", b"MZ\x90\x00", "application/octet-stream")
    summary = post_steps(client, "signaler-voirie", [ROAD_ANSWERS], road_contact())
    response = client.post(summary, {"action": "submit", "answer-photo": program})
    assert response.status_code == 400
    assert not Case.objects.exists()
    html = response.content.decode()
    assert 'href="#id_answer-photo"' in html
    assert "les fichiers joints doivent être choisis à nouveau" in html
    # The answers are still there, in the summary.
    assert "Le lampadaire devant l&#x27;école est éteint." in html


def test_it_refuses_an_oversized_attachment(client, procedure_a, settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 1000
    photo = SimpleUploadedFile("photo.jpg", b"x" * 1001, "image/jpeg")
    summary = post_steps(client, "signaler-voirie", [ROAD_ANSWERS], road_contact())
    response = client.post(summary, {"action": "submit", "answer-photo": photo})
    assert response.status_code == 400
    assert not Case.objects.exists()
    assert "Le fichier dépasse la taille maximale" in response.content.decode()


def test_it_does_not_show_an_unpublished_procedure(client, procedure_a):
    summary = post_steps(client, "signaler-voirie", [ROAD_ANSWERS], road_contact())
    Procedure.objects.filter(pk=procedure_a.pk).update(is_published=False)
    assert client.get(ROAD_URL).status_code == 404
    assert client.post(ROAD_URL, ROAD_ANSWERS).status_code == 404
    assert client.get(summary).status_code == 404
    assert client.post(summary, {"action": "submit"}).status_code == 404
    assert not Case.objects.exists()


def test_it_does_not_show_the_procedure_of_another_organization(client, org, other_service):
    publish_procedure(
        procedure=Procedure.objects.create(
            organization=other_service.organization,
            service=other_service,
            title="Permis de stationnement",
            slug="stationnement",
        )
    )
    assert client.get("/demarches/stationnement/").status_code == 404
    assert client.get("/demarches/stationnement/", HTTP_HOST="villeneuve.test").status_code == 200


def test_it_files_the_case_with_the_organization_of_the_host(client, procedure_a, other_procedure):
    response = file_request(
        client, "signaler-voirie", [ROAD_ANSWERS], road_contact(), HTTP_HOST="villeneuve.test"
    )
    assert response.status_code == 303
    case = Case.objects.get()
    assert case.procedure == other_procedure
    assert case.reference.startswith("VS-")
