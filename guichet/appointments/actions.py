"""Writes on appointments: book, move, cancel, check in, no-show, walk-ins, days closed,
reminders. Each runs in one transaction; the e-mails (and the SMS of those who chose them,
texts.py) go to the outbox on commit. A place
freed (cancelled, moved away, a day closed elsewhere) is offered to the waiting list by the
worker (`tasks.offer_waiting_slots`)."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .availability import free_slots_for
from .emails import queue_email
from .models import AgendaClosure, Appointment, Counter, MeetingType, Status
from .texts import queue_sms


class BookingError(Exception):
    """A booking refused, with the message for the person who tried."""


def tell(appointment: Appointment, kind: str, **options) -> None:
    """Queues the notice of `kind` to the person: by e-mail, and by SMS if they chose it, in
    the language they booked in."""
    queue_email(appointment, kind, **options)
    queue_sms(appointment, kind)


def person_language(code: str | None) -> str:
    """One of the site's languages ("en" from "en-gb"), French otherwise: what an
    appointment or a waiting list entry keeps to speak to its person."""
    code = (code or "fr")[:2].lower()
    return code if code in dict(settings.LANGUAGES) else "fr"


def lock_agenda(agenda) -> None:
    # Row locks on every counter of the agenda, in one order: two bookings of one agenda
    # take turns (PostgreSQL). SQLite's IMMEDIATE transactions already make writers queue.
    list(Counter.objects.select_for_update().filter(agenda=agenda).order_by("pk"))


def freed(meeting_type) -> None:
    """After commit, the worker offers the places freed to the waiting list."""

    def enqueue():
        from .tasks import offer_waiting_slots

        offer_waiting_slots.enqueue(meeting_type.pk)

    transaction.on_commit(enqueue)


def _place_for(meeting_type, start, *, now, ignore=None, offer=None):
    """(counter id, seat) of a free place at `start`, or BookingError."""
    local_day = start.astimezone(timezone.get_default_timezone()).date()
    slots = [
        slot
        for slot in free_slots_for(
            meeting_type,
            first_day=local_day,
            last_day=local_day,
            now=now,
            ignore=ignore,
            ignore_offer=offer,
        )
        if slot.start == start
    ]
    if not slots:
        raise BookingError(_("Ce créneau n'est plus libre. Choisissez-en un autre."))
    counter_id = slots[0].counter_id
    seats = set(
        Appointment.objects.active()
        .filter(counter_id=counter_id, start=start)
        .exclude(pk=getattr(ignore, "pk", None))
        .values_list("seat", flat=True)
    )
    seat = next(number for number in range(len(seats) + 1) if number not in seats)
    return counter_id, seat, slots[0].end


def _check_people(meeting_type: MeetingType, people: int) -> None:
    if not 1 <= people <= meeting_type.max_people:
        raise BookingError(
            _("Ce rendez-vous reçoit de 1 à %(max)s personnes.") % {"max": meeting_type.max_people}
        )


def book_appointment(
    *,
    meeting_type: MeetingType,
    start: datetime.datetime,
    name: str,
    email: str,
    phone: str = "",
    sms_opt_in: bool = False,
    people: int = 1,
    citizen=None,
    notify: bool = True,
    now=None,
    offer=None,
    case=None,
    language: str = "fr",
) -> Appointment:
    """Books the slot starting at `start` for this meeting type, at a counter with a place
    left, and e-mails the confirmation (unless `notify` is false: the demo's history).
    BookingError when the slot is no longer free, when the person already has an
    appointment to come of this type, or too many people. `offer`: the waiting list's
    offer whose held slot this is; `case`: the request it is booked with; `language`: the
    one the person booked in, that their notices speak."""
    now = now or timezone.now()
    _check_people(meeting_type, people)
    try:
        with transaction.atomic():
            lock_agenda(meeting_type.agenda)
            if meeting_type.one_per_person and (
                Appointment.objects.active()
                .filter(meeting_type=meeting_type, email__iexact=email, start__gt=now)
                .exists()
            ):
                raise BookingError(
                    _(
                        "Vous avez déjà un rendez-vous à venir de ce type : déplacez-le ou "
                        "annulez-le avec le lien reçu par e-mail."
                    )
                )
            counter_id, seat, end = _place_for(meeting_type, start, now=now, offer=offer)
            appointment = Appointment.objects.create(
                case=case,
                organization=meeting_type.agenda.organization,
                meeting_type=meeting_type,
                counter_id=counter_id,
                start=start,
                end=end,
                seat=seat,
                name=name,
                email=email,
                phone=phone,
                sms_opt_in=sms_opt_in,
                people=people,
                citizen=citizen,
                language=person_language(language),
            )
            if notify:
                tell(appointment, "booked")
    except IntegrityError as error:
        # Another booking took the last place between our read and our write.
        raise BookingError(_("Ce créneau n'est plus libre. Choisissez-en un autre.")) from error
    return appointment


def move_appointment(
    *, appointment: Appointment, start: datetime.datetime, by_citizen: bool = False, now=None
) -> Appointment:
    """Moves an appointment to a free slot of its meeting type; the citizen is told. The
    citizen moves only an appointment still to come."""
    now = now or timezone.now()
    if appointment.status != Status.BOOKED or (by_citizen and appointment.start <= now):
        raise BookingError(_("Ce rendez-vous ne peut plus être déplacé."))
    try:
        with transaction.atomic():
            lock_agenda(appointment.meeting_type.agenda)
            counter_id, seat, end = _place_for(
                appointment.meeting_type, start, now=now, ignore=appointment
            )
            appointment.counter_id, appointment.seat = counter_id, seat
            appointment.start, appointment.end = start, end
            appointment.reminded_at = None
            appointment.sequence += 1
            appointment.save(
                update_fields=["counter", "seat", "start", "end", "reminded_at", "sequence"]
            )
            tell(appointment, "moved")
            freed(appointment.meeting_type)
    except IntegrityError as error:
        raise BookingError(_("Ce créneau n'est plus libre. Choisissez-en un autre.")) from error
    return appointment


@transaction.atomic
def cancel_appointment(
    *, appointment: Appointment, by_citizen: bool = False, now=None
) -> Appointment:
    """Cancels a booked appointment; the citizen is told. The citizen cancels only an
    appointment still to come."""
    now = now or timezone.now()
    if appointment.status != Status.BOOKED or (by_citizen and appointment.start <= now):
        raise BookingError(_("Ce rendez-vous ne peut plus être annulé."))
    appointment.status = Status.CANCELLED
    appointment.sequence += 1
    appointment.save(update_fields=["status", "sequence"])
    tell(appointment, "cancelled")
    freed(appointment.meeting_type)
    return appointment


@transaction.atomic
def record_walk_in(
    *, meeting_type: MeetingType, name: str, counter: Counter | None = None, now=None
) -> Appointment:
    """Someone came without booking and is received now: an appointment from now for the
    meeting's length, already arrived, at the counter given (or the agenda's first)."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    name = name.strip()
    if not name:
        raise BookingError(_("Indiquez le nom de la personne."))
    lock_agenda(meeting_type.agenda)
    if counter is None:
        counter = (
            Counter.objects.filter(agenda=meeting_type.agenda).order_by("-is_active", "pk").first()
        )
    if counter is None or counter.agenda_id != meeting_type.agenda_id:
        raise BookingError(_("Ce guichet ne reçoit pas ce type de rendez-vous."))
    seats = set(
        Appointment.objects.active()
        .filter(counter=counter, start=now)
        .values_list("seat", flat=True)
    )
    return Appointment.objects.create(
        organization=meeting_type.agenda.organization,
        meeting_type=meeting_type,
        counter=counter,
        start=now,
        end=now + datetime.timedelta(minutes=meeting_type.duration_minutes),
        seat=next(number for number in range(len(seats) + 1) if number not in seats),
        name=name,
        status=Status.CHECKED_IN,
        walk_in=True,
    )


