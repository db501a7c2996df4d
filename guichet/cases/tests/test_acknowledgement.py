"""The acknowledgement of receipt (CRPA L112-11 and following): a PDF/A on the case with
every mandatory mention, for each silence rule, for an incomplete request, in French and in
English; its date of tacit acceptance is the one at which the decision is applied."""

import datetime

import pytest
from django.utils import formats, timezone, translation

from guichet.cases import actions
from guichet.cases.acknowledgement import DOCUMENT_KEY, silence_rule
from guichet.cases.models import EventKind
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published
from guichet.lib.tests.pdfcheck import assert_archivable_and_tagged, pdf_text
from guichet.organization.models import Organization, Service

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))  # Europe/Paris in May


def at(day, hour=10):
    return datetime.datetime(2026, 5, day, hour, tzinfo=PARIS)


@pytest.fixture
def service(org, service_a):
    Organization.objects.filter(pk=org.pk).update(
        address="1 place de la Mairie\n12345 Démoville", phone="01 23 45 67 89"
    )
    Service.objects.filter(pk=service_a.pk).update(
        address="3 rue des Travaux\n12345 Démoville",
        email="voirie@demoville.test",
        phone="01 98 76 54 32",
    )
    service_a.refresh_from_db()
    return service_a


@pytest.fixture
def make_procedure(org, service):
    def make(deadline, workflow=None, templates=None):
        return published(
            Procedure.objects.create(
                organization=org,
                service=service,
                title="Occuper le domaine public",
                slug="occupation",
                fields=ROAD_FIELDS[:2],
                workflow=workflow or default_workflow(),
                deadline=deadline,
                templates=templates or {},
            )
        )

    return make


def file(procedure, language="fr", submitted_at=None):
    return actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Une terrasse de café."},
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        language=language,
        submitted_at=submitted_at or at(4),
    )


def acknowledgements(case):
    return list(case.attachments.filter(generated_from=DOCUMENT_KEY).order_by("pk"))


def read(attachment) -> bytes:
    with attachment.file.open("rb") as stored:
        return stored.read()


def day(value, language="fr") -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def service_mentions(text, language="fr"):
    labels = {
        "fr": ("Service chargé de votre demande : Voirie", "Adresse postale :", "Téléphone :"),
        "en": ("Service handling your request: Voirie", "Postal address:", "Phone:"),
    }[language]
    assert labels[0] in text
    assert f"{labels[1]} 3 rue des Travaux 12345 Démoville" in text
    assert "voirie@demoville.test" in text
    assert f"{labels[2]} 01 98 76 54 32" in text


ACCEPT = {"days": 10, "tacit": {"decision": "accept", "state": "accepted"}}
REJECT = {"days": 10, "tacit": {"decision": "reject", "state": "rejected"}}


def test_silence_means_acceptance_in_french(make_procedure):
    case = file(make_procedure(ACCEPT))
    [document] = acknowledgements(case)
    assert document.content_type == "application/pdf"
    assert document.original_name == f"{case.reference}-accuse-reception.pdf"
    content = read(document)
    title = f"Accusé de réception de votre demande {case.reference}"
    assert_archivable_and_tagged(content, title=title, language="fr")
    text = pdf_text(content)
    assert "Ville de Démoville" in text and "1 place de la Mairie" in text
    assert f"Nous avons reçu le {day(at(4).date())} votre demande" in text
    service_mentions(text)
    # 10 business days from Monday 4 May 2026: Friday 8 May and Thursday 14 May are holidays.
    due = datetime.date(2026, 5, 20)
    assert timezone.localtime(case.due_at).date() == due
    assert f"Sans réponse de notre part au {day(due)} au soir" in text
    assert "réputée acceptée (le silence vaut accord)" in text
    assert "demander une attestation de cette acceptation tacite" in text
    assert "L232-3" in text
    assert case.tracking_code in text
    event = case.events.get(kind=EventKind.SUBMITTED)
    assert event.payload["acknowledgement"]["attachment"] == document.pk


def test_silence_means_acceptance_in_english(make_procedure):
    case = file(make_procedure(ACCEPT), language="en")
    content = read(acknowledgements(case)[0])
    title = f"Acknowledgement of receipt of your request {case.reference}"
    assert_archivable_and_tagged(content, title=title, language="en")
    text = pdf_text(content)
    assert f"We received your request “Occuper le domaine public” on {day(at(4), 'en')}" in text
    service_mentions(text, "en")
    due = day(datetime.date(2026, 5, 20), "en")
    assert f"If we have not answered by the end of {due}, your request will be deemed" in text
    assert "accepted (silence means consent)" in text
    assert "certificate of this tacit acceptance" in text


def test_silence_means_rejection_with_the_ways_and_delays_of_appeal(make_procedure):
    procedure = make_procedure(REJECT)
    text = pdf_text(read(acknowledgements(file(procedure))[0]))
    service_mentions(text)
    assert f"Sans réponse de notre part au {day(datetime.date(2026, 5, 20))} au soir" in text
    assert "réputée rejetée (le silence vaut rejet)" in text
    assert "Voies et délais de recours" in text and "2 mois" in text
    assert "recours gracieux auprès de Ville de Démoville" in text
    assert "tribunal administratif" in text and "www.telerecours.fr" in text
    assert "attestation" not in text

    english = pdf_text(read(acknowledgements(file(procedure, language="en"))[0]))
    assert "deemed rejected (silence means rejection)" in english
    assert "Ways and time limits of appeal" in english and "2 months" in english
    assert "administrative court" in english


