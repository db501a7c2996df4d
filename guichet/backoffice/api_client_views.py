"""API clients, for administrators: the other systems allowed to call the REST API, their
scopes and services; a new client's key is shown once, a client can be revoked."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.core.http import see_other
from guichet.organization.api_clients import MAX_RATE_LIMIT, create_api_client, revoke_api_client
from guichet.organization.models import ApiClient, Service

from .decorators import admin_required
from .designer_forms import add_errors


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du client"),
        max_length=100,
        help_text=gettext_lazy("Le logiciel qui appellera l'API, par exemple « SIG voirie »."),
    )
    can_read = forms.BooleanField(
        label=gettext_lazy("Lecture : lire les démarches, les demandes, les fiches usagers"),
        required=False,
        initial=True,
    )
    can_write = forms.BooleanField(
        label=gettext_lazy("Écriture : déposer, faire avancer, attribuer les demandes, écrire"),
        required=False,
    )
    can_push_demands = forms.BooleanField(
        label=gettext_lazy(
            "Demandes suivies ailleurs : publier dans l'espace des usagers les demandes que "
            "ce logiciel traite, et leur avancement"
        ),
        required=False,
    )
    all_services = forms.BooleanField(
        label=gettext_lazy("Tous les services de l'organisation"), required=False
    )
    services = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ou seulement les demandes de ces services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rate_limit = forms.IntegerField(
        label=gettext_lazy("Appels par minute au plus"),
        min_value=1,
        max_value=MAX_RATE_LIMIT,
        initial=120,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="apiclient_%s", **kwargs)
        self.fields["services"].queryset = Service.objects.filter(organization=organization)


def get_api_client_for_admin(request, pk) -> ApiClient:
    client = ApiClient.objects.filter(organization=request.organization, pk=pk).first()
    if client is None:
        raise Http404
    return client


@never_cache
@admin_required
@require_safe
def client_list(request):
    clients = (
        ApiClient.objects.for_organization(request.organization)
        .prefetch_related("services")
        .order_by("revoked_at", "name", "pk")
    )
    return render(
        request,
        "backoffice/api_clients/list.html",
        {"clients": clients, "nav": "settings", "docs_url": reverse("api_docs")},
    )


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_create(request):
    form = ApiClientForm(
        request.POST if request.method == "POST" else None, organization=request.organization
    )
    if form.is_bound and form.is_valid():
        try:
            client, key = create_api_client(
                organization=request.organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            # The key is shown on this answer only: it is not kept, and the page is not cached.
            return render(
                request,
                "backoffice/api_clients/created.html",
                {"client": client, "key": key, "nav": "settings", "docs_url": reverse("api_docs")},
            )
    return render(
        request,
        "backoffice/api_clients/form.html",
        {"form": form, "nav": "settings"},
        status=400 if form.is_bound else 200,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def client_revoke(request, pk):
    client = get_api_client_for_admin(request, pk)
    if request.method == "POST":
        revoke_api_client(client=client, actor=request.user)
        messages.success(
            request,
            _("Le client « %(name)s » est révoqué : sa clé est refusée.") % {"name": client},
        )
        return see_other(reverse("backoffice:api_clients"))
    return render(
        request, "backoffice/api_clients/revoke.html", {"client": client, "nav": "settings"}
    )
