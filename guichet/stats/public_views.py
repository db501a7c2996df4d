"""The public statistics pages and the open data of the portal (no sign-in)."""

import csv
import io

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from guichet.catalog.models import Procedure
from guichet.core.replica import use_replica

from . import public

OPEN_DATA_LICENCE = "Licence Ouverte 2.0 (Etalab)"
OPEN_DATA_COLUMNS = [
    "organisation",
    "demarche",
    "demarche_titre",
    "mois",
    "demandes_recues",
    "demandes_cloturees",
    "delai_median_jours",
    "part_dans_le_delai_pct",
]


def _organization(request):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    return organization


def _procedures(organization):
    return list(Procedure.objects.for_organization(organization).published().order_by("title"))


@require_safe
@use_replica()
def organization_stats(request):
    organization = _organization(request)
    procedures = _procedures(organization)
    today = timezone.localdate()
    figures = public.monthly(organization, [p.pk for p in procedures], today)
    rows = [
        (procedure, public.year_total(figures[procedure.pk], organization, procedure.pk, today))
        for procedure in procedures
    ]
    return render(
        request,
        "stats/public_organization.html",
        {
            "months": figures[None],
            "total": public.year_total(figures[None], organization, None, today),
            "procedures": rows,
            "threshold": settings.GUICHET_STATS_MIN_CASES,
        },
    )


@require_safe
@use_replica()
def procedure_stats(request, slug):
    organization = _organization(request)
    procedure = get_object_or_404(
        Procedure.objects.for_organization(organization).published(), slug=slug
    )
    today = timezone.localdate()
    months = public.monthly(organization, [procedure.pk], today)[procedure.pk]
    return render(
        request,
        "stats/public_procedure.html",
        {
            "procedure": procedure,
            "months": months,
            "total": public.year_total(months, organization, procedure.pk, today),
            "threshold": settings.GUICHET_STATS_MIN_CASES,
        },
    )


def _cell(value):
    return "" if value is None else value


@require_safe
@use_replica()
def open_data(request):
    """The public figures, one row per published procedure and month (schema: `schema`)."""
    organization = _organization(request)
    procedures = _procedures(organization)
    figures = public.monthly(organization, [p.pk for p in procedures], timezone.localdate())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OPEN_DATA_COLUMNS)
    for procedure in procedures:
        for month in figures[procedure.pk]:
            writer.writerow(
                [
                    organization.slug,
                    procedure.slug,
                    procedure.title,
                    f"{month.month:%Y-%m}",
                    _cell(month.received),
                    _cell(month.closed),
                    _cell(month.median_days),
                    _cell(month.on_time_percent),
                ]
            )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="statistiques-{organization.slug}.csv"'
    return response


@require_safe
def open_data_schema(request):
    _organization(request)
    return render(
        request,
        "stats/open_data_schema.html",
        {"licence": OPEN_DATA_LICENCE, "threshold": settings.GUICHET_STATS_MIN_CASES},
    )
