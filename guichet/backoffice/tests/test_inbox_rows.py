"""The inbox's rows, written in Python (backoffice/templatetags/inbox_rows.py), say what the
template said: the same markup for every kind of row, in French and in English, in the
organization's time zone, escaped."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from guichet.cases import actions
from guichet.cases.models import Case
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

# The rows as inbox.html wrote them before they were written in Python.
TEMPLATE_ROWS = (Path(__file__).parent / "inbox_rows_before.html").read_text()


def _squeezed(html: str) -> str:
    """Markup without the whitespace between tags, which the template's indentation added."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).replace("> <span", "><span").strip()


@pytest.fixture
def every_kind_of_row(procedure_a, agent_a):
    now = timezone.now()
    new = submit(procedure_a, contact_name='<script>alert("x")</script> & Cie')
    overdue = submit(procedure_a, submitted_at=now - datetime.timedelta(days=30))
    at_risk = submit(procedure_a, submitted_at=now - datetime.timedelta(days=14))
    started = actions.transition_case(
        case=submit(procedure_a), transition="start_now", actor=agent_a
    )
    paused = actions.transition_case(
        case=started, transition="ask", actor=agent_a, comment="Une photo ?"
    )
    closed = actions.transition_case(case=submit(procedure_a), transition="close", actor=agent_a)
    assigned = actions.assign_case(case=submit(procedure_a), assignee=agent_a, actor=agent_a)
    actions.label_case(case=assigned, actor=agent_a, add=["Urgent", "<b>élu</b>"])
    # Filed just before midnight in Paris: the dates are those of the organization's day.
    late_evening = submit(
        procedure_a,
        submitted_at=datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC),
    )
    no_deadline = submit(procedure_a)
    Case.objects.filter(pk=no_deadline.pk).update(due_at=None, at_risk_at=None)
    return [new, overdue, at_risk, paused, closed, assigned, late_evening, no_deadline]


def _listed(cases):
    rows = list(
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .for_listing()
        .prefetch_related("labels")
        .order_by("pk")
    )
    for case in rows:
        case.state_label = case.get_workflow().state(case.state).agent_label
    return rows


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_are_those_the_template_wrote(every_kind_of_row, language):
    rows = _listed(every_kind_of_row)
    with translation.override(language), timezone.override("Europe/Paris"):
        expected = Template(TEMPLATE_ROWS).render(Context({"cases": rows}))
        written = Template("{% load inbox_rows %}{% inbox_rows cases %}").render(
            Context({"cases": rows})
        )
    assert _squeezed(written) == _squeezed(expected)
    # What the comparison stands on: each kind of row is there, escaped.
    assert written.count("<tr>") == len(every_kind_of_row)
    # Overdue: the case filed 30 days ago and the one of March.
    assert written.count("badge-overdue") == 2
    assert written.count("badge-at-risk") == 1 and written.count("badge-paused") == 1
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie" in written
    assert "<script>" not in written and "<b>élu</b>" not in written
    assert '<span class="label-chip">Urgent</span>' in written
    assert 'datetime="2026-03-29T00:30:00+01:00"' in written
    unassigned = "Non attribuée" if language == "fr" else "Unassigned"
    assert written.count(unassigned) == len(every_kind_of_row) - 1
