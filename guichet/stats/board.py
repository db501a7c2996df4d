"""What the steering dashboard and the monthly report show, for one member and filters: the
headline figures of a period beside another, and the tables of the period. Everything is read
from the aggregates (figures.py) but the overdue cases, counted now on the cases table through
its indexes."""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guichet.cases.models import Case, Channel
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Category
from guichet.organization.models import Service

from . import charts, figures
from .models import NO_AREA, CaseFact, Metric

AREA_NONE = "aucun"  # the filter's value for the cases in no sector


def scope_for(membership, data) -> figures.Scope:
    services = None
    if not membership.sees_all_services:
        services = tuple(membership.services.values_list("pk", flat=True))
    area = data.get("area") or ""
    return figures.Scope(
        organization_id=membership.organization_id,
        service_ids=services,
        procedure_id=data["procedure"].pk if data.get("procedure") else None,
        service_id=data["service"].pk if data.get("service") else None,
        channel=data.get("channel") or "",
        area_id=NO_AREA if area == AREA_NONE else int(area) if area else None,
    )


OVERDUE_CACHE_SECONDS = 60


def overdue_count(membership, scope: figures.Scope) -> int:
    """The cases past their due date now, among those the member sees and the filters keep.

    Counted on the open cases' index (`case_open_due_idx`); a count of at least
    GUICHET_STATS_OVERDUE_CACHE_FROM is kept a minute for the same scope (the scope holds
    the member's services), so that a large backlog costs one count a minute, not one per
    page."""
    key = "stats:overdue:" + hashlib.sha256(repr(scope).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    count = _overdue(membership, scope).count()
    if count >= settings.GUICHET_STATS_OVERDUE_CACHE_FROM:
        cache.set(key, count, OVERDUE_CACHE_SECONDS)
    return count


def _overdue(membership, scope: figures.Scope):
    overdue = Case.objects.visible_to(membership).overdue()
    if scope.procedure_id:
        overdue = overdue.filter(procedure_id=scope.procedure_id)
    if scope.service_id:
        overdue = overdue.filter(service_id=scope.service_id)
    if scope.channel:
        overdue = overdue.filter(channel=scope.channel)
    if scope.area_id is not None:
        # The sector is the statistics' (CaseFact), looked up for the few overdue cases.
        overdue = overdue.filter(
            Exists(CaseFact.objects.filter(case_id=OuterRef("pk"), area_id=scope.area_id))
        )
    return overdue


def days(hours):
    return None if hours is None else round(hours / 24, 1)


def percent(share):
    return None if share is None else round(share * 100)


def rounded(value):
    return None if value is None else round(value, 2)


def satisfaction_days(scope: figures.Scope, period, previous) -> dict:
    """The satisfaction answers per day over both periods, in one query."""
    return figures.satisfaction(scope, figures.Period(previous.start, period.end))


def summary_rows(scope: figures.Scope, period, previous, per_day=None) -> list:
    """[(label, figure of `period`, figure of `previous`)], None where there is none.
    `per_day`: satisfaction_days() of these periods, when the caller has it."""
    now, before = figures.summary(scope, period), figures.summary(scope, previous)
    if per_day is None:
        per_day = satisfaction_days(scope, period, previous)
    rated_now = figures.satisfaction_summary(scope, period, per_day)
    rated_before = figures.satisfaction_summary(scope, previous, per_day)
    return [
        (_("Demandes reçues"), now[Metric.RECEIVED], before[Metric.RECEIVED]),
        (_("Demandes clôturées"), now[Metric.CLOSED], before[Metric.CLOSED]),
        (
            _("Délai médian de traitement (jours)"),
            days(now["median_hours"]),
            days(before["median_hours"]),
        ),
        (
            _("90 % des demandes traitées en (jours)"),
            days(now["p90_hours"]),
            days(before["p90_hours"]),
        ),
        (
            _("Part clôturée dans le délai (%)"),
            percent(now["on_time_share"]),
            percent(before["on_time_share"]),
        ),
        (_("Décisions implicites"), now[Metric.TACIT], before[Metric.TACIT]),
        (_("Demandes rouvertes"), now[Metric.REOPENED], before[Metric.REOPENED]),
        (
            _("Messages par demande reçue"),
            rounded(now["messages_per_case"]),
            rounded(before["messages_per_case"]),
        ),
        (_("Avis de satisfaction reçus"), rated_now[0], rated_before[0]),
        (_("Note moyenne de satisfaction (sur 5)"), rated_now[1], rated_before[1]),
    ]


def _names(model, ids, field):
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field))


