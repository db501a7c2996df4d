"""Small pieces of markup that Python-written table rows share with the templates."""

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html


def time_element(value, date_format: str) -> str:
    """A <time> element as `{{ value|date:'c' }}` and `{{ value|date:format }}` write it in a
    template: in the current time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), format_date(value, date_format)
    )
