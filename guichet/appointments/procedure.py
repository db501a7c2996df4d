"""The "choose a slot" item of a procedure's form (catalog type `slot`): the free slots it
offers (settings.GUICHET_SLOT_CHOICES points here, since the catalog sits below), and the
booking made with the filing, in the filing's transaction: a slot taken meanwhile undoes the
filing, and the citizen picks another without losing their answers."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.catalog.formschema import item_type

from .actions import BookingError, book_appointment
from .availability import free_slots_for
from .models import Appointment, MeetingType

MAX_CHOICES = 40
UNAVAILABLE = "Ce créneau n'est plus libre. Choisissez-en un autre."


def slot_choices(meeting_type_id) -> list[tuple[str, str]]:
    """(ISO start, "lundi 3 mars 2031, 09:00") of the next free slots of a meeting type."""
    if not isinstance(meeting_type_id, int) or isinstance(meeting_type_id, bool):
        return []
    meeting_type = (
        MeetingType.objects.filter(pk=meeting_type_id).select_related("agenda__place").first()
    )
    if meeting_type is None:
        return []
    today = timezone.localdate()
    last = today + datetime.timedelta(days=meeting_type.agenda.max_delay_days + 1)
    choices = []
    for slot in free_slots_for(meeting_type, first_day=today, last_day=last):
        local = timezone.localtime(slot.start)
        value = local.isoformat()
        if not choices or choices[-1][0] != value:
            choices.append((value, date_format(local, "l j F Y, H:i")))
        if len(choices) == MAX_CHOICES:
            break
    return choices


def book_case_slots(case) -> list[Appointment]:
    """Books the slots chosen in the case's answers, linked to it; ValidationError keyed by
    the item's id when one is no longer free. Call it in the filing's transaction."""
    booked = []
    for item in case.version.fields:
        if not isinstance(item, dict) or item_type(item) != "slot":
            continue
        value = case.data.get(item.get("id"))
        if not value:
            continue
        meeting_type = (
            MeetingType.objects.filter(
                pk=item.get("meeting_type"), agenda__organization=case.organization
            )
            .select_related("agenda__place")
            .first()
        )
        try:
            start = datetime.datetime.fromisoformat(value)
            if meeting_type is None:
                raise BookingError(_(UNAVAILABLE))
            booked.append(
                book_appointment(
                    meeting_type=meeting_type,
                    start=start,
                    name=case.contact_name,
                    email=case.contact_email,
                    phone=case.contact_phone,
                    citizen=case.citizen,
                    case=case,
                    language=case.language,
                )
            )
        except (ValueError, BookingError) as refused:
            message = str(refused) if isinstance(refused, BookingError) else _(UNAVAILABLE)
            raise ValidationError({item["id"]: [message]}) from refused
    return booked
