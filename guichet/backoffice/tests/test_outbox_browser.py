"""The outbox, the mailboxes and the quarantine in a real browser, with the keyboard where
it matters and axe-core on every page; the read receipt on the case page too."""

import pytest

from guichet.cases import actions
from guichet.catalog.models import Procedure
from guichet.conftest import PASSWORD, check_accessibility, published, submit
from guichet.notify.inbound import receive
from guichet.notify.models import InboundOutcome, Mailbox, OutgoingEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = (
    "From: Jeanne <jeanne@example.test>\r\nTo: mairie@demoville.test\r\n"
    "Subject: Lampadaire\r\nMessage-ID: <b-1@example.test>\r\n\r\nIl est éteint rue Haute.\r\n"
).encode()


def log_in(page, user):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")


def test_an_administrator_reads_the_outbox_and_resends_an_email(
    page, administrator, procedure_a, agent_a
):
    case = submit(procedure_a)
    OutgoingEmail.objects.create(
        organization=case.organization,
        event=case.events.first(),
        to="alice@example.test",
        subject=f"Votre demande {case.reference}",
        body="Bonjour,\nvotre demande est reçue.",
        attempts=2,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    log_in(page, administrator)
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="E-mails et SMS envoyés").click()
    page.wait_for_url("**/organisation/envois/")
    page.get_by_text("SMTPServerDisconnected").first.wait_for()
    check_accessibility(page)

    page.get_by_label("État").select_option("failed")
    page.get_by_label("Destinataire (adresse ou numéro)").fill("alice")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**statut=failed**")
    check_accessibility(page)
    page.get_by_role("link", name="ouvrir alice@example.test").click()
    page.get_by_role("heading", name="E-mail à alice@example.test").wait_for()
    check_accessibility(page)

    page.get_by_role("link", name="Renvoyer cet e-mail").click()
    check_accessibility(page)
    page.get_by_role("button", name="Renvoyer").focus()
    page.keyboard.press("Enter")
    page.get_by_text("est remis en file d'envoi").wait_for()
    check_accessibility(page)


def test_an_administrator_sets_up_a_mailbox_and_works_the_quarantine(
    page, org, administrator, procedure_a, service_a
):
    written = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Demande écrite",
            slug="demande-ecrite",
            fields=[{"id": "text", "type": "textarea", "label": "Texte", "required": True}],
        )
    )
    log_in(page, administrator)
    page.goto("/backoffice/organisation/boites-de-reception/")
    page.get_by_text("Aucune boîte de réception").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Nouvelle boîte").click()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La boîte n'est pas enregistrée").wait_for()
    check_accessibility(page)  # the errors, next to their fields
    page.get_by_label("Adresse (obligatoire)").fill("mairie@demoville.test")
    page.get_by_label("Démarche des nouveaux e-mails").select_option(str(procedure_a.pk))
    page.get_by_label("Serveur IMAP").fill("imap.demoville.test")
    page.get_by_label("Identifiant IMAP").fill("mairie")
    page.get_by_label("Mot de passe IMAP").fill("s3cret")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("est enregistrée").wait_for()
    check_accessibility(page)
    mailbox = Mailbox.objects.get()
    assert mailbox.imap_password == "s3cret"

    record = receive(mailbox, REFUSED)
    assert record.outcome == InboundOutcome.QUARANTINED
    page.reload()
    page.get_by_role("link", name="1 e-mail en quarantaine").click()
    page.get_by_role("link", name="Lampadaire").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Lampadaire").click()
    page.get_by_text("Il est éteint rue Haute.").wait_for()
    check_accessibility(page)
    page.get_by_label("Démarche de la demande").select_option(str(written.pk))
    page.get_by_role("button", name="Ouvrir la demande").click()
    page.get_by_text("est ouverte depuis cet e-mail").wait_for()
    record.refresh_from_db()
    assert record.outcome == InboundOutcome.CASE

    second = receive(mailbox, REFUSED.replace(b"<b-1@", b"<b-2@"))
    page.goto(f"/backoffice/organisation/quarantaine/{second.pk}/")
    page.get_by_role("link", name="Écarter cet e-mail").click()
    check_accessibility(page)
    page.get_by_role("button", name="Écarter", exact=True).click()
    page.get_by_text("Aucun e-mail en quarantaine").wait_for()
    check_accessibility(page)
    second.refresh_from_db()
    assert second.outcome == InboundOutcome.DISCARDED


def test_the_case_page_shows_the_receipt_accessibly(desktop_page, agent_a, case_a):
    page = desktop_page
    actions.post_message(case=case_a, body="Une précision ?", from_citizen=False, author=agent_a)
    actions.post_message(case=case_a, body="Voici.", from_citizen=True)
    page.goto(f"/suivi/{case_a.tracking_code}/")
    page.get_by_text("Une précision ?").wait_for()
    log_in(page, agent_a)
    page.goto(f"/backoffice/demandes/{case_a.reference}/")
    page.get_by_text("Lu par le demandeur le").wait_for()
    check_accessibility(page)
    page.goto(f"/suivi/{case_a.tracking_code}/")
    page.get_by_text("Lu par le service le").wait_for()
    check_accessibility(page)
