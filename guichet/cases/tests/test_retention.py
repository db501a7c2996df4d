"""Retention periods of the procedures: closed cases anonymized or deleted when theirs ends."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from guichet.cases import actions
from guichet.cases.actions import ANONYMIZED_CONTACT_NAME, apply_retention, months_before
from guichet.cases.models import Attachment, Case, CaseEvent, EventKind, Message
from guichet.catalog.actions import update_procedure_retention
from guichet.conftest import submit

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2026, 3, 31, 10, tzinfo=UTC), 1, datetime.datetime(2026, 2, 28, 10)),
        (datetime.datetime(2028, 3, 31, 10, tzinfo=UTC), 1, datetime.datetime(2028, 2, 29, 10)),
        (datetime.datetime(2026, 1, 15, 8, tzinfo=UTC), 1, datetime.datetime(2025, 12, 15, 8)),
        (datetime.datetime(2026, 11, 29, tzinfo=UTC), 24, datetime.datetime(2024, 11, 29)),
        (datetime.datetime(2026, 12, 31, tzinfo=UTC), 12, datetime.datetime(2025, 12, 31)),
    ],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected.replace(tzinfo=UTC)


def closed_case(procedure, agent, *, closed_at, citizen=None):
    """A case with everything personal a case holds: answers, address, a message with an
    attachment, an internal note, a transition comment; closed at `closed_at`."""
    filed = closed_at - datetime.timedelta(days=20)
    case = submit(
        procedure,
        citizen=citizen,
        contact_phone="06 12 34 56 78",
        address="12 rue des Lilas, Démoville",
        latitude=48.85,
        longitude=2.35,
        submitted_at=filed,
    )
    actions.post_message(
        case=case,
        body="Voici la photo de ma rue.",
        from_citizen=True,
        files=[SimpleUploadedFile("rue.pdf", b"%PDF-1.4 rue", "application/pdf")],
        at=filed + datetime.timedelta(days=1),
    )
    actions.add_internal_note(
        case=case, body="Mme Martin habite au 12.", actor=agent, at=filed + datetime.timedelta(2)
    )
    actions.transition_case(
        case=case, transition="close", actor=agent, comment="Réparé chez Mme Martin.", at=closed_at
    )
    CaseEvent.objects.update(dispatched_at=timezone.now())  # notified
    case.refresh_from_db()
    return case


NOW = datetime.datetime(2026, 11, 29, 12, tzinfo=UTC)


@pytest.fixture
def kept_two_years(procedure_a):
    return update_procedure_retention(procedure=procedure_a, months=24, action="anonymize")


def test_a_case_closed_longer_than_the_period_is_anonymized(
    kept_two_years, agent_a, citizen, procedure_b, django_capture_on_commit_callbacks, client
):
    old = closed_case(
        kept_two_years, agent_a, closed_at=NOW - datetime.timedelta(days=800), citizen=citizen
    )
    recent = closed_case(kept_two_years, agent_a, closed_at=NOW - datetime.timedelta(days=700))
    open_case = submit(kept_two_years, submitted_at=NOW - datetime.timedelta(days=1000))
    no_policy = submit(procedure_b, submitted_at=NOW - datetime.timedelta(days=1000))
    actions.transition_case(
        case=no_policy, transition="close", actor=None, at=NOW - datetime.timedelta(days=900)
    )
    [file_name] = Attachment.objects.filter(case=old).values_list("file", flat=True)
    assert default_storage.exists(file_name)
    states = list(old.events.order_by("pk").values_list("kind", "payload__to"))

    with django_capture_on_commit_callbacks(execute=True):  # files go once committed
        assert apply_retention(now=NOW) == {"anonymized": 1, "deleted": 0}

    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.contact_phone) == (
        ANONYMIZED_CONTACT_NAME,
        "",
        "",
    )
    assert old.citizen is None and old.data == {} and old.address == ""
    assert old.latitude is None and old.anonymized_at == NOW
    assert not Message.objects.filter(case=old).exists()
    assert not Attachment.objects.filter(case=old).exists()
    assert not default_storage.exists(file_name)
    # The journal keeps the states and dates, not a word of what was written.
    text = str(list(old.events.values_list("payload", flat=True)))
    assert "Martin" not in text and "Réparé" not in text and "12" not in text.replace("2026", "")
    kept = list(old.events.exclude(kind=EventKind.RETENTION_EXPIRED).order_by("pk"))
    assert [(e.kind, e.payload.get("to")) for e in kept] == states
    assert old.events.filter(kind=EventKind.RETENTION_EXPIRED, is_public=False).exists()
    assert old.reference and old.closed_at and old.procedure_id == kept_two_years.pk

    for untouched in (recent, open_case, no_policy):
        untouched.refresh_from_db()
        assert untouched.anonymized_at is None and untouched.contact_email == "alice@example.test"
    assert Message.objects.filter(case=recent).exists()

    assert apply_retention(now=NOW) == {"anonymized": 0, "deleted": 0}  # once only

    client.force_login(agent_a)  # the agents' page says what happened, and still works
    page = client.get(reverse("backoffice:case", args=[old.reference]))
    assert page.status_code == 200
    assert "La durée de conservation de cette demande est écoulée" in page.text
    assert "Durée de conservation écoulée : demande anonymisée" in page.text


def test_a_procedure_may_delete_its_old_cases(
    procedure_a, agent_a, django_capture_on_commit_callbacks
):
    update_procedure_retention(procedure=procedure_a, months=6, action="delete")
    old = closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=200))
    recent = closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=100))
    [file_name] = Attachment.objects.filter(case=old).values_list("file", flat=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention(now=NOW) == {"anonymized": 0, "deleted": 1}

    assert not Case.objects.filter(pk=old.pk).exists()
    assert not CaseEvent.objects.filter(case_id=old.pk).exists()
    assert not default_storage.exists(file_name)
    assert Case.objects.filter(pk=recent.pk).exists()


def test_a_case_waits_for_its_last_notifications(kept_two_years, agent_a):
    old = closed_case(kept_two_years, agent_a, closed_at=NOW - datetime.timedelta(days=800))
    CaseEvent.objects.filter(case=old, kind=EventKind.TRANSITIONED).update(dispatched_at=None)
    assert apply_retention(now=NOW) == {"anonymized": 0, "deleted": 0}
    CaseEvent.objects.update(dispatched_at=timezone.now())
    assert apply_retention(now=NOW) == {"anonymized": 1, "deleted": 0}


@pytest.mark.parametrize(
    ("months", "action", "key"),
    [
        (0, "anonymize", "retention_months"),
        (121, "delete", "retention_months"),
        (True, "delete", "retention_months"),
        (12, "burn", "retention_action"),
    ],
)
def test_bad_retention_settings_are_refused(procedure_a, months, action, key):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        update_procedure_retention(procedure=procedure_a, months=months, action=action)
    assert key in error.value.message_dict
    procedure_a.refresh_from_db()
    assert procedure_a.retention_months is None


@pytest.mark.django_db(transaction=True)
def test_the_worker_applies_the_retention_periods(procedure_a, agent_a, smtp_server, run_worker):
    procedure = update_procedure_retention(procedure=procedure_a, months=24, action="anonymize")
    case = submit(procedure, submitted_at=timezone.now() - datetime.timedelta(days=900))
    actions.transition_case(
        case=case, transition="close", actor=agent_a, at=timezone.now() - datetime.timedelta(800)
    )
    run_worker()  # notifies the citizen, then its periodic sweep anonymizes
    run_worker()  # (in case the sweep ran before the notifications left)

    case.refresh_from_db()
    assert case.anonymized_at is not None and case.contact_email == ""
    assert {mail["to"][0] for mail in smtp_server.messages} == {"alice@example.test"}
