"""The outbox, for administrators: every e-mail and SMS sent in the organization's name,
with its status, attempts and last error; filtered, paged, opened one by one, and resent
(guichet/notify/outbox.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.core.http import see_other
from guichet.notify.outbox import Cursor, Kind, Status, get_outbox_row, outbox_page, resend

from .decorators import admin_only


class OutboxFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label=gettext_lazy("État"),
        choices=[("", gettext_lazy("Tous")), *Status.choices],
        required=False,
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("E-mails et SMS")), *Kind.choices],
        required=False,
    )
    demande = forms.CharField(
        label=gettext_lazy("Référence de la demande"), max_length=32, required=False
    )
    destinataire = forms.CharField(
        label=gettext_lazy("Destinataire (adresse ou numéro)"), max_length=254, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="outbox_%s", **kwargs)


def _row_for_admin(request, kind, pk):
    row = get_outbox_row(request.organization, kind, pk)
    if row is None:
        raise Http404
    return row


@never_cache
@admin_only
@require_safe
def outbox_list(request):
    form = OutboxFilterForm(request.GET or None)
    filters = {}
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = {
                "status": data["statut"],
                "kind": data["type"],
                "reference": data["demande"],
                "recipient": data["destinataire"],
            }
        else:
            status = 400
    page = outbox_page(
        request.organization, after=Cursor.parse(request.GET.get("apres")), **filters
    )
    return render(
        request,
        "backoffice/outbox/list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "first_page": "apres" in request.GET,
            "nav": "settings",
        },
        status=status,
    )


@never_cache
@admin_only
@require_safe
def outbox_detail(request, kind, pk):
    row = _row_for_admin(request, kind, pk)
    return render(request, "backoffice/outbox/detail.html", {"row": row, "nav": "settings"})


@never_cache
@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def outbox_resend(request, kind, pk):
    row = _row_for_admin(request, kind, pk)
    if request.method == "POST":
        try:
            resend(row=row, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        if kind == Kind.EMAIL:
            text = _("L'e-mail à %(to)s est remis en file d'envoi : il part dans un instant.")
        else:
            text = _("Le SMS au %(to)s est remis en file d'envoi : il part dans un instant.")
        messages.success(request, text % {"to": row.to})
        return see_other(reverse("backoffice:outbox_message", args=[kind, row.pk]))
    return render(request, "backoffice/outbox/resend.html", {"row": row, "nav": "settings"})
