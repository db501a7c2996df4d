"""The appointments' setup, for administrators: agendas (a service at a place), their
meeting types and their counters with weekly hours; deactivation and deletion, each behind a
confirmation page. The writes are guichet/appointments/setup.py's."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.appointments.models import Agenda, Counter, MeetingType
from guichet.appointments.setup import (
    counter_agents,
    day_names,
    delete_item,
    deletion_refusal,
    read_day,
    save_agenda,
    save_counter,
    save_meeting_type,
    set_active,
    usage,
)
from guichet.core.http import see_other
from guichet.lib.hours import HoursError, format_day
from guichet.organization.models import Place, Service

from .decorators import admin_required
from .designer_forms import add_errors
from .translation_fields import add_english_fields, english_initial, french_and_translations

# The texts that citizens read, with an English beside the French.
AGENDA_TRANSLATED = ("name",)
MEETING_TYPE_TRANSLATED = ("name", "documents")


def _number(label, help_text=None, **attrs):
    # The bounds are the domain's (appointments/setup.py), with its messages; the widget
    # only helps the keyboard.
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **attrs}),
    )


class AgendaForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom de l'agenda"),
        max_length=200,
        help_text=gettext_lazy("Affiché aux habitants, par exemple : Titres d'identité."),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=Service.objects.none(),
        help_text=gettext_lazy("Ses agents voient les rendez-vous de l'agenda dans leur journée."),
    )
    place = forms.ModelChoiceField(
        label=gettext_lazy("Lieu d'accueil"),
        queryset=Place.objects.none(),
        help_text=gettext_lazy(
            "Les créneaux suivent ses horaires et ses fermetures exceptionnelles."
        ),
    )
    min_delay_hours = _number(
        gettext_lazy("Délai minimum avant un rendez-vous (heures)"),
        gettext_lazy(
            "Par exemple 24 : on réserve au plus tard la veille. 0 : jusqu'au dernier moment."
        ),
        min=0,
    )
    max_delay_days = _number(
        gettext_lazy("Réservation possible jusqu'à (jours à l'avance)"),
        gettext_lazy("Par exemple 60 : les créneaux des deux mois à venir."),
        min=1,
    )
    buffer_minutes = _number(
        gettext_lazy("Pause entre deux rendez-vous (minutes)"),
        gettext_lazy("0 : les rendez-vous s'enchaînent."),
        min=0,
    )
    alsace_moselle = forms.BooleanField(
        label=gettext_lazy("Jours fériés d'Alsace-Moselle"),
        required=False,
        help_text=gettext_lazy("Le Vendredi saint et le 26 décembre sont fériés en plus."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="agenda_%s", **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organization=organization)
        self.fields["place"].queryset = Place.objects.filter(organization=organization)
        add_english_fields(self, AGENDA_TRANSLATED)

    def values(self) -> dict:
        """What save_agenda takes: the French fields, the English as `translations`."""
        return french_and_translations(self.cleaned_data, AGENDA_TRANSLATED)


class MeetingTypeForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du type de rendez-vous"),
        max_length=200,
        help_text=gettext_lazy("Affiché aux habitants, par exemple : Dépôt de passeport."),
    )
    duration_minutes = _number(gettext_lazy("Durée (minutes)"), min=1)
    capacity = _number(
        gettext_lazy("Rendez-vous simultanés par guichet"),
        gettext_lazy("1 en général ; plus pour une réunion d'information."),
        min=1,
    )
    max_people = _number(
        gettext_lazy("Personnes par rendez-vous, au plus"),
        gettext_lazy("Par exemple 4 pour une famille qui vient ensemble."),
        min=1,
    )
    documents = forms.CharField(
        label=gettext_lazy("Documents à apporter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Un par ligne ; repris dans la confirmation et le rappel."),
    )
    one_per_person = forms.BooleanField(
        label=gettext_lazy("Un seul rendez-vous à venir par personne"),
        required=False,
        help_text=gettext_lazy("Une même adresse e-mail ne réserve pas un second créneau."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="type_%s", **kwargs)
        add_english_fields(self, MEETING_TYPE_TRANSLATED)

    def values(self) -> dict:
        """What save_meeting_type takes: the French fields, the English as `translations`."""
        return french_and_translations(self.cleaned_data, MEETING_TYPE_TRANSLATED)


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email


class CounterForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du guichet ou de l'agent"),
        max_length=200,
        help_text=gettext_lazy("Par exemple : Guichet 1, ou le nom de l'agent qui reçoit."),
    )
    agent = AgentChoiceField(
        label=gettext_lazy("Agent qui reçoit"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("Aucun en particulier"),
        help_text=gettext_lazy("Son agenda personnel (iCalendar) reprend les rendez-vous."),
    )

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, auto_id="counter_%s", **kwargs)
        self.agenda = agenda
        members = counter_agents(agenda).values("user")
        self.fields["agent"].queryset = (
            get_user_model().objects.filter(pk__in=members).order_by("last_name", "email")
        )
        place_hours = agenda.place.hours if isinstance(agenda.place.hours, dict) else {}
        for day, label in enumerate(day_names()):
            opening = format_day(place_hours.get(str(day), []))
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                help_text=(
                    _("Le lieu : %(hours)s.") % {"hours": opening}
                    if opening
                    else _("Le lieu est fermé.")
                ),
            )

    def clean(self):
        cleaned = super().clean()
        week = {}
        for day in range(7):
            try:
                week[str(day)] = read_day(cleaned.get(f"hours_{day}", ""))
            except HoursError as error:
                self.add_error(f"hours_{day}", str(error))
        cleaned["hours"] = week
        return cleaned

    def day_fields(self):
        return [self[f"hours_{day}"] for day in range(7)]


# --- Access ----------------------------------------------------------------------------------


def get_agenda_for_admin(request, pk) -> Agenda:
    agenda = (
        Agenda.objects.filter(organization=request.organization, pk=pk)
        .select_related("service", "place")
        .first()
    )
    if agenda is None:
        raise Http404
    return agenda


def _meeting_type(agenda, pk) -> MeetingType:
    found = MeetingType.objects.filter(agenda=agenda, pk=pk).select_related("agenda").first()
    if found is None:
        raise Http404
    return found


def _counter(agenda, pk) -> Counter:
    found = Counter.objects.filter(agenda=agenda, pk=pk).select_related("agenda", "agent").first()
    if found is None:
        raise Http404
    return found


def _agenda_url(agenda, anchor="") -> str:
    return reverse("backoffice:agenda", args=[agenda.pk]) + anchor


# --- Agendas ---------------------------------------------------------------------------------


@never_cache
@admin_required
@require_safe
def agenda_list(request):
    """Every agenda of the organization, by service and place."""
    agendas = (
        Agenda.objects.filter(organization=request.organization)
        .select_related("service", "place")
        .annotate(
            types=Count("meeting_types", filter=Q(meeting_types__is_active=True), distinct=True),
            desks=Count("counters", filter=Q(counters__is_active=True), distinct=True),
        )
        .order_by("service__name", "place__name", "name")
    )
    organization = request.organization
    return render(
        request,
        "backoffice/agendas/list.html",
        {
            "agendas": agendas,
            "has_places": Place.objects.filter(organization=organization).exists(),
            "has_services": Service.objects.filter(organization=organization).exists(),
            "nav": "settings",
        },
    )


def _agenda_initial(agenda) -> dict:
    return {
        "name": agenda.name,
        "service": agenda.service_id,
        "place": agenda.place_id,
        "min_delay_hours": agenda.min_delay_hours,
        "max_delay_days": agenda.max_delay_days,
        "buffer_minutes": agenda.buffer_minutes,
        "alsace_moselle": agenda.alsace_moselle,
    } | english_initial(agenda, AGENDA_TRANSLATED)


def _readiness(agenda, meeting_types, counters) -> list[str]:
    """Why the citizens cannot book this agenda yet (empty: they can)."""
    reasons = []
    if not agenda.is_active:
        reasons.append(_("L'agenda est désactivé."))
    if not any(item.is_active for item in meeting_types):
        reasons.append(_("Il n'a aucun type de rendez-vous actif."))
    if not any(item.is_active for item in counters):
        reasons.append(_("Il n'a aucun guichet actif."))
    if not any((agenda.place.hours or {}).values()):
        reasons.append(_("Son lieu d'accueil n'a pas d'horaires d'ouverture."))
    return reasons


def _agenda_page(request, form, agenda=None, status=200):
    context = {"form": form, "agenda": agenda, "nav": "settings"}
    if agenda is not None:
        meeting_types = list(agenda.meeting_types.all())
        counters = list(agenda.counters.select_related("agent"))
        for counter in counters:
            counter.week = (
                [(name, format_day(counter.hours.get(str(day), [])))
                 for day, name in enumerate(day_names())]
                if counter.hours
                else None
            )  # fmt: skip
        context.update(
            meeting_types=meeting_types,
            counters=counters,
            readiness=_readiness(agenda, meeting_types, counters),
        )
    return render(request, "backoffice/agendas/agenda.html", context, status=status)


def _agenda_post(request, agenda):
    form = AgendaForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            saved = save_agenda(
                organization=request.organization,
                actor=request.user,
                agenda=agenda,
                **form.values(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if agenda is None:
                messages.success(
                    request,
                    _(
                        "L'agenda « %(name)s » est créé : ajoutez-lui un type de rendez-vous "
                        "et un guichet."
                    )
                    % {"name": saved.name},
                )
            else:
                messages.success(request, _("L'agenda est enregistré."))
            return see_other(_agenda_url(saved))
    return _agenda_page(request, form, agenda, status=400)


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_create(request):
    if request.method == "POST":
        return _agenda_post(request, None)
    initial = {"min_delay_hours": 24, "max_delay_days": 60, "buffer_minutes": 0}
    return _agenda_page(request, AgendaForm(organization=request.organization, initial=initial))


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_edit(request, pk):
    agenda = get_agenda_for_admin(request, pk)
    if request.method == "POST":
        return _agenda_post(request, agenda)
    form = AgendaForm(organization=request.organization, initial=_agenda_initial(agenda))
    return _agenda_page(request, form, agenda)


# --- Meeting types and counters ---------------------------------------------------------------


def _item_page(request, form, agenda, kind, item=None, status=200):
    return render(
        request,
        f"backoffice/agendas/{kind}.html",
        {"form": form, "agenda": agenda, "item": item, "nav": "settings"},
        status=status,
    )


def _item_post(request, form, agenda, kind, item, save, saved_message):
    if form.is_valid():
        values = form.values() if kind == "meeting_type" else dict(form.cleaned_data)
        if kind == "counter":
            values = {"name": values["name"], "agent": values["agent"], "hours": values["hours"]}
        try:
            saved = save(agenda=agenda, actor=request.user, **{kind: item}, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, saved_message % {"name": saved.name})
            return see_other(_agenda_url(agenda, f"#{kind.replace('_', '-')}s-title"))
    return _item_page(request, form, agenda, kind, item, status=400)


def _meeting_type_initial(item) -> dict:
    if item is None:
        return {"duration_minutes": 15, "capacity": 1, "max_people": 1, "one_per_person": True}
    return {
        name: getattr(item, name)
        for name in (
            "name",
            "duration_minutes",
            "capacity",
            "max_people",
            "documents",
            "one_per_person",
        )
    } | english_initial(item, MEETING_TYPE_TRANSLATED)


def _meeting_type_view(request, agenda, item=None):
    if request.method == "POST":
        return _item_post(
            request,
            MeetingTypeForm(request.POST),
            agenda,
            "meeting_type",
            item,
            save_meeting_type,
            _("Le type de rendez-vous « %(name)s » est enregistré."),
        )
    form = MeetingTypeForm(initial=_meeting_type_initial(item))
    return _item_page(request, form, agenda, "meeting_type", item)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_type_create(request, pk):
    return _meeting_type_view(request, get_agenda_for_admin(request, pk))


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_type_edit(request, pk, item):
    agenda = get_agenda_for_admin(request, pk)
    return _meeting_type_view(request, agenda, _meeting_type(agenda, item))


def _counter_initial(item) -> dict:
    if item is None:
        return {}
    initial = {"name": item.name, "agent": item.agent_id}
    hours = item.hours if isinstance(item.hours, dict) else {}
    for day in range(7):
        initial[f"hours_{day}"] = format_day(hours.get(str(day), [])).replace("–", "-")
    return initial


def _counter_view(request, agenda, item=None):
    if request.method == "POST":
        return _item_post(
            request,
            CounterForm(request.POST, agenda=agenda),
            agenda,
            "counter",
            item,
            save_counter,
            _("Le guichet « %(name)s » est enregistré."),
        )
    form = CounterForm(agenda=agenda, initial=_counter_initial(item))
    return _item_page(request, form, agenda, "counter", item)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def counter_create(request, pk):
    return _counter_view(request, get_agenda_for_admin(request, pk))


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def counter_edit(request, pk, item):
    agenda = get_agenda_for_admin(request, pk)
    return _counter_view(request, agenda, _counter(agenda, item))


# --- Deactivation, reactivation, deletion ------------------------------------------------------

KINDS = {
    "agenda": (
        gettext_lazy("l'agenda « %(name)s »"),
        gettext_lazy("L'agenda « %(name)s » est désactivé : il ne propose plus de créneau."),
        gettext_lazy("L'agenda « %(name)s » est réactivé."),
        gettext_lazy("L'agenda « %(name)s » est supprimé."),
    ),
    "meeting_type": (
        gettext_lazy("le type de rendez-vous « %(name)s »"),
        gettext_lazy("Le type « %(name)s » est désactivé : il n'est plus proposé."),
        gettext_lazy("Le type « %(name)s » est réactivé."),
        gettext_lazy("Le type « %(name)s » est supprimé."),
    ),
    "counter": (
        gettext_lazy("le guichet « %(name)s »"),
        gettext_lazy("Le guichet « %(name)s » est désactivé : il ne reçoit plus de réservation."),
        gettext_lazy("Le guichet « %(name)s » est réactivé."),
        gettext_lazy("Le guichet « %(name)s » est supprimé."),
    ),
}


def _find(request, kind, pk, item):
    agenda = get_agenda_for_admin(request, pk)
    if kind == "agenda":
        return agenda, agenda
    finder = _meeting_type if kind == "meeting_type" else _counter
    return agenda, finder(agenda, item)


def _kind_url(kind, action, agenda, item) -> str:
    args = [agenda.pk] if kind == "agenda" else [agenda.pk, item.pk]
    return reverse(f"backoffice:{kind}_{action}", args=args)


def _confirm(request, kind, pk, item, action):
    """The confirmation page of a deactivation or a deletion (GET), and the change (POST).
    A deletion is refused, with its reason and the deactivation offered instead, where
    appointments were booked."""
    agenda, found = _find(request, kind, pk, item)
    what, deactivated, _reactivated, deleted = KINDS[kind]
    facts = usage(found)
    refusal = deletion_refusal(found, facts) if action == "delete" else None
    status = 200
    if request.method == "POST":
        try:
            if action == "delete":
                delete_item(item=found, actor=request.user)
            else:
                set_active(item=found, actor=request.user, active=False)
        except ValidationError as error:
            refusal = " ".join(error.messages)
            status = 409
        else:
            done = deleted if action == "delete" else deactivated
            messages.success(request, done % {"name": found.name})
            if action == "delete" and kind == "agenda":
                return see_other(reverse("backoffice:agendas"))
            return see_other(_agenda_url(agenda))
    return render(
        request,
        "backoffice/agendas/confirm.html",
        {
            "agenda": agenda,
            "item": found,
            "kind": kind,
            "action": action,
            "what": what % {"name": found.name},
            "facts": facts,
            "refusal": refusal,
            "deactivate_url": _kind_url(kind, "deactivate", agenda, found),
            "back_url": (
                _agenda_url(agenda)
                if kind == "agenda"
                else reverse(f"backoffice:{kind}", args=[agenda.pk, found.pk])
            ),
            "nav": "settings",
        },
        status=status,
    )


def _reactivate(request, kind, pk, item):
    agenda, found = _find(request, kind, pk, item)
    set_active(item=found, actor=request.user, active=True)
    messages.success(request, KINDS[kind][2] % {"name": found.name})
    return see_other(_agenda_url(agenda))


def _confirming(kind, action):
    @never_cache
    @admin_required(hide_from_outsiders=True)
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request, pk, item=None):
        return _confirm(request, kind, pk, item, action)

    view.__name__ = view.__qualname__ = f"{kind}_{action}"
    return view


def _reactivating(kind):
    @never_cache
    @admin_required(hide_from_outsiders=True)
    @require_POST
    def view(request, pk, item=None):
        return _reactivate(request, kind, pk, item)

    view.__name__ = view.__qualname__ = f"{kind}_reactivate"
    return view


agenda_deactivate = _confirming("agenda", "deactivate")
agenda_delete = _confirming("agenda", "delete")
agenda_reactivate = _reactivating("agenda")
meeting_type_deactivate = _confirming("meeting_type", "deactivate")
meeting_type_delete = _confirming("meeting_type", "delete")
meeting_type_reactivate = _reactivating("meeting_type")
counter_deactivate = _confirming("counter", "deactivate")
counter_delete = _confirming("counter", "delete")
counter_reactivate = _reactivating("counter")