def test_no_tacit_decision(make_procedure):
    procedure = make_procedure({"days": 10})
    text = pdf_text(read(acknowledgements(file(procedure))[0]))
    service_mentions(text)
    assert "ne vaut ni acceptation ni rejet" in text
    assert f"Nous vous répondrons au plus tard le {day(datetime.date(2026, 5, 20))}" in text
    assert "recours" not in text and "attestation" not in text
    english = pdf_text(read(acknowledgements(file(procedure, language="en"))[0]))
    assert "Silence kept on this request means neither acceptance nor rejection." in english
    assert f"We will answer by {day(datetime.date(2026, 5, 20), 'en')} at the latest." in english


def test_a_procedure_without_a_deadline_of_its_own_acknowledges_on_screen_only(procedure_a):
    case = file(procedure_a)
    assert acknowledgements(case) == []
    assert "acknowledgement" not in case.events.get(kind=EventKind.SUBMITTED).payload


def incomplete_workflow():
    workflow = default_workflow()
    for transition in workflow["transitions"]:
        if transition["code"] in ("ask", "resume"):
            transition["actions"] = [*transition.get("actions", []), {"type": "acknowledge"}]
    for state in workflow["states"]:
        if state["code"] == "waiting":
            state["answer_days"] = 15
    return workflow


def test_an_incomplete_request_then_its_completion_across_a_pause(make_procedure, agent_a):
    procedure = make_procedure(ACCEPT, workflow=incomplete_workflow())
    case = file(procedure)
    case = actions.transition_case(case=case, transition="start_now", actor=agent_a, at=at(5))
    # Wednesday 6 May: the agent asks for a missing piece; the clock stops.
    case = actions.transition_case(
        case=case, transition="ask", actor=agent_a, comment="Le plan de la terrasse.", at=at(6)
    )
    _, incomplete = acknowledgements(case)
    text = pdf_text(read(incomplete))
    assert "Votre demande est incomplète" in text and "Le plan de la terrasse." in text
    assert f"Vous avez jusqu'au {day(datetime.date(2026, 5, 21))} pour les fournir." in text
    assert "ne court qu'à compter de la réception de ces pièces" in text
    assert "Le délai est suspendu" in text and "au soir" not in text
    assert silence_rule(case).date is None

    # Tuesday 12 May: the piece arrives, the clock restarts; 4 business days waited
    # (6, 7, 11 May, and 8 May a holiday, not counted): the due date moves past 14 May.
    case = actions.transition_case(case=case, transition="resume", actor=agent_a, at=at(12))
    complete = acknowledgements(case)[-1]
    text = pdf_text(read(complete))
    rule = silence_rule(case)
    assert rule.date == timezone.localtime(case.due_at).date() > datetime.date(2026, 5, 20)
    assert f"Sans réponse de notre part au {day(rule.date)} au soir" in text
    assert "incomplète" not in text

    # The worker's tacit decision: not during that day, at once after it.
    last_moment = case.due_at
    assert actions.apply_tacit_decision(case=case, at=last_moment) is None
    decided = actions.apply_tacit_decision(
        case=case, at=last_moment + datetime.timedelta(seconds=1)
    )
    event = decided.events.get(kind=EventKind.TACIT_DECISION)
    assert event.payload["due_date"] == rule.date.isoformat()


def test_an_incomplete_request_is_acknowledged_in_english(make_procedure, agent_a):
    procedure = make_procedure(ACCEPT, workflow=incomplete_workflow())
    case = file(procedure, language="en")
    case = actions.transition_case(case=case, transition="start_now", actor=agent_a, at=at(5))
    case = actions.transition_case(
        case=case, transition="ask", actor=agent_a, comment="Le plan de la terrasse.", at=at(6)
    )
    _, incomplete = acknowledgements(case)
    content = read(incomplete)
    assert_archivable_and_tagged(
        content, title=f"Acknowledgement of receipt of your request {case.reference}", language="en"
    )
    text = pdf_text(content)
    assert "Your request is incomplete. Missing documents or information:" in text
    assert "Le plan de la terrasse." in text  # the agent's words, as written
    assert f"You have until {day(datetime.date(2026, 5, 21), 'en')} to provide them." in text
    assert "runs only from the receipt of these documents and information" in text
    assert "incomplète" not in text


def test_acknowledgement_when_complete_is_not_issued_at_filing(make_procedure, agent_a):
    workflow = default_workflow()
    receive = next(t for t in workflow["transitions"] if t["code"] == "receive")
    receive["actions"] = [{"type": "acknowledge"}]
    procedure = make_procedure({**ACCEPT, "acknowledgement": "complete"}, workflow=workflow)
    case = file(procedure)
    assert acknowledgements(case) == []
    case = actions.transition_case(case=case, transition="receive", actor=agent_a, at=at(7))
    [document] = acknowledgements(case)
    assert f"Nous avons reçu le {day(at(4).date())}" in pdf_text(read(document))


def test_the_procedure_s_own_wording_comes_first(make_procedure):
    templates = {
        "acknowledgement": {
            "subject": "Accusé de réception",
            "body": "Bonjour {{ name }},\n\nLa commission se réunit chaque mois.",
        }
    }
    text = pdf_text(read(acknowledgements(file(make_procedure(ACCEPT, templates=templates)))[0]))
    assert text.index("Bonjour Alice Martin,") < text.index("La commission se réunit")
    assert text.index("La commission se réunit") < text.index("Sans réponse de notre part")


def test_an_unknown_acknowledgement_moment_is_refused(org, service):
    from guichet.catalog.deadline import deadline_errors

    assert deadline_errors({"days": 3, "acknowledgement": "never"})
    assert not deadline_errors({"days": 3, "acknowledgement": "complete"})
