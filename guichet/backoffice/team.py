"""The team's workload, for supervisors and administrators: each agent's open cases (to
handle, waiting for the citizen, due soon, overdue), the cases nobody holds, and the
reassignment of an agent's open cases to another (an absence, a departure).

One aggregate query counts every agent's cases, whatever their number; each figure links to
the inbox filtered on it, where the cases can be reassigned one by one or in bulk.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from guichet.cases import actions
from guichet.cases.models import Case, at_risk_q, overdue_q
from guichet.catalog.workflow import Category
from guichet.core.http import see_other

from .decorators import supervisor_required
from .forms import ReassignForm, TeamFilterForm, agents_of

# The most cases one reassignment moves (each in its own transaction); the rest on a new try.
REASSIGN_LIMIT = 500


def workload(cases, now=None) -> dict:
    """Open cases counted by assignee (None: nobody): to handle, waiting, due soon, overdue."""
    now = now or timezone.now()
    rows = (
        cases.open()
        .order_by()
        .values("assignee")
        .annotate(
            todo=Count("pk", filter=Q(category__in=[Category.NEW, Category.OPEN])),
            waiting=Count("pk", filter=Q(category=Category.WAITING)),
            at_risk=Count("pk", filter=at_risk_q(now)),
            overdue=Count("pk", filter=overdue_q(now)),
            total=Count("pk"),
        )
    )
    return {row.pop("assignee"): row for row in rows}


@never_cache
@supervisor_required
@require_safe
def team(request):
    form = TeamFilterForm(request.GET, membership=request.membership)
    cases = Case.objects.visible_to(request.membership)
    service = form.cleaned_data.get("service") if form.is_valid() else None
    if service is not None:
        cases = cases.filter(service=service)
    counts = workload(cases)
    empty = {"todo": 0, "waiting": 0, "at_risk": 0, "overdue": 0, "total": 0}
    agents = list(agents_of(request.membership).filter(is_active=True).distinct())
    known = {agent.pk for agent in agents}
    # Cases still held by someone no longer in the team (a departure): shown too.
    former = get_user_model().objects.in_bulk(
        [pk for pk in counts if pk is not None and pk not in known]
    )
    people = [*agents, *former.values()]
    rows = [
        {"agent": person, "former": person.pk not in known, **counts.get(person.pk, empty)}
        for person in people
    ]
    rows.sort(key=lambda row: (-row["total"], str(row["agent"])))
    return render(
        request,
        "backoffice/team.html",
        {
            "form": form,
            "service": service,
            "rows": rows,
            "nobody": counts.get(None, empty),
            "reassign_form": ReassignForm(membership=request.membership),
            "nav": "team",
        },
    )


@supervisor_required
@require_POST
def team_reassign(request):
    """Gives every open case of one agent (in what this member sees) to another, or to
    nobody; each case through assign_case, the refused ones reported."""
    form = ReassignForm(request.POST, membership=request.membership)
    back = reverse("backoffice:team")
    if not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Rien n'a été réattribué : %(errors)s") % {"errors": errors})
        return see_other(back)
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    cases = (
        Case.objects.visible_to(request.membership)
        .open()
        .filter(assignee=source)
        .order_by("due_at", "pk")
    )
    if form.cleaned_data["service"] is not None:
        cases = cases.filter(service=form.cleaned_data["service"])
    selected = list(cases[: REASSIGN_LIMIT + 1])
    done, refused = 0, []
    for case in selected[:REASSIGN_LIMIT]:
        try:
            actions.assign_case(case=case, assignee=target, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            refused.append(f"{case.reference} : {' '.join(getattr(error, 'messages', []))}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)s demande réattribuée.", "%(count)s demandes réattribuées.", done)
            % {"count": done},
        )
    if refused:
        messages.error(
            request, _("Non réattribuées : %(reasons)s.") % {"reasons": " ; ".join(refused)}
        )
    if len(selected) > REASSIGN_LIMIT:
        messages.warning(
            request,
            _("Il en reste : recommencez pour réattribuer les %(limit)s suivantes.")
            % {"limit": REASSIGN_LIMIT},
        )
    if not selected:
        messages.info(request, _("Cet agent n'a aucune demande ouverte à réattribuer."))
    return see_other(back)
