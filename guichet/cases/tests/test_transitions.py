"""Transitions as the workflow says: who may make them, the comment they need, and the
actions they run (change of service, deadlines, notification, documents and webhooks)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.access import get_case_for_agent
from guichet.cases.models import Case, EventKind
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.conftest import CERTIFICATE_FIELDS, published, submit
from guichet.organization.access import get_membership

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def with_transitions(*transitions, **extra):
    document = default_workflow()
    document["transitions"] += list(transitions)
    return document


@pytest.fixture
def procedure(org, service_a, service_b):
    """Certificates, with extra transitions: an administrators' decision, a transfer to the
    civil status service, a deadline started again or removed, and side effects."""
    workflow = with_transitions(
        {
            "code": "grant",
            "from": ["in_progress"],
            "to": "accepted",
            "label": "Accorder (administrateurs)",
            "roles": ["admin"],
        },
        {
            "code": "transfer",
            "from": ["received"],
            "to": "in_progress",
            "label": "Transmettre à l'état civil",
            "actions": [{"type": "assign_service", "service": "etat-civil"}],
        },
        {
            "code": "complete",
            "from": ["waiting"],
            "to": "in_progress",
            "label": "Dossier complet : nouveau délai",
            "actions": [{"type": "set_deadline"}],
        },
        {
            "code": "suspend",
            "from": ["in_progress"],
            "to": "received",
            "label": "Sans délai",
            "actions": [{"type": "clear_deadline"}],
        },
        {
            "code": "decide",
            "from": ["received"],
            "to": "accepted",
            "label": "Décider",
            "actions": [
                {"type": "document", "template": "arrete"},
                {"type": "webhook", "url": "https://example.test/hook"},
                {"type": "notify", "template": "decided"},
            ],
        },
    )
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            workflow=workflow,
            deadline={"days": 10, "unit": "business"},
            templates={
                "decided": {"subject": "Décidé", "body": "Bonjour {{ name }}"},
                "arrete": {"subject": "Arrêté n° {{ reference }}", "body": "Il est décidé."},
            },
        )
    )


@pytest.fixture
def case(procedure):
    return submit(procedure, submitted_at=paris(2026, 12, 14, 10, 0))


def move(case, transition, actor, comment="", at=None):
    return actions.transition_case(
        case=case, transition=transition, actor=actor, comment=comment, at=at
    )


def test_an_agent_is_refused_an_administrators_transition(case, agent_a):
    case = move(case, "start_now", agent_a)
    with pytest.raises(PermissionDenied):
        move(case, "grant", agent_a)
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert not case.events.filter(payload__to="accepted").exists()


def test_a_supervisor_is_refused_it_too_and_an_administrator_may(case, supervisor, administrator):
    case = move(case, "start_now", supervisor)
    with pytest.raises(PermissionDenied):
        move(case, "grant", supervisor)
    case = move(case, "grant", administrator)
    assert case.state == "accepted" and case.is_closed


def test_the_system_may_make_any_transition(case):
    case = move(case, "start_now", None)
    case = move(case, "grant", None)
    assert case.state == "accepted"
    assert case.events.last().actor is None


def test_reopening_is_for_supervisors_in_the_default_workflow(case_a, agent_a, supervisor):
    case = move(case_a, "close", agent_a)
    with pytest.raises(PermissionDenied):
        move(case, "reopen", agent_a)
    case = move(case, "reopen", supervisor)
    assert case.state == "in_progress"


def test_a_required_comment_is_required(case_a, agent_a):
    case = move(case_a, "start_now", agent_a)
    for comment in ["", "   \n "]:
        with pytest.raises(ValidationError) as error:
            move(case, "ask", agent_a, comment=comment)
        assert error.value.message_dict == {"comment": ["Cette action demande un commentaire."]}
    case.refresh_from_db()
    assert case.state == "in_progress" and case.deadline_paused_at is None
    case = move(case, "ask", agent_a, comment="Quel est le numéro de la rue ?")
    assert case.state == "waiting"
    with pytest.raises(ValidationError) as error:
        move(move(case, "resume", agent_a), "reject", agent_a)
    assert "comment" in error.value.message_dict


def test_the_case_page_offers_what_the_role_allows(client, case_a, agent_a, supervisor):
    closed = move(case_a, "close", agent_a)
    page = reverse("backoffice:case", args=[closed.reference])
    client.force_login(agent_a)
    assert 'value="reopen"' not in client.get(page).text
    client.force_login(supervisor)
    assert 'value="reopen"' in client.get(page).text


def test_the_case_page_asks_for_the_missing_comment(client, case_a, agent_a):
    move(case_a, "start_now", agent_a)
    client.force_login(agent_a)
    url = reverse("backoffice:case_transition", args=[case_a.reference])
    response = client.post(url, {"transition": "ask", "comment": ""})
    assert response.status_code == 400
    assert "Cette action demande un commentaire." in response.text
    case_a.refresh_from_db()
    assert case_a.state == "in_progress"


def test_assign_service_moves_the_case_and_the_old_services_agent_loses_it(
    case, org, agent_a, agent_b, service_b
):
    actions.assign_case(case=case, assignee=agent_a, actor=agent_a)
    case = move(case, "receive", agent_a)
    case = move(case, "transfer", agent_a, comment="Pour l'état civil.")

    case.refresh_from_db()
    assert case.service == service_b and case.assignee is None
    with pytest.raises(Http404):
        get_case_for_agent(agent_a, org, case.reference)
    assert get_case_for_agent(agent_b, org, case.reference) == case
    assert not Case.objects.visible_to(get_membership(agent_a, org)).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        move(case, "ask", agent_a, comment="?")

    transitioned = case.events.filter(kind=EventKind.TRANSITIONED).last()
    assert transitioned.payload["actions"] == [
        {"type": "assign_service", "from": "voirie", "to": "etat-civil", "unassigned": agent_a.pk}
    ]
    routed = case.events.get(kind=EventKind.ROUTED)
    assert not routed.is_public and routed.actor == agent_a
    assert routed.payload == {
        "from": "voirie",
        "to": "etat-civil",
        "unassigned": agent_a.pk,
        "transition": "transfer",
    }


def test_assign_service_keeps_an_assignee_who_works_for_both_services(case, supervisor, service_b):
    actions.assign_case(case=case, assignee=supervisor, actor=supervisor)
    case = move(move(case, "receive", supervisor), "transfer", supervisor)
    case.refresh_from_db()
    assert case.service == service_b and case.assignee == supervisor


def test_the_journal_tells_the_transfer(client, case, agent_a, agent_b):
    case = move(move(case, "receive", agent_a), "transfer", agent_a)
    client.force_login(agent_b)
    text = client.get(reverse("backoffice:case", args=[case.reference])).text
    assert "Anne a transmis la demande au service État civil." in text


def test_set_deadline_counts_again_from_now(case, agent_a):
    assert case.due_at == paris(2026, 12, 29, 23, 59, 59, 999999)
    case = move(case, "start_now", agent_a, at=paris(2026, 12, 15, 9, 0))
    case = move(case, "ask", agent_a, comment="Pièce ?", at=paris(2026, 12, 16, 9, 0))
    assert case.deadline_paused_at == paris(2026, 12, 16, 9, 0)
    # Complete on Monday 4 January 2027: ten business days from then, and the clock runs.
    case = move(case, "complete", agent_a, at=paris(2027, 1, 4, 11, 0))
    assert case.due_at == paris(2027, 1, 18, 23, 59, 59, 999999)
    assert case.at_risk_at == paris(2027, 1, 13, 0, 0)
    assert case.deadline_paused_at is None
    event = case.events.filter(kind=EventKind.TRANSITIONED).last()
    [resumed, restarted] = event.payload["actions"]
    assert resumed["type"] == "resume_deadline" and resumed["implied"]
    assert restarted == {
        "type": "set_deadline",
        "from": resumed["due_at"],
        "due_at": case.due_at.isoformat(),
    }
    case.refresh_from_db()
    assert case.due_at == paris(2027, 1, 18, 23, 59, 59, 999999)


def test_clear_deadline_removes_it(case, agent_a):
    case = move(case, "start_now", agent_a)
    case = move(case, "suspend", agent_a)
    case.refresh_from_db()
    assert case.due_at is None and case.at_risk_at is None
    assert not case.is_overdue and not Case.objects.overdue().filter(pk=case.pk).exists()
    [cleared] = case.events.filter(kind=EventKind.TRANSITIONED).last().payload["actions"]
    assert cleared["type"] == "clear_deadline"
    assert datetime.datetime.fromisoformat(cleared["from"]) == paris(
        2026, 12, 29, 23, 59, 59, 999999
    )


def test_a_document_is_produced_and_the_webhook_waits_for_the_commit(
    case, agent_a, django_capture_on_commit_callbacks
):
    case = move(case, "receive", agent_a)
    with django_capture_on_commit_callbacks() as callbacks:
        case = move(case, "decide", agent_a)
    event = case.events.filter(kind=EventKind.TRANSITIONED).last()
    document = case.attachments.get(generated_from="arrete")
    assert event.payload["actions"] == [
        {
            "type": "document",
            "template": "arrete",
            "status": "produced",
            "attachment": document.pk,
            "name": f"{case.reference}-arrete.pdf",
        },
        {"type": "webhook", "url": "https://example.test/hook", "status": "queued"},
        {"type": "notify", "template": "decided"},
    ]
    assert event.payload["notify"] == "decided"
    # Nothing leaves inside the transaction: the journal event's dispatch only, which hands
    # the webhook and the e-mail to the worker, queued in the same transaction (the queue
    # is the database here), nothing run at its commit.
    assert callbacks == []
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="guichet.cases.tasks.dispatch_event")
    assert [task.args_kwargs["args"] for task in queued.order_by("enqueued_at")][-1] == [event.pk]


def test_an_unknown_or_unchanged_service_is_skipped(org, procedure, case, agent_a, service_a):
    case = move(case, "receive", agent_a)
    service_b = procedure.organization.services.get(slug="etat-civil")
    service_b.slug = "etat-civil-2"  # renamed after publication
    service_b.save()
    case = move(case, "transfer", agent_a)
    assert case.service == service_a
    [skipped] = case.events.filter(kind=EventKind.TRANSITIONED).last().payload["actions"]
    assert skipped == {"type": "assign_service", "skipped": "unknown_service"}
    assert not case.events.filter(kind=EventKind.ROUTED).exists()