def booked_on(agenda, day: datetime.date, counter: Counter | None = None):
    """The appointments still booked on that day at the agenda (or at one of its counters)."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    found = Appointment.objects.filter(
        counter__agenda=agenda,
        status=Status.BOOKED,
        start__gte=start,
        start__lt=start + datetime.timedelta(days=1),
    )
    return found.filter(counter=counter) if counter is not None else found


@transaction.atomic
def close_day(
    *, agenda, day: datetime.date, counter: Counter | None = None, reason: str = ""
) -> list[Appointment]:
    """Closes a day exceptionally, for the agenda or one of its counters: its slots go, and
    the appointments booked that day are cancelled, each citizen told by e-mail with the
    next free slots and a link to book again (and by SMS, if they chose it). Returns those
    appointments."""
    if counter is not None and counter.agenda_id != agenda.pk:
        raise BookingError(_("Ce guichet n'appartient pas à cet agenda."))
    lock_agenda(agenda)
    if AgendaClosure.objects.filter(agenda=agenda, day=day, counter__isnull=True).exists() or (
        counter is not None
        and AgendaClosure.objects.filter(agenda=agenda, day=day, counter=counter).exists()
    ):
        raise BookingError(_("Ce jour est déjà fermé."))
    AgendaClosure.objects.create(agenda=agenda, counter=counter, day=day, reason=reason.strip())
    cancelled = list(booked_on(agenda, day, counter).select_related("meeting_type__agenda__place"))
    for appointment in cancelled:
        appointment.status = Status.CANCELLED
        appointment.sequence += 1
        appointment.save(update_fields=["status", "sequence"])
        tell(appointment, "closed", reason=reason.strip())
    return cancelled


@transaction.atomic
def record_arrival(*, appointment: Appointment, status: str) -> Appointment:
    """The counter's record of the day: arrived (check-in) or no-show; back to booked to
    undo a mistake."""
    if status not in (Status.CHECKED_IN, Status.NO_SHOW, Status.BOOKED):
        raise BookingError(_("État inconnu."))
    if appointment.status == Status.CANCELLED:
        raise BookingError(_("Ce rendez-vous est annulé."))
    appointment.status = status
    appointment.save(update_fields=["status"])
    return appointment


def send_due_reminders(*, now=None) -> int:
    """E-mails (and texts, to those who chose SMS) the reminder of tomorrow's appointments
    (and of any to come within a day not reminded yet), once each."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    tomorrow = now.astimezone(tz).date() + datetime.timedelta(days=1)
    until = datetime.datetime.combine(tomorrow + datetime.timedelta(days=1), datetime.time(), tz)
    sent = 0
    due = Appointment.objects.filter(
        status=Status.BOOKED, reminded_at__isnull=True, start__gt=now, start__lt=until
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            # The conditional update claims the reminder: two workers never send it twice.
            if not Appointment.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            tell(
                Appointment.objects.select_related("meeting_type__agenda__place").get(pk=pk),
                "reminder",
            )
            sent += 1
    return sent
