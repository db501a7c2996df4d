"""The inbox's tabs are counted in one statement (guichet.core.counting), each count the
same as counting that tab alone, and bounded."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guichet.backoffice.forms import InboxFilterForm
from guichet.cases import actions
from guichet.cases.models import Case
from guichet.conftest import submit
from guichet.core.counting import bounded_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(procedure_a, procedure_b, agent_a, supervisor):
    now = timezone.now()
    for _ in range(3):
        submit(procedure_a)
    actions.assign_case(case=submit(procedure_a), assignee=supervisor, actor=supervisor)
    submit(procedure_a, submitted_at=now - datetime.timedelta(days=30))  # overdue
    submit(procedure_a, submitted_at=now - datetime.timedelta(days=14))  # due soon
    started = actions.transition_case(
        case=submit(procedure_b), transition="start_now", actor=supervisor
    )
    actions.transition_case(case=started, transition="ask", actor=supervisor, comment="?")
    closed = actions.transition_case(case=submit(procedure_a), transition="close", actor=agent_a)
    actions.follow_case(case=closed, user=supervisor)


def _form(supervisor, **query):
    membership = supervisor.memberships.get()
    data = QueryDict(mutable=True)
    data.update(query)
    form = InboxFilterForm(data, membership=membership)
    return form, Case.objects.visible_to(membership)


@pytest.mark.parametrize("query", [{}, {"tab": "closed"}, {"channel": "web"}])
def test_each_tab_counts_what_it_shows(inbox, supervisor, query):
    form, visible = _form(supervisor, **query)
    tabs = form.tabs(visible, user=supervisor, limit=1000)
    expected = {
        code: form.in_tab(form.narrow(visible, user=supervisor), code, user=supervisor).count()
        for code, _label in form.TABS
    }
    assert {tab["code"]: tab["count"] for tab in tabs} == expected
    assert expected["all"] == 8 and expected["closed"] == 1 and expected["followed"] == 1
    assert not any(tab["more"] for tab in tabs)


def test_counts_stop_at_the_limit(inbox, supervisor):
    form, visible = _form(supervisor)
    tabs = {tab["code"]: tab for tab in form.tabs(visible, user=supervisor, limit=2)}
    assert (tabs["all"]["count"], tabs["all"]["more"]) == (2, True)
    assert (tabs["closed"]["count"], tabs["closed"]["more"]) == (1, False)


def test_the_tabs_are_one_statement(client, inbox, supervisor):
    client.force_login(supervisor)
    client.get("/backoffice/")  # the session's first page sets the agents' idle time
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/backoffice/")
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"].upper()]
    on_cases = [sql for sql in counts if "cases_case" in sql]
    assert len(on_cases) == 1, on_cases
    assert on_cases[0].upper().count("SELECT COUNT(*)") == len(InboxFilterForm.TABS)


def test_a_count_of_nothing_is_zero(inbox):
    assert bounded_counts([Case.objects.filter(pk__in=[]), Case.objects.all()], 100) == [0, 8]
    assert bounded_counts([], 100) == []
