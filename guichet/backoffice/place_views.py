"""Places where the public is received, for administrators: address, hours, closures."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.core.http import see_other
from guichet.lib.hours import HoursError, format_day, parse_day
from guichet.organization.models import Place, PlaceClosure, Service
from guichet.organization.places import add_closure, place_cards, save_place

from .decorators import admin_required
from .designer_forms import add_errors
from .translation_fields import add_english_fields, english_initial, english_values, side_by_side

DAYS = [
    gettext_lazy("Lundi"),
    gettext_lazy("Mardi"),
    gettext_lazy("Mercredi"),
    gettext_lazy("Jeudi"),
    gettext_lazy("Vendredi"),
    gettext_lazy("Samedi"),
    gettext_lazy("Dimanche"),
]


# The place's texts that citizens read, with an English beside the French.
PLACE_TRANSLATED = ("name", "address", "hours_note")


class PlaceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=200)
    address = forms.CharField(
        label=gettext_lazy("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(label=gettext_lazy("Téléphone"), max_length=32, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    latitude = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=gettext_lazy("Pour la carte, par exemple 48.8566 et 2.3522."),
    )
    hours_note = forms.CharField(
        label=gettext_lazy("Précision sur les horaires"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Par exemple : accueil téléphonique l'après-midi."),
    )
    services = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Services reçus dans ce lieu"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="place_%s", **kwargs)
        self.fields["services"].queryset = Service.objects.filter(organization=organization)
        add_english_fields(self, PLACE_TRANSLATED)
        for day, label in enumerate(DAYS):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                help_text=gettext_lazy("Par exemple 8h30-12h, 13h30-17h ; vide : fermé."),
            )

    def clean(self):
        cleaned = super().clean()
        week = {}
        for day in range(7):
            try:
                week[str(day)] = parse_day(cleaned.get(f"hours_{day}", ""))
            except HoursError as error:
                self.add_error(
                    f"hours_{day}",
                    _("Horaires illisibles : « %(text)s ». Écrivez par exemple 8h30-12h, 14h-17h.")
                    % {"text": error},
                )
        cleaned["hours"] = week
        return cleaned

    def translated_pairs(self):
        return side_by_side(self, PLACE_TRANSLATED)

    def day_fields(self):
        return [self[f"hours_{day}"] for day in range(7)]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "address": data["address"],
            "phone": data["phone"],
            "email": data["email"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "hours": data["hours"],
            "hours_note": data["hours_note"],
            "translations": english_values(data, PLACE_TRANSLATED),
        }


class ClosureForm(forms.Form):
    first_day = forms.DateField(
        label=gettext_lazy("Premier jour"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=gettext_lazy("Dernier jour"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Affiché aux habitants, par exemple : pont de l'Ascension."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="closure_%s", **kwargs)


def get_place_for_admin(request, pk) -> Place:
    place = (
        Place.objects.filter(organization=request.organization, pk=pk)
        .prefetch_related("closures", "services")
        .first()
    )
    if place is None:
        raise Http404
    return place


_see_other = see_other


def _initial(place: Place) -> dict:
    initial = {
        name: getattr(place, name)
        for name in ("name", "address", "phone", "email", "latitude", "longitude", "hours_note")
    }
    for day, ranges in enumerate(place.week()):
        initial[f"hours_{day}"] = format_day(ranges[1]).replace("–", "-")
    initial["services"] = [service.pk for service in place.services.all()]
    initial.update(english_initial(place, PLACE_TRANSLATED))
    return initial


@never_cache
@admin_required
@require_safe
def place_list(request):
    places = Place.objects.filter(organization=request.organization).prefetch_related(
        "closures", "services"
    )
    return render(
        request, "backoffice/places/list.html", {"cards": place_cards(places), "nav": "settings"}
    )


def _page(request, form, place, closure_form=None, status=200):
    return render(
        request,
        "backoffice/places/form.html",
        {
            "form": form,
            "place": place,
            "closure_form": closure_form or ClosureForm(),
            "nav": "settings",
        },
        status=status,
    )


def _post(request, place: Place | None):
    """Saves the posted form (a new place when `place` is None); the page again, 400, when
    it cannot be."""
    form = PlaceForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            saved = save_place(
                organization=request.organization,
                place=place,
                services=form.cleaned_data["services"],
                **form.values(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if place is None:
                messages.success(request, _("Le lieu « %(name)s » est créé.") % {"name": saved})
            else:
                messages.success(request, _("Le lieu est enregistré."))
            return _see_other(reverse("backoffice:place", args=[saved.pk]))
    return _page(request, form, place, status=400)


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def place_create(request):
    if request.method == "POST":
        return _post(request, None)
    return _page(request, PlaceForm(organization=request.organization), None)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def place_edit(request, pk):
    place = get_place_for_admin(request, pk)
    if request.method == "POST":
        return _post(request, place)
    return _page(
        request, PlaceForm(organization=request.organization, initial=_initial(place)), place
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def place_closure_add(request, pk):
    place = get_place_for_admin(request, pk)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            add_closure(place=place, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("La fermeture est enregistrée."))
            return _see_other(reverse("backoffice:place", args=[place.pk]) + "#closures-title")
    edit = PlaceForm(organization=request.organization, initial=_initial(place))
    return _page(request, edit, place, closure_form=form, status=400)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def place_closure_delete(request, pk, closure):
    place = get_place_for_admin(request, pk)
    deleted, _rows = PlaceClosure.objects.filter(place=place, pk=closure).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("La fermeture est supprimée."))
    return _see_other(reverse("backoffice:place", args=[place.pk]) + "#closures-title")