def received_by(scope, period, by) -> dict:
    """Cases received in the period by "procedure", "service", "channel" or "area_id":
    {name: count}."""
    counts = {}
    for (_day, key), value in figures.series(scope, period, Metric.RECEIVED, by=by).items():
        counts[key] = counts.get(key, 0) + value
    if by == "procedure":
        names = _names(Procedure, counts, "title")
    elif by == "service":
        names = _names(Service, counts, "name")
    elif by == "area_id":
        names = {**_names(Service, counts, "name"), NO_AREA: _("Hors secteur")}
    else:
        names = dict(Channel.choices)
    return {str(names.get(key, key)): value for key, value in counts.items() if value}


def _sorted(counts: dict) -> list:
    return sorted(counts.items(), key=lambda row: (-row[1], row[0]))


BACKLOG_CATEGORIES = [
    (Category.NEW, pgettext("case category", "Nouvelle")),
    (Category.OPEN, pgettext("case category", "En cours")),
    (Category.WAITING, pgettext("case category", "En attente du demandeur")),
]


def backlog_tables(scope, today: datetime.date) -> dict:
    """The open cases now, by age and by state category."""
    by_category = figures.backlog_by_category(scope)
    return {
        "backlog": (
            _("Demandes en cours par ancienneté"),
            [_("Déposées depuis (jours)"), _("Demandes")],
            list(figures.backlog(scope, today).items()),
        ),
        "category": (
            _("Demandes en cours par étape"),
            [_("Étape"), _("Demandes")],
            [(str(label), by_category.get(code, 0)) for code, label in BACKLOG_CATEGORIES],
        ),
    }


def tables(membership, data, per_day=None) -> dict:
    """The dashboard's data tables: {key: (title, headers, rows)}. `per_day`: the
    satisfaction answers per day over a span holding the period, when the caller has it."""
    scope = scope_for(membership, data)
    period = figures.Period(data["start"], data["end"])
    by = data["by"]
    received = charts.grouped(
        figures.series(scope, period, Metric.RECEIVED), period.start, period.end, by
    )
    closed = dict(
        charts.grouped(figures.series(scope, period, Metric.CLOSED), period.start, period.end, by)
    )
    when = _("Période")
    return {
        "received": (
            _("Demandes reçues et clôturées"),
            [when, _("Reçues"), _("Clôturées")],
            [(charts.period_label(day, by), n, closed.get(day, 0)) for day, n in received],
        ),
        "procedure": (
            _("Demandes reçues par démarche"),
            [_("Démarche"), _("Reçues")],
            _sorted(received_by(scope, period, "procedure")),
        ),
        "service": (
            _("Demandes reçues par service"),
            [_("Service"), _("Reçues")],
            _sorted(received_by(scope, period, "service")),
        ),
        "channel": (
            _("Demandes reçues par canal"),
            [_("Canal"), _("Reçues")],
            _sorted(received_by(scope, period, "channel")),
        ),
        "area": (
            _("Demandes reçues par secteur"),
            [_("Secteur"), _("Reçues")],
            _sorted(received_by(scope, period, "area_id")),
        ),
        **backlog_tables(scope, timezone.localdate()),
        "satisfaction": (
            _("Satisfaction des demandeurs"),
            [when, _("Avis reçus"), _("Note moyenne (sur 5)")],
            _satisfaction_rows(scope, period, by, per_day),
        ),
    }


def _satisfaction_rows(scope, period, by, per_day=None) -> list:
    """Per day, week or month of the period: the answers, their average rating."""
    if per_day is None:
        per_day = figures.satisfaction(scope, period)
    per_day = {day: value for day, value in per_day.items() if period.start <= day <= period.end}
    answers = charts.grouped(
        {day: count for day, (count, _total) in per_day.items()}, period.start, period.end, by
    )
    totals = dict(
        charts.grouped(
            {day: total for day, (_count, total) in per_day.items()}, period.start, period.end, by
        )
    )
    return [
        (charts.period_label(day, by), n, round(totals[day] / n, 1) if n else "—")
        for day, n in answers
    ]
