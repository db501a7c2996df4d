"""The monthly report for elected officials: one calendar month beside the one before, as a
PDF/A document (tagged, under the organization's letterhead) made of tables, so that every
figure reads aloud with its row and column, and of bar charts that say themselves in words.
The figures are the dashboard's (board.py) for the same filters: the dashboard set on the
month shows the same numbers."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from guichet.cases.models import Channel
from guichet.cases.templating import letterhead
from guichet.lib.pdf import Chart, Letter, Section, Table, render_pdf
from guichet.organization.models import Service

from . import board, figures


def month_period(first: datetime.date) -> figures.Period:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return figures.Period(first, following - datetime.timedelta(days=1))


def previous_month(first: datetime.date) -> figures.Period:
    return month_period((first - datetime.timedelta(days=1)).replace(day=1))


def cell(value) -> str:
    """A figure as the dashboard writes it (French decimals), a dash for none."""
    if value is None:
        return "–"
    return formats.number_format(value, use_l10n=True)


def _month_name(period: figures.Period) -> str:
    return formats.date_format(period.start, "F Y")


def _compared(title, name_header, now: dict, before: dict, headers) -> Table:
    names = sorted(now.keys() | before.keys(), key=lambda name: (-now.get(name, 0), name))
    rows = [[name, cell(now.get(name, 0)), cell(before.get(name, 0))] for name in names]
    return Table(title, [name_header, *headers], rows or [[_("Aucune demande."), "0", "0"]])


CHART_BARS = 10  # the largest ones; the table beside lists them all


def _chart(title, counts: dict) -> Chart:
    """The month's counts as bars, the largest first (at most CHART_BARS)."""
    largest = sorted(counts.items(), key=lambda row: (-row[1], row[0]))[:CHART_BARS]
    return Chart(title, [(name, value, cell(value)) for name, value in largest])


def _filters(membership, data) -> list[str]:
    """The filters the report was made with, said in words."""
    said = []
    for key in ("procedure", "service"):
        if data.get(key):
            said.append(str(data[key]))
    if data.get("channel"):
        said.append(str(dict(Channel.choices).get(data["channel"], data["channel"])))
    if data.get("area"):
        area = data["area"]
        if area == board.AREA_NONE:
            said.append(_("hors secteur"))
        else:
            name = Service.objects.filter(pk=area).values_list("name", flat=True).first()
            said.append(_("secteur %(name)s") % {"name": name or area})
    scope = _("toute l'organisation") if membership.sees_all_services else _("vos services")
    line = _("Périmètre : %(scope)s") % {"scope": scope}
    if said:
        line += " — " + ", ".join(said)
    return [line]


def monthly_report(membership, data, month: datetime.date, *, at=None) -> tuple[str, bytes]:
    """The report of `month` (its first day) for `membership` and the dashboard's filters
    `data`: (file name, PDF bytes)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    period, previous = month_period(month), previous_month(month)
    scope = board.scope_for(membership, data)
    organization = membership.organization
    headers = [_month_name(period).capitalize(), _month_name(previous).capitalize()]
    title = _("Rapport mensuel des demandes : %(month)s") % {"month": _month_name(period)}
    key_figures = Table(
        _("Chiffres clés"),
        [_("Indicateur"), *headers],
        [
            [str(label), cell(now), cell(before)]
            for label, now, before in board.summary_rows(scope, period, previous)
        ],
    )
    sections = [
        Section(
            _("Chiffres du mois"),
            [
                _(
                    "Les jours sont ceux de l'heure de Paris ; une demande rouverte compte à sa "
                    "dernière clôture. Les délais vont du dépôt à la clôture des demandes "
                    "clôturées dans le mois."
                )
            ],
            [key_figures],
        )
    ]
    breakdowns, charts = [], []
    for by, table_title, name_header in (
        ("procedure", _("Demandes reçues par démarche"), _("Démarche")),
        ("service", _("Demandes reçues par service"), _("Service")),
        ("channel", _("Demandes reçues par canal"), _("Canal")),
        ("area_id", _("Demandes reçues par secteur"), _("Secteur")),
    ):
        now = board.received_by(scope, period, by)
        before = board.received_by(scope, previous, by)
        breakdowns.append(_compared(table_title, name_header, now, before, headers))
        if by in ("procedure", "channel") and now:
            charts.append(
                _chart(
                    _("%(title)s, %(month)s")
                    % {"title": table_title, "month": _month_name(period)},
                    now,
                )
            )
    sections.append(Section(_("Demandes reçues"), [], breakdowns, charts))
    situation = board.backlog_tables(scope, today)
    backlog_rows = situation["backlog"][2]
    sections.append(
        Section(
            _("Situation au %(date)s") % {"date": formats.date_format(today, "DATE_FORMAT")},
            [
                _("Demandes en cours : %(open)s, dont %(overdue)s en retard.")
                % {
                    "open": cell(sum(n for _label, n in backlog_rows)),
                    "overdue": cell(board.overdue_count(membership, scope)),
                }
            ],
            [
                Table(table_title, list(table_headers), [[str(c) for c in row] for row in rows])
                for table_title, table_headers, rows in situation.values()
            ],
        )
    )
    letter = Letter(
        title=title,
        language=(get_language() or "fr")[:2],
        meta=[
            _("Établi le %(date)s") % {"date": formats.date_format(today, "DATE_FORMAT")},
            *_filters(membership, data),
        ],
        sections=sections,
        **letterhead(organization),
    )
    name = f"rapport-{organization.slug}-{period.start:%Y-%m}.pdf"
    return name, render_pdf(letter, at=at)
