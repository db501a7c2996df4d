"""The e-mails to the citizen about an appointment, through the outbox (notify): booked,
moved, cancelled, cancelled because the day was closed (with the next free slots), the
reminder the day before, and a freed slot offered to the waiting list. Appointments are no
cases, so no journal event announces them; the outbox still retries them until delivered."""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from guichet.notify.models import OutgoingEmail

from .ics import appointment_calendar

KINDS = ("booked", "moved", "cancelled", "closed", "reminder")
OTHER_SLOTS = 5


def _other_slots(appointment) -> list:
    from .availability import free_slots_for

    today = timezone.localdate()
    agenda = appointment.meeting_type.agenda
    slots = free_slots_for(
        appointment.meeting_type,
        first_day=today,
        last_day=today + datetime.timedelta(days=agenda.max_delay_days + 1),
    )
    times = []
    for slot in slots:
        local = timezone.localtime(slot.start)
        if not times or times[-1] != local:
            times.append(local)
        if len(times) == OTHER_SLOTS:
            break
    return times


def _send(organization, to, subject, body, calendar="") -> OutgoingEmail:
    from guichet.notify.tasks import send_email

    email = OutgoingEmail.objects.create(
        to=to,
        subject=" ".join(subject.split()),
        body=body,
        sender=organization.email_from,
        organization=organization,
        calendar=calendar,
    )
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def queue_email(appointment, kind: str, *, language: str | None = None, reason: str = ""):
    """The e-mail of `kind` to the person, in `language` (by default the one they booked
    in), with the appointment's iCalendar file."""
    assert kind in KINDS
    language = language or appointment.language or "fr"
    if not appointment.email:  # a walk-in who gave none
        return None
    organization = appointment.organization
    with translation.override(language or "fr"), timezone.override("Europe/Paris"):
        week = reverse("portal:appointment_week", args=[appointment.meeting_type_id])
        context = {
            "appointment": appointment,
            "meeting_type": appointment.meeting_type,
            "agenda": appointment.meeting_type.agenda,
            "place": appointment.meeting_type.agenda.place,
            "organization": organization,
            "kind": kind,
            "manage_url": organization.absolute_url(
                reverse("portal:appointment_manage", args=[appointment.token])
            ),
            "book_url": organization.absolute_url(reverse("portal:appointments")),
            "reason": reason,
        }
        if kind == "closed":
            context["other_slots"] = _other_slots(appointment)
            context["rebook_url"] = organization.absolute_url(
                week + "?" + urlencode({"semaine": timezone.localdate(appointment.start)})
            )
        subject = render_to_string("appointments/email/subject.txt", context)
        body = render_to_string("appointments/email/body.txt", context)
    return _send(
        organization,
        appointment.email,
        subject,
        body,
        appointment_calendar(
            appointment, cancelled=kind in ("cancelled", "closed"), language=language
        ),
    )


def queue_offer_email(offer, *, link: str, language: str | None = None) -> OutgoingEmail:
    """The slot freed, offered to one person of the waiting list until the offer expires,
    in `language` (by default the one they joined the list in)."""
    entry = offer.entry
    language = language or entry.language or "fr"
    meeting_type = entry.meeting_type
    organization = meeting_type.agenda.organization
    with translation.override(language or "fr"), timezone.override("Europe/Paris"):
        context = {
            "entry": entry,
            "offer": offer,
            "meeting_type": meeting_type,
            "place": meeting_type.agenda.place,
            "organization": organization,
            "offer_url": organization.absolute_url(link),
        }
        subject = render_to_string("appointments/email/offer_subject.txt", context)
        body = render_to_string("appointments/email/offer_body.txt", context)
    return _send(organization, entry.email, subject, body)
