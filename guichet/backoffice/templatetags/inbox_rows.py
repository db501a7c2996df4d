"""The inbox's table rows, written in Python.

The inbox shows 50 rows of nine cells. Through the template language each row cost a
dozen variable lookups, two date filters, a translated block, a URL tag and an included
template: about 40 % of the page's time at a million cases (docs/performance.md). Here the
translated words, the date format and the time are read once per page, and each row is one
`format_html` call; the markup is the one the template wrote, escaped the same way.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from guichet.core.markup import time_element

register = template.Library()

ROW = (
    '<tr><td><input type="checkbox" name="cases" value="{reference}" form="bulk-form"'
    ' id="select-{reference}" aria-label="{select}"></td>'
    '<th scope="row"><a href="{url}">{reference}</a></th>'
    '<td class="procedure-cell">{procedure}{labels}</td>'
    "<td>{contact}</td>"
    '<td><span class="badge badge-{category}">{state}</span></td>'
    "<td>{service}</td>"
    "<td>{assignee}</td>"
    "<td>{created}</td>"
    "<td>{due}{deadline}</td></tr>\n"
)


@register.simple_tag
def inbox_rows(cases):
    """The <tr> of each case of the page: its selection box, reference, procedure and
    labels, applicant, state, service, assignee, filing date, due date and deadline status
    in words (never by colour alone: backoffice/includes/deadline_badge.html says the same
    on the other pages)."""
    date_format = get_format("SHORT_DATE_FORMAT")
    now = timezone.now()
    select = gettext("Sélectionner %(reference)s")
    unassigned = format_html('<span class="muted">{}</span>', gettext("Non attribuée"))
    no_deadline = format_html('<span class="muted">{}</span>', gettext("Aucune"))
    badges = {
        "overdue": format_html(
            ' <span class="badge badge-overdue">{}</span>', gettext("En retard")
        ),
        "at-risk": format_html(
            ' <span class="badge badge-at-risk">{}</span>', gettext("Échéance proche")
        ),
        "paused": format_html(
            ' <span class="badge badge-paused">{}</span>', gettext("Délai suspendu")
        ),
    }
    rows = []
    for case in cases:
        closed = case.is_closed
        paused = case.deadline_paused_at is not None
        due = case.due_at
        deadline = ""
        if due and not closed and not paused:
            if due < now:
                deadline = badges["overdue"]
            elif case.at_risk_at and case.at_risk_at <= now <= due:
                deadline = badges["at-risk"]
        elif paused and not closed:
            deadline = badges["paused"]
        labels = "".join(
            format_html(' <span class="label-chip">{}</span>', label.name)
            for label in case.labels.all()
        )
        rows.append(
            format_html(
                ROW,
                reference=case.reference,
                select=select % {"reference": case.reference},
                url=reverse("backoffice:case", args=[case.reference]),
                procedure=case.procedure.title,
                labels=mark_safe(labels),
                contact=case.contact_name,
                category=case.category,
                state=case.state_label,
                service=case.service.name if case.service_id else "",
                assignee=case.assignee if case.assignee_id else unassigned,
                created=time_element(case.created_at, date_format),
                due=time_element(due, date_format) if due else no_deadline,
                deadline=deadline,
            )
        )
    return mark_safe("".join(conditional_escape(row) for row in rows))
