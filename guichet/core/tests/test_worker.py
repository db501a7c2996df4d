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
