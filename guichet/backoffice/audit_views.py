"""Administrators read the log of accesses to personal data, by case and by agent."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases.models import AccessLog

from .decorators import admin_required
from .forms import agents_of
from .paging import OffsetPage

PAGE_SIZE = 100


class AccessFilterForm(forms.Form):
    demande = forms.CharField(label=_("Référence de la demande"), max_length=32, required=False)
    agent = forms.ChoiceField(label=_("Agent"), required=False)

    def __init__(self, data, *, membership):
        super().__init__(data, auto_id="access_%s")
        self.fields["agent"].choices = [
            ("", _("Tous")),
            *((str(user.pk), str(user)) for user in agents_of(membership)),
        ]


@never_cache
@admin_required
@require_safe
def access_log(request):
    form = AccessFilterForm(request.GET, membership=request.membership)
    entries = AccessLog.objects.filter(organization=request.organization).select_related(
        "user", "api_client"
    )
    if form.is_valid():
        if form.cleaned_data["demande"]:
            entries = entries.filter(reference__iexact=form.cleaned_data["demande"].strip())
        if form.cleaned_data["agent"]:
            entries = entries.filter(user_id=int(form.cleaned_data["agent"]))
    page = OffsetPage(
        entries.order_by("-at", "-pk"), request.GET.get("page"), count=0, more=True, size=PAGE_SIZE
    )
    return render(
        request,
        "backoffice/access_log.html",
        {"form": form, "page_obj": page, "nav": "settings"},
    )
