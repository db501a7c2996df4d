import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guichet.cases import actions
from guichet.cases.models import Case, CaseEvent, EventKind, Message
from guichet.conftest import image_bytes, submit

pytestmark = pytest.mark.django_db


def test_submit_case_gives_a_reference_a_tracking_code_and_a_journal_entry(procedure_a):
    case = submit(procedure_a)
    assert case.reference.startswith("DV-")
    assert case.reference.endswith("-000001")
    assert len(case.tracking_code) == 16
    assert case.state == "submitted" and case.category == "new"
    assert case.service == procedure_a.service
    assert case.due_at is not None
    event = case.events.get()
    assert event.kind == EventKind.SUBMITTED and event.is_public


def test_references_follow_each_other_per_organization(procedure_a, other_procedure):
    first, second = submit(procedure_a), submit(procedure_a)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    elsewhere = submit(other_procedure, data={"kind": "Éclairage", "description": "Lampadaire"})
    assert elsewhere.reference.startswith("VS-") and elsewhere.reference.endswith("-000001")


def test_submit_case_rejects_bad_answers_and_writes_nothing(procedure_b):
    with pytest.raises(ValidationError) as error:
        submit(procedure_b, data={"certificate": "Baptême", "event_date": "pas une date"})
    assert set(error.value.message_dict) >= {"certificate", "event_date"}
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_submit_case_needs_a_way_to_answer(procedure_a):
    with pytest.raises(ValidationError) as error:
        submit(procedure_a, contact_email="", contact_phone="")
    assert "contact_email" in error.value.message_dict


def test_unpublished_procedure_refuses_citizens(procedure_a):
    procedure_a.is_published = False
    procedure_a.save()
    with pytest.raises(ValidationError):
        submit(procedure_a)


def test_transition_moves_the_case_and_journals_it(case_a, agent_a):
    case = actions.transition_case(case=case_a, transition="start_now", actor=agent_a)
    assert case.state == "in_progress" and case.category == "open"
    event = case.events.filter(kind=EventKind.TRANSITIONED).get()
    assert event.payload["from"] == "submitted" and event.payload["to"] == "in_progress"
    assert event.actor == agent_a and event.is_public


def test_closing_sets_closed_at_and_reopening_clears_it(case_a, agent_a, supervisor):
    case = actions.transition_case(case=case_a, transition="close", actor=agent_a)
    assert case.is_closed and case.closed_at is not None
    # Reopening is for supervisors and administrators in the default workflow.
    case = actions.transition_case(case=case, transition="reopen", actor=supervisor)
    assert not case.is_closed and case.closed_at is None


def test_transition_not_allowed_from_this_state(case_a, agent_a):
    with pytest.raises(ValidationError):
        actions.transition_case(case=case_a, transition="accept", actor=agent_a)
    case_a.refresh_from_db()
    assert case_a.state == "submitted"


def test_agent_of_another_service_cannot_act(case_a, agent_b, other_org_agent):
    for outsider in (agent_b, other_org_agent):
        with pytest.raises(PermissionDenied):
            actions.transition_case(case=case_a, transition="receive", actor=outsider)
        with pytest.raises(PermissionDenied):
            actions.add_internal_note(case=case_a, body="Hello", actor=outsider)
    assert case_a.events.count() == 1


def test_assign_case_to_an_agent_of_the_service(case_a, agent_a, agent_b, supervisor):
    case = actions.assign_case(case=case_a, assignee=agent_a, actor=supervisor)
    assert case.assignee == agent_a
    with pytest.raises(ValidationError):
        actions.assign_case(case=case_a, assignee=agent_b, actor=supervisor)
    event = case.events.get(kind=EventKind.ASSIGNED)
    assert not event.is_public and event.payload["to"] == agent_a.pk


def test_messages_both_ways_are_public_events(case_a, agent_a):
    actions.post_message(case=case_a, body="Bonjour, c'est réparé ?", from_citizen=True)
    actions.post_message(
        case=case_a, body="Intervention demain.", from_citizen=False, author=agent_a
    )
    assert list(Message.objects.values_list("from_citizen", flat=True)) == [True, False]
    assert case_a.events.filter(kind=EventKind.MESSAGE, is_public=True).count() == 2


def test_empty_message_is_refused(case_a):
    with pytest.raises(ValidationError):
        actions.post_message(case=case_a, body="   ", from_citizen=True)


def test_internal_note_is_not_public(case_a, agent_a):
    event = actions.add_internal_note(case=case_a, body="Voir avec le prestataire", actor=agent_a)
    assert not event.is_public and event.payload["body"] == "Voir avec le prestataire"


def test_delete_cases_removes_them_with_their_history_and_files(
    procedure_a, case_b, agent_a, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("trou.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    case = submit(procedure_a, files={"photo": photo})
    actions.post_message(case=case, body="Merci", from_citizen=True)
    stored = case.attachments.get().file
    assert stored.storage.exists(stored.name)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = actions.delete_cases(cases=Case.objects.filter(procedure=procedure_a))

    assert deleted == 1
    assert list(Case.objects.all()) == [case_b]
    assert not CaseEvent.objects.filter(case_id=case.pk).exists()
    assert not Message.objects.exists()
    assert not stored.storage.exists(stored.name)
