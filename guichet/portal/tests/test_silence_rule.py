"""The silence rule told to the citizen everywhere it matters: the procedure's page before
filing, the confirmation (an acknowledgement of registration, the acknowledgement of receipt
to follow or on the tracking page), the tracking page (its date, updated when the clock
pauses and restarts), and the agent's case page; and the certificate of tacit acceptance
the citizen asks for from the tracking page."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from guichet.cases import actions
from guichet.cases.acknowledgement import CERTIFICATE_KEY
from guichet.cases.models import Case, EventKind
from guichet.catalog.models import Procedure
from guichet.conftest import CERTIFICATE_FIELDS, published
from guichet.lib.tests.pdfcheck import assert_archivable_and_tagged, pdf_text

from .walk import file_request

pytestmark = pytest.mark.django_db

ANSWERS = {"answer-certificate": "Naissance", "answer-event_date": "1990-05-04"}
ACCEPT = {"days": 10, "tacit": {"decision": "accept", "state": "accepted"}}


@pytest.fixture
def procedure(org, service_b):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_b,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            deadline=ACCEPT,
        )
    )


def day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def file(procedure, submitted_at=None):
    return actions.submit_case(
        procedure=procedure,
        data={"certificate": "Naissance", "event_date": "1990-05-04", "copies": 1},
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        submitted_at=submitted_at,
    )


def test_the_procedure_page_tells_the_rule_before_filing(client, procedure):
    page = client.get(reverse("portal:procedure", args=[procedure.slug])).content.decode()
    assert "Sans réponse de l&#x27;administration dans un délai de 10 jours ouvrés" in page
    assert "réputée acceptée (le silence vaut accord)" in page


def test_a_procedure_without_tacit_decision_says_nothing_of_silence(client, procedure_b):
    page = client.get(reverse("portal:procedure", args=[procedure_b.slug])).content.decode()
    assert "silence" not in page


def test_the_confirmation_is_an_acknowledgement_of_registration(client, procedure):
    response = client.get(file_request(client, procedure.slug, [ANSWERS])["Location"])
    page = html.unescape(response.content.decode())
    case = Case.objects.get()
    assert "Ceci est l'accusé d'enregistrement de votre demande." in page
    assert "il est disponible en PDF sur la page de suivi de votre demande" in page
    assert "avec l'accusé de réception en pièce jointe" in page
    assert "accusé de réception suivra" not in page
    assert f"Sans réponse de notre part au {day(timezone.localtime(case.due_at))} au soir" in page


def test_the_confirmation_says_the_acknowledgement_will_follow(client, procedure):
    procedure.deadline = {**ACCEPT, "acknowledgement": "complete"}
    procedure.save(update_fields=["deadline"])
    procedure = published(procedure)
    page = client.get(file_request(client, procedure.slug, [ANSWERS])["Location"]).content
    text = html.unescape(page.decode())
    assert (
        "Ceci est l'accusé d'enregistrement de votre demande ; l'accusé de réception suivra, "
        "quand le service aura vérifié que votre demande est complète."
    ) in text
    assert "l'accusé de réception vous sera envoyé de la même façon" in text
    assert "en pièce jointe" not in text


def test_the_tracking_page_and_the_case_page_follow_the_clock(client, procedure, agent_b):
    case = file(procedure)
    url = reverse("portal:track", args=[case.tracking_code])
    due = day(timezone.localtime(case.due_at))
    page = client.get(url).content.decode()
    assert "Silence de l'administration" in page
    assert f"Sans réponse de notre part au {due} au soir" in page
    # The acknowledgement of receipt is among the citizen's documents.
    assert f"{case.reference}-accuse-reception.pdf" in page

    case = actions.transition_case(case=case, transition="start_now", actor=agent_b)
    case = actions.transition_case(case=case, transition="ask", actor=agent_b, comment="Pièce")
    page = client.get(url).content.decode()
    assert "Le délai est suspendu dans l&#x27;attente des éléments demandés" in page
    assert " au soir" not in page

    later = timezone.now() + datetime.timedelta(days=7)
    case = actions.transition_case(case=case, transition="resume", actor=agent_b, at=later)
    moved = day(timezone.localtime(case.due_at))
    assert moved != due
    page = client.get(url).content.decode()
    assert f"Sans réponse de notre part au {moved} au soir" in page

    client.force_login(agent_b)
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "Silence de l'administration" in page
    assert f"Sans réponse de notre part au {moved} au soir" in page


def test_the_citizen_gets_the_certificate_of_tacit_acceptance(client, procedure):
    case = file(procedure, submitted_at=timezone.now() - datetime.timedelta(days=60))
    url = reverse("portal:track", args=[case.tracking_code])
    certificate_url = reverse("portal:tacit_certificate", args=[case.tracking_code])
    assert certificate_url not in client.get(url).content.decode()
    # Asked for before acceptance arose: refused, nothing issued.
    response = client.post(certificate_url)
    assert response.status_code == 303 and response["Location"] == url
    assert not case.attachments.filter(generated_from=CERTIFICATE_KEY).exists()

    case = actions.apply_tacit_decision(case=case)
    page = client.get(url).content.decode()
    accepted_on = day(timezone.localtime(case.due_at))
    assert f"votre demande est réputée acceptée depuis le {accepted_on} au soir" in page
    assert certificate_url in page

    response = client.post(certificate_url)
    document = case.attachments.get(generated_from=CERTIFICATE_KEY)
    assert response.status_code == 303
    assert response["Location"] == reverse(
        "portal:attachment", args=[case.tracking_code, document.pk]
    )
    content = b"".join(client.get(response["Location"]).streaming_content)
    title = f"Attestation d'acceptation tacite de la demande {case.reference}"
    assert_archivable_and_tagged(content, title=title, language="fr")
    text = pdf_text(content)
    assert "L232-3" in text and f"réputée acceptée depuis le {accepted_on} au soir" in text
    assert "Alice Martin" in text and "Voies et délais de recours" in text
    event = case.events.get(kind=EventKind.CERTIFICATE)
    assert event.is_public and event.payload["attachment"] == document.pk
    # Asked again: the same document, no second event.
    client.post(certificate_url)
    assert case.attachments.filter(generated_from=CERTIFICATE_KEY).count() == 1
    assert case.events.filter(kind=EventKind.CERTIFICATE).count() == 1
    assert "Attestation d'acceptation tacite délivrée" in client.get(url).content.decode()


def test_the_certificate_is_refused_for_a_tacit_rejection(client, org, service_b):
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_b,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            deadline={"days": 10, "tacit": {"decision": "reject", "state": "rejected"}},
        )
    )
    case = file(procedure, submitted_at=timezone.now() - datetime.timedelta(days=60))
    actions.apply_tacit_decision(case=case)
    client.post(reverse("portal:tacit_certificate", args=[case.tracking_code]))
    assert not case.attachments.filter(generated_from=CERTIFICATE_KEY).exists()


def test_an_unknown_tracking_code_gets_404(client, procedure):
    assert client.post(reverse("portal:tacit_certificate", args=["NOPE1234"])).status_code == 404


def test_another_organization_s_case_gets_404(client, other_procedure):
    other = actions.submit_case(
        procedure=other_procedure,
        data={"kind": "Éclairage", "description": "Lampadaire."},
        channel="web",
        contact_name="Bob",
        contact_email="bob@example.test",
    )
    url = reverse("portal:tacit_certificate", args=[other.tracking_code])
    assert client.post(url).status_code == 404
