"""The inbox: what an agent sees, filtered and sorted, in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.cases import actions
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

INBOX = "/backoffice/"


def test_it_lists_a_case_with_its_details(client, agent_a, case_a):
    client.force_login(agent_a)
    response = client.get(INBOX)
    text = response.text
    assert reverse("backoffice:case", args=[case_a.reference]) in text
    assert "Signaler un problème sur la voirie" in text
    assert "Alice Martin" in text
    assert "Nouvelle" in text  # the state's label for agents
    assert "Voirie" in text
    assert "Non attribuée" in text
    assert "badge-overdue" not in text
    assert "<caption>" in text and 'scope="col"' in text


def test_it_marks_overdue_cases_in_words(client, agent_a, procedure_a):
    late = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(agent_a)
    response = client.get(INBOX)
    assert late.reference in response.text
    assert "badge-overdue" in response.text and "En retard" in response.text


def test_it_shows_open_cases_by_default_and_closed_ones_on_demand(
    client, agent_a, procedure_a, case_a
):
    closed = actions.transition_case(case=submit(procedure_a), transition="close", actor=agent_a)
    client.force_login(agent_a)
    default = client.get(INBOX).text
    assert case_a.reference in default and closed.reference not in default
    closed_only = client.get(INBOX, {"category": "closed"}).text
    assert closed.reference in closed_only and case_a.reference not in closed_only
    everything = client.get(INBOX, {"category": "all"}).text
    assert closed.reference in everything and case_a.reference in everything


def test_it_filters_by_category(client, agent_a, procedure_a, case_a):
    started = actions.transition_case(
        case=submit(procedure_a), transition="start_now", actor=agent_a
    )
    client.force_login(agent_a)
    new = client.get(INBOX, {"category": "new"}).text
    assert case_a.reference in new and started.reference not in new
    in_progress = client.get(INBOX, {"category": "open"}).text
    assert started.reference in in_progress and case_a.reference not in in_progress
    assert "Aucune demande ne correspond" in client.get(INBOX, {"category": "waiting"}).text


def test_it_filters_overdue_cases(client, agent_a, procedure_a, case_a):
    late = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(agent_a)
    text = client.get(INBOX, {"deadline": "overdue"}).text
    assert late.reference in text and case_a.reference not in text


def test_it_flags_and_filters_cases_at_risk_and_paused(client, agent_a, procedure_a, case_a):
    # procedure_a answers in 15 calendar days, at risk 3 business days before.
    soon = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=14))
    waiting = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=14))
    for transition in ("receive", "start"):
        actions.transition_case(case=waiting, transition=transition, actor=None)
    actions.transition_case(case=waiting, transition="ask", actor=None, comment="Une photo ?")
    client.force_login(agent_a)
    text = client.get(INBOX).text
    assert text.count("Échéance proche</span>") == 1 and text.count("Délai suspendu</span>") == 1
    at_risk = client.get(INBOX, {"deadline": "at_risk"}).text
    assert soon.reference in at_risk
    assert case_a.reference not in at_risk and waiting.reference not in at_risk
    paused = client.get(INBOX, {"deadline": "paused"}).text
    assert waiting.reference in paused and soon.reference not in paused
    # A value that is not offered is ignored, not an error.
    assert client.get(INBOX, {"deadline": "yesterday"}).status_code == 200


def test_it_filters_by_assignee(client, agent_a, supervisor, procedure_a, case_a):
    mine = actions.assign_case(case=submit(procedure_a), assignee=agent_a, actor=agent_a)
    theirs = actions.assign_case(case=submit(procedure_a), assignee=supervisor, actor=agent_a)
    client.force_login(agent_a)
    text = client.get(INBOX, {"assignee": "me"}).text
    assert mine.reference in text
    assert case_a.reference not in text and theirs.reference not in text
    text = client.get(INBOX, {"assignee": "none"}).text
    assert case_a.reference in text
    assert mine.reference not in text and theirs.reference not in text
    text = client.get(INBOX, {"assignee": str(supervisor.pk)}).text
    assert theirs.reference in text
    assert mine.reference not in text and case_a.reference not in text


def test_it_filters_by_procedure_and_service(client, supervisor, case_a, case_b, procedure_a):
    client.force_login(supervisor)
    text = client.get(INBOX, {"procedure": procedure_a.pk}).text
    assert case_a.reference in text and case_b.reference not in text
    text = client.get(INBOX, {"service": case_b.service_id}).text
    assert case_b.reference in text and case_a.reference not in text


def test_it_offers_only_the_services_the_agent_sees(client, agent_a, service_a, service_b):
    client.force_login(agent_a)
    form = client.get(INBOX).context["form"]
    assert list(form.fields["service"].queryset) == [service_a]


def test_it_ignores_filters_it_does_not_know(client, agent_a, case_a, case_b, service_b):
    client.force_login(agent_a)
    for query in [
        {"procedure": "abc"},
        {"procedure": "999999"},
        {"service": service_b.pk},  # a service agent A does not see
        {"category": "everything"},
        {"assignee": "abc"},
        {"assignee": "999999"},
        {"sort": "-pk"},
        {"page": "zzz"},
    ]:
        response = client.get(INBOX, query)
        assert response.status_code == 200, query
        assert case_a.reference in response.text, query
        assert case_b.reference not in response.text, query
        assert "errorlist" not in response.text, query


def test_it_sorts_by_due_date_then_by_creation_or_update(client, agent_a, procedure_a):
    now = timezone.now()
    older = submit(procedure_a, submitted_at=now - datetime.timedelta(days=3))
    newer = submit(procedure_a, submitted_at=now - datetime.timedelta(days=1))
    procedure_a.processing_days = None
    procedure_a.save()
    no_deadline = submit(procedure_a, submitted_at=now - datetime.timedelta(days=2))
    actions.add_internal_note(case=older, body="Vu", actor=agent_a)
    client.force_login(agent_a)

    def order(**query):
        rows = list(client.get(INBOX, query).context["page_obj"])
        return [case.reference for case in rows]

    assert order() == [older.reference, newer.reference, no_deadline.reference]
    assert order(sort="created") == [newer.reference, no_deadline.reference, older.reference]
    actions.post_message(case=older, body="Réponse", from_citizen=False, author=agent_a)
    assert order(sort="updated")[0] == older.reference


def test_it_pages_fifty_cases_at_a_time(client, agent_a, procedure_a):
    for _ in range(51):
        submit(procedure_a)
    client.force_login(agent_a)
    first = client.get(INBOX)
    assert len(first.context["page_obj"]) == 50
    assert "Page 1 sur 2" in first.text and "?page=2" in first.text
    second = client.get(INBOX, {"page": 2, "category": "new"})
    assert len(second.context["page_obj"]) == 1
    assert "category=new" in second.text  # the links keep the filters
