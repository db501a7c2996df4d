"""Letters for citizens who write by post: the acknowledgement and the decision as PDF
letters (PDF/A, tagged) with the address block where a window envelope shows it, and the
"Courrier à imprimer" box on the case page."""

import html
import io

import pypdf
import pytest

from guichet.cases import actions
from guichet.cases.tests.test_documents import procedure as procedure  # noqa: F401 (a fixture)
from guichet.lib.tests.pdfcheck import assert_archivable_and_tagged, pdf_text
from guichet.organization.models import Organization

pytestmark = pytest.mark.django_db
ADDRESS = "Mme Jeanne Petit\nRésidence des Tilleuls, bât. B\n12 rue des Lilas\n12345 Démoville"


def by_post(chosen, agent):
    return actions.submit_case(
        procedure=chosen,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="mail",
        contact_name="Jeanne Petit",
        contact_postal_address=ADDRESS,
        reply_by="letter",
        actor=agent,
    )


def download(client, case):
    response = client.get(f"/backoffice/demandes/{case.reference}/courrier.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_the_acknowledgement_is_a_letter_to_post(client, org, procedure, agent_a):  # noqa: F811
    Organization.objects.filter(pk=org.pk).update(address="1 place de la Mairie\n12345 Démoville")
    case = by_post(procedure, agent_a)
    client.force_login(agent_a)
    page = html.unescape(client.get(f"/backoffice/demandes/{case.reference}/").text)
    assert "Courrier à imprimer" in page
    assert f"/backoffice/demandes/{case.reference}/courrier.pdf" in page

    content = download(client, case)
    stored = case.attachments.get(generated_from="accuse-reception")
    with stored.file.open("rb") as handle:
        assert content == handle.read()  # the acknowledgement issued, as issued
    text = pdf_text(content)
    for line in ADDRESS.splitlines():
        assert line in text
    assert "Jeanne Petit" in text
    assert "Ville de Démoville · 1 place de la Mairie · 12345 Démoville" in text  # sender
    assert "Nous avons reçu le" in text and case.reference in text
    assert "Service chargé de votre demande" in text
    # The mandatory mentions, as in the e-mailed acknowledgement: the silence rule, the
    # date of the answer, the tracking address.
    assert "Le silence gardé sur cette demande ne vaut ni acceptation ni rejet." in text
    assert "Nous vous répondrons au plus tard le" in text
    assert f"/suivi/{case.tracking_code}/" in text.replace(" ", "")
    assert_archivable_and_tagged(
        content,
        title=f"Accusé de réception de votre demande {case.reference}",
        language="fr",
    )


def test_the_decision_to_a_citizen_by_post_carries_the_address(
    client,
    procedure,
    agent_a,  # noqa: F811
):
    case = by_post(procedure, agent_a)
    case = actions.transition_case(case=case, transition="start_now", actor=agent_a)
    case = actions.transition_case(
        case=case, transition="accept", actor=agent_a, comment="Travaux jeudi."
    )
    decision = case.attachments.get(generated_from="decision")
    client.force_login(agent_a)
    page = client.get(f"/backoffice/demandes/{case.reference}/").text
    assert f"/pieces/{decision.pk}/" in page.split("Courrier à imprimer")[1].split("</div>")[0]
    with decision.file.open("rb") as handle:
        content = handle.read()
    text = pdf_text(content)
    assert "12 rue des Lilas" in text and "12345 Démoville" in text
    assert "est acceptée" in text and "Motif : Travaux jeudi." in text
    assert_archivable_and_tagged(
        content, title=f"Décision sur votre demande {case.reference}", language="fr"
    )


def test_a_procedure_without_acknowledgement_gets_a_letter_made_from_the_case(
    client, procedure_a, agent_a
):
    case = by_post(procedure_a, agent_a)
    assert not case.attachments.exists()
    client.force_login(agent_a)
    first, second = download(client, case), download(client, case)
    assert first == second  # reproducible: dated from the filing
    text = pdf_text(first)
    assert "Résidence des Tilleuls, bât. B" in text and "Nous avons reçu le" in text
    assert_archivable_and_tagged(
        first, title=f"Accusé de réception de votre demande {case.reference}", language="fr"
    )


def test_a_citizen_reached_by_e_mail_gets_no_letter_box(client, procedure, agent_a):  # noqa: F811
    case = actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="counter",
        contact_name="Jeanne Petit",
        contact_email="jeanne@example.test",
        contact_postal_address=ADDRESS,
        reply_by="email",
        actor=agent_a,
    )
    client.force_login(agent_a)
    assert "Courrier à imprimer" not in client.get(f"/backoffice/demandes/{case.reference}/").text
    with case.attachments.get(generated_from="accuse-reception").file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "12 rue des Lilas" not in text  # an e-mailed acknowledgement has no address block


def test_the_letter_is_in_english_for_an_english_speaker(client, org, procedure_a, agent_a):
    case = actions.submit_case(
        procedure=procedure_a,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="mail",
        contact_name="John Smith",
        contact_postal_address="3 Baker Street\n12345 Démoville",
        reply_by="letter",
        actor=agent_a,
        language="en",
    )
    client.force_login(agent_a)
    content = download(client, case)
    assert "3 Baker Street" in pdf_text(content)
    assert_archivable_and_tagged(
        content, title=f"Acknowledgement of receipt of your request {case.reference}", language="en"
    )


def positions(content: bytes) -> dict[str, tuple[float, float]]:
    """Each line of the first page: its left and its top, in millimetres from the top left."""
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    height = float(page.mediabox.height)
    found = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(text.strip(), (x / 72 * 25.4, (height - y) / 72 * 25.4))

    page.extract_text(visitor_text=visit)
    return found


def test_the_address_sits_in_the_window_of_a_dl_envelope(client, procedure_a, agent_a):
    case = by_post(procedure_a, agent_a)
    client.force_login(agent_a)
    found = positions(download(client, case))
    # The window of a DL envelope: 100 mm by 45 mm, 110 mm from the left, 45 mm from the top.
    for line in ["Jeanne Petit", *ADDRESS.splitlines()[1:]]:
        left, top = found[line]
        assert 108 <= left <= 120 and 45 <= top <= 88, (line, left, top)
    title = f"Accusé de réception de votre demande {case.reference}"
    assert found[title][1] > 90  # the letter starts below the window
