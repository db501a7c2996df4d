"""Services and agents, for administrators: services (name, contact, opening hours, zone),
agents invited by e-mail, their roles and services, their deactivation (with their open
cases listed for reassignment), their last login; the journal of these changes. The page
an invited agent opens to choose their password is here too (public, by its signed link)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.accounts.invitations import invitation_tokens, send_invitation, user_from_uid
from guichet.cases.models import Case
from guichet.core.http import see_other
from guichet.organization import agents
from guichet.organization.models import AdminLogEntry, Membership, Role, Service

from .decorators import admin_required
from .designer_forms import add_errors
from .forms import ReassignForm
from .paging import OffsetPage
from .translation_fields import add_english_fields, english_initial, english_values, side_by_side

OPEN_CASES_SHOWN = 50
LOG_PAGE_SIZE = 100


# The service's texts that citizens read, with an English beside the French.
SERVICE_TRANSLATED = ("name", "address", "opening_hours")


class ServiceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Téléphone"), max_length=32, required=False)
    address = forms.CharField(
        label=gettext_lazy("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opening_hours = forms.CharField(
        label=gettext_lazy("Horaires d'ouverture"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Par exemple : du lundi au vendredi, 8h30-12h et 13h30-17h."),
    )
    area = forms.CharField(
        label=gettext_lazy("Secteur (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Le territoire du service : un Polygon ou MultiPolygon GeoJSON, collé ici ou importé "
            "ci-dessous. Vide : aucun secteur."
        ),
    )
    area_file = forms.FileField(
        label=gettext_lazy("Importer un fichier GeoJSON"),
        required=False,
        help_text=gettext_lazy("Remplace le secteur ci-dessus."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="service_%s", **kwargs)
        add_english_fields(self, SERVICE_TRANSLATED)

    def translated_pairs(self):
        return side_by_side(self, SERVICE_TRANSLATED)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("area_file")
        text = cleaned.get("area") or ""
        if upload:
            try:
                text = upload.read(1_000_000).decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("area_file", _("Ce fichier n'est pas un texte GeoJSON."))
                return cleaned
        text = text.strip()
        if not text:
            cleaned["area_value"] = None
            return cleaned
        try:
            value = json.loads(text)
        except ValueError:
            self.add_error(
                "area_file" if upload else "area", _("Ce secteur n'est pas du GeoJSON lisible.")
            )
            return cleaned
        # A FeatureCollection or Feature of one polygon, as GIS tools export them.
        if isinstance(value, dict) and value.get("type") == "FeatureCollection":
            features = value.get("features") or []
            value = features[0] if len(features) == 1 else value
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        cleaned["area_value"] = value
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "address": data["address"],
            "opening_hours": data["opening_hours"],
            "area": data.get("area_value"),
            "translations": english_values(data, SERVICE_TRANSLATED),
        }


def _services_of(organization):
    return Service.objects.filter(organization=organization)


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=Role.choices)
    services = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Les agents et superviseurs voient les demandes de leurs services ; les "
            "administrateurs voient toutes les demandes."
        ),
    )

    def __init__(self, *args, organization, prefix_id="member", **kwargs):
        super().__init__(*args, auto_id=prefix_id + "_%s", **kwargs)
        self.fields["services"].queryset = _services_of(organization)


class InviteForm(MemberForm):
    email = forms.EmailField(label=gettext_lazy("Adresse e-mail professionnelle"))
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)
    field_order = ["email", "first_name", "last_name", "role", "services"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, prefix_id="invite", **kwargs)


def get_service_for_admin(request, pk) -> Service:
    service = _services_of(request.organization).filter(pk=pk).first()
    if service is None:
        raise Http404
    return service


def get_member_for_admin(request, pk) -> Membership:
    membership = (
        Membership.objects.filter(organization=request.organization, pk=pk)
        .select_related("user", "organization")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


# --- Services -------------------------------------------------------------------------------


@never_cache
@admin_required
@require_safe
def service_list(request):
    services = _services_of(request.organization).annotate(
        members=Count("memberships", filter=Q(memberships__is_active=True))
    )
    return render(
        request, "backoffice/services/list.html", {"services": services, "nav": "settings"}
    )


def _service_page(request, form, service, status=200):
    return render(
        request,
        "backoffice/services/form.html",
        {"form": form, "service": service, "nav": "settings"},
        status=status,
    )


def _service_post(request, service):
    form = ServiceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = agents.save_service(
                organization=request.organization,
                actor=request.user,
                service=service,
                **form.values(),
            )
        except ValidationError as error:
            add_errors(form, error, "area")
        else:
            if service is None:
                messages.success(request, _("Le service « %(name)s » est créé.") % {"name": saved})
            else:
                messages.success(request, _("Le service est enregistré."))
            return see_other(reverse("backoffice:service", args=[saved.pk]))
    return _service_page(request, form, service, status=400)


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def service_create(request):
    if request.method == "POST":
        return _service_post(request, None)
    return _service_page(request, ServiceForm(), None)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def service_edit(request, pk):
    service = get_service_for_admin(request, pk)
    if request.method == "POST":
        return _service_post(request, service)
    initial = {
        name: getattr(service, name)
        for name in ("name", "email", "phone", "address", "opening_hours")
    }
    initial["area"] = json.dumps(service.area, ensure_ascii=False) if service.area else ""
    initial.update(english_initial(service, SERVICE_TRANSLATED))
    return _service_page(request, ServiceForm(initial=initial), service)


# --- Agents ---------------------------------------------------------------------------------


@never_cache
@admin_required
@require_safe
def agent_list(request):
    members = (
        Membership.objects.filter(organization=request.organization)
        .select_related("user")
        .prefetch_related("services")
        .order_by("-is_active", "user__last_name", "user__first_name", "user__email")
    )
    return render(
        request,
        "backoffice/agents/list.html",
        {"members": members, "nav": "settings"},
    )


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def agent_invite(request):
    form = InviteForm(request.POST or None, organization=request.organization)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = agents.invite_agent(
                    organization=request.organization,
                    actor=request.user,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    services=data["services"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                send_invitation(membership=membership, inviter=request.user)
                messages.success(
                    request,
                    _("L'invitation est envoyée à %(email)s.") % {"email": membership.user.email},
                )
                return see_other(reverse("backoffice:agent", args=[membership.pk]))
        return render(
            request, "backoffice/agents/invite.html", {"form": form, "nav": "settings"}, status=400
        )
    return render(request, "backoffice/agents/invite.html", {"form": form, "nav": "settings"})


def _agent_page(request, membership, form=None, status=200):
    user = membership.user
    open_cases = (
        Case.objects.filter(organization=request.organization, assignee=user)
        .open()
        .select_related("service")
        .order_by("due_at", "pk")
    )
    shown = list(open_cases[: OPEN_CASES_SHOWN + 1])
    form = form or MemberForm(
        organization=request.organization,
        initial={
            "role": membership.role,
            "services": [service.pk for service in membership.services.all()],
        },
    )
    reassign = None
    if shown:
        reassign = ReassignForm(membership=request.membership, initial={"source": user.pk})
    return render(
        request,
        "backoffice/agents/detail.html",
        {
            "member": membership,
            "form": form,
            "open_cases": shown[:OPEN_CASES_SHOWN],
            "more_cases": len(shown) > OPEN_CASES_SHOWN,
            "reassign_form": reassign,
            "never_logged_in": user.last_login is None,
            "nav": "settings",
        },
        status=status,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def agent_edit(request, pk):
    membership = get_member_for_admin(request, pk)
    if request.method != "POST":
        return _agent_page(request, membership)
    form = MemberForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            agents.update_member(
                membership=membership,
                actor=request.user,
                role=form.cleaned_data["role"],
                services=form.cleaned_data["services"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Le rôle et les services sont enregistrés."))
            return see_other(reverse("backoffice:agent", args=[membership.pk]))
    return _agent_page(request, membership, form=form, status=400)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def agent_deactivate(request, pk):
    membership = get_member_for_admin(request, pk)
    try:
        agents.deactivate_member(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return see_other(reverse("backoffice:agent", args=[membership.pk]))
    messages.success(
        request,
        _("%(name)s ne peut plus se connecter à l'espace agents.") % {"name": membership.user},
    )
    return see_other(reverse("backoffice:agent", args=[membership.pk]) + "#open-cases")


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def agent_reactivate(request, pk):
    membership = get_member_for_admin(request, pk)
    agents.reactivate_member(membership=membership, actor=request.user)
    messages.success(request, _("%(name)s a de nouveau accès.") % {"name": membership.user})
    return see_other(reverse("backoffice:agent", args=[membership.pk]))


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def agent_reinvite(request, pk):
    membership = get_member_for_admin(request, pk)
    if membership.user.has_usable_password() or not membership.is_active:
        messages.error(request, _("Cet agent a déjà choisi son mot de passe."))
    else:
        agents.mark_invited_again(membership=membership, actor=request.user)
        send_invitation(membership=membership, inviter=request.user)
        messages.success(
            request, _("L'invitation est envoyée à %(email)s.") % {"email": membership.user.email}
        )
    return see_other(reverse("backoffice:agent", args=[membership.pk]))


@never_cache
@admin_required
@require_safe
def admin_log(request):
    entries = AdminLogEntry.objects.filter(organization=request.organization).select_related(
        "actor"
    )
    page = OffsetPage(entries, request.GET.get("page"), count=0, more=True, size=LOG_PAGE_SIZE)
    return render(request, "backoffice/agents/log.html", {"page_obj": page, "nav": "settings"})


# --- The invited agent's first visit ---------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, uidb64, token):
    """The invitation's link: the agent chooses a password, is logged in and lands in the
    inbox (the back office asks for the second factor first where it is required). A link
    that expired or was used gets a 410 and says whom to ask."""
    user = user_from_uid(uidb64)
    organization = getattr(request, "organization", None)
    valid = (
        user is not None
        and user.is_active
        and organization is not None
        and Membership.objects.filter(user=user, organization=organization, is_active=True).exists()
        and invitation_tokens.check_token(user, token)
    )
    if not valid:
        return render(request, "backoffice/agents/invitation_invalid.html", status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Votre mot de passe est enregistré. Bienvenue !"))
            return see_other(reverse("backoffice:inbox"))
        status = 400
    else:
        status = 200
    return render(
        request, "backoffice/agents/invitation.html", {"form": form, "user": user}, status=status
    )
