"""The real worker keeps the aggregates: its periodic task counts the journal."""

import pytest

from guichet.conftest import submit
from guichet.stats.models import DailyCount, Metric

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_counts_new_events(procedure_a, run_worker, settings):
    settings.GUICHET_PERIODIC_TASKS = [("guichet.stats.tasks.count_new_events", 60)]
    submit(procedure_a)
    submit(procedure_a, channel="phone")
    assert not DailyCount.objects.exists()
    run_worker()
    received = DailyCount.objects.filter(metric=Metric.RECEIVED)
    assert sorted(received.values_list("channel", "value")) == [("phone", 1), ("web", 1)]
    run_worker()  # counted once
    assert sum(received.values_list("value", flat=True)) == 2
