"""The aggregates counted bit by bit by the worker equal those rebuilt from the whole
journal, whatever the history (property-based), and the worker counts each event once."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.cases.actions import (
    apply_tacit_decision,
    delete_cases,
    post_message,
    transfer_case,
    transition_case,
)
from guichet.cases.models import Case
from guichet.conftest import submit
from guichet.stats import aggregates
from guichet.stats.models import NO_AREA, CaseFact, Cursor, DailyCount, DurationCount, Metric

START = datetime.datetime(2026, 3, 27, 8, tzinfo=datetime.UTC)  # before the change of time
# Where cases are filed: in the sector of service A, of service B, in none, or nowhere.
POINTS = {
    "a": {"latitude": 48.87, "longitude": 2.32},
    "b": {"latitude": 48.85, "longitude": 2.32},
    "outside": {"latitude": 45.76, "longitude": 4.83},
    "none": {},
}


def square(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def sectors(service_a, service_b):
    service_a.area = square(2.30, 48.86, 2.34, 48.88)
    service_a.save(update_fields=["area"])
    service_b.area = square(2.30, 48.84, 2.34, 48.86)
    service_b.save(update_fields=["area"])


def snapshot():
    """The aggregates as comparable sets (rows whose count went back to 0 do not matter)."""
    daily = {
        (
            r.organization_id,
            r.procedure_id,
            r.service_id,
            r.channel,
            r.area_id,
            r.category,
            r.day,
            r.metric,
            r.value,
        )
        for r in DailyCount.objects.exclude(value=0)
    }
    durations = {
        (
            r.organization_id,
            r.procedure_id,
            r.service_id,
            r.channel,
            r.area_id,
            r.day,
            r.hours,
            r.value,
        )
        for r in DurationCount.objects.exclude(value=0)
    }
    return daily, durations


STEP = st.one_of(
    st.tuples(
        st.just("submit"),
        st.integers(0, 1),
        st.sampled_from(["web", "phone", "mail"]),
        st.sampled_from(list(POINTS)),
    ),
    st.tuples(st.just("transition"), st.integers(0, 20), st.integers(0, 5)),
    st.tuples(st.just("message"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("transfer"), st.integers(0, 20)),
    st.tuples(st.just("tacit"), st.integers(0, 20)),
    st.tuples(st.just("count"), st.integers(1, 4)),
)


@pytest.fixture
def tacit_procedure(procedure_b):
    version = procedure_b.current_version
    version.deadline = {"days": 2, "tacit": {"decision": "reject", "state": "rejected"}}
    version.save(update_fields=["deadline"])
    return procedure_b


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(STEP, st.integers(1, 40)), min_size=1, max_size=25))
def test_rebuilt_aggregates_equal_incremental_ones(
    steps, procedure_a, tacit_procedure, service_a, service_b, supervisor, sectors
):
    procedures = [procedure_a, tacit_procedure]
    with transaction.atomic():
        at, cases = START, []
        for step, hours in steps:
            at += datetime.timedelta(hours=hours)
            kind, *args = step
            if kind == "submit":
                procedure, channel, point = procedures[args[0]], args[1], POINTS[args[2]]
                cases.append(submit(procedure, channel=channel, submitted_at=at, **point).pk)
                continue
            if kind == "count":
                aggregates.count_new_events(batch=args[0])
                continue
            if not cases:
                continue
            case = Case.objects.get(pk=cases[args[0] % len(cases)])
            if kind == "transition":
                options = case.get_workflow().transitions_from(case.state)
                if options:
                    step_ = options[args[1] % len(options)]
                    transition_case(
                        case=case, transition=step_.code, actor=None, comment="Motif", at=at
                    )
            elif kind == "message":
                author = None if args[1] else supervisor
                post_message(case=case, body="Bonjour", from_citizen=args[1], author=author, at=at)
            elif kind == "transfer":
                target = service_b if case.service_id == service_a.pk else service_a
                transfer_case(case=case, service=target, reason="Réorientation", actor=supervisor)
            elif kind == "tacit":
                apply_tacit_decision(case=case, at=at)
        while aggregates.count_new_events(batch=3):
            pass
        incremental = snapshot()
        aggregates.rebuild()
        assert snapshot() == incremental
        received = sum(row[-1] for row in incremental[0] if row[7] == Metric.RECEIVED)
        assert received == len(cases)
        # The backlog by category is the open cases' categories now.
        backlog = Counter()
        for row in incremental[0]:
            if row[7] == Metric.OPEN:
                backlog[row[5]] += row[-1]
        expected = Counter(
            Case.objects.exclude(category="closed").values_list("category", flat=True)
        )
        assert +backlog == expected
        # Each case is counted in the sector its point lies in.
        by_area = Counter()
        for row in incremental[0]:
            if row[7] == Metric.RECEIVED:
                by_area[row[4]] += row[-1]
        sector = {service_a.pk: "a", service_b.pk: "b", NO_AREA: "elsewhere"}
        assert sum(by_area.values()) == len(cases)
        filed = Counter(
            "a" if lat == 48.87 else "b" if lat == 48.85 else "elsewhere"
            for lat in Case.objects.filter(pk__in=cases).values_list("latitude", flat=True)
        )
        assert {sector[key]: n for key, n in by_area.items()} == +filed
        transaction.set_rollback(True)


def test_each_event_is_counted_once(case_a, org):
    assert aggregates.count_new_events() == 1
    assert aggregates.count_new_events() == 0
    row = DailyCount.objects.get(metric=Metric.RECEIVED)
    assert row.value == 1
    transition_case(case=case_a, transition="close", actor=None)
    assert aggregates.count_new_events() == 1
    assert DailyCount.objects.get(metric=Metric.RECEIVED).value == 1
    assert DailyCount.objects.get(metric=Metric.CLOSED).value == 1


def test_it_waits_at_a_gap_then_passes_it(procedure_a):
    now = datetime.datetime.now(datetime.UTC)
    first, second, third = (submit(procedure_a, submitted_at=now) for _ in range(3))
    delete_cases(cases=Case.objects.filter(pk=second.pk))
    # The second case's event may belong to a transaction still running: wait for it.
    assert aggregates.count_new_events(now=now) == 1
    assert aggregates.count_new_events(now=now + datetime.timedelta(minutes=1)) == 0
    # Five minutes on, it will never come.
    later = now + aggregates.GAP_PATIENCE
    assert aggregates.count_new_events(now=later) == 1
    assert set(CaseFact.objects.values_list("case_id", flat=True)) == {first.pk, third.pk}
    assert Cursor.objects.get().gap_at is None


def test_it_passes_a_gap_before_an_old_event_at_once(procedure_a):
    old = START
    first, second, third = (submit(procedure_a, submitted_at=old) for _ in range(3))
    delete_cases(cases=Case.objects.filter(pk=second.pk))
    assert aggregates.count_new_events() == 2


def test_the_command_rebuilds_from_the_journal(case_a, case_b, capsys):
    aggregates.count_new_events()
    before = snapshot()
    DailyCount.objects.all().delete()
    call_command("rebuild_stats")
    assert snapshot() == before
    assert "2 journal events counted" in capsys.readouterr().out
    assert aggregates.count_new_events() == 0  # the cursor moved with the rebuild


def test_the_worker_task_is_periodic(settings):
    assert ("guichet.stats.tasks.count_new_events", 60) in settings.GUICHET_PERIODIC_TASKS
