"""At the counter: a walk-in entered in a few keystrokes (name, meeting type, now), and a
day closed exceptionally for an agenda or one counter (its citizens told, with other slots)."""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from guichet.appointments.actions import BookingError, booked_on, close_day, record_walk_in
from guichet.appointments.models import Counter, MeetingType
from guichet.core.http import see_other
from guichet.lib.text import parse_id

from .appointment_views import agendas_filter, day_url, parse_day, visible_agendas
from .decorators import agent_required, supervisor_required


@require_POST
@agent_required
def walk_in(request):
    """Someone at the desk without an appointment: received now, already arrived."""
    membership = request.membership
    meeting_type = MeetingType.objects.filter(
        pk=parse_id(request.POST.get("type")), **agendas_filter(membership)
    ).first()
    counter_id = parse_id(request.POST.get("guichet"))
    counter = (
        Counter.objects.filter(pk=counter_id, **agendas_filter(membership)).first()
        if counter_id
        else None
    )
    back = day_url(timezone.localdate(), counter_id or request.POST.get("guichet", "")[:40])
    if meeting_type is None or (counter_id and counter is None):
        messages.error(request, _("Choisissez un type de rendez-vous de vos services."))
        return see_other(back + "#walk-in")
    if counter is not None and counter.agenda_id != meeting_type.agenda_id:
        counter = None  # the agenda's first counter, rather than refusing a busy desk
    try:
        appointment = record_walk_in(
            meeting_type=meeting_type, name=request.POST.get("name", "")[:200], counter=counter
        )
    except BookingError as refused:
        messages.error(request, str(refused))
        return see_other(back + "#walk-in")
    messages.success(
        request,
        _("%(name)s est reçu sans rendez-vous (%(type)s).")
        % {"name": appointment.name, "type": meeting_type.name},
    )
    return see_other(back + f"#appointment-{appointment.pk}")


class CloseDayForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Jour"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    target = forms.ChoiceField(label=gettext_lazy("Fermer"))
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Il est écrit aux usagers dont le rendez-vous est annulé."),
    )

    def __init__(self, *args, agendas, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for agenda in agendas:
            whole = _("%(agenda)s : tout l'agenda") % {"agenda": agenda}
            choices.append((f"a{agenda.pk}", whole))
            choices += [(f"c{c.pk}", f"{agenda} : {c.name}") for c in agenda.counters.all()]
        self.fields["target"].choices = choices
        self.agendas = {agenda.pk: agenda for agenda in agendas}
        self.counters = {c.pk: c for agenda in agendas for c in agenda.counters.all()}

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Ce jour est passé."))
        if day > timezone.localdate() + datetime.timedelta(days=3650):
            raise forms.ValidationError(_("Choisissez un jour des années à venir."))
        return day

    def agenda_and_counter(self):
        target = self.cleaned_data["target"]
        if target.startswith("c"):
            counter = self.counters[int(target[1:])]
            return counter.agenda, counter
        return self.agendas[int(target[1:])], None


@require_http_methods(["GET", "POST"])
@supervisor_required
def appointment_close_day(request):
    """Closes a day exceptionally. The page first says how many appointments it cancels;
    each citizen gets an e-mail with the next free slots and a link to book again."""
    agendas = list(visible_agendas(request.membership).prefetch_related("counters"))
    initial = {"day": parse_day(request.GET.get("jour"))}
    if parse_id(request.GET.get("guichet")):
        initial["target"] = f"c{request.GET['guichet']}"
    form = CloseDayForm(request.POST or None, initial=initial, agendas=agendas)
    error, to_cancel = None, None
    if form.is_valid():
        agenda, counter = form.agenda_and_counter()
        day = form.cleaned_data["day"]
        if request.POST.get("confirm") == "1":
            try:
                cancelled = close_day(
                    agenda=agenda, day=day, counter=counter, reason=form.cleaned_data["reason"]
                )
            except BookingError as refused:
                error = str(refused)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Journée fermée ; %(count)s usager prévenu.",
                        "Journée fermée ; %(count)s usagers prévenus.",
                        len(cancelled),
                    )
                    % {"count": len(cancelled)},
                )
                return see_other(day_url(day, counter.pk if counter else None))
        else:
            to_cancel = list(booked_on(agenda, day, counter).select_related("meeting_type"))
    status = 400 if request.method == "POST" and (form.errors or error) else 200
    return render(
        request,
        "backoffice/appointments/close_day.html",
        {
            "nav": "appointments",
            "form": form,
            "error": error,
            "to_cancel": to_cancel,
            "back_url": day_url(initial["day"]),
        },
        status=status,
    )
