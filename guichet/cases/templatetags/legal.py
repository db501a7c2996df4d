"""The silence rule and the acknowledgement of receipt, for the portal's and the back
office's templates: `{% load legal %}`, then `case|silence_rule`, `procedure|procedure_silence`,
`case|acknowledgement_moment`. One wording everywhere, from cases/acknowledgement.py."""

import datetime

from django import template

from guichet.cases import acknowledgement, templating

register = template.Library()


@register.filter
def silence_rule(case):
    return acknowledgement.silence_rule(case)


@register.filter
def procedure_silence(procedure) -> str:
    return acknowledgement.procedure_silence(procedure)


@register.filter
def acknowledgement_moment(case) -> str:
    return acknowledgement.acknowledgement_moment(case)


@register.filter
def tacit_acceptance_date(case):
    """The day at the end of which silence meant acceptance, None when it did not."""
    event = acknowledgement.tacit_acceptance(case)
    return datetime.date.fromisoformat(event.payload["due_date"]) if event else None


@register.filter
def needs_letter(case) -> bool:
    """Whether the case's citizen is answered by post (cases.templating.needs_letter)."""
    return templating.needs_letter(case)
