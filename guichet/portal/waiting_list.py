"""The waiting list of a meeting type with nothing free: joining it, and the page behind the
signed link of the e-mail that offers a freed slot (valid for a few hours)."""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guichet.appointments.actions import BookingError
from guichet.appointments.models import MeetingType, OfferStatus
from guichet.appointments.waiting import accept_offer, join_waiting_list, offer_from_link
from guichet.core.http import see_other
from guichet.lib.phone import can_receive_sms

from .appointments import PhoneAndSmsForm


class WaitingListForm(PhoneAndSmsForm):
    name = forms.CharField(label=gettext_lazy("Nom et prénom"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy("Le créneau qui se libère vous est proposé à cette adresse."),
    )
    first_day = forms.DateField(
        label=gettext_lazy("À partir du"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    last_day = forms.DateField(
        label=gettext_lazy("Jusqu'au"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = ["name", "email", "phone", "sms_opt_in", "first_day", "last_day"]
    sms_help = gettext_lazy(
        "Au numéro de mobile ci-dessus (06 ou 07 en France) : le créneau qui se libère vous "
        "est aussi proposé par SMS."
    )

    def __init__(self, *args, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_days = max_days

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        today = timezone.localdate()
        if first and last:
            if last < first:
                self.add_error("last_day", _("La date de fin doit suivre la date de début."))
            elif last < today:
                self.add_error("last_day", _("Ces dates sont passées."))
            elif last > today + datetime.timedelta(days=self.max_days):
                self.add_error(
                    "last_day",
                    _("Les rendez-vous se prennent au plus %(days)s jours à l'avance.")
                    % {"days": self.max_days},
                )
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def waiting_join(request, pk):
    meeting_type = (
        MeetingType.objects.filter(pk=pk, agenda__organization=request.organization)
        .select_related("agenda__place")
        .first()
    )
    if meeting_type is None:
        raise Http404
    today = timezone.localdate()
    user = request.user if request.user.is_authenticated else None
    initial = {"first_day": today, "last_day": today + datetime.timedelta(days=30)}
    if user:
        initial.update(
            name=user.get_full_name(),
            email=user.email,
            phone=user.phone,
            sms_opt_in=user.notify_sms and can_receive_sms(user.phone),
        )
    form = WaitingListForm(
        request.POST or None, initial=initial, max_days=meeting_type.agenda.max_delay_days
    )
    joined, error = False, None
    if request.method == "POST" and form.is_valid():
        try:
            join_waiting_list(
                meeting_type=meeting_type, language=request.LANGUAGE_CODE, **form.cleaned_data
            )
        except BookingError as refused:
            error = str(refused)
        else:
            joined = True
    status = 400 if request.method == "POST" and not joined else 200
    return render(
        request,
        "portal/appointments/waiting_join.html",
        {"meeting_type": meeting_type, "form": form, "joined": joined, "error": error},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def waiting_offer(request, signed):
    """The slot held for this person: take it in one click, until the offer expires."""
    offer = offer_from_link(signed)
    if offer is None or offer.entry.meeting_type.agenda.organization_id != getattr(
        request.organization, "pk", None
    ):
        raise Http404
    meeting_type = offer.entry.meeting_type
    error = None
    if request.method == "POST":
        try:
            appointment = accept_offer(offer=offer)
        except BookingError as refused:
            error = str(refused)
        else:
            return see_other(reverse("portal:appointment_manage", args=[appointment.token]))
    valid = offer.status == OfferStatus.PENDING and offer.expires_at > timezone.now()
    response = render(
        request,
        "portal/appointments/waiting_offer.html",
        {
            "offer": offer,
            "meeting_type": meeting_type,
            "place": meeting_type.agenda.place,
            "valid": valid,
            "error": error,
        },
        status=409 if error else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
