"""The citizen's answer to a request for more information brings the case back to where the
workflow says and starts the clock again, journaled; the tracking page says only what is
true."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from guichet.cases import actions
from guichet.cases.models import Case, EventKind
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Workflow
from guichet.conftest import CERTIFICATE_FIELDS, published, submit

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def state(code, category="open", **extra):
    return {"code": code, "label": code.title(), "category": category, **extra}


def step(code, sources, target, **extra):
    return {"code": code, "from": sources, "to": target, "label": code.title(), **extra}


def instruction_workflow(*, marked: bool):
    """Two open states that may each ask the citizen; their answer goes to `review` when
    `marked`, else back to where the case came from."""
    answer = {"on_citizen_reply": True} if marked else {}
    return {
        "initial": "new",
        "states": [
            state("new", "new"),
            state("check", "open"),
            state("review", "open"),
            state("missing", "waiting"),
            state("done", "closed"),
        ],
        "transitions": [
            step("start", ["new"], "check"),
            step("to_review", ["check"], "review"),
            step("ask", ["check", "review"], "missing"),
            step("back_check", ["missing"], "check"),
            step("back_review", ["missing"], "review", **answer),
            step("finish", ["check", "review"], "done"),
            step("drop", "*", "done"),
        ],
    }


def procedure_with(org, service, workflow):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            workflow=workflow,
            deadline={"days": 10, "unit": "business"},
        )
    )


def ask(case, at):
    for transition in ("receive", "start"):
        actions.transition_case(case=case, transition=transition, actor=None, at=at)
    return actions.transition_case(
        case=case, transition="ask", actor=None, comment="Une photo ?", at=at
    )


def test_the_answer_resumes_the_case_and_its_clock(procedure_b):
    case = submit(procedure_b, submitted_at=paris(2026, 12, 14, 10, 0))
    case = ask(case, paris(2026, 12, 15, 9, 0))
    due_before = case.due_at
    assert case.state == "waiting" and case.is_deadline_paused

    message = actions.post_message(
        case=case, body="Voici la photo.", from_citizen=True, at=paris(2026, 12, 18, 11, 0)
    )

    case = Case.objects.get(pk=case.pk)
    assert case.state == "in_progress" and case.category == "open"
    assert not case.is_deadline_paused
    assert case.due_at > due_before  # three days waited (16, 17, 18 December)
    assert case.due_at.astimezone(PARIS).date() - due_before.astimezone(PARIS).date() == (
        datetime.timedelta(days=3)
    )
    *_, said, moved = case.events.order_by("created_at", "pk")
    assert said.kind == EventKind.MESSAGE and said.payload["message"] == message.pk
    assert moved.kind == EventKind.TRANSITIONED and moved.is_public and moved.actor is None
    assert moved.payload["transition"] == "resume"
    assert moved.payload["from"] == "waiting" and moved.payload["to"] == "in_progress"
    assert moved.payload["trigger"] == {"type": "citizen_reply", "message": message.pk}
    assert moved.payload["actions"][0]["type"] == "resume_deadline"
    assert moved.created_at == message.created_at


def test_an_agents_message_leaves_the_case_waiting(procedure_b, agent_b):
    case = ask(submit(procedure_b), None)
    actions.post_message(case=case, body="Une relance.", from_citizen=False, author=agent_b)
    case.refresh_from_db()
    assert case.state == "waiting" and case.is_deadline_paused


def test_a_message_on_a_running_case_moves_nothing(procedure_b):
    case = submit(procedure_b)
    actions.transition_case(case=case, transition="start_now", actor=None)
    actions.post_message(case=case, body="Une question.", from_citizen=True)
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert case.events.filter(kind=EventKind.TRANSITIONED).count() == 1


def test_the_transition_marked_for_the_answer_wins(org, service_a):
    procedure = procedure_with(org, service_a, instruction_workflow(marked=True))
    case = submit(procedure)
    actions.transition_case(case=case, transition="start", actor=None)
    actions.transition_case(case=case, transition="ask", actor=None)
    actions.post_message(case=case, body="Voici.", from_citizen=True)
    case.refresh_from_db()
    assert case.state == "review" and not case.is_deadline_paused


def test_without_a_mark_the_answer_goes_back_where_the_case_came_from(org, service_a):
    procedure = procedure_with(org, service_a, instruction_workflow(marked=False))
    checked = submit(procedure)
    actions.transition_case(case=checked, transition="start", actor=None)
    actions.transition_case(case=checked, transition="ask", actor=None)
    reviewed = submit(procedure)
    for transition in ("start", "to_review", "ask"):
        actions.transition_case(case=reviewed, transition=transition, actor=None)

    actions.post_message(case=checked, body="Voici.", from_citizen=True)
    actions.post_message(case=reviewed, body="Voici.", from_citizen=True)

    checked.refresh_from_db()
    reviewed.refresh_from_db()
    assert checked.state == "check" and reviewed.state == "review"
    assert not checked.is_deadline_paused and not reviewed.is_deadline_paused


def test_a_workflow_with_no_way_back_leaves_the_case_to_the_agents(client, org, service_a):
    workflow = instruction_workflow(marked=False)
    workflow["transitions"] = [
        t for t in workflow["transitions"] if t["code"] not in ("back_check", "back_review")
    ]
    workflow["transitions"].append(step("resume", ["missing"], "done"))
    procedure = procedure_with(org, service_a, workflow)
    case = submit(procedure)
    actions.transition_case(case=case, transition="start", actor=None)
    actions.transition_case(case=case, transition="ask", actor=None)
    html = client.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert "il reprend dès que vous nous répondez" not in html
    assert "Suspendu en attendant votre réponse" in html

    actions.post_message(case=case, body="Voici.", from_citizen=True)
    case.refresh_from_db()
    assert case.state == "missing" and case.is_deadline_paused


def test_the_tracking_page_tells_the_truth_and_the_answer_resumes(client, procedure_b):
    case = ask(submit(procedure_b), None)
    url = f"/suivi/{case.tracking_code}/"
    html = client.get(url).content.decode()
    assert "il reprend dès que vous nous répondez" in html

    response = client.post(url, {"body": "Voici la photo."})
    assert response.status_code == 303

    case.refresh_from_db()
    assert case.state == "in_progress" and not case.is_deadline_paused
    html = client.get(url).content.decode()
    assert "Suspendu en attendant votre réponse" not in html
    assert "En cours de traitement" in html


def test_the_default_workflow_marks_its_resume_for_the_answer():
    from guichet.catalog.workflow import DEFAULT_WORKFLOW

    workflow = Workflow(DEFAULT_WORKFLOW)
    assert workflow.reply_transition("waiting").code == "resume"
    assert workflow.reply_transition("in_progress") is None


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"on_citizen_reply": True, "code": "finish"},
            "La transition finish suit la réponse du demandeur",
        ),
        ({"on_citizen_reply": "oui", "code": "back_check"}, "est true ou false"),
    ],
)
def test_validation_refuses_a_misplaced_mark(change, message):
    workflow = instruction_workflow(marked=True)
    for transition in workflow["transitions"]:
        if transition["code"] == change["code"]:
            transition.update(change)
    with pytest.raises(ValidationError) as error:
        Workflow(workflow).validate()
    assert any(message in text for text in error.value.messages)


def test_validation_refuses_two_marks_from_one_state():
    workflow = instruction_workflow(marked=True)
    for transition in workflow["transitions"]:
        if transition["code"] == "back_check":
            transition["on_citizen_reply"] = True
    with pytest.raises(ValidationError) as error:
        Workflow(workflow).validate()
    assert any("une seule transition" in text for text in error.value.messages)


def test_the_agents_journal_says_the_citizen_answered(client, procedure_a, agent_a):
    import html

    case = ask(submit(procedure_a), None)
    actions.post_message(case=case, body="Voici la photo.", from_citizen=True)
    client.force_login(agent_a)
    page = html.unescape(client.get(f"/backoffice/demandes/{case.reference}/").content.decode())
    assert "Le demandeur a répondu, la demande reprend : En attente du demandeur → En cours." in (
        page
    )
