"""The register of processing activities (GDPR article 30), for administrators and their
data protection officer: a page, a spreadsheet and a CSV file (backoffice/register.py)."""

import csv
import io
import tempfile

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .decorators import admin_required
from .exports import _safe
from .register import (
    field_headers,
    field_rows,
    procedure_entries,
    processor_headers,
    processor_rows,
    processors,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(extension: str) -> str:
    return f"registre-traitements-{timezone.localdate():%Y-%m-%d}.{extension}"


@never_cache
@admin_required
@require_safe
def register(request):
    organization = request.organization
    return render(
        request,
        "backoffice/register.html",
        {
            "entries": procedure_entries(organization),
            "processors": processors(organization),
            "nav": "settings",
        },
    )


@never_cache
@admin_required
@require_safe
def register_xlsx(request):
    from openpyxl import Workbook

    organization = request.organization
    entries = procedure_entries(organization)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Données par démarche"))
    sheet.append(field_headers())
    for row in field_rows(entries):
        sheet.append([_safe(value) for value in row])
    sheet = workbook.create_sheet(_("Sous-traitants"))
    sheet.append(processor_headers())
    for row in processor_rows(processors(organization)):
        sheet.append([_safe(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX)


@never_cache
@admin_required
@require_safe
def register_csv(request):
    """One file: the data of every procedure, a blank line, then the processors."""
    organization = request.organization
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so that spreadsheets read the file as UTF-8
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(field_headers())
    writer.writerows(
        [_safe(value) for value in row] for row in field_rows(procedure_entries(organization))
    )
    writer.writerow([])
    writer.writerow(processor_headers())
    writer.writerows(
        [_safe(value) for value in row] for row in processor_rows(processors(organization))
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response
