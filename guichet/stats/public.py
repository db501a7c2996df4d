"""The public statistics of an organization and of each of its published procedures, over
the last twelve complete months: volumes, median processing time, share answered on time.

Only counts: no case, no person, nothing below settings.GUICHET_STATS_MIN_CASES (a figure on
two or three requests would mislead, and could point at someone)."""

import dataclasses
import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from .figures import percentile
from .models import DailyCount, DurationCount, Metric

METRICS = [Metric.RECEIVED, Metric.CLOSED, Metric.CLOSED_WITH_DEADLINE, Metric.CLOSED_ON_TIME]


def last_twelve_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the twelve complete months before `today`'s, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(12):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


@dataclasses.dataclass
class MonthFigures:
    """One month's public figures; None where hidden (below the threshold) or unknown."""

    month: datetime.date
    received: int | None
    closed: int | None
    median_days: float | None
    on_time_percent: int | None


def _shown(value: int, threshold: int) -> int | None:
    return value if value >= threshold else None


def _month(month, counts, histogram, threshold) -> MonthFigures:
    closed = counts[Metric.CLOSED]
    with_deadline = counts[Metric.CLOSED_WITH_DEADLINE]
    median = percentile(histogram, 0.5) if closed >= threshold else None
    return MonthFigures(
        month=month,
        received=_shown(counts[Metric.RECEIVED], threshold),
        closed=_shown(closed, threshold),
        median_days=None if median is None else round(median / 24, 1),
        on_time_percent=(
            round(100 * counts[Metric.CLOSED_ON_TIME] / with_deadline)
            if with_deadline >= threshold
            else None
        ),
    )


def monthly(organization, procedure_ids, today) -> dict:
    """{procedure id: [MonthFigures × 12]}, and the organization's whole under None (all its
    procedures, published or not: its volume is public, the procedures' details only for
    those it publishes)."""
    threshold = settings.GUICHET_STATS_MIN_CASES
    months = last_twelve_months(today)
    end = (months[-1] + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    counts = defaultdict(Counter)  # (procedure id or None, month) -> {metric: n}
    rows = (
        DailyCount.objects.filter(
            organization=organization, metric__in=METRICS, day__range=(months[0], end)
        )
        .annotate(month=TruncMonth("day"))
        .values("procedure_id", "month", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in rows:
        for key in (row["procedure_id"], None):
            counts[(key, row["month"])][row["metric"]] += row["total"]
    histograms = defaultdict(Counter)
    rows = (
        DurationCount.objects.filter(organization=organization, day__range=(months[0], end))
        .annotate(month=TruncMonth("day"))
        .values("procedure_id", "month", "hours")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in rows:
        for key in (row["procedure_id"], None):
            histograms[(key, row["month"])][row["hours"]] += row["total"]
    return {
        key: [
            _month(month, counts[(key, month)], histograms[(key, month)], threshold)
            for month in months
        ]
        for key in [None, *procedure_ids]
    }


def year_total(months: list[MonthFigures], organization, procedure_id, today) -> MonthFigures:
    """The twelve months together (their median is that of all their closings)."""
    threshold = settings.GUICHET_STATS_MIN_CASES
    start = months[0].month
    end = (months[-1].month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(
        days=1
    )
    where = {"organization": organization, "day__range": (start, end)}
    if procedure_id:
        where["procedure_id"] = procedure_id
    counts = Counter(
        dict(
            DailyCount.objects.filter(**where, metric__in=METRICS)
            .values_list("metric")
            .annotate(total=Sum("value"))
            .order_by()
        )
    )
    histogram = dict(
        DurationCount.objects.filter(**where)
        .values_list("hours")
        .annotate(total=Sum("value"))
        .order_by()
    )
    return _month(start, counts, histogram, threshold)
