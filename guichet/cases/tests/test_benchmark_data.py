"""The benchmark's generated cases look like a town hall's after a few years: a journal for
every case, messages, citizens, channels and procedures that vary, and states that follow the
journal (the statistics rebuilt from it agree with the cases table)."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from guichet.cases.benchmark import create_benchmark_cases
from guichet.cases.models import Case, CaseEvent, EventKind, Message
from guichet.cases.search import matching_ids
from guichet.conftest import make_user
from guichet.stats.aggregates import count_new_events, rebuild
from guichet.stats.bulk import JournalCounter
from guichet.stats.models import CaseFact, DailyCount, DurationCount, Metric

pytestmark = pytest.mark.django_db


def test_the_generated_cases_carry_their_journal_over_years(procedure_a, citizen):
    others = [make_user(f"habitant{n}@example.test") for n in range(3)]
    create_benchmark_cases(procedures=[procedure_a], count=400, citizen=citizen, citizens=others)

    cases = Case.objects.filter(procedure=procedure_a)
    assert cases.count() == 400
    oldest = cases.order_by("created_at").first().created_at
    assert timezone.now() - oldest > datetime.timedelta(days=2 * 365)
    by_category = dict(cases.values_list("category").annotate(n=Count("pk")))
    assert by_category["new"] == 20 and by_category["closed"] == 300
    assert set(by_category) == {"new", "open", "waiting", "closed"}
    assert set(cases.values_list("channel", flat=True)) >= {"web", "email", "phone", "counter"}
    assert cases.filter(citizen=citizen).count() == 4
    assert cases.filter(citizen__in=others).count() == 96

    # Every case has its filing in the journal, then one event per state it went through,
    # all already dispatched (no e-mail leaves for them).
    events = CaseEvent.objects.filter(case__procedure=procedure_a)
    assert events.filter(kind=EventKind.SUBMITTED).count() == 400
    assert not events.filter(dispatched_at__isnull=True).exists()
    for case in cases.filter(category="closed")[:20]:
        journal = list(case.events.order_by("pk").values_list("kind", "payload__to", "created_at"))
        assert journal[0][:2] == (EventKind.SUBMITTED, None)
        moves = [to for kind, to, _at in journal if kind == EventKind.TRANSITIONED]
        assert moves[-1] == case.state
        assert [at for *_, at in journal] == sorted(at for *_, at in journal)
        assert case.closed_at is not None and case.closed_at <= timezone.now()
    messages = Message.objects.filter(case__procedure=procedure_a)
    assert 120 <= messages.count() <= 140
    assert events.filter(kind=EventKind.MESSAGE).count() == messages.count()

    # The statistics counted from the journal find each case in its current category.
    rebuild()
    facts = dict(
        CaseFact.objects.filter(procedure_id=procedure_a.pk)
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    assert facts == by_category


def test_the_generated_cases_are_in_the_search_index(procedure_a):
    create_benchmark_cases(procedures=[procedure_a], count=40)

    found = Case.objects.filter(pk__in=matching_ids("poule"))
    # "poule" is the first of the eight words the descriptions cycle through.
    assert found.count() == 5
    with_message = Case.objects.filter(pk__in=matching_ids("ma demande"))
    assert with_message.count() == Message.objects.filter(case__procedure=procedure_a).count()


def _aggregates():
    return (
        sorted(DailyCount.objects.values_list(*DAILY_KEY, "value")),
        sorted(DurationCount.objects.values_list(*DURATION_KEY, "value")),
        sorted(CaseFact.objects.values_list(*FACT_FIELDS)),
    )


DAILY_KEY = ("organization_id", "procedure_id", "service_id", "channel", "area_id", "category")
DAILY_KEY = (*DAILY_KEY, "day", "metric")
DURATION_KEY = ("organization_id", "procedure_id", "service_id", "channel", "day", "hours")
FACT_FIELDS = ("case_id", "service_id", "category", "due_at", "closed_day", "closed_hours")
FACT_FIELDS = (*FACT_FIELDS, "closed_on_time", "received_day")


def test_statistics_counted_while_generating_equal_a_rebuild(procedure_a, procedure_b, citizen):
    # Counted batch by batch as the rows are written (the benchmark's millions), the
    # aggregates and facts are those a rebuild from the journal finds; the cursor is past
    # the journal, so the worker counts nothing twice.
    create_benchmark_cases(
        procedures=[procedure_a, procedure_b], count=600, citizen=citizen, counter=JournalCounter
    )
    counted = _aggregates()
    assert len(counted[2]) == 600
    assert DailyCount.objects.filter(metric=Metric.CLOSED).exists()
    assert count_new_events() == 0

    rebuild()
    assert _aggregates() == counted


def test_statistics_behind_the_journal_are_rebuilt_rather_than_counted_out_of_order(
    case_b, procedure_a
):
    # case_b's filing waits for the worker: the generated journal comes after it.
    create_benchmark_cases(procedures=[procedure_a], count=50, counter=JournalCounter)

    assert CaseFact.objects.count() == 51
    assert count_new_events() == 0
