"""The rows of the citizen's requests in their space, written in Python.

Through the template language each of the 50 rows cost a URL tag, two date filters, five
translated words and a dozen lookups: about 40 % of the page's time. Here the words and the
date format are read once per page and each row is one `format_html` call; the markup is
the one the template wrote (portal/my_space.html), escaped the same way.
"""

from django import template
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from guichet.core.markup import time_element

register = template.Library()

ROW = (
    '<tr><th scope="row"><a href="{url}">{reference}</a>{unread}</th>'
    '<td data-label="{procedure_label}">{procedure}</td>'
    '<td data-label="{state_label}"><span class="badge badge-{category}">{state}</span></td>'
    '<td data-label="{created_label}">{created}</td>'
    '<td data-label="{answer_label}">{answer}</td></tr>\n'
)


@register.simple_tag
def my_space_rows(cases):
    """The <tr> of each of the citizen's cases: reference (with its unread answers), procedure,
    state, filing date and when an answer is expected."""
    date_format = get_format("SHORT_DATE_FORMAT")
    labels = {
        "procedure_label": gettext("Démarche"),
        "state_label": gettext("État"),
        "created_label": gettext("Déposée le"),
        "answer_label": gettext("Réponse attendue"),
    }
    closed = format_html('<span class="muted">{}</span>', gettext("Clôturée"))
    paused = gettext("Délai suspendu : on attend votre réponse")
    unknown = format_html('<span class="muted">{}</span>', gettext("Non précisée"))
    rows = []
    for case in cases:
        unread = ""
        if case.unread:
            words = ngettext(
                "%(counter)s message non lu", "%(counter)s messages non lus", case.unread
            ) % {"counter": case.unread}
            unread = format_html(' <span class="badge badge-waiting">{}</span>', words)
        if case.is_closed:
            answer = closed
        elif case.deadline_paused_at is not None:
            answer = paused
        elif case.due_at:
            answer = time_element(case.due_at, date_format)
        else:
            answer = unknown
        rows.append(
            format_html(
                ROW,
                url=reverse("portal:track", args=[case.tracking_code]),
                reference=case.reference,
                unread=unread,
                procedure=case.procedure.display_title,
                category=case.category,
                state=case.state_label,
                created=time_element(case.created_at, date_format),
                answer=answer,
                **labels,
            )
        )
    return mark_safe("".join(conditional_escape(row) for row in rows))
