import pytest
from django.core.cache import cache

from guichet.core.management.commands.worker import (
    SCHEDULER_LEASE,
    enqueue_periodic_tasks,
    hold_scheduler_lease,
)


@pytest.mark.django_db
def test_periodic_tasks_are_enqueued_once_per_interval(settings):
    from django_tasks_db.models import DBTaskResult

    settings.GUICHET_PERIODIC_TASKS = [("guichet.notify.tasks.send_pending_emails", 60)]
    last_run: dict[str, float] = {}
    assert enqueue_periodic_tasks(last_run, 1000.0) == ["guichet.notify.tasks.send_pending_emails"]
    assert enqueue_periodic_tasks(last_run, 1030.0) == []
    assert enqueue_periodic_tasks(last_run, 1061.0) == ["guichet.notify.tasks.send_pending_emails"]
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_every_periodic_task_runs_at_start_whatever_the_clock(settings):
    """The monotonic clock may start near zero (a machine just booted): an hourly task must
    still run when the worker starts, not an hour after the boot."""
    settings.GUICHET_PERIODIC_TASKS = [("guichet.cases.tasks.apply_retention_periods", 3600)]
    assert enqueue_periodic_tasks({}, 5.0) == ["guichet.cases.tasks.apply_retention_periods"]


def test_one_worker_at_a_time_schedules_the_periodic_tasks():
    """Several workers share the cache (Redis when scaled out): the first holds the lease
    and keeps it while it renews it; another takes over only once it has lapsed (its holder
    died)."""
    assert hold_scheduler_lease("worker-1")
    assert not hold_scheduler_lease("worker-2")
    assert hold_scheduler_lease("worker-1")  # renewed
    assert not hold_scheduler_lease("worker-2")
    cache.delete(SCHEDULER_LEASE)  # worker-1 died: its lease lapsed
    assert hold_scheduler_lease("worker-2")
    assert not hold_scheduler_lease("worker-1")
