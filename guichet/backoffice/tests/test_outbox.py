"""The outbox in the back office: administrators see their organization's e-mails and SMS
with their status, filter them, open one and resend it; the case's history shows each
notification with its delivery status."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.cases import actions
from guichet.conftest import _free_port, make_member, submit
from guichet.notify.models import OutgoingEmail, OutgoingSMS
from guichet.notify.outbox import Cursor
from guichet.organization.models import AdminLogEntry, Role


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def email(case, to="alice@example.test", **values):
    event = values.pop("event", None) or case.events.first()
    return OutgoingEmail.objects.create(
        organization=case.organization,
        event=event,
        to=to,
        subject=values.pop("subject", f"Votre demande {case.reference}"),
        body="Bonjour",
        **values,
    )


def sms(case, to="+33612345678", **values):
    return OutgoingSMS.objects.create(
        organization=case.organization, event=case.events.first(), to=to, body="Votre demande"
    )


@pytest.fixture
def outbox(case_a, case_b, other_org):
    """A sent, a failed, a bounced and a queued e-mail, a queued SMS, and an e-mail of
    another organization."""
    now = timezone.now()
    actions.post_message(case=case_a, body="Bonjour", from_citizen=True)
    return {
        "sent": email(case_a, sent_at=now, attempts=1),
        "failed": email(
            case_a,
            to="paul@example.test",
            event=case_a.events.last(),
            attempts=3,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        ),
        "bounced": email(
            case_b, sent_at=now, attempts=1, bounced_at=now, bounce_reason="status: 5.1.1"
        ),
        "sms": sms(case_b),
        "queued": OutgoingEmail.objects.create(
            organization=case_a.organization,
            to="jeanne@example.test",
            subject="Votre brouillon",
            body="…",
        ),
        "other": OutgoingEmail.objects.create(
            organization=other_org, to="secret@villeneuve.test", subject="Ailleurs", body="…"
        ),
    }


@pytest.mark.django_db
def test_it_lists_the_organizations_emails_and_sms_with_their_status(
    admin_client, outbox, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("backoffice:outbox"))
    assert response.status_code == 200
    html = response.content.decode()
    for to in ["alice@example.test", "paul@example.test", "jeanne@example.test", "+33612345678"]:
        assert to in html
    assert "secret@villeneuve.test" not in html
    assert "SMTPServerDisconnected" in html
    for status in ["Envoyé", "Non remis", "Échec, nouvel essai prévu", "En attente"]:
        assert status in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"statut": "sent"}, {"sent"}),
        ({"statut": "failed"}, {"failed"}),
        ({"statut": "bounced"}, {"bounced"}),
        ({"statut": "queued"}, {"queued", "sms"}),
        ({"type": "sms"}, {"sms"}),
        ({"type": "email", "statut": "queued"}, {"queued"}),
        ({"destinataire": "PAUL@"}, {"failed"}),
        ({"destinataire": "0612"}, set()),
        ({"destinataire": "612345"}, {"sms"}),
    ],
)
def test_it_filters_by_status_kind_and_recipient(admin_client, outbox, query, expected):
    response = admin_client.get(reverse("backoffice:outbox"), query)
    assert response.status_code == 200
    # An SMS and an e-mail may share an id: compare (kind, id).
    pairs = {(row.kind, row.pk) for row in response.context["page"].rows}
    wanted = {
        ("sms" if isinstance(outbox[name], OutgoingSMS) else "email", outbox[name].pk)
        for name in expected
    }
    assert pairs == wanted


@pytest.mark.django_db
def test_it_filters_by_case_reference(admin_client, outbox, case_b):
    response = admin_client.get(reverse("backoffice:outbox"), {"demande": case_b.reference.lower()})
    pairs = {(row.kind, row.pk) for row in response.context["page"].rows}
    assert pairs == {("email", outbox["bounced"].pk), ("sms", outbox["sms"].pk)}
    empty = admin_client.get(reverse("backoffice:outbox"), {"demande": "DV-1999-000001"})
    assert "Aucun envoi ne correspond à ces filtres." in empty.content.decode()


@pytest.mark.django_db
def test_a_bad_filter_is_answered_400_with_what_was_typed(admin_client, outbox):
    response = admin_client.get(
        reverse("backoffice:outbox"), {"statut": "lost", "destinataire": "paul"}
    )
    assert response.status_code == 400
    assert 'value="paul"' in response.content.decode()


@pytest.mark.django_db
def test_the_empty_outbox_says_so(admin_client, org):
    response = admin_client.get(reverse("backoffice:outbox"))
    assert "Aucun e-mail ni SMS envoyé pour l'instant." in response.content.decode()


@pytest.mark.django_db
def test_it_pages_through_both_kinds_newest_first(
    admin_client, case_a, django_assert_max_num_queries
):
    start = timezone.now() - datetime.timedelta(days=1)
    for number in range(40):
        row = email(case_a, to=f"u{number}@example.test", event=None)
        OutgoingEmail.objects.filter(pk=row.pk).update(
            created_at=start + datetime.timedelta(minutes=number)
        )
    for number in range(20):
        row = OutgoingSMS.objects.create(
            organization=case_a.organization,
            event=case_a.events.first(),
            to=f"+3361234{number:04d}",
            body="…",
        )
        # Some at the very same moment as an e-mail: the order still holds.
        OutgoingSMS.objects.filter(pk=row.pk).update(
            created_at=start + datetime.timedelta(minutes=2 * number)
        )
    url = reverse("backoffice:outbox")
    seen = []
    page = admin_client.get(url).context["page"]
    seen += page.rows
    assert len(page.rows) == 50 and page.next_cursor is not None
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, {"apres": str(page.next_cursor)})
    second = response.context["page"]
    seen += second.rows
    assert len(second.rows) == 10 and second.next_cursor is None
    keys = [(row.created_at, row.kind, row.pk) for row in seen]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == 60
    assert "Premiers résultats" in response.content.decode()


def test_an_unreadable_cursor_is_the_first_page():
    assert Cursor.parse("nonsense") is None
    assert Cursor.parse("2026-01-01T00:00:00+00:00~fax~1") is None
    assert Cursor.parse(None) is None


@pytest.mark.django_db
def test_it_opens_one_email_with_its_text_and_error(admin_client, outbox):
    row = outbox["failed"]
    response = admin_client.get(reverse("backoffice:outbox_message", args=["email", row.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "paul@example.test" in html and "SMTPServerDisconnected" in html
    assert "Renvoyer cet e-mail" in html


@pytest.mark.django_db
def test_another_organizations_message_is_a_404(admin_client, outbox):
    other = outbox["other"]
    for name in ("outbox_message", "outbox_resend"):
        assert (
            admin_client.get(reverse(f"backoffice:{name}", args=["email", other.pk])).status_code
            == 404
        )
    response = admin_client.post(reverse("backoffice:outbox_resend", args=["email", other.pk]))
    assert response.status_code == 404
    assert (
        admin_client.get(reverse("backoffice:outbox_message", args=["fax", 1])).status_code == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agent_a", "supervisor", "other_org_agent"])
def test_non_administrators_get_404(request, client, outbox, role):
    client.force_login(request.getfixturevalue(role))
    row = outbox["sent"]
    assert client.get(reverse("backoffice:outbox")).status_code == 404
    assert (
        client.get(reverse("backoffice:outbox_message", args=["email", row.pk])).status_code == 404
    )
    assert (
        client.post(reverse("backoffice:outbox_resend", args=["email", row.pk])).status_code == 404
    )
    row.refresh_from_db()
    assert row.sent_at is not None


@pytest.mark.django_db
def test_the_settings_page_links_to_the_outbox(admin_client, org):
    html = admin_client.get(reverse("backoffice:settings")).content.decode()
    assert reverse("backoffice:outbox") in html
    assert reverse("backoffice:mailboxes") in html
    assert reverse("backoffice:quarantine") in html


@pytest.mark.django_db
def test_the_case_history_shows_each_notification_with_its_status(client, agent_a, outbox, case_a):
    client.force_login(agent_a)
    html = client.get(reverse("backoffice:case", args=[case_a.reference])).content.decode()
    assert "E-mail à alice@example.test" in html
    assert "E-mail à paul@example.test" in html
    assert "Échec, nouvel essai prévu" in html and "Envoyé" in html
    # Agents see the status; the outbox's detail is for administrators.
    assert reverse("backoffice:outbox_message", args=["email", outbox["sent"].pk]) not in html


@pytest.mark.django_db
def test_the_case_page_stays_bounded_with_many_notifications(
    admin_client, case_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60) as few:
        admin_client.get(reverse("backoffice:case", args=[case_a.reference]))
    for number in range(20):
        actions.post_message(case=case_a, body=f"M{number}", from_citizen=True)
        email(case_a, event=case_a.events.last(), to=f"u{number}@example.test")
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = admin_client.get(reverse("backoffice:case", args=[case_a.reference]))
    assert "u19@example.test" in response.content.decode()


# --- Resending, with the real SMTP server and the real worker ------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failed_email_resent_is_delivered_exactly_once(
    client, procedure_a, administrator, smtp_server, run_worker, settings
):
    settings.EMAIL_PORT = _free_port()  # the mail server is down
    case = submit(procedure_a)
    run_worker()
    row = OutgoingEmail.objects.get()
    assert row.sent_at is None and row.last_error and row.organization == case.organization
    assert row.next_attempt_at > timezone.now()  # the next try is minutes away

    settings.EMAIL_PORT = smtp_server.port  # back up
    client.force_login(administrator)
    url = reverse("backoffice:outbox_resend", args=["email", row.pk])
    confirmation = client.get(url)
    assert (
        confirmation.status_code == 200 and '<form method="post"' in confirmation.content.decode()
    )
    assert smtp_server.messages == []  # nothing leaves without the confirmation
    response = client.post(url)
    assert response.status_code == 303
    run_worker()
    run_worker()  # a second pass sends nothing more

    [mail] = smtp_server.messages
    assert mail["to"] == ["alice@example.test"] and case.reference in mail["subject"]
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == "" and row.attempts == 2
    entry = AdminLogEntry.objects.get(action="email_resent")
    assert entry.actor == administrator and entry.target == "alice@example.test"
    assert entry.details["previous"]["status"] == "failed"
    page = client.get(reverse("backoffice:outbox_message", args=["email", row.pk]))
    assert "Envoyé" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_sent_email_resent_leaves_once_more_with_a_new_message_id(
    client, procedure_a, administrator, smtp_server, run_worker
):
    submit(procedure_a)
    run_worker()
    row = OutgoingEmail.objects.get()
    first_id = row.message_id
    client.force_login(administrator)
    client.post(reverse("backoffice:outbox_resend", args=["email", row.pk]))
    run_worker()
    run_worker()
    first, second = smtp_server.messages
    assert first["subject"] == second["subject"]
    assert first["headers"]["message-id"] == first_id
    assert second["headers"]["message-id"] != first_id
    row.refresh_from_db()
    assert row.message_id == second["headers"]["message-id"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_sms_resent_is_handed_to_the_gateway_once(
    client, procedure_a, administrator, run_worker, settings
):
    settings.GUICHET_SMS_URL = "console:"
    case = submit(procedure_a)
    run_worker()
    row = sms(case)
    OutgoingSMS.objects.filter(pk=row.pk).update(
        attempts=2,
        last_error="GatewayError: HTTP 503",
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1),
    )
    client.force_login(administrator)
    client.post(reverse("backoffice:outbox_resend", args=["sms", row.pk]))
    run_worker()
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 3 and row.last_error == ""
    assert AdminLogEntry.objects.filter(action="sms_resent").count() == 1


@pytest.mark.django_db
def test_a_member_who_is_not_administrator_cannot_resend_through_the_function(outbox, agent_a):
    from django.core.exceptions import PermissionDenied

    from guichet.notify.outbox import resend

    with pytest.raises(PermissionDenied):
        resend(row=outbox["sent"], actor=agent_a)


@pytest.mark.django_db
def test_an_administrator_of_another_organization_cannot_resend(outbox, other_org):
    from django.core.exceptions import PermissionDenied

    from guichet.notify.outbox import resend

    intruder = make_member("admin@villeneuve.test", other_org, Role.ADMINISTRATOR, [])
    with pytest.raises(PermissionDenied):
        resend(row=outbox["sent"], actor=intruder)
