"""The public statistics pages and the open data of the portal (no sign-in)."""

import csv
import io
from typing import NamedTuple

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from guichet.catalog.models import Procedure
from guichet.core.replica import use_replica

from . import public

OPEN_DATA_LICENCE = "Licence Ouverte 2.0 (Etalab)"
OPEN_DATA_LICENCE_ID = "etalab-2.0"
OPEN_DATA_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"


class Column(NamedTuple):
    """A column of the open data: its name, its Table Schema type, and what the schema page
    says of it."""

    name: str
    type: str
    type_label: str
    description: str
    required: bool = False


# The columns of donnees.csv, in order: the schema page and schema.json read them here.
OPEN_DATA_FIELDS = [
    Column("organisation", "string", _("texte"), _("L'identifiant de l'organisation."), True),
    Column(
        "demarche",
        "string",
        _("texte"),
        _("L'identifiant de la démarche (celui de son adresse)."),
        True,
    ),
    Column("demarche_titre", "string", _("texte"), _("Le titre de la démarche."), True),
    Column("mois", "yearmonth", _("date (AAAA-MM)"), _("Le mois, à l'heure de Paris."), True),
    Column(
        "demandes_recues", "integer", _("entier ou vide"), _("Les demandes déposées dans le mois.")
    ),
    Column(
        "demandes_cloturees",
        "integer",
        _("entier ou vide"),
        _("Les demandes dont la dernière réponse date du mois."),
    ),
    Column(
        "delai_median_jours",
        "number",
        _("décimal ou vide"),
        _(
            "Le délai médian du dépôt à la réponse, en jours (à l'heure près), des demandes "
            "clôturées dans le mois."
        ),
    ),
    Column(
        "part_dans_le_delai_pct",
        "integer",
        _("entier ou vide"),
        _(
            "La part, en pourcentage, des demandes clôturées dans le mois avant leur échéance, "
            "parmi celles qui en ont une."
        ),
    ),
]
OPEN_DATA_COLUMNS = [column.name for column in OPEN_DATA_FIELDS]


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
        {
            "licence": OPEN_DATA_LICENCE,
            "threshold": settings.GUICHET_STATS_MIN_CASES,
            "columns": OPEN_DATA_FIELDS,
        },
    )


@require_safe
def open_data_table_schema(request):
    """The same schema as a Table Schema (Frictionless Data, as schema.data.gouv.fr takes
    them), in the visitor's language: for the open-data portals that check a file against
    its schema."""
    organization = _organization(request)
    threshold = settings.GUICHET_STATS_MIN_CASES
    fields = []
    for column in OPEN_DATA_FIELDS:
        field = {
            "name": column.name,
            "type": column.type,
            "description": str(column.description),
            "constraints": {"required": column.required},
        }
        if column.type in ("integer", "number"):
            field["constraints"]["minimum"] = 0
        if column.name == "part_dans_le_delai_pct":
            field["constraints"]["maximum"] = 100
        fields.append(field)
    schema = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": f"statistiques-{organization.slug}",
        "title": str(_("Statistiques des démarches de %(organization)s"))
        % {"organization": organization.name},
        "description": str(
            _(
                "Pour chaque démarche en ligne et chacun des douze derniers mois complets : "
                "demandes reçues et clôturées, délai médian, part dans le délai. Une case vide : "
                "moins de %(threshold)s demandes, chiffre masqué."
            )
        )
        % {"threshold": threshold},
        "path": request.build_absolute_uri(reverse("statistics:open_data")),
        "homepage": request.build_absolute_uri(reverse("statistics:open_data_schema")),
        "licenses": [
            {
                "name": OPEN_DATA_LICENCE_ID,
                "title": OPEN_DATA_LICENCE,
                "path": OPEN_DATA_LICENCE_URL,
            }
        ],
        "missingValues": [""],
        "primaryKey": ["organisation", "demarche", "mois"],
        "fields": fields,
    }
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
