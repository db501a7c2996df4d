"""Phone, counter and post: an agent files a request for a citizen from the back office,
with the portal's form engine, and the acknowledgement goes by the citizen's channel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases.models import Case, EventKind
from guichet.conftest import submit
from guichet.notify.models import OutgoingSMS
from guichet.notify.tests.test_sms import gateway  # noqa: F401 (a fixture: the real gateway)

pytestmark = pytest.mark.django_db

ANSWERS = {"answer-kind": "Nid-de-poule", "answer-description": "Un trou devant le 12."}


def filing(**overrides):
    data = {
        "channel": "phone",
        "contact_name": "Chantal Petit",
        "contact_email": "",
        "contact_phone": "06 12 34 56 78",
        "contact_postal_address": "",
        "reply_by": "sms",
        "address": "12 rue de la Gare",
        **ANSWERS,
    }
    data.update(overrides)
    return data


def file_url(procedure):
    return reverse("backoffice:file_case", args=[procedure.slug])


def test_an_agent_files_a_phone_request_for_a_new_contact_without_e_mail(
    client, agent_a, procedure_a
):
    client.force_login(agent_a)
    response = client.post(file_url(procedure_a), filing())
    case = Case.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("backoffice:case", args=[case.reference])
    assert (case.channel, case.contact_name, case.contact_email) == ("phone", "Chantal Petit", "")
    assert case.reply_by == "sms" and case.data["kind"] == "Nid-de-poule"
    event = case.events.get(kind=EventKind.SUBMITTED)
    assert event.actor == agent_a
    assert event.payload["on_behalf_of"] == {
        "name": "Chantal Petit",
        "citizen": None,
        "as": "agent",
    }
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "Anne" in page and "Chantal Petit" in page and "Téléphone" in page


def test_bad_input_is_refused_with_every_error_and_what_was_typed_kept(
    client, agent_a, procedure_a
):
    client.force_login(agent_a)
    response = client.post(
        file_url(procedure_a),
        filing(contact_name="", **{"answer-description": "", "answer-kind": "Éclairage"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "est pas enregistrée" in page
    assert 'href="#filing_contact_name"' in page  # the contact's error
    assert 'href="#id_answer-description"' in page  # and the form engine's, on the same page
    assert "06 12 34 56 78" in page and '<option value="Éclairage" selected>' in page
    assert not Case.objects.exists()


def test_answering_by_sms_needs_a_mobile_number(client, agent_a, procedure_a):
    client.force_login(agent_a)
    response = client.post(file_url(procedure_a), filing(contact_phone="01 23 45 67 89"))
    assert response.status_code == 400
    assert "mobile" in response.content.decode()
    assert not Case.objects.exists()


def test_a_letter_by_post_is_filed_with_its_scan_and_answered_by_a_printable_letter(
    client, agent_a, procedure_a
):
    client.force_login(agent_a)
    scan = SimpleUploadedFile("courrier.pdf", b"%PDF-1.4 lettre", "application/pdf")
    response = client.post(
        file_url(procedure_a),
        filing(
            channel="mail",
            contact_phone="",
            reply_by="letter",
            contact_postal_address="3 place de l'Église\n99000 Démoville",
            scan=scan,
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("backoffice:case_letter", args=[case.reference])
    assert case.attachments.get().field_id == "scan"
    letter = client.get(response["Location"])
    page = letter.content.decode()
    assert letter.status_code == 200
    assert case.reference in page and case.formatted_tracking_code in page
    assert "3 place de l&#x27;Église<br>99000 Démoville" in page
    assert "Accusé de réception de votre demande" in page
    case_page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "Courrier postal" in case_page
    assert reverse("backoffice:case_letter", args=[case.reference]) in case_page


def test_a_letter_needs_a_postal_address(client, agent_a, procedure_a):
    client.force_login(agent_a)
    response = client.post(
        file_url(procedure_a), filing(channel="counter", contact_phone="", reply_by="letter")
    )
    assert response.status_code == 400
    assert "Indiquez l&#x27;adresse postale où écrire." in response.content.decode()


def test_the_web_and_api_channels_are_not_offered_to_agents(client, agent_a, procedure_a):
    client.force_login(agent_a)
    response = client.post(file_url(procedure_a), filing(channel="web"))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_procedures_are_found_as_one_types(client, agent_a, procedure_a, procedure_b):
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:file_start"), {"q": "voirie"}).content.decode()
    assert procedure_a.title in page and procedure_b.title not in page
    assert file_url(procedure_a) in page


def test_another_organizations_procedure_is_not_found(client, agent_a, other_procedure):
    client.force_login(agent_a)
    assert client.get(file_url(other_procedure)).status_code == 404


def test_an_earlier_requester_is_found_and_their_details_reused(client, agent_a, procedure_a):
    submit(procedure_a, contact_name="Zoé Lefèvre", contact_email="zoe@example.test")
    client.force_login(agent_a)
    page = client.get(file_url(procedure_a), {"personne": "Lefèvre"}).content.decode()
    assert "Reprendre les coordonnées de Zoé Lefèvre (zoe@example.test)" in page
    prefilled = client.get(
        file_url(procedure_a), {"nom": "Zoé Lefèvre", "email": "zoe@example.test"}
    ).content.decode()
    assert 'value="zoe@example.test"' in prefilled


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_goes_by_sms_to_a_contact_who_asked_for_it(
    client,
    agent_a,
    procedure_a,
    gateway,  # noqa: F811
    run_worker,
):
    client.force_login(agent_a)
    client.post(file_url(procedure_a), filing())
    run_worker()
    case = Case.objects.get()
    sms = OutgoingSMS.objects.get()
    assert sms.to == "06 12 34 56 78" and case.reference in sms.body
    assert gateway.texts and gateway.texts[0]["text"] == sms.body
