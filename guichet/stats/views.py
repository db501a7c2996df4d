"""The steering dashboards of the back office: supervisors see their services, administrators
the whole organization. Every figure is read from the aggregates (figures.py)."""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.accounts.agent_access import supervisor_required
from guichet.core.replica import use_replica

from . import board, charts, figures, report
from .forms import DashboardFilterForm, ReportForm


def steering_required(view):
    """Supervisors and administrators of request.organization: anonymous visitors to the
    login page, outsiders and agents 403 (the back office's supervisor_required)."""
    return supervisor_required(view)


def _form(request):
    form = DashboardFilterForm(request.GET or None, membership=request.membership)
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = DashboardFilterForm({}, membership=request.membership)
        form.is_valid()
    return form, form.cleaned_data


def _render_dashboard(request, form, data, report_form=None, status=200):
    report_form = report_form or ReportForm(initial={"month": f"{timezone.localdate():%Y-%m}"})
    context = {"form": form, "nav": "stats", "report_form": report_form}
    if data is None:
        return render(request, "stats/dashboard.html", context, status=400)
    scope = board.scope_for(request.membership, data)
    period = figures.Period(data["start"], data["end"])
    # The satisfaction answers of both periods, read once for the figures and the table.
    per_day = board.satisfaction_days(scope, period, period.previous())
    found = board.tables(request.membership, data, per_day)
    title, _headers, received = found["received"]
    context.update(
        period=period,
        previous=period.previous(),
        summary_rows=board.summary_rows(scope, period, period.previous(), per_day),
        overdue=board.overdue_count(request.membership, scope),
        backlog=sum(n for _label, n in found["backlog"][2]),
        chart=charts.bar_chart(title, [(row[0], row[1]) for row in received]),
        tables=found,
        query=request.GET.urlencode(),
        # The report carries the dashboard's filters but its period, which is the month.
        report_filters=[
            (name, value)
            for name, value in request.GET.items()
            if name in ("procedure", "service", "channel", "area") and value
        ],
    )
    return render(request, "stats/dashboard.html", context, status=status)


@never_cache
@steering_required
@require_safe
@use_replica()
def dashboard(request):
    form, data = _form(request)
    return _render_dashboard(request, form, data)


@never_cache
@steering_required
@require_safe
@use_replica()
def monthly_report(request):
    """The monthly report (PDF) of the month asked, with the dashboard's other filters."""
    form, data = _form(request)
    report_form = ReportForm(request.GET)
    if data is None or not report_form.is_valid():
        return _render_dashboard(request, form, data, report_form, status=400)
    name, content = report.monthly_report(
        request.membership, data, report_form.cleaned_data["month"]
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@steering_required
@require_safe
@use_replica()
def dashboard_data(request, table, fmt):
    """One of the dashboard's tables as CSV or XLSX, for the same filters."""
    form, data = _form(request)
    if data is None:
        return HttpResponse(_("Filtres invalides."), status=400, content_type="text/plain")
    found = board.tables(request.membership, data)
    if table not in found or fmt not in ("csv", "xlsx"):
        raise Http404
    _title, headers, rows = found[table]
    name = f"statistiques-{table}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(table)
        sheet.append(headers)
        for row in rows:
            sheet.append(list(row))
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
