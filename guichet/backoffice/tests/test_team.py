"""The team's workload and the reassignment of an agent's cases, for supervisors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.cases import actions
from guichet.conftest import make_member, submit
from guichet.organization.models import Role

pytestmark = pytest.mark.django_db

TEAM = "/backoffice/equipe/"


def row_of(response, user):
    return next(row for row in response.context["rows"] if row["agent"] == user)


def test_the_workload_counts_each_agents_open_cases(
    client, supervisor, agent_a, agent_b, procedure_a, procedure_b
):
    now = timezone.now()
    late = submit(procedure_a, submitted_at=now - datetime.timedelta(days=60))
    soon = submit(procedure_a)
    waiting = submit(procedure_a)
    closed = submit(procedure_a)
    theirs = submit(procedure_b)
    nobody = submit(procedure_a)
    for case in (late, soon, waiting, closed):
        actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    actions.assign_case(case=theirs, assignee=agent_b, actor=supervisor)
    actions.transition_case(case=waiting, transition="start_now", actor=agent_a)
    actions.transition_case(case=waiting, transition="ask", actor=agent_a, comment="Photo ?")
    actions.transition_case(case=closed, transition="close", actor=agent_a)
    client.force_login(supervisor)
    response = client.get(TEAM)
    assert response.status_code == 200
    mine = row_of(response, agent_a)
    assert (mine["todo"], mine["waiting"], mine["overdue"], mine["total"]) == (2, 1, 1, 3)
    assert row_of(response, agent_b)["total"] == 1
    assert response.context["nobody"]["total"] == 1
    assert f"?tab=overdue&amp;assignee={agent_a.pk}" in response.text
    # Narrowed to service B: agent A holds nothing there.
    response = client.get(TEAM, {"service": procedure_b.service_id})
    assert row_of(response, agent_a)["total"] == 0 and row_of(response, agent_b)["total"] == 1
    assert nobody.assignee is None


def test_a_supervisor_sees_their_services_only(client, org, service_a, agent_a, procedure_b):
    chief_a = make_member("chef.a@demoville.test", org, Role.SUPERVISOR, [service_a])
    actions.assign_case(case=submit(procedure_b), assignee=None, actor=None)
    client.force_login(chief_a)
    response = client.get(TEAM)
    assert response.context["nobody"]["total"] == 0  # service B's case is not theirs to see
    assert all(row["total"] == 0 for row in response.context["rows"])
    assert client.get(TEAM, {"service": procedure_b.service_id}).context["service"] is None


def test_agents_may_not_see_the_team(client, agent_a):
    client.force_login(agent_a)
    assert client.get(TEAM).status_code == 403
    assert client.post(reverse("backoffice:team_reassign")).status_code == 403


def test_an_absent_agents_cases_go_to_another(
    client, supervisor, agent_a, org, service_a, procedure_a, procedure_b
):
    colleague = make_member("paul@demoville.test", org, Role.AGENT, [service_a])
    cases = [submit(procedure_a) for _ in range(3)]
    for case in cases:
        actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    actions.transition_case(case=cases[2], transition="close", actor=agent_a)  # stays
    client.force_login(supervisor)
    response = client.post(
        reverse("backoffice:team_reassign"),
        {"source": agent_a.pk, "target": colleague.pk},
        follow=True,
    )
    assert "2 demandes réattribuées." in response.text
    for case in cases:
        case.refresh_from_db()
    assert [case.assignee for case in cases] == [colleague, colleague, agent_a]
    assert cases[0].events.latest("pk").payload == {"from": agent_a.pk, "to": colleague.pk}


def test_a_reassignment_to_someone_outside_the_service_is_refused_case_by_case(
    client, supervisor, agent_a, agent_b, procedure_a
):
    case = submit(procedure_a)
    actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    client.force_login(supervisor)
    response = client.post(
        reverse("backoffice:team_reassign"),
        {"source": agent_a.pk, "target": agent_b.pk},
        follow=True,
    )
    assert f"Non réattribuées : {case.reference} : Cet agent ne traite pas ce service." in (
        response.text.replace("&#x27;", "'")
    )
    case.refresh_from_db()
    assert case.assignee == agent_a


def test_bad_reassignments_change_nothing(client, supervisor, agent_a, procedure_a):
    case = submit(procedure_a)
    actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    client.force_login(supervisor)
    for data in ({}, {"source": "x"}, {"source": agent_a.pk, "target": agent_a.pk}):
        response = client.post(reverse("backoffice:team_reassign"), data, follow=True)
        assert response.status_code == 200
        assert "Rien n'a été réattribué" in response.text.replace("&#x27;", "'")
    case.refresh_from_db()
    assert case.assignee == agent_a


def test_the_team_page_stays_bounded(
    client, supervisor, agent_a, org, service_a, procedure_a, django_assert_max_num_queries
):
    client.force_login(supervisor)
    with django_assert_max_num_queries(40) as few:
        client.get(TEAM)
    baseline = len(few.captured_queries)
    for index in range(8):
        agent = make_member(f"agent{index}@demoville.test", org, Role.AGENT, [service_a])
        for _ in range(3):
            actions.assign_case(case=submit(procedure_a), assignee=agent, actor=supervisor)
    with django_assert_max_num_queries(baseline):
        response = client.get(TEAM)
    assert len(response.context["rows"]) >= 9
