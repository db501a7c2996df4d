import pytest

from guichet.core.management.commands.worker import enqueue_periodic_tasks


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
