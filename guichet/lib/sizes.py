"""File sizes as people write them: "10 Mo", "1,5 Mo", "500 Ko" (English: MB, KB).

Django's filesizeformat writes "10,0 Mio": correct, but not what a French form says. The
units are binary (1 Mo = 1024 Ko), as operating systems count the files people choose.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

KILO = 1024


def _number(value: float) -> str:
    """One decimal at most, none when it is zero, with the language's decimal mark."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return number_format(int(rounded))
    return number_format(rounded, decimal_pos=1)


def human_size(size: int) -> str:
    """`size` (bytes) in the largest unit that keeps it at 1 or more."""
    size = max(int(size or 0), 0)
    if size < KILO:
        return ngettext("%(size)s octet", "%(size)s octets", size) % {"size": size}
    if size < KILO**2:
        return _("%(size)s Ko") % {"size": _number(size / KILO)}
    if size < KILO**3:
        return _("%(size)s Mo") % {"size": _number(size / KILO**2)}
    return _("%(size)s Go") % {"size": _number(size / KILO**3)}
