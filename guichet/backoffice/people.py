"""The citizen record for agents: every request of one person that the agent may see, across
procedures and channels, and a search for people by name, e-mail address or phone."""

from django import forms
from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases.models import Case
from guichet.catalog.models import ProcedureVersion

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
    condition = Q(contact_name__icontains=query) | Q(contact_email__iexact=query)
    condition |= Q(citizen__email__iexact=query)
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
        rows = list(people_by_key.values())[:PEOPLE_LIMIT]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "backoffice/people.html",
        {"form": form, "people": rows, "nav": "people", "limit": PEOPLE_LIMIT},
        status=status,
    )


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def person(request):
    """One person's requests that this agent may see (by e-mail address, or by phone)."""
    email = request.GET.get("email", "").strip()[:254]
    phone = request.GET.get("phone", "").strip()[:32]
    visible = Case.objects.visible_to(request.membership)
    if email:
        cases = visible.filter(Q(contact_email__iexact=email) | Q(citizen__email__iexact=email))
    elif phone:
        cases = visible.filter(contact_phone=phone)
    else:
        cases = visible.none()
    cases = list(
        cases.select_related("procedure", "service", "assignee")
        .annotate(message_count=Count("messages"))
        .order_by("-created_at")[:CASES_LIMIT]
    )
    versions = ProcedureVersion.objects.filter(pk__in={case.version_id for case in cases})
    workflows = {version.pk: version.get_workflow() for version in versions.only("workflow")}
    for case in cases:
        case.state_label = workflows[case.version_id].state(case.state).agent_label
    names = sorted({case.contact_name for case in cases if case.contact_name})
    phones = sorted({case.contact_phone for case in cases if case.contact_phone})
    emails = sorted({case.contact_email.lower() for case in cases if case.contact_email})
    channels = sorted({case.get_channel_display() for case in cases})
    return render(
        request,
        "backoffice/person.html",
        {
            "cases": cases,
            "email": email,
            "phone": phone,
            "names": names,
            "phones": phones,
            "emails": emails,
            "channels": channels,
            "has_account": any(case.citizen_id for case in cases),
            "limit": CASES_LIMIT,
            "nav": "people",
        },
        status=200 if cases else 404,
    )
