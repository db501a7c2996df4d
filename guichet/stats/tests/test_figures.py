"""Every figure of the statistics, compared with values worked out by hand on a fixture that
crosses the change to summer time (29 March 2026, 02:00 → 03:00 in Paris) and has a case
closed, reopened and closed again."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from guichet.cases.actions import post_message, transfer_case, transition_case
from guichet.conftest import submit
from guichet.stats import aggregates
from guichet.stats.figures import Period, Scope, backlog, percentile, series, summary
from guichet.stats.models import Metric

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
D = datetime.date


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def close(case, at, transition="accept"):
    if case.state == "submitted":
        case = transition_case(case=case, transition="start_now", actor=None, at=at)
    return transition_case(case=case, transition=transition, actor=None, at=at)


@pytest.fixture
def history(procedure_a, service_b, supervisor):
    # 1. Filed on Saturday 28 March at 10:00, closed on Monday 30 at 10:00: 47 hours, as
    #    the clocks went forward in between.
    one = submit(procedure_a, submitted_at=paris(2026, 3, 28, 10))
    close(one, paris(2026, 3, 30, 10))
    # 2. Filed at 23:30 UTC on the 28th, which is 00:30 on the 29th in Paris (winter time),
    #    closed at 22:30 UTC on the 29th, 00:30 on the 30th in Paris (summer time): 23 hours.
    two = submit(procedure_a, submitted_at=utc(2026, 3, 28, 23, 30), channel="phone")
    close(two, utc(2026, 3, 29, 22, 30))
    # 3. Filed on the 29th at 12:00, closed without follow-up on the 31st, reopened on 1 April,
    #    accepted on 20 April at 12:00, past its due date: 22 days, 528 hours.
    three = submit(procedure_a, submitted_at=paris(2026, 3, 29, 12))
    three = close(three, paris(2026, 3, 31, 12), transition="close")
    three = transition_case(case=three, transition="reopen", actor=None, at=paris(2026, 4, 1, 12))
    three = transition_case(case=three, transition="accept", actor=None, at=paris(2026, 4, 20, 12))
    # 4. Filed on the 30th, still open, a message from the citizen, sent to another service.
    four = submit(procedure_a, submitted_at=paris(2026, 3, 30, 9))
    post_message(case=four, body="Des nouvelles ?", from_citizen=True, at=paris(2026, 3, 31, 8))
    transfer_case(case=four, service=service_b, reason="Mauvais service", actor=supervisor)
    # 5. Filed on the 30th at 09:00, closed at 14:00: 5 hours.
    five = submit(procedure_a, submitted_at=paris(2026, 3, 30, 9), channel="phone")
    close(five, paris(2026, 3, 30, 14))
    aggregates.count_new_events()
    return {"cases": [one, two, three, four, five]}


SPRING = Period(D(2026, 3, 28), D(2026, 4, 30))


def test_the_fixture_is_as_described(history):
    one, two, three, four, five = (case for case in history["cases"])
    three.refresh_from_db()
    assert (three.closed_at - three.created_at) == datetime.timedelta(days=22)
    assert three.due_at < three.closed_at  # late
    for case in (one, two, five):
        case.refresh_from_db()
        assert case.closed_at <= case.due_at


def test_it_counts_received_cases_on_their_local_day(history, org):
    received = series(Scope(org.pk), SPRING, Metric.RECEIVED)
    # Case 2 was filed on the 28th in UTC but on the 29th in Paris.
    assert received == {D(2026, 3, 28): 1, D(2026, 3, 29): 2, D(2026, 3, 30): 2}


def test_it_counts_each_case_on_its_last_closing(history, org):
    closed = series(Scope(org.pk), SPRING, Metric.CLOSED)
    # Case 3's closing on the 31st was withdrawn when it was reopened.
    assert closed == {D(2026, 3, 30): 3, D(2026, 4, 20): 1}
    assert series(Scope(org.pk), SPRING, Metric.REOPENED) == {D(2026, 4, 1): 1}


def test_the_summary_matches_the_hand_computed_figures(history, org):
    figures = summary(Scope(org.pk), SPRING)
    assert figures[Metric.RECEIVED] == 5
    assert figures[Metric.CLOSED] == 4
    # Durations 5, 23, 47, 528 hours: the median is the 2nd by nearest rank, the 90th
    # percentile the 4th (ceil(0.9 × 4) = 4).
    assert figures["median_hours"] == 23
    assert figures["p90_hours"] == 528
    assert figures["on_time_share"] == 3 / 4
    assert figures[Metric.REOPENED] == 1
    assert figures[Metric.TACIT] == 0
    assert figures[Metric.MESSAGES] == 1
    assert figures["messages_per_case"] == 1 / 5


def test_periods_are_cut_on_local_days(history, org):
    # The day of the change of time has 23 hours; case 2, closed at 00:30 on the 30th in
    # Paris, belongs to the 30th although it was still the 29th in UTC.
    day = summary(Scope(org.pk), Period(D(2026, 3, 29), D(2026, 3, 29)))
    assert day[Metric.RECEIVED] == 2
    assert day[Metric.CLOSED] == 0
    day = summary(Scope(org.pk), Period(D(2026, 3, 30), D(2026, 3, 30)))
    assert day[Metric.CLOSED] == 3
    assert day["median_hours"] == 23  # of 5, 23, 47
    assert day["on_time_share"] == 1


def test_the_previous_period_has_the_same_length():
    march = Period(D(2026, 3, 1), D(2026, 3, 31))
    assert march.previous() == Period(D(2026, 1, 29), D(2026, 2, 28))


def test_filters_narrow_the_figures(history, org, procedure_a, service_a, service_b):
    phone = summary(Scope(org.pk, channel="phone"), SPRING)
    assert (phone[Metric.RECEIVED], phone["median_hours"], phone["p90_hours"]) == (2, 5, 23)
    # Received counts stay with the service that received the case; the backlog follows it.
    assert summary(Scope(org.pk, service_id=service_b.pk), SPRING)[Metric.RECEIVED] == 0
    today = D(2026, 4, 30)
    assert backlog(Scope(org.pk, service_ids=(service_a.pk,)), today)["31-90"] == 0
    assert backlog(Scope(org.pk, service_ids=(service_b.pk,)), today) == {
        "0-7": 0,
        "8-30": 0,
        "31-90": 1,
        "91+": 0,
    }
    assert summary(Scope(org.pk, procedure_id=procedure_a.pk + 1000), SPRING)[Metric.RECEIVED] == 0


def test_other_organizations_see_none_of_it(history, other_org):
    assert summary(Scope(other_org.pk), SPRING)[Metric.RECEIVED] == 0


def test_percentiles_by_nearest_rank():
    # Ten durations 1..10 hours: median = 5th value, 90th percentile = 9th value.
    histogram = {hours: 1 for hours in range(1, 11)}
    assert percentile(histogram, 0.5) == 5
    assert percentile(histogram, 0.9) == 9
    # Counts: 7 × 2 h, 2 × 30 h, 1 × 100 h: the 9th is 30 h, the 10th 100 h.
    assert percentile({2: 7, 30: 2, 100: 1}, 0.9) == 30
    assert percentile({2: 7, 30: 2, 100: 1}, 0.95) == 100
    assert percentile({}, 0.5) is None
    assert percentile({4: 0}, 0.5) is None


def test_tacit_decisions_are_counted(procedure_a, org):
    version = procedure_a.current_version
    version.deadline = {
        "days": 2,
        "unit": "calendar",
        "tacit": {"decision": "accept", "state": "accepted"},
    }
    version.save(update_fields=["deadline"])
    case = submit(procedure_a, submitted_at=paris(2026, 3, 2, 9))
    from guichet.cases.actions import apply_tacit_decision

    assert apply_tacit_decision(case=case, at=paris(2026, 3, 6, 9)) is not None
    aggregates.count_new_events()
    figures = summary(Scope(org.pk), Period(D(2026, 3, 1), D(2026, 3, 31)))
    assert figures[Metric.TACIT] == 1
    assert figures[Metric.CLOSED] == 1
    assert figures["median_hours"] == 96
    assert figures["on_time_share"] == 0
