"""Deadlines of cases: the due date at submission, the clock paused while waiting for the
citizen, and which cases are at risk or overdue."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from guichet.cases import actions
from guichet.cases.models import Case, EventKind
from guichet.catalog.models import Procedure
from guichet.conftest import CERTIFICATE_FIELDS, published, submit

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def end_of(year, month, day) -> datetime.datetime:
    return paris(year, month, day, 23, 59, 59, 999999)


@pytest.fixture
def make_procedure(org, service_b):
    def make(deadline, processing_days=None, slug="acte-etat-civil"):
        return published(
            Procedure.objects.create(
                organization=org,
                service=service_b,
                title="Demander un acte d'état civil",
                slug=slug,
                fields=CERTIFICATE_FIELDS,
                deadline=deadline,
                processing_days=processing_days,
            )
        )

    return make


@pytest.fixture
def business(make_procedure):
    return make_procedure({"days": 10, "unit": "business"})


def file(procedure, submitted_at):
    return actions.submit_case(
        procedure=procedure,
        data={"certificate": "Naissance", "event_date": "1990-05-04"},
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        submitted_at=submitted_at,
    )


def move(case, transition, actor, at, comment=""):
    return actions.transition_case(
        case=case, transition=transition, actor=actor, comment=comment, at=at
    )


def test_the_due_date_counts_business_days_skipping_christmas(business):
    # Monday 14 December 2026 + 10 business days: Christmas (Friday 25) does not count.
    case = submit(business, submitted_at=paris(2026, 12, 14, 10, 0))
    assert case.due_at == end_of(2026, 12, 29)
    # At risk from three business days before: Wednesday 23 (Thursday 24, Monday 28, 29).
    assert case.at_risk_at == paris(2026, 12, 23, 0, 0)


def test_a_case_filed_late_at_night_counts_from_its_paris_day(business):
    # 23:30 UTC on Sunday 13 December is already Monday 14 in Paris.
    submitted = datetime.datetime(2026, 12, 13, 23, 30, tzinfo=datetime.UTC)
    case = submit(business, submitted_at=submitted)
    assert case.due_at == end_of(2026, 12, 29)


def test_alsace_moselle_adds_good_friday(make_procedure):
    here = make_procedure({"days": 2, "unit": "business"}, slug="ici")
    there = make_procedure({"days": 2, "unit": "business", "alsace_moselle": True}, slug="la")
    thursday = paris(2027, 3, 25, 10, 0)
    assert file(here, thursday).due_at == end_of(2027, 3, 30)
    assert file(there, thursday).due_at == end_of(2027, 3, 31)


def test_calendar_days_and_the_procedures_processing_days(make_procedure, procedure_a):
    calendar = make_procedure({"days": 10, "unit": "calendar"}, slug="calendaire")
    case = file(calendar, paris(2026, 12, 20, 10, 0))
    assert case.due_at == end_of(2026, 12, 30)
    # No deadline of the version's own: the procedure's 15 processing days, calendar days.
    assert procedure_a.current_version.deadline == {}
    case = submit(procedure_a, submitted_at=paris(2026, 12, 14, 10, 0))
    assert case.due_at == end_of(2026, 12, 29)


def test_no_deadline_at_all(make_procedure):
    procedure = make_procedure({})
    case = submit(procedure, submitted_at=paris(2026, 12, 14, 10, 0))
    assert case.due_at is None and case.at_risk_at is None


def test_a_pause_over_a_weekend_and_christmas_moves_the_due_date(business, agent_b):
    case = submit(business, submitted_at=paris(2026, 12, 14, 10, 0))
    case = move(case, "start_now", agent_b, paris(2026, 12, 16, 9, 0))
    # Asked on Friday 18, answered on Monday 28: 21, 22, 23, 24 and 28 are lost (5 days).
    case = move(case, "ask", agent_b, paris(2026, 12, 18, 16, 0), comment="Pièce d'identité ?")
    assert case.deadline_paused_at == paris(2026, 12, 18, 16, 0)
    assert case.due_at == end_of(2026, 12, 29)  # unchanged while paused
    case = move(case, "resume", agent_b, paris(2026, 12, 28, 9, 0))
    # 29 December + 5 business days: 30, 31, (1 January), 4, 5, 6.
    assert case.due_at == end_of(2027, 1, 6)
    assert case.deadline_paused_at is None
    assert case.at_risk_at == paris(2026, 12, 31, 0, 0)  # 4 and 5 January, 31 December
    [resumed] = case.events.filter(kind=EventKind.TRANSITIONED).last().payload["actions"]
    assert resumed["type"] == "resume_deadline" and resumed["days"] == 5
    assert resumed["unit"] == "business"
    case.refresh_from_db()
    assert case.due_at == end_of(2027, 1, 6)


def test_a_pause_from_friday_to_monday_costs_one_day(business, agent_b):
    case = submit(business, submitted_at=paris(2026, 11, 2, 10, 0))
    assert case.due_at == end_of(2026, 11, 17)  # 11 November (Armistice) skipped
    case = move(case, "start_now", agent_b, paris(2026, 11, 3, 9, 0))
    case = move(case, "ask", agent_b, paris(2026, 11, 6, 17, 0), comment="?")
    case = move(case, "resume", agent_b, paris(2026, 11, 9, 8, 30))
    assert case.due_at == end_of(2026, 11, 18)


def test_a_pause_within_the_same_day_moves_nothing(business, agent_b):
    case = submit(business, submitted_at=paris(2026, 12, 14, 10, 0))
    case = move(case, "start_now", agent_b, paris(2026, 12, 15, 9, 0))
    case = move(case, "ask", agent_b, paris(2026, 12, 15, 9, 30), comment="?")
    case = move(case, "resume", agent_b, paris(2026, 12, 15, 17, 45))
    assert case.due_at == end_of(2026, 12, 29)


def test_a_pause_in_calendar_days(make_procedure, agent_b):
    procedure = make_procedure({"days": 10, "unit": "calendar"})
    case = submit(procedure, submitted_at=paris(2026, 12, 14, 10, 0))
    case = move(case, "start_now", agent_b, paris(2026, 12, 15, 9, 0))
    case = move(case, "ask", agent_b, paris(2026, 12, 18, 16, 0), comment="?")
    case = move(case, "resume", agent_b, paris(2026, 12, 28, 9, 0))
    assert case.due_at == end_of(2027, 1, 3)  # 24 December + 10 days


def test_entering_and_leaving_a_waiting_state_pauses_and_resumes_by_itself(
    business, agent_b, supervisor
):
    """Closing a case that waits for the citizen resumes its clock (implied by the
    category), and a transition into "waiting" without clock actions pauses it."""
    case = submit(business, submitted_at=paris(2026, 12, 14, 10, 0))
    case = move(case, "start_now", agent_b, paris(2026, 12, 15, 9, 0))
    case = move(case, "ask", agent_b, paris(2026, 12, 16, 9, 0), comment="?")
    case = move(case, "close", agent_b, paris(2026, 12, 17, 9, 0), comment="Sans réponse.")
    assert case.deadline_paused_at is None and case.due_at == end_of(2026, 12, 30)
    [implied] = case.events.filter(kind=EventKind.TRANSITIONED).last().payload["actions"]
    assert implied["type"] == "resume_deadline" and implied["implied"] is True


def test_at_risk_and_overdue(business):
    case = submit(business, submitted_at=paris(2026, 12, 14, 10, 0))
    cases = Case.objects.filter(pk=case.pk)
    assert not cases.at_risk(now=paris(2026, 12, 22, 23, 0)).exists()
    assert cases.at_risk(now=paris(2026, 12, 23, 8, 0)).exists()
    assert cases.at_risk(now=paris(2026, 12, 29, 23, 0)).exists()
    assert not cases.overdue(now=paris(2026, 12, 29, 23, 0)).exists()
    assert cases.overdue(now=paris(2026, 12, 30, 0, 0)).exists()
    assert not cases.at_risk(now=paris(2026, 12, 30, 0, 0)).exists()


def test_the_properties_agree_with_the_query_sets(business):
    case = submit(business)
    now = timezone.now()
    case.due_at, case.at_risk_at = now + datetime.timedelta(days=1), now
    assert case.is_at_risk and not case.is_overdue
    case.due_at = now - datetime.timedelta(seconds=1)
    assert case.is_overdue and not case.is_at_risk


def test_paused_and_closed_cases_are_neither_at_risk_nor_overdue(business, agent_b):
    late = paris(2027, 2, 1, 12, 0)
    case = submit(business, submitted_at=paris(2026, 12, 14, 10, 0))
    case = move(case, "start_now", agent_b, paris(2026, 12, 15, 9, 0))
    case = move(case, "ask", agent_b, paris(2026, 12, 16, 9, 0), comment="?")
    cases = Case.objects.filter(pk=case.pk)
    assert not cases.overdue(now=late).exists() and not cases.at_risk(now=late).exists()
    case.due_at = timezone.now() - datetime.timedelta(days=1)
    assert not case.is_overdue and not case.is_at_risk
    case = move(case, "resume", agent_b, paris(2026, 12, 17, 9, 0))
    assert cases.overdue(now=late).exists()
    move(case, "close", agent_b, paris(2026, 12, 18, 9, 0))
    assert not cases.overdue(now=late).exists() and not cases.at_risk(now=late).exists()
