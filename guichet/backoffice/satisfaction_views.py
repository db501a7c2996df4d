"""Satisfaction results, for supervisors (their services) and administrators (all): count,
average and distribution of the ratings by procedure and by service, and the latest
comments (guichet/cases/satisfaction.py). A service or procedure outside what the member
sees, or of another organization, answers 404."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases import satisfaction
from guichet.catalog.models import Procedure
from guichet.organization.models import Service

from .decorators import supervisor_required


def _visible_services(membership):
    services = Service.objects.filter(organization_id=membership.organization_id)
    if not membership.sees_all_services:
        services = services.filter(memberships=membership)
    return services.order_by("name")


def _chosen(queryset, value):
    """The object of the query string's id among `queryset`; 404 if not there."""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    found = queryset.filter(pk=int(value)).first()
    if found is None:
        raise Http404
    return found


@never_cache
@supervisor_required
@require_safe
def satisfaction_results(request):
    membership = request.membership
    services = _visible_services(membership)
    service = _chosen(services, request.GET.get("service", ""))
    procedures = Procedure.objects.filter(organization_id=membership.organization_id)
    if not membership.sees_all_services:
        procedures = procedures.filter(cases__service__in=services).distinct()
    procedure = _chosen(procedures, request.GET.get("procedure", ""))
    scope = [service] if service else (None if membership.sees_all_services else services)
    surveys = satisfaction.answered(membership.organization_id, scope)
    if procedure is not None:
        surveys = surveys.filter(case__procedure=procedure)
    by_procedure = satisfaction.results_by_procedure(surveys)
    return render(
        request,
        "backoffice/satisfaction.html",
        {
            "nav": "satisfaction",
            "services": services,
            "service": service,
            "procedure": procedure,
            "by_procedure": by_procedure,
            "by_service": satisfaction.results_by_service(surveys),
            "comments": satisfaction.latest_comments(surveys),
            "ratings": satisfaction.RATINGS,
        },
    )
