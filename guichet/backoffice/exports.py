"""Exports of the inbox's current view (its tab, search and filters) to CSV and to Excel.

Both run in constant memory whatever the number of cases: rows are read from the database
in chunks (`iterator`), the CSV is streamed to the client as it is written, and the Excel
workbook is written row by row (openpyxl's write-only mode) into a temporary file sent once
complete. Cells that a spreadsheet would read as a formula get a leading apostrophe.

The same writers (`csv_lines`, `write_xlsx`) serve the direct downloads below and the large
exports the worker prepares in the background (tasks.run_export).
"""

import csv
import datetime
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases.audit import log_access
from guichet.cases.models import Case
from guichet.catalog.models import ProcedureVersion
from guichet.core.replica import read_from_replica, use_replica
from guichet.lib.phone import format_phone

from .decorators import agent_required
from .forms import InboxFilterForm

CHUNK = 2000
XLSX_DATETIME = "dd/mm/yyyy hh:mm"
XLSX_DATE = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "reference",
    "procedure__title",
    "contact_name",
    "contact_email",
    "contact_phone",
    "version_id",
    "state",
    "service__name",
    "assignee__first_name",
    "assignee__last_name",
    "channel",
    "created_at",
    "due_at",
    "closed_at",
    "address",
)


def headers() -> list[str]:
    return [
        _("Référence"),
        _("Démarche"),
        _("Demandeur"),
        _("E-mail"),
        _("Téléphone"),
        _("État"),
        _("Service"),
        _("Agent en charge"),
        _("Canal"),
        _("Déposée le"),
        _("Échéance"),
        _("Clôturée le"),
        _("Adresse"),
    ]


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment, zone):
    """`moment` as the organization's clock (`zone`) reads it, naive (spreadsheets know no
    time zone) and to the second: a deadline at 23:59:59.999999 would otherwise round to the
    next day in Excel."""
    if not moment:
        return None
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def export_rows(cases):
    """The rows of `cases`, one list per case, read in chunks: constant memory."""
    labels = {}  # (version, state) -> label, each workflow read once
    zone = timezone.get_current_timezone()
    # Translated once per export, not once per row.
    channels = {key: str(label) for key, label in Case._meta.get_field("channel").choices}
    for row in cases.values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        (reference, procedure, name, email, phone, version_id, state, service) = row[:8]
        first, last, channel, created, due, closed, address = row[8:]
        key = (version_id, state)
        if key not in labels:
            version = ProcedureVersion.objects.only("workflow", "translations").get(pk=version_id)
            labels[key] = str(version.get_workflow().state(state).agent_label)
        yield [
            _safe(value)
            for value in (
                reference,
                procedure,
                name,
                email,
                format_phone(phone) if phone else "",
                labels[key],
                service,
                " ".join(part for part in (first, last) if part),  # unassigned: empty
                channels.get(channel, channel),
                _local(created, zone),
                _local(due, zone),
                _local(closed, zone),
                address,
            )
        ]


def exported_cases(data, *, membership, user):
    """The cases of the inbox's view that `data` (a query string's values) describes, as
    `membership` sees them now; and the filter form, whose query_string() names the view."""
    form = InboxFilterForm(data, membership=membership)
    return form.filter(Case.objects.visible_to(membership), user=user), form


def _cases(request):
    cases, form = exported_cases(request.GET, membership=request.membership, user=request.user)
    log_access(
        user=request.user,
        organization=request.organization,
        kind="export",
        detail=form.query_string() or "tab=todo",
    )
    return cases


def export_filename(extension: str) -> str:
    return f"demandes-{timezone.localdate():%Y-%m-%d}.{extension}"


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    """The CSV file of `rows` (export_rows), line by line, as text."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # a BOM, so that spreadsheets read the file as UTF-8
    yield writer.writerow(headers())
    for row in rows:
        yield writer.writerow(
            [v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime.datetime) else v for v in row]
        )


def write_xlsx(rows, output) -> None:
    """Writes the workbook of `rows` (export_rows) into the binary file `output`, row by
    row (XlsxWriter's constant-memory mode: each row leaves memory once written; twice the
    speed of openpyxl's write-only mode)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            # Text stays text: no formula, link or number guessed from what a citizen typed.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": XLSX_DATE,
        },
    )
    sheet = workbook.add_worksheet(_("Demandes"))
    # Shown as French users read dates, whatever the spreadsheet's own locale.
    moment = workbook.add_format({"num_format": XLSX_DATETIME})
    day = workbook.add_format({"num_format": XLSX_DATE})
    sheet.write_row(0, 0, headers())
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(number, column, value, moment)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(number, column, value, day)
            elif isinstance(value, str):
                sheet.write_string(number, column, value)
            else:
                sheet.write(number, column, value)
    workbook.close()


def csv_response(cases):
    """The CSV file of `cases`, streamed as it is written."""
    # Streamed after the view returns: each row is read from the replica when there is one.
    response = StreamingHttpResponse(
        read_from_replica(csv_lines(export_rows(cases))), content_type=CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


def xlsx_response(cases):
    """The Excel file of `cases`, written row by row to a temporary file, then sent."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    with use_replica():
        write_xlsx(export_rows(cases), output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=export_filename("xlsx"),
        content_type=CONTENT_TYPES["xlsx"],
    )


@never_cache
@agent_required
@require_safe
def export_csv(request):
    return csv_response(_cases(request))


@never_cache
@agent_required
@require_safe
def export_xlsx(request):
    return xlsx_response(_cases(request))
