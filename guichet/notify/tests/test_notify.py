"""The notification chain with its real parts: journal -> task queue -> worker -> outbox -> SMTP.

Each test files or moves a case through the domain actions, runs the real worker
(`guichet worker --batch`, django-tasks-db's db_worker) and reads what a real SMTP server
(aiosmtpd) received.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from guichet.cases import actions
from guichet.cases.models import CaseEvent, EventKind
from guichet.conftest import _free_port, submit
from guichet.notify.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)

BASE_URL = "https://guichet.demoville.test"
ENGLISH_CATALOGUE = (
    Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.mo"
)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.GUICHET_BASE_URL = BASE_URL


def tracking_url(case) -> str:
    return f"{BASE_URL}/suivi/{case.tracking_code}/"


@pytest.fixture
def acknowledged_case(procedure_a, smtp_server, run_worker):
    """A case filed on the portal whose acknowledgement has already gone out."""
    case = submit(procedure_a)
    run_worker()
    assert len(smtp_server.messages) == 1
    return case


def test_submitting_sends_an_acknowledgement_through_smtp(procedure_a, smtp_server, run_worker):
    case = submit(procedure_a)
    assert smtp_server.messages == []  # nothing is sent inside the request

    run_worker()

    [mail] = smtp_server.messages
    assert mail["to"] == ["alice@example.test"]
    assert case.reference in mail["subject"]
    assert mail["body"].startswith("Ville de Démoville a bien reçu votre demande")
    assert case.reference in mail["body"]
    assert case.formatted_tracking_code in mail["body"]
    assert tracking_url(case) in mail["body"]
    assert "Signaler un problème sur la voirie" in mail["body"]
    event = case.events.get()
    assert event.dispatched_at is not None
    email = OutgoingEmail.objects.get()
    assert email.event == event and email.sent_at is not None and email.attempts == 1


def test_the_acknowledgement_does_not_start_with_what_a_visitor_typed(
    procedure_a, smtp_server, run_worker
):
    # Anyone may file a request with any address: the e-mail it sends must be ours, so that
    # no one can use it to carry their own words to a stranger.
    submit(procedure_a, contact_name="Gagnez 1000 euros sur https://spam.example")
    run_worker()

    [mail] = smtp_server.messages
    assert mail["subject"].strip().startswith("Votre demande DV-")
    assert mail["body"].startswith("Ville de Démoville a bien reçu votre demande")
    assert "spam.example" not in mail["subject"] and "spam.example" not in mail["body"]


def test_a_transition_sends_the_new_state_to_the_citizen(
    acknowledged_case, agent_a, smtp_server, run_worker
):
    actions.transition_case(
        case=acknowledged_case,
        transition="start_now",
        actor=agent_a,
        comment="Une équipe passera jeudi.",
    )
    run_worker()

    [_ack, mail] = smtp_server.messages
    assert mail["to"] == ["alice@example.test"]
    assert acknowledged_case.reference in mail["subject"]
    assert "En cours de traitement" in mail["subject"]
    assert "est maintenant : En cours de traitement." in mail["body"]
    assert "Une équipe passera jeudi." in mail["body"]
    assert tracking_url(acknowledged_case) in mail["body"]


def test_an_agent_message_is_sent_to_the_citizen(
    acknowledged_case, agent_a, smtp_server, run_worker
):
    actions.post_message(
        case=acknowledged_case,
        body="Pouvez-vous préciser le numéro de la rue ?",
        from_citizen=False,
        author=agent_a,
    )
    run_worker()

    [_ack, mail] = smtp_server.messages
    assert mail["to"] == ["alice@example.test"]
    assert acknowledged_case.reference in mail["subject"]
    assert "Pouvez-vous préciser le numéro de la rue ?" in mail["body"]
    assert tracking_url(acknowledged_case) in mail["body"]


def test_notes_assignments_and_citizen_messages_send_nothing(
    acknowledged_case, agent_a, smtp_server, run_worker
):
    actions.add_internal_note(case=acknowledged_case, body="Déjà signalé hier.", actor=agent_a)
    actions.assign_case(case=acknowledged_case, assignee=agent_a, actor=agent_a)
    actions.post_message(case=acknowledged_case, body="Merci !", from_citizen=True)
    run_worker()

    # The citizen gets the acknowledgement only (agent A hears of the message: their own
    # notifications, guichet/notify/tests/test_agent_notifications.py).
    assert [m["to"] for m in smtp_server.messages].count(["alice@example.test"]) == 1
    assert OutgoingEmail.objects.filter(to="alice@example.test").count() == 1
    assert not CaseEvent.objects.undispatched().exists()
    assert set(acknowledged_case.events.values_list("kind", flat=True)) == {
        EventKind.SUBMITTED,
        EventKind.NOTE,
        EventKind.ASSIGNED,
        EventKind.MESSAGE,
    }


def test_a_case_without_email_is_dispatched_without_sending(procedure_a, smtp_server, run_worker):
    case = submit(procedure_a, contact_email="", contact_phone="06 12 34 56 78")
    run_worker()

    assert smtp_server.messages == []
    assert not OutgoingEmail.objects.exists()
    assert case.events.get().dispatched_at is not None


def test_mail_server_down_keeps_the_email_and_retries_it_once_up(
    procedure_a, smtp_server, run_worker, settings
):
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    case = submit(procedure_a)
    before = timezone.now()
    run_worker()

    email = OutgoingEmail.objects.get()
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error
    assert email.next_attempt_at > before
    assert case.events.get().dispatched_at is not None  # the event is done; the outbox retries
    assert smtp_server.messages == []

    # Running again before the retry is due sends nothing and counts no attempt.
    run_worker()
    email.refresh_from_db()
    assert email.attempts == 1 and email.sent_at is None

    settings.EMAIL_PORT = smtp_server.port
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_worker()  # the batch enqueues send_pending_emails once

    [mail] = smtp_server.messages
    assert case.reference in mail["subject"]
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 2 and email.last_error == ""

    run_worker()
    assert len(smtp_server.messages) == 1  # exactly once


def test_twenty_emails_held_by_an_outage_each_leave_exactly_once(
    procedure_a, smtp_server, run_worker, settings
):
    settings.EMAIL_PORT = _free_port()  # the mail server is down
    cases = [submit(procedure_a, contact_email=f"usager{n}@example.test") for n in range(20)]
    run_worker()
    assert smtp_server.messages == []
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 20

    settings.EMAIL_PORT = smtp_server.port  # back up
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    run_worker()
    run_worker()  # a second pass finds nothing left to send

    received = sorted(address for mail in smtp_server.messages for address in mail["to"])
    assert received == sorted(f"usager{n}@example.test" for n in range(20))
    for case in cases:
        assert sum(case.reference in mail["subject"] for mail in smtp_server.messages) == 1
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


def test_a_lost_dispatch_is_caught_up_by_the_sweep(
    procedure_a, smtp_server, run_worker, monkeypatch
):
    # The process dies between the commit and the enqueue: the event is in the journal,
    # undispatched, and no task knows about it.
    class Lost:
        @staticmethod
        def enqueue(*args, **kwargs):
            pass

    # Where the journal writer (`_record`) finds it: the actions module only re-exports.
    monkeypatch.setattr("guichet.cases._common.dispatch_event", Lost)
    two_minutes_ago = timezone.now() - datetime.timedelta(minutes=2)
    case = submit(procedure_a, submitted_at=two_minutes_ago)
    monkeypatch.undo()
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.exists()
    assert case.events.get().dispatched_at is None

    run_worker()  # the batch enqueues dispatch_pending_events once

    assert case.events.get().dispatched_at is not None
    [mail] = smtp_server.messages
    assert case.reference in mail["subject"]
    assert tracking_url(case) in mail["body"]


def test_a_recent_undispatched_event_is_left_to_its_own_task(procedure_a, monkeypatch):
    from guichet.cases.tasks import dispatch_pending_events

    class Lost:
        @staticmethod
        def enqueue(*args, **kwargs):
            pass

    # Where the journal writer (`_record`) finds it: the actions module only re-exports.
    monkeypatch.setattr("guichet.cases._common.dispatch_event", Lost)
    case = submit(procedure_a)
    assert dispatch_pending_events.call() == 0
    assert case.events.get().dispatched_at is None


@pytest.mark.skipif(
    not ENGLISH_CATALOGUE.exists(), reason="no compiled English catalogue (locale/en) yet"
)
def test_the_email_is_in_the_citizens_language(procedure_a, smtp_server, run_worker):
    case = submit(procedure_a, language="en")
    run_worker()

    [mail] = smtp_server.messages
    with translation.override("en"):
        english = gettext("Votre demande %(reference)s a bien été reçue")
        reference_label = gettext("Référence")
    assert english != "Votre demande %(reference)s a bien été reçue", "no English translation"
    assert mail["subject"] == english % {"reference": case.reference}
    assert f"{reference_label} : {case.reference}" in mail["body"]
    assert "Bonjour" not in mail["body"]
