"""The quarantine: mails that could not be understood wait, with their raw bytes, until an
operator opens a case from them or discards them (Django admin, "E-mails reçus")."""

import pytest
from django.core.exceptions import ValidationError

from guichet.cases.models import Case
from guichet.conftest import make_user
from guichet.notify.inbound import discard_quarantined, open_case_from_quarantine, receive
from guichet.notify.models import InboundEmail, InboundOutcome, Mailbox

REFUSED = (
    "From: Jeanne <jeanne@example.test>\r\nTo: mairie@demoville.test\r\n"
    "Subject: Lampadaire\r\nMessage-ID: <q-1@example.test>\r\n\r\nIl est éteint.\r\n"
).encode()


@pytest.fixture
def mailbox(org, procedure_a):
    # No answer for the form's required "kind": the form refuses the mail, it waits.
    return Mailbox.objects.create(
        organization=org, address="mairie@demoville.test", procedure=procedure_a
    )


@pytest.fixture
def quarantined(mailbox):
    record = receive(mailbox, REFUSED)
    assert record.outcome == InboundOutcome.QUARANTINED
    assert not Case.objects.exists()
    return record


def test_an_operator_opens_a_case_once_the_mailbox_is_fixed(quarantined, mailbox, administrator):
    with pytest.raises(ValidationError):
        open_case_from_quarantine(record=quarantined, actor=administrator)
    mailbox.answers = {"kind": "Éclairage"}
    mailbox.save(update_fields=["answers"])

    case = open_case_from_quarantine(record=quarantined, actor=administrator)

    assert "Il est éteint." in case.data["description"] and case.channel == "email"
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.CASE and quarantined.case == case
    assert quarantined.handled_by == administrator
    with pytest.raises(ValidationError):  # not twice
        open_case_from_quarantine(record=quarantined, actor=administrator)
    assert Case.objects.count() == 1


def test_an_operator_discards_a_mail_which_is_kept(quarantined, administrator):
    discard_quarantined(record=quarantined, actor=administrator)
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.DISCARDED
    assert bytes(quarantined.raw) == REFUSED
    assert not InboundEmail.objects.quarantined().exists()


def test_the_admin_lists_and_acts_on_the_quarantine(client, quarantined, mailbox):
    operator = make_user("ops@example.test", is_staff=True, is_superuser=True)
    client.force_login(operator)
    url = "/django-admin/notify/inboundemail/"
    response = client.get(url + "?outcome=quarantined")
    assert response.status_code == 200
    assert "Lampadaire" in response.text
    mailbox.answers = {"kind": "Éclairage"}
    mailbox.save(update_fields=["answers"])
    response = client.post(url, {"action": "open_cases", "_selected_action": [quarantined.pk]})
    assert response.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.outcome == InboundOutcome.CASE
    assert client.get(f"{url}{quarantined.pk}/change/").status_code == 200
