"""The figures of the dashboards and public pages, read from the aggregates only: a few
rows per day and dimension, whatever the number of cases."""

import dataclasses
import datetime
import math
from collections import Counter
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from guichet.cases.models import SatisfactionSurvey
from guichet.catalog.workflow import Category

from .models import CaseFact, DailyCount, DurationCount, Metric

OPEN_CATEGORIES = (Category.NEW, Category.OPEN, Category.WAITING)


@dataclasses.dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included (local days, Europe/Paris)."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)


@dataclasses.dataclass(frozen=True)
class Scope:
    """What the figures cover: an organization, optionally some of its services (a
    supervisor's), one procedure, service, channel or sector (`area_id`: a service whose area
    held the cases' points, NO_AREA for the cases in none; None for all)."""

    organization_id: int
    service_ids: tuple[int, ...] | None = None
    procedure_id: int | None = None
    service_id: int | None = None
    channel: str = ""
    area_id: int | None = None

    def filter(self, rows):
        rows = rows.filter(organization_id=self.organization_id)
        if self.service_ids is not None:
            rows = rows.filter(service_id__in=self.service_ids)
        if self.procedure_id:
            rows = rows.filter(procedure_id=self.procedure_id)
        if self.service_id:
            rows = rows.filter(service_id=self.service_id)
        if self.channel:
            rows = rows.filter(channel=self.channel)
        if self.area_id is not None:
            rows = rows.filter(area_id=self.area_id)
        return rows


def percentile(histogram: dict[int, int], fraction: float) -> int | None:
    """The nearest-rank percentile of a histogram {value: count}: the smallest value with
    at least `fraction` of the counts at or below it. None when it is empty."""
    total = sum(count for count in histogram.values() if count > 0)
    if total == 0:
        return None
    rank = max(math.ceil(fraction * total), 1)
    seen = 0
    for value in sorted(histogram):
        seen += max(histogram[value], 0)
        if seen >= rank:
            return value
    return None  # unreachable


def totals(scope: Scope, period: Period) -> dict[str, int]:
    """Each metric summed over the period (the backlog excepted: see `backlog`)."""
    counted = [metric for metric in Metric.values if metric != Metric.OPEN]
    rows = (
        scope.filter(DailyCount.objects)
        # A list, not "all but the backlog": the index (organization, metric, day) reads
        # the period of each metric where a negation scanned the table (6 ms at 60,000 rows).
        .filter(metric__in=counted, day__range=(period.start, period.end))
        .values("metric")
        .annotate(total=Sum("value"))
    )
    found = {row["metric"]: row["total"] for row in rows}
    return {metric: found.get(metric, 0) for metric in counted}


def series(scope: Scope, period: Period, metric: str, *, by: str = "") -> dict:
    """The metric per day of the period ({day: value}), or per day and `by` (a dimension:
    "procedure", "service", "channel", "area_id") as {(day, key): value}."""
    fields = ["day", by] if by else ["day"]
    rows = (
        scope.filter(DailyCount.objects)
        .filter(day__range=(period.start, period.end), metric=metric)
        .values(*fields)
        .annotate(total=Sum("value"))
        .order_by(*fields)
    )
    if by:
        return {(row["day"], row[by]): row["total"] for row in rows if row["total"]}
    return {row["day"]: row["total"] for row in rows if row["total"]}


def durations(scope: Scope, period: Period) -> dict[int, int]:
    """The processing times of the cases closed in the period: {whole hours: cases}."""
    rows = (
        scope.filter(DurationCount.objects)
        .filter(day__range=(period.start, period.end))
        .values("hours")
        .annotate(total=Sum("value"))
    )
    return {row["hours"]: row["total"] for row in rows if row["total"]}


def backlog(scope: Scope, today: datetime.date) -> dict[str, int]:
    """The open cases now, by age since filing: {"0-7": n, "8-30": n, "31-90": n, "91+": n}."""
    rows = (
        scope.filter(DailyCount.objects)
        .filter(metric=Metric.OPEN)
        .values("day")
        .annotate(total=Sum("value"))
    )
    ages = Counter({"0-7": 0, "8-30": 0, "31-90": 0, "91+": 0})
    for row in rows:
        age = (today - row["day"]).days
        bucket = "0-7" if age <= 7 else "8-30" if age <= 30 else "31-90" if age <= 90 else "91+"
        ages[bucket] += row["total"]
    return dict(ages)


def backlog_by_category(scope: Scope) -> dict[str, int]:
    """The open cases now, by state category: {"new": n, "open": n, "waiting": n}."""
    rows = (
        scope.filter(DailyCount.objects)
        .filter(metric=Metric.OPEN)
        .values("category")
        .annotate(total=Sum("value"))
    )
    found = Counter({category: 0 for category in OPEN_CATEGORIES})
    for row in rows:
        found[row["category"]] += row["total"]
    return dict(found)


def summary(scope: Scope, period: Period) -> dict:
    """The headline figures of a period."""
    counts = totals(scope, period)
    histogram = durations(scope, period)
    with_deadline = counts[Metric.CLOSED_WITH_DEADLINE]
    return {
        **counts,
        "median_hours": percentile(histogram, 0.5),
        "p90_hours": percentile(histogram, 0.9),
        "on_time_share": (counts[Metric.CLOSED_ON_TIME] / with_deadline if with_deadline else None),
        "messages_per_case": (
            counts[Metric.MESSAGES] / counts[Metric.RECEIVED] if counts[Metric.RECEIVED] else None
        ),
    }


def satisfaction(scope: Scope, period: Period) -> dict[datetime.date, tuple[int, int]]:
    """The satisfaction surveys answered in the period (guichet/cases/satisfaction.py), per
    local day: {day: (answers, sum of the ratings)}. Read from the surveys themselves (one
    row per answered case, indexed by answer time), grouped by the database."""
    paris = ZoneInfo("Europe/Paris")
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=paris)
    end = datetime.datetime.combine(period.end, datetime.time.max, tzinfo=paris)
    rows = SatisfactionSurvey.objects.filter(
        case__organization_id=scope.organization_id, answered_at__range=(start, end)
    )
    if scope.service_ids is not None:
        rows = rows.filter(case__service_id__in=scope.service_ids)
    if scope.procedure_id:
        rows = rows.filter(case__procedure_id=scope.procedure_id)
    if scope.service_id:
        rows = rows.filter(case__service_id=scope.service_id)
    if scope.channel:
        rows = rows.filter(case__channel=scope.channel)
    if scope.area_id is not None:
        # The sector is the one the case was filed in, as the aggregates keep it.
        rows = rows.filter(
            case_id__in=CaseFact.objects.filter(area_id=scope.area_id).values("case_id")
        )
    rows = (
        rows.annotate(day=TruncDate("answered_at", tzinfo=paris))
        .values("day")
        .annotate(answers=Count("pk"), total=Sum("rating"))
        .order_by("day")
    )
    return {row["day"]: (row["answers"], row["total"] or 0) for row in rows}


def satisfaction_summary(
    scope: Scope, period: Period, per_day: dict | None = None
) -> tuple[int, float | None]:
    """(answers, average rating) of the period; from `per_day` (satisfaction()'s answer
    over a span that holds the period) when the caller already has it."""
    if per_day is None:
        per_day = satisfaction(scope, period)
    days = [value for day, value in per_day.items() if period.start <= day <= period.end]
    answers = sum(count for count, _total in days)
    total = sum(total for _count, total in days)
    return answers, (round(total / answers, 1) if answers else None)
