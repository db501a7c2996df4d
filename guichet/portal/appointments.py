"""Booking an appointment, with or without an account: the meeting types, a week of free
slots as a list of days and times (no JavaScript needed), the booking form, and the page
behind the secret link that moves or cancels it."""

import contextlib
import datetime

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.appointments.actions import (
    BookingError,
    book_appointment,
    cancel_appointment,
    move_appointment,
)
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import Appointment, MeetingType, Status
from guichet.core.http import see_other
from guichet.lib.phone import can_receive_sms, normalize_phone
from guichet.notify.sms import sms_enabled

NEXT_SLOTS = 5
# Beyond this no agenda books (max_delay_days is far shorter): dates past it are typing
# mistakes or probes, and would overflow the calendar near year 9999.
HORIZON = datetime.timedelta(days=800)


class PhoneAndSmsForm(forms.Form):
    """The phone number, checked and stored in E.164, and the choice of SMS: offered only
    when SMS are on, and then only for a mobile's number (the checkbox waits for one, with
    JavaScript; without, the server says what is missing)."""

    phone = forms.CharField(
        label=gettext_lazy("Téléphone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    sms_opt_in = forms.BooleanField(label=gettext_lazy("Recevoir aussi un SMS"), required=False)
    sms_help = gettext_lazy(
        "Au numéro de mobile ci-dessus (06 ou 07 en France) : la confirmation, le rappel la "
        "veille et tout changement."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms_enabled():  # the service sends no SMS: not offered
            del self.fields["sms_opt_in"]
        else:
            self.fields["sms_opt_in"].help_text = self.sms_help
            self.fields["sms_opt_in"].widget.attrs["data-needs-mobile"] = self["phone"].auto_id

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        normalized = normalize_phone(phone)
        if normalized is None:
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78.")
            )
        return normalized

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sms_opt_in") and "phone" not in self.errors:
            phone = cleaned.get("phone")
            if not phone:
                self.add_error(
                    "sms_opt_in", _("Indiquez votre numéro de mobile pour recevoir des SMS.")
                )
            elif not can_receive_sms(phone):
                self.add_error(
                    "sms_opt_in",
                    _("Ce numéro ne peut pas recevoir de SMS : indiquez un numéro de mobile."),
                )
        return cleaned


class BookingForm(PhoneAndSmsForm):
    name = forms.CharField(label=gettext_lazy("Nom et prénom"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy("La confirmation et le rappel y sont envoyés."),
    )
    people = forms.IntegerField(
        label=gettext_lazy("Nombre de personnes"), min_value=1, max_value=20, initial=1
    )

    field_order = ["name", "email", "phone", "sms_opt_in", "people"]


def _meeting_type(request, pk) -> MeetingType:
    found = (
        MeetingType.objects.filter(pk=pk, agenda__organization=request.organization)
        .select_related("agenda__place", "agenda__service")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _appointment(request, token) -> Appointment:
    found = (
        Appointment.objects.filter(organization=request.organization, token=token)
        .select_related("meeting_type__agenda__place", "counter")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _monday(text: str | None) -> datetime.date:
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(text) if text else today
    except ValueError:
        day = today
    day = min(max(day, today), today + HORIZON)
    return day - datetime.timedelta(days=day.weekday())


def _start(text: str | None) -> datetime.datetime | None:
    try:
        start = datetime.datetime.fromisoformat(text or "")
    except ValueError:
        return None
    now = timezone.now()
    if (
        not (now - HORIZON).replace(tzinfo=None)
        < start.replace(tzinfo=None)
        < (now + HORIZON).replace(tzinfo=None)
    ):
        return None
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    return start


def _days(slots) -> list[dict]:
    """The free times of each day: one entry per start time, whatever the counter."""
    days: dict = {}
    for slot in slots:
        local = timezone.localtime(slot.start)
        times = days.setdefault(local.date(), [])
        if not times or times[-1] != local:
            times.append(local)
    return [{"day": day, "times": times} for day, times in days.items()]


def _next_slots(meeting_type, *, ignore=None) -> list:
    today = timezone.localdate()
    agenda = meeting_type.agenda
    last = today + datetime.timedelta(days=agenda.max_delay_days + 1)
    slots = free_slots_for(meeting_type, first_day=today, last_day=last, ignore=ignore)
    return [timezone.localtime(slot.start) for slot in slots][:NEXT_SLOTS]


@require_safe
def appointments(request):
    """The meeting types one can book, by agenda (service and place)."""
    if request.organization is None:
        raise Http404
    types = (
        MeetingType.objects.filter(
            agenda__organization=request.organization, is_active=True, agenda__is_active=True
        )
        .select_related("agenda__place", "agenda__service")
        .order_by("agenda__name", "name")
    )
    return render(request, "portal/appointments/index.html", {"meeting_types": types})


@require_safe
def appointment_week(request, pk):
    """A week of free slots, as a list of days and their times."""
    meeting_type = _meeting_type(request, pk)
    monday = _monday(request.GET.get("semaine"))
    moving = request.GET.get("deplacer", "")
    if moving:
        _appointment(request, moving)
    sunday = monday + datetime.timedelta(days=6)
    ignore = Appointment.objects.filter(token=moving).first() if moving else None
    slots = free_slots_for(meeting_type, first_day=monday, last_day=sunday, ignore=ignore)
    extra = {"deplacer": moving} if moving else {}
    week_url = reverse("portal:appointment_week", args=[meeting_type.pk])
    context = {
        "meeting_type": meeting_type,
        "monday": monday,
        "sunday": sunday,
        "days": _days(slots),
        "moving": moving,
        "book_url": reverse("portal:appointment_book", args=[meeting_type.pk]),
        "extra": urlencode(extra),
        "previous_url": (
            week_url
            + "?"
            + urlencode({"semaine": (monday - datetime.timedelta(days=7)).isoformat(), **extra})
            if monday > timezone.localdate()
            else None
        ),
        "next_url": week_url
        + "?"
        + urlencode({"semaine": (monday + datetime.timedelta(days=7)).isoformat(), **extra}),
    }
    if not slots:
        context["next_slots"] = _next_slots(meeting_type, ignore=ignore)
    return render(request, "portal/appointments/week.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def appointment_book(request, pk):
    """The booking form of one slot (?debut=...); with ?deplacer=<secret>, the move of an
    appointment to it."""
    meeting_type = _meeting_type(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    start = _start(source.get("debut"))
    moving_token = source.get("deplacer", "")
    moving = _appointment(request, moving_token) if moving_token else None
    if moving is not None and moving.meeting_type_id != meeting_type.pk:
        raise Http404
    if start is None:
        return render(
            request,
            "portal/appointments/book.html",
            {"meeting_type": meeting_type, "invalid_start": True},
            status=400,
        )
    user = request.user if request.user.is_authenticated else None
    initial = (
        {
            "name": user.get_full_name(),
            "email": user.email,
            "phone": user.phone,
            "sms_opt_in": user.notify_sms and can_receive_sms(user.phone),
        }
        if user
        else {}
    )
    form = BookingForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST":
        try:
            if moving is not None:
                move_appointment(appointment=moving, start=start, by_citizen=True)
                return see_other(reverse("portal:appointment_manage", args=[moving.token]))
            if form.is_valid():
                appointment = book_appointment(
                    meeting_type=meeting_type,
                    start=start,
                    citizen=user,
                    language=request.LANGUAGE_CODE,
                    **form.cleaned_data,
                )
                return see_other(reverse("portal:appointment_manage", args=[appointment.token]))
        except BookingError as refused:
            error = str(refused)
    context = {
        "meeting_type": meeting_type,
        "start": timezone.localtime(start),
        "form": form,
        "moving": moving,
        "error": error,
        "week_url": reverse("portal:appointment_week", args=[meeting_type.pk])
        + "?"
        + urlencode({"semaine": timezone.localdate(start).isoformat()}),
    }
    if error:
        context["next_slots"] = _next_slots(meeting_type, ignore=moving)
        context["book_url"] = reverse("portal:appointment_book", args=[meeting_type.pk])
    status = 409 if error else (400 if request.method == "POST" else 200)
    return render(request, "portal/appointments/book.html", context, status=status)


@never_cache
@require_safe
def appointment_manage(request, token):
    """The appointment behind its secret link: when, where, what to bring; move, cancel."""
    appointment = _appointment(request, token)
    response = render(
        request,
        "portal/appointments/manage.html",
        {
            "appointment": appointment,
            "meeting_type": appointment.meeting_type,
            "place": appointment.meeting_type.agenda.place,
            "can_change": appointment.status == Status.BOOKED
            and appointment.start > timezone.now(),
            "move_url": reverse("portal:appointment_week", args=[appointment.meeting_type_id])
            + "?"
            + urlencode({"deplacer": appointment.token}),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def appointment_short_link(request, token):
    """The short address of the SMS: on to the appointment's page."""
    appointment = _appointment(request, token)
    return redirect("portal:appointment_manage", appointment.token)


@require_POST
def appointment_cancel(request, token):
    appointment = _appointment(request, token)
    with contextlib.suppress(BookingError):  # cancelled already, or past: the page says so
        cancel_appointment(appointment=appointment, by_citizen=True)
    return see_other(reverse("portal:appointment_manage", args=[appointment.token]))
