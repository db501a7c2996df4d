"""Administrators read the log of the retention runs (cases.models.RetentionRun): when the
procedures' retention periods were applied, or simulated, and what each run did to their
organization's requests."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases.models import RetentionRun, RetentionRunEntry

from .decorators import admin_required
from .paging import OffsetPage

PAGE_SIZE = 50


def _summary(run) -> dict:
    """What the run did (or would do) to this organization's requests."""
    entries = run.organization_entries
    return {
        "run": run,
        "entries": entries,
        "anonymized": sum(e.count for e in entries if e.action == "anonymize"),
        "deleted": sum(e.count for e in entries if e.action == "delete"),
    }


@never_cache
@admin_required
@require_safe
def retention_runs(request):
    organization = request.organization
    with_effect = request.GET.get("effet") == "1"
    runs = RetentionRun.objects.order_by("-started_at", "-pk").prefetch_related(
        Prefetch(
            "entries",
            queryset=RetentionRunEntry.objects.filter(organization=organization),
            to_attr="organization_entries",
        )
    )
    if with_effect:
        runs = runs.filter(
            pk__in=RetentionRunEntry.objects.filter(organization=organization).values("run")
        )
    page = OffsetPage(runs, request.GET.get("page"), count=0, more=True, size=PAGE_SIZE)
    return render(
        request,
        "backoffice/retention_runs.html",
        {
            "page_obj": page,
            "rows": [_summary(run) for run in page],
            "with_effect": with_effect,
            "nav": "settings",
        },
    )
