"""`{% load receipts %}`, then `message.read_at|read_moment`: "2 décembre à 10 h 05" in the
reader's language and the organization's time zone."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def read_moment(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return _("%(date)s à %(time)s") % {
        "date": date_format(local, "j F"),
        # "10 h 05" in French, "10:05" in English.
        "time": date_format(local, _("G \\h i")),
    }
