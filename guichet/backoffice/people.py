"""The citizen record for agents: every request of one person that the agent may see, across
procedures and channels, and a search for people by name, e-mail address or phone."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from guichet.cases.actions import merge_citizen_records
from guichet.cases.audit import log_access
from guichet.cases.external import demands_for_record, people_with_demands
from guichet.cases.models import Case
from guichet.cases.search import name_matching
from guichet.catalog.models import ProcedureVersion
from guichet.lib.phone import normalize_phone
from guichet.organization.models import Role

from .decorators import agent_required

PEOPLE_LIMIT = 50
CASES_LIMIT = 200


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, adresse e-mail ou téléphone"),
        min_length=3,
        max_length=200,
        strip=True,
        help_text=_("Trois caractères au moins."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="person_%s", **kwargs)


def _digits(text: str) -> str:
    return "".join(character for character in text if character.isdigit())


def _matching(cases, query: str):
    condition = Q(contact_email__iexact=query) | Q(citizen__email__iexact=query)
    if (by_name := name_matching(query)) is not None:
        condition |= by_name
    digits = _digits(query)
    if len(digits) >= 6:
        # Phones are stored as typed: the digits in order, whatever separates them.
        condition |= Q(contact_phone__regex=r"\D*".join(digits))
    return cases.filter(condition)


@never_cache
@agent_required
@require_safe
def people(request):
    """People found by name, e-mail or phone among the requests this agent may see: one row
    per e-mail address (or phone, for people who gave none)."""
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    rows = []
    if form.is_bound and form.is_valid():
        visible = Case.objects.visible_to(request.membership)
        found = (
            _matching(visible, form.cleaned_data["q"])
            .values("contact_email", "contact_phone")
            .annotate(count=Count("pk"), last=Max("created_at"), name=Max("contact_name"))
            .order_by("-last")[: PEOPLE_LIMIT * 3]
        )
        people_by_key = {}
        for row in found:
            key = (
                ("email", row["contact_email"].lower())
                if row["contact_email"]
                else (
                    "phone",
                    row["contact_phone"],
                )
            )
            person = people_by_key.setdefault(
                key, {"kind": key[0], "value": key[1], "name": row["name"], "count": 0}
            )
            person["count"] += row["count"]
        # People whose only requests here are handled by other systems (cases/external.py).
        for row in people_with_demands(request.membership, form.cleaned_data["q"]):
            person = people_by_key.setdefault(("email", row["value"]), {**row, "count": 0})
            person["name"] = person["name"] or row["name"]
            person["count"] += row["count"]
        rows = list(people_by_key.values())[:PEOPLE_LIMIT]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "backoffice/people.html",
        {"form": form, "people": rows, "nav": "people", "limit": PEOPLE_LIMIT},
        status=status,
    )


class MergeForm(forms.Form):
    other = forms.CharField(
        label=_("Adresse e-mail ou téléphone de l'autre fiche"),
        max_length=254,
        help_text=_(
            "Ses demandes prendront les coordonnées de cette fiche-ci, et son compte usager "
            "s'il en a un. Chaque demande garde la trace de l'opération."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="merge_%s", **kwargs)

    def clean_other(self):
        value = self.cleaned_data["other"].strip()
        if "@" in value:
            return ("email", value.lower())
        phone = normalize_phone(value)
        if phone is None:
            raise forms.ValidationError(
                _("Saisissez une adresse e-mail ou un numéro de téléphone.")
            )
        return ("phone", phone)


def _record_key(request) -> tuple[str, str] | None:
    data = request.POST if request.method == "POST" else request.GET
    email = data.get("email", "").strip()[:254]
    phone = data.get("phone", "").strip()[:32]
    if email:
        return ("email", email)
    if phone:
        return ("phone", phone)
    return None


def _render_person(request, key, *, merge_form=None, status=None):
    visible = Case.objects.visible_to(request.membership)
    if key is None:
        cases = visible.none()
    elif key[0] == "email":
        cases = visible.filter(Q(contact_email__iexact=key[1]) | Q(citizen__email__iexact=key[1]))
    else:
        cases = visible.filter(contact_phone=key[1])
    cases = list(
        cases.select_related("procedure", "service", "assignee")
        .annotate(message_count=Count("messages"))
        .order_by("-created_at")[:CASES_LIMIT]
    )
    versions = ProcedureVersion.objects.filter(pk__in={case.version_id for case in cases})
    workflows = {
        version.pk: version.get_workflow() for version in versions.only("workflow", "translations")
    }
    for case in cases:
        case.state_label = workflows[case.version_id].state(case.state).agent_label
    # What other systems handle for the account with this address (cases/external.py).
    demands = demands_for_record(request.membership, key[1]) if key and key[0] == "email" else []
    names = {case.contact_name for case in cases if case.contact_name}
    names |= {d.citizen.get_full_name() for d in demands[:1] if d.citizen.get_full_name()}
    names = sorted(names)
    phones = sorted({case.contact_phone for case in cases if case.contact_phone})
    emails = {case.contact_email.lower() for case in cases if case.contact_email}
    emails = sorted(emails | {d.citizen.email.lower() for d in demands[:1]})
    channels = sorted({case.get_channel_display() for case in cases})
    is_admin = request.membership.role == Role.ADMINISTRATOR
    return render(
        request,
        "backoffice/person.html",
        {
            "cases": cases,
            "email": key[1] if key and key[0] == "email" else "",
            "phone": key[1] if key and key[0] == "phone" else "",
            "names": names,
            "phones": phones,
            "emails": emails,
            "channels": channels,
            "has_account": bool(demands) or any(case.citizen_id for case in cases),
            "external_demands": demands,
            "limit": CASES_LIMIT,
            "nav": "people",
            "merge_form": (merge_form or MergeForm()) if is_admin and cases else None,
        },
        status=status or (200 if cases or demands else 404),
    )


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def person(request):
    """One person's requests that this agent may see (by e-mail address, or by phone)."""
    key = _record_key(request)
    response = _render_person(request, key)
    if key is not None and response.status_code == 200:
        log_access(
            user=request.user,
            organization=request.organization,
            kind="person",
            detail=f"{key[0]} {key[1]}",
        )
    return response


@never_cache
@agent_required(hide_from_outsiders=True)
@require_POST
def person_merge(request):
    """An administrator merges another record of the same person into this one."""
    if request.membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    key = _record_key(request)
    if key is None:
        raise Http404
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            moved = merge_citizen_records(
                organization=request.organization,
                source=form.cleaned_data["other"],
                target=key,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("other", error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d demande rattachée à cette fiche.",
                    "%(count)d demandes rattachées à cette fiche.",
                    moved,
                )
                % {"count": moved},
            )
            return redirect(f"{reverse('backoffice:person')}?{urlencode({key[0]: key[1]})}")
    return _render_person(request, key, merge_form=form, status=400)
