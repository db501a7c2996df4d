import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.cases.models import Channel
from guichet.catalog.models import Procedure
from guichet.organization.models import Service

from .board import AREA_NONE

MAX_DAYS = 3 * 366  # a dashboard's period: three years at most

GROUPINGS = [("day", _("Jour")), ("week", _("Semaine")), ("month", _("Mois"))]


class DashboardFilterForm(forms.Form):
    """The period and dimensions a dashboard shows (GET parameters, all optional)."""

    start = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput({"type": "date"}))
    procedure = forms.ModelChoiceField(
        label=_("Démarche"), queryset=Procedure.objects.none(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Canal"), choices=[("", _("Tous"))] + list(Channel.choices), required=False
    )
    area = forms.ChoiceField(
        label=_("Secteur"),
        required=False,
        help_text=_("Le territoire d'un service où se trouve le point de la demande."),
    )
    by = forms.ChoiceField(label=_("Regrouper par"), choices=GROUPINGS, required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(organization_id=membership.organization_id)
        if not membership.sees_all_services:
            services = services.filter(memberships=membership)
        self.fields["service"].queryset = services.order_by("name")
        self.fields["procedure"].queryset = Procedure.objects.filter(
            organization_id=membership.organization_id
        ).order_by("title")
        self.fields["procedure"].empty_label = _("Toutes")
        self.fields["service"].empty_label = _("Tous")
        sectors = Service.objects.filter(
            organization_id=membership.organization_id, area__isnull=False
        ).order_by("name", "pk")
        self.fields["area"].choices = [
            ("", _("Tous")),
            *((str(pk), name) for pk, name in sectors.values_list("pk", "name")),
            (AREA_NONE, _("Hors secteur ou sans localisation")),
        ]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=29)
        if start > end:
            self.add_error("end", _("La fin de la période précède son début."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", _("La période dépasse trois ans."))
        data["start"], data["end"] = start, end
        data["by"] = data.get("by") or "day"
        return data


class ReportForm(forms.Form):
    """The month of the monthly report (the dashboard's filters ride along)."""

    month = forms.CharField(
        label=_("Mois"),
        widget=forms.TextInput({"type": "month", "placeholder": "2026-06"}),
        help_text=_("Au format AAAA-MM."),
    )

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Indiquez un mois au format AAAA-MM.")) from None
        if month > timezone.localdate() or month.year < 2000:
            raise forms.ValidationError(_("Choisissez un mois passé ou le mois en cours."))
        return month
