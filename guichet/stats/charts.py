"""Bar charts drawn on the server as SVG: every bar carries its value written beside it (no
colour says anything alone), and each chart comes with its data as a table and a download."""

import dataclasses
import datetime

from django.utils import formats

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 8, 40, 20


@dataclasses.dataclass
class Bar:
    label: str
    value: float
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0

    @property
    def middle(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 4


@dataclasses.dataclass
class BarChart:
    title: str
    bars: list
    unit: str = ""
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - MARGIN_BOTTOM

    @property
    def label_y(self) -> int:
        return self.baseline + 16

    @property
    def label_every(self) -> int:
        """Label one bar in so many, so that labels do not overlap."""
        return max(1, len(self.bars) // 12 + (1 if len(self.bars) % 12 else 0))


def bar_chart(title, rows, unit="") -> BarChart:
    """A chart of `rows` [(label, value)], scaled to its largest value."""
    bars = [Bar(str(label), value) for label, value in rows]
    chart = BarChart(title, bars, unit)
    if not bars:
        return chart
    top = max(bar.value for bar in bars) or 1
    step = (WIDTH - MARGIN_LEFT) / len(bars)
    room = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    for index, bar in enumerate(bars):
        bar.width = max(step * 0.8, 1)
        bar.x = MARGIN_LEFT + index * step + step * 0.1
        bar.height = room * bar.value / top
        bar.y = HEIGHT - MARGIN_BOTTOM - bar.height
    return chart


def period_key(day: datetime.date, by: str) -> datetime.date:
    """The first day of the week (Monday) or month holding `day`, or the day itself."""
    if by == "week":
        return day - datetime.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def period_label(day: datetime.date, by: str) -> str:
    if by == "month":
        return formats.date_format(day, "F Y")
    if by == "week":
        return formats.date_format(day, "SHORT_DATE_FORMAT")
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def grouped(values: dict, start: datetime.date, end: datetime.date, by: str) -> list:
    """[(first day of each day/week/month of the period, summed value)], empty ones too."""
    sums = {}
    day = start
    while day <= end:
        sums.setdefault(period_key(day, by), 0)
        day += datetime.timedelta(days=1)
    for day, value in values.items():
        key = period_key(day, by)
        if key in sums:
            sums[key] += value
    return sorted(sums.items())
