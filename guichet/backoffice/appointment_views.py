"""The agents' day of appointments: per counter (or agent), who comes when; check-in on
arrival, no-show, cancellation (the citizen is told)."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.appointments.actions import (
    BookingError,
    cancel_appointment,
    move_appointment,
    record_arrival,
)
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import (
    Agenda,
    AgendaClosure,
    Appointment,
    Counter,
    MeetingType,
    Status,
)
from guichet.core.http import see_other
from guichet.organization.models import Role

from .decorators import agent_required


def agendas_filter(membership, prefix=""):
    """The agendas of the services the member works for (administrators: all)."""
    lookups = {f"{prefix}agenda__organization": membership.organization}
    if not membership.sees_all_services:
        lookups[f"{prefix}agenda__service__in"] = membership.services.all()
    return lookups


# Days further than this are typing mistakes (and would overflow the calendar near 9999).
HORIZON = datetime.timedelta(days=3650)


def visible_agendas(membership):
    """The agendas of the services the member works for (administrators: all)."""
    found = Agenda.objects.filter(organization=membership.organization)
    if not membership.sees_all_services:
        found = found.filter(service__in=membership.services.all())
    return found.order_by("name")


def parse_day(text) -> datetime.date:
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(text) if text else today
    except ValueError:
        return today
    return min(max(day, today - HORIZON), today + HORIZON)


def day_url(day, counter_id=None) -> str:
    query = {"jour": day.isoformat()}
    if counter_id:
        query["guichet"] = counter_id
    return reverse("backoffice:appointments") + "?" + urlencode(query)


@require_safe
@agent_required
def appointments_day(request):
    """One day's appointments at the counters of the member's services, or one counter's."""
    day = parse_day(request.GET.get("jour"))
    counters = list(
        Counter.objects.filter(**agendas_filter(request.membership))
        .select_related("agenda", "agent")
        .order_by("agenda__name", "name")
    )
    # "guichet" names one counter (its id) or one agent ("agent-<id>": every counter they hold).
    chosen = request.GET.get("guichet", "")
    agents = {c.agent_id: c.agent for c in counters if c.agent_id}
    agents = sorted(
        ((f"agent-{pk}", agent) for pk, agent in agents.items()), key=lambda a: str(a[1])
    )
    shown = [
        c
        for c in counters
        if str(c.pk) == chosen or (c.agent_id and f"agent-{c.agent_id}" == chosen)
    ] or counters
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    appointments = (
        Appointment.objects.filter(
            counter__in=shown, start__gte=start, start__lt=start + datetime.timedelta(days=1)
        )
        .select_related("meeting_type", "counter", "case")
        .order_by("start", "counter__name")
    )
    # The walk-in's choices: the types still offered.
    meeting_types = MeetingType.objects.filter(
        **agendas_filter(request.membership), is_active=True, agenda__is_active=True
    ).order_by("agenda__name", "name")
    by_counter = {counter.pk: [] for counter in shown}
    for appointment in appointments:
        by_counter[appointment.counter_id].append(appointment)
    return render(
        request,
        "backoffice/appointments/day.html",
        {
            "nav": "appointments",
            "day": day,
            "counters": counters,
            "agents": agents,
            "chosen": chosen,
            "columns": [(counter, by_counter[counter.pk]) for counter in shown],
            "meeting_types": meeting_types,
            "is_today": day == timezone.localdate(),
            "can_close": request.membership.role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
            "closures": AgendaClosure.objects.filter(
                day=day, agenda__in=visible_agendas(request.membership)
            ).select_related("agenda", "counter"),
            "previous_url": day_url(day - datetime.timedelta(days=1), chosen),
            "next_url": day_url(day + datetime.timedelta(days=1), chosen),
            "today_url": day_url(timezone.localdate(), chosen),
        },
    )


def _appointment_for_agent(request, pk) -> Appointment:
    found = (
        Appointment.objects.filter(pk=pk, **agendas_filter(request.membership, "meeting_type__"))
        .select_related("meeting_type__agenda")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _back(request, appointment):
    return see_other(
        day_url(timezone.localdate(appointment.start), request.POST.get("guichet"))
        + f"#appointment-{appointment.pk}"
    )


@require_POST
@agent_required(hide_from_outsiders=True)
def appointment_status(request, pk):
    """Check-in (arrived), no-show, or back to booked."""
    appointment = _appointment_for_agent(request, pk)
    status = request.POST.get("status", "")
    if status not in Status.values:
        messages.error(request, _("État inconnu."))
        return _back(request, appointment)
    try:
        record_arrival(appointment=appointment, status=status)
    except BookingError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(name)s : %(status)s.")
            % {"name": appointment.name, "status": appointment.get_status_display()},
        )
    return _back(request, appointment)


@require_POST
@agent_required(hide_from_outsiders=True)
def appointment_cancel(request, pk):
    """Cancels the appointment; the citizen gets an e-mail."""
    appointment = _appointment_for_agent(request, pk)
    try:
        cancel_appointment(appointment=appointment)
    except BookingError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("Rendez-vous annulé ; %(name)s est prévenu.") % {"name": appointment.name}
        )
    return _back(request, appointment)


MOVE_CHOICES = 30


@require_http_methods(["GET", "POST"])
@agent_required(hide_from_outsiders=True)
def appointment_move(request, pk):
    """Moves an appointment to one of the next free slots of its meeting type; the citizen
    is told by e-mail."""
    appointment = _appointment_for_agent(request, pk)
    error = None
    if request.method == "POST":
        try:
            start = datetime.datetime.fromisoformat(request.POST.get("debut", ""))
            if timezone.is_naive(start):
                start = timezone.make_aware(start)
            move_appointment(appointment=appointment, start=start)
        except (ValueError, OverflowError):
            error = _("Choisissez un des créneaux proposés.")
        except BookingError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("Rendez-vous déplacé ; %(name)s est prévenu.") % {"name": appointment.name},
            )
            return see_other(
                day_url(timezone.localdate(appointment.start)) + f"#appointment-{appointment.pk}"
            )
    # From the day asked for (?jour=, today by default), a week of free slots.
    first = max(parse_day(request.GET.get("jour")), timezone.localdate())
    slots = free_slots_for(
        appointment.meeting_type,
        first_day=first,
        last_day=first + datetime.timedelta(days=7),
        ignore=appointment,
    )
    times = []
    for slot in slots:
        local = timezone.localtime(slot.start)
        if local != timezone.localtime(appointment.start) and (not times or times[-1] != local):
            times.append(local)
    return render(
        request,
        "backoffice/appointments/move.html",
        {
            "nav": "appointments",
            "appointment": appointment,
            "times": times[:MOVE_CHOICES],
            "error": error,
            "back_url": day_url(timezone.localdate(appointment.start)),
            "later_url": reverse("backoffice:appointment_move", args=[appointment.pk])
            + "?"
            + urlencode({"jour": (first + datetime.timedelta(days=8)).isoformat()}),
        },
        status=409 if error else 200,
    )
