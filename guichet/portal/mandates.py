"""Acting for someone else, in "mon espace": the mandates a citizen gives (to a relative, a
France Services adviser, a social worker) and revokes; the requests a helper follows for the
people who gave them one. What a mandate covers is decided in guichet.cases.access: outside
it, a helper gets 404."""

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from guichet.cases import actions
from guichet.cases.access import (
    cases_for_helper,
    get_case_for_helper,
    get_mandate_for_citizen,
    get_mandate_for_helper,
    helper_mandates,
)
from guichet.cases.models import CaseEvent, Mandate
from guichet.cases.read_receipts import citizen_read_case
from guichet.catalog.formschema import display_answers
from guichet.catalog.models import Procedure
from guichet.catalog.translations import version_fields
from guichet.core.http import see_other

from .forms import MessageForm

HELPED_CASES_LIMIT = 100
# The latest entries of "what was done for me" on the mandates page.
HISTORY_SIZE = 50


class MandateForm(forms.Form):
    helper_email = forms.EmailField(
        label=gettext_lazy("Adresse e-mail de la personne qui vous aide"),
        max_length=254,
        help_text=gettext_lazy(
            "Celle de son compte sur ce site : elle pourra déposer et suivre vos demandes "
            "une fois connectée avec cette adresse."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Pour quelles démarches ?"),
        choices=[
            ("all", gettext_lazy("Toutes mes démarches")),
            ("some", gettext_lazy("Seulement celles que je coche ci-dessous")),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )
    procedures = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Démarches couvertes"),
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valable jusqu'au"),
        required=False,
        help_text=gettext_lazy("Facultatif. Le mandat prend fin le soir de ce jour."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="mandate_%s", **kwargs)
        self.fields["procedures"].queryset = Procedure.objects.filter(
            organization=organization, is_published=True
        ).order_by("title")


def _signed_in(view):
    """A page of "mon espace": a configured organization and a signed-in citizen."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.organization is None:
            return render(request, "portal/no_organization.html")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context, status=200):
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@_signed_in
def my_mandates(request):
    """The mandates this citizen gave (to give one, to revoke one) and those given to them."""
    status = 200
    if request.method == "POST":
        form = MandateForm(request.POST, organization=request.organization)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.grant_mandate(
                    organization=request.organization,
                    citizen=request.user,
                    helper_email=data["helper_email"],
                    all_procedures=data["scope"] == "all",
                    procedures=data["procedures"] if data["scope"] == "some" else [],
                    expires_on=data["expires_on"],
                )
            except ValidationError as error:
                for key, errors in error.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Mandat donné à %(email)s.") % {"email": data["helper_email"].lower()},
                )
                return see_other(reverse("portal:mandates"))
        status = 400
    else:
        form = MandateForm(organization=request.organization)
    given = (
        Mandate.objects.filter(organization=request.organization, citizen=request.user)
        .prefetch_related("procedures")
        .order_by("-created_at")
    )
    done_for_me = (
        CaseEvent.objects.done_for(request.user)
        .filter(case__organization=request.organization)
        .select_related("case__procedure", "actor")
        .order_by("-created_at", "-pk")[:HISTORY_SIZE]
    )
    return _render(
        request,
        "portal/mandates.html",
        {
            "form": form,
            "given": given,
            "received": helper_mandates(request.user, request.organization),
            "done_for_me": done_for_me,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@_signed_in
def mandate_revoke(request, pk):
    """Asks for confirmation, then ends the mandate at once."""
    mandate = get_mandate_for_citizen(request.user, request.organization, pk)
    if request.method == "POST":
        actions.revoke_mandate(mandate=mandate)
        messages.success(
            request,
            _("Le mandat de %(email)s est révoqué : cette personne n'a plus accès à vos demandes.")
            % {"email": mandate.helper_email},
        )
        return see_other(reverse("portal:mandates"))
    return _render(request, "portal/mandate_revoke.html", {"mandate": mandate})


@require_GET
@_signed_in
def helped_cases(request, pk):
    """The requests of one person this account helps, within what the mandate covers."""
    mandate = get_mandate_for_helper(request.user, request.organization, pk)
    cases = list(
        cases_for_helper(request.user, request.organization)
        .filter(citizen_id=mandate.citizen_id)
        .select_related("procedure", "version")
        .order_by("-created_at")[:HELPED_CASES_LIMIT]
    )
    for case in cases:
        case.state_label = case.state_info.label
    procedures = (
        Procedure.objects.filter(organization=request.organization, is_published=True)
        if mandate.all_procedures
        else mandate.procedures.filter(is_published=True)
    )
    return _render(
        request,
        "portal/helped_cases.html",
        {"mandate": mandate, "cases": cases, "procedures": procedures.order_by("title")},
    )


@require_http_methods(["GET", "POST"])
@_signed_in
def helped_case(request, pk, reference):
    """One request followed for someone else: its state, answers and exchange, and a
    message written for them (journaled as written by the helper for the citizen)."""
    mandate = get_mandate_for_helper(request.user, request.organization, pk)
    case = get_case_for_helper(request.user, request.organization, reference)
    if case.citizen_id != mandate.citizen_id:
        raise Http404
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.post_message(
                    case=case,
                    body=form.cleaned_data["body"],
                    from_citizen=True,
                    author=request.user,
                    files=form.uploads(),
                )
            except ValidationError as error:
                form.add_domain_errors(error)
            else:
                messages.success(request, _("Votre message a été envoyé au service."))
                return see_other(request.path)
        status = 400
    else:
        form = MessageForm()
    exchange = list(case.messages.order_by("created_at"))
    if request.method == "GET":
        # The helper reads for the citizen who gave the mandate.
        citizen_read_case(case=case, messages=exchange)
    return _render(
        request,
        "portal/helped_case.html",
        {
            "mandate": mandate,
            "case": case,
            "state": case.state_info,
            "answers": display_answers(version_fields(case.version), case.data),
            "exchange": exchange,
            "form": form,
        },
        status=status,
    )
