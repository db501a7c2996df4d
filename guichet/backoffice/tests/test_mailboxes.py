"""Inbound mail in the back office: administrators set up their mailboxes (the IMAP
password written, never shown back) and work the quarantine: a mail opened as a case in
the procedure they choose, or discarded and kept as such."""

import pytest
from django.urls import reverse

from guichet.cases.models import Case
from guichet.catalog.models import Procedure
from guichet.conftest import make_member, published
from guichet.notify.inbound import receive
from guichet.notify.models import InboundEmail, InboundOutcome, Mailbox
from guichet.organization.models import AdminLogEntry, Role

pytestmark = pytest.mark.django_db

REFUSED = (
    "From: Jeanne <jeanne@example.test>\r\nTo: mairie@demoville.test\r\n"
    "Subject: Lampadaire\r\nMessage-ID: <q-1@example.test>\r\n\r\nIl est éteint rue Haute.\r\n"
).encode()


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def written_request(org, service_a):
    """A procedure that takes any mail: one long text."""
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Demande écrite",
            slug="demande-ecrite",
            fields=[{"id": "text", "type": "textarea", "label": "Texte", "required": True}],
        )
    )


@pytest.fixture
def mailbox(org, procedure_a):
    # Without an answer for the form's required "kind", a new mail waits in quarantine.
    return Mailbox.objects.create(
        organization=org,
        address="mairie@demoville.test",
        procedure=procedure_a,
        imap_host="imap.demoville.test",
        imap_user="mairie",
        imap_password="s3cret-imap",
    )


@pytest.fixture
def quarantined(mailbox):
    record = receive(mailbox, REFUSED)
    assert record.outcome == InboundOutcome.QUARANTINED
    return record


# --- Mailboxes -------------------------------------------------------------------------------


def _form(procedure, **values):
    data = {
        "address": "voirie@demoville.test",
        "service": "",
        "procedure": procedure.pk,
        "is_active": "on",
        "imap_host": "imap.demoville.test",
        "imap_port": "993",
        "imap_ssl": "on",
        "imap_user": "voirie",
        "password": "",
        "imap_folder": "INBOX",
    }
    data.update(values)
    return data


def test_the_empty_list_says_so(admin_client, org):
    html = admin_client.get(reverse("backoffice:mailboxes")).content.decode()
    assert "Aucune boîte de réception" in html
    assert "Quarantaine (vide)" in html


