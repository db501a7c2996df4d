import datetime

import pytest
from django.utils import timezone

from guichet.cases.tasks import dispatch_pending_events, suppress_dispatch
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

seen_events = []


def flaky_subscriber(event):
    if event.case.contact_name == "Faulty":
        raise RuntimeError("template error")
    seen_events.append(event.pk)


def test_a_failing_event_does_not_hold_back_the_others(settings, procedure_a):
    settings.GUICHET_EVENT_SUBSCRIBERS = [f"{__name__}.flaky_subscriber"]
    seen_events.clear()
    old = timezone.now() - datetime.timedelta(minutes=5)
    faulty = submit(procedure_a, contact_name="Faulty", submitted_at=old)
    fine = submit(procedure_a, contact_name="Fine", submitted_at=old)
    assert dispatch_pending_events.call() == 1
    assert seen_events == [fine.events.get().pk]
    # The faulty one stays in the journal, undispatched, for the next sweep.
    assert faulty.events.get().dispatched_at is None
    assert fine.events.get().dispatched_at is not None


def test_history_loaded_quietly_is_never_dispatched(settings, procedure_a):
    settings.GUICHET_EVENT_SUBSCRIBERS = [f"{__name__}.flaky_subscriber"]
    seen_events.clear()
    with suppress_dispatch():
        case = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=30))
    assert case.events.get().dispatched_at is not None
    assert dispatch_pending_events.call() == 0 and seen_events == []
