from django_tasks import task

from .actions import send_due_reminders
from .models import MeetingType
from .waiting import make_all_offers, make_offers


@task()
def send_reminders() -> int:
    """The reminders of tomorrow's appointments (GUICHET_PERIODIC_TASKS)."""
    return send_due_reminders()


@task()
def offer_waiting_slots(meeting_type_id: int) -> int:
    """A place of this meeting type freed up: offered to the waiting list."""
    meeting_type = MeetingType.objects.filter(pk=meeting_type_id).first()
    return len(make_offers(meeting_type=meeting_type)) if meeting_type else 0


@task()
def sweep_waiting_lists() -> int:
    """Expired offers go to the next in line; places added since (GUICHET_PERIODIC_TASKS)."""
    return make_all_offers()