def test_an_administrator_creates_a_mailbox_with_a_write_only_password(
    admin_client, administrator, written_request, service_a
):
    response = admin_client.post(
        reverse("backoffice:mailbox_create"),
        _form(written_request, service=service_a.pk, password="mot-de-passe-1"),
    )
    assert response.status_code == 303
    mailbox = Mailbox.objects.get()
    assert mailbox.service == service_a and mailbox.procedure == written_request
    assert mailbox.imap_password == "mot-de-passe-1"
    entry = AdminLogEntry.objects.get(action="mailbox_created")
    assert entry.actor == administrator and entry.target == "voirie@demoville.test"
    assert "mot-de-passe-1" not in str(entry.details)

    page = admin_client.get(reverse("backoffice:mailbox", args=[mailbox.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "mot-de-passe-1" not in html
    assert "Un mot de passe est enregistré" in html

    # Left empty, the password is kept; typed, it is replaced.
    admin_client.post(
        reverse("backoffice:mailbox", args=[mailbox.pk]), _form(written_request, imap_port="143")
    )
    mailbox.refresh_from_db()
    assert mailbox.imap_port == 143 and mailbox.imap_password == "mot-de-passe-1"
    admin_client.post(
        reverse("backoffice:mailbox", args=[mailbox.pk]),
        _form(written_request, password="mot-de-passe-2"),
    )
    mailbox.refresh_from_db()
    assert mailbox.imap_password == "mot-de-passe-2"
    changes = AdminLogEntry.objects.filter(action="mailbox_changed").order_by("pk")
    assert [entry.details["changed"] for entry in changes] == [
        ["imap_port", "service"],
        ["imap_password", "imap_port"],
    ]
    listing = admin_client.get(reverse("backoffice:mailboxes")).content.decode()
    assert "voirie@demoville.test" in listing and "mot-de-passe-2" not in listing


def test_a_procedure_without_long_text_is_refused_next_to_its_field(admin_client, procedure_b):
    response = admin_client.post(
        reverse("backoffice:mailbox_create"),
        _form(procedure_b, address="etat-civil@demoville.test", password="gardé"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "pas de champ de texte long" in html
    assert 'value="etat-civil@demoville.test"' in html  # what was typed is kept
    assert "gardé" not in html  # but never the password
    assert not Mailbox.objects.exists()


def test_bad_input_is_a_400_not_a_500(admin_client, written_request):
    response = admin_client.post(
        reverse("backoffice:mailbox_create"),
        _form(written_request, address="pas une adresse", imap_port="99999", imap_user=""),
    )
    assert response.status_code == 400
    assert not Mailbox.objects.exists()


def test_another_organizations_procedure_cannot_be_chosen(admin_client, other_procedure):
    response = admin_client.post(reverse("backoffice:mailbox_create"), _form(other_procedure))
    assert response.status_code == 400
    assert not Mailbox.objects.exists()


def test_another_organizations_mailbox_is_a_404(admin_client, other_org, other_procedure):
    other = Mailbox.objects.create(
        organization=other_org, address="mairie@villeneuve.test", procedure=other_procedure
    )
    assert admin_client.get(reverse("backoffice:mailbox", args=[other.pk])).status_code == 404
    assert (
        "mairie@villeneuve.test"
        not in admin_client.get(reverse("backoffice:mailboxes")).content.decode()
    )


@pytest.mark.parametrize("role", ["agent_a", "supervisor", "other_org_agent"])
def test_non_administrators_get_404(request, client, mailbox, quarantined, role):
    client.force_login(request.getfixturevalue(role))
    for url in [
        reverse("backoffice:mailboxes"),
        reverse("backoffice:mailbox", args=[mailbox.pk]),
        reverse("backoffice:quarantine"),
        reverse("backoffice:quarantined_mail", args=[quarantined.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    discard = reverse("backoffice:quarantine_discard", args=[quarantined.pk])
    assert client.post(discard).status_code == 404
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.QUARANTINED


# --- The quarantine --------------------------------------------------------------------------


def test_the_empty_quarantine_says_so(admin_client, mailbox):
    html = admin_client.get(reverse("backoffice:quarantine")).content.decode()
    assert "Aucun e-mail en quarantaine" in html


def test_the_quarantine_lists_the_waiting_mails_in_few_queries(
    admin_client, mailbox, django_assert_max_num_queries
):
    for number in range(30):
        receive(mailbox, REFUSED.replace(b"<q-1@", f"<q-{number + 10}@".encode()))
    # 11 whatever the number of mails, the header's unread notifications count included.
    with django_assert_max_num_queries(11):
        response = admin_client.get(reverse("backoffice:quarantine"))
    assert response.status_code == 200
    assert response.content.decode().count("Lampadaire") == 30


def test_an_administrator_reads_a_quarantined_mail(admin_client, quarantined):
    html = admin_client.get(
        reverse("backoffice:quarantined_mail", args=[quarantined.pk])
    ).content.decode()
    assert "jeanne@example.test" in html and "Lampadaire" in html
    assert "Il est éteint rue Haute." in html
    assert quarantined.reason in html
    assert "Ouvrir la demande" in html and "Écarter cet e-mail" in html


def test_a_quarantined_mail_becomes_a_case_of_the_chosen_procedure(
    admin_client, administrator, quarantined, written_request, procedure_a
):
    url = reverse("backoffice:quarantined_mail", args=[quarantined.pk])
    # The mailbox's own procedure still refuses it: said on the page, nothing made.
    refused = admin_client.post(url, {"procedure": procedure_a.pk})
    assert refused.status_code == 400
    assert "La demande n'a pas été ouverte" in refused.content.decode()
    assert not Case.objects.exists()

    response = admin_client.post(url, {"procedure": written_request.pk})
    case = Case.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("backoffice:case", args=[case.reference])
    assert case.procedure == written_request and case.channel == "email"
    assert "Il est éteint rue Haute." in case.data["text"]
    assert case.contact_email == "jeanne@example.test"
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.CASE and quarantined.case == case
    assert quarantined.handled_by == administrator
    entry = AdminLogEntry.objects.get(action="inbound_opened")
    assert entry.details["reference"] == case.reference
    # Not twice.
    again = admin_client.post(url, {"procedure": written_request.pk})
    assert again.status_code == 400 and Case.objects.count() == 1


def test_another_organizations_procedure_is_refused_for_a_quarantined_mail(
    admin_client, quarantined, other_procedure
):
    url = reverse("backoffice:quarantined_mail", args=[quarantined.pk])
    assert admin_client.post(url, {"procedure": other_procedure.pk}).status_code == 400
    assert not Case.objects.exists()


def test_a_quarantined_mail_is_discarded_after_a_confirmation_and_kept(
    admin_client, administrator, quarantined
):
    url = reverse("backoffice:quarantine_discard", args=[quarantined.pk])
    confirmation = admin_client.get(url)
    assert confirmation.status_code == 200
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.QUARANTINED  # a GET changes nothing

    response = admin_client.post(url)
    assert response.status_code == 303
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.DISCARDED
    assert quarantined.handled_by == administrator
    assert bytes(quarantined.raw) == REFUSED  # nothing deleted
    assert AdminLogEntry.objects.filter(action="inbound_discarded").count() == 1
    assert "Lampadaire" not in admin_client.get(reverse("backoffice:quarantine")).content.decode()
    discarded = admin_client.get(reverse("backoffice:quarantine"), {"ecartes": "1"})
    assert "Lampadaire" in discarded.content.decode()
    # Its page still opens, with no action left.
    page = admin_client.get(reverse("backoffice:quarantined_mail", args=[quarantined.pk]))
    assert page.status_code == 200 and "Ouvrir la demande" not in page.content.decode()


def test_another_organizations_mail_is_a_404(admin_client, other_org, other_procedure):
    other_box = Mailbox.objects.create(
        organization=other_org, address="mairie@villeneuve.test", procedure=other_procedure
    )
    record = InboundEmail.objects.create(
        mailbox=other_box,
        key="mid:<x@example.test>",
        digest="0" * 64,
        raw=b"Subject: x\r\n\r\n",
        outcome=InboundOutcome.QUARANTINED,
        sender="x@example.test",
        subject="Ailleurs",
    )
    assert (
        admin_client.get(reverse("backoffice:quarantined_mail", args=[record.pk])).status_code
        == 404
    )
    assert (
        admin_client.post(reverse("backoffice:quarantine_discard", args=[record.pk])).status_code
        == 404
    )
    record.refresh_from_db()
    assert record.outcome == InboundOutcome.QUARANTINED
    assert "Ailleurs" not in admin_client.get(reverse("backoffice:quarantine")).content.decode()


def test_an_administrator_of_another_organization_cannot_act_through_the_functions(
    quarantined, other_org, written_request
):
    from django.core.exceptions import PermissionDenied

    from guichet.notify.mailboxes import discard, open_quarantined

    intruder = make_member("admin@villeneuve.test", other_org, Role.ADMINISTRATOR, [])
    with pytest.raises(PermissionDenied):
        discard(record=quarantined, actor=intruder)
    with pytest.raises(PermissionDenied):
        open_quarantined(record=quarantined, actor=intruder, procedure=written_request)
