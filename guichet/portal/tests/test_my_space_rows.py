"""The citizen's rows, written in Python (portal/templatetags/my_space_rows.py), say what the
template said: the same markup for every kind of request, in French and in English."""

import datetime
import re
from pathlib import Path

import pytest
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template import Context, Template
from django.utils import timezone, translation

from guichet.cases import actions
from guichet.cases.models import Case, Message
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

# The rows as portal/my_space.html wrote them before they were written in Python.
TEMPLATE_ROWS = (Path(__file__).parent / "my_space_rows_before.html").read_text()


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.fixture
def requests_of_every_kind(procedure_a, citizen, agent_a):
    procedure_a.translations = {"en": {"title": "Report a road problem"}}
    procedure_a.save(update_fields=["translations"])
    mine = {"citizen": citizen}
    new = submit(procedure_a, **mine)
    one_answer = submit(procedure_a, **mine)
    actions.post_message(case=one_answer, body="Une question ?", from_citizen=False, author=agent_a)
    two_answers = submit(procedure_a, **mine)
    for body in ("Première", "Seconde"):
        actions.post_message(case=two_answers, body=body, from_citizen=False, author=agent_a)
    started = actions.transition_case(
        case=submit(procedure_a, **mine), transition="start_now", actor=agent_a
    )
    waiting = actions.transition_case(
        case=started, transition="ask", actor=agent_a, comment="Une photo ?"
    )
    closed = actions.transition_case(
        case=submit(procedure_a, **mine), transition="close", actor=agent_a
    )
    evening = submit(
        procedure_a,
        submitted_at=datetime.datetime(2026, 10, 24, 22, 30, tzinfo=datetime.UTC),
        **mine,
    )
    undated = submit(procedure_a, **mine)
    Case.objects.filter(pk=undated.pk).update(due_at=None, at_risk_at=None)
    return [new, one_answer, two_answers, waiting, closed, evening, undated]


def _listed(cases):
    unread = Coalesce(
        Subquery(
            Message.objects.filter(case=OuterRef("pk"), from_citizen=False, read_at=None)
            .values("case")
            .annotate(count=Count("pk"))
            .values("count")
        ),
        0,
    )
    rows = list(
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .select_related("procedure")
        .annotate(unread=unread)
        .order_by("pk")
    )
    for case in rows:
        case.state_label = case.get_workflow().state(case.state).label
    return rows


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_are_those_the_template_wrote(requests_of_every_kind, language):
    with translation.override(language), timezone.override("Europe/Paris"):
        rows = _listed(requests_of_every_kind)
        expected = Template(TEMPLATE_ROWS).render(Context({"cases": rows}))
        written = Template("{% load my_space_rows %}{% my_space_rows cases %}").render(
            Context({"cases": rows})
        )
    assert _squeezed(written) == _squeezed(expected)
    # What the comparison stands on: each kind of row is there.
    assert written.count("<tr>") == len(requests_of_every_kind)
    words = {
        "fr": ("1 message non lu", "2 messages non lus", "Clôturée", "Non précisée"),
        "en": ("1 unread message", "2 unread messages", "Closed", "Not set"),
    }[language]
    for word in words:
        assert word in written, word
    title = "Signaler un problème sur la voirie" if language == "fr" else "Report a road problem"
    assert written.count(title) == len(requests_of_every_kind)
    # 22:30 UTC on 24 October is 00:30 on the 25th in Paris (summer time, +02:00).
    assert 'datetime="2026-10-25T00:30:00+02:00"' in written
