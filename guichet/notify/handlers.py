"""Turns journal events into e-mails in the outbox (called by guichet.cases.tasks)."""

import datetime
import logging

from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import DebugNode
from django.template.loader import render_to_string
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import reverse
from django.utils import formats, translation

from guichet.cases.deadlines import local_date
from guichet.cases.models import EventKind, Message

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Administrators' templates (a procedure's `templates`) are rendered by an engine that can
# load no file and no tag library, with a context of plain strings only: they can show the
# documented variables and use the built-in tags and filters, nothing more. Text mail: no
# HTML escaping.
_ADMIN_TEMPLATES = Engine(loaders=[], libraries={}, autoescape=False)
SUBJECT_MAX_LENGTH = 300


def render_admin_template(text: str, variables: dict[str, str]) -> str:
    """Renders an administrator's template; TemplateSyntaxError when it cannot be used."""
    template = _ADMIN_TEMPLATES.from_string(text or "")
    for forbidden in (DebugNode, IncludeNode, ExtendsNode):
        if template.nodelist.get_nodes_by_type(forbidden):
            raise TemplateSyntaxError("debug, include and extends are not allowed here")
    return template.render(Context(variables, autoescape=False))


def _queue(event, to: str, template: str, context: dict) -> None:
    from .tasks import send_email

    subject = render_to_string(f"notify/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"notify/email/{template}.txt", context)
    email, created = OutgoingEmail.objects.get_or_create(
        event=event, to=to, defaults={"subject": " ".join(subject.split()), "body": body}
    )
    if created:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))


def _queue_text(event, to: str, subject: str, body: str) -> None:
    from .tasks import send_email

    email, created = OutgoingEmail.objects.get_or_create(
        event=event,
        to=to,
        defaults={"subject": " ".join(subject.split())[:SUBJECT_MAX_LENGTH], "body": body},
    )
    if created:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))


def _template_variables(case, state, context: dict, comment: str) -> dict[str, str]:
    """The variables documented for notification templates (docs/procedures.md)."""
    due_date = ""
    if case.due_at:
        due_date = formats.date_format(local_date(case.due_at), "DATE_FORMAT")
    return {
        "reference": case.reference,
        "name": case.contact_name,
        "procedure": case.procedure.title,
        "state": state.label,
        "due_date": due_date,
        "tracking_url": context["tracking_url"],
        "comment": comment,
        "organization": case.organization.name,
    }


def _queue_procedure_template(event, key: str, context: dict) -> bool:
    """Queues the case's version template `key`; False when it cannot be used."""
    case = event.case
    template = (case.version.templates or {}).get(key)
    if not isinstance(template, dict):
        logger.warning("Case %s: no notification template %r", case.pk, key)
        return False
    variables = _template_variables(
        case, context["state"], context, event.payload.get("comment", "")
    )
    try:
        subject = render_admin_template(template.get("subject", ""), variables)
        body = render_admin_template(template.get("body", ""), variables)
    except Exception:  # whatever an administrator wrote, the citizen gets an e-mail
        logger.exception("Case %s: notification template %r cannot be rendered", case.pk, key)
        return False
    if not subject.strip() or not body.strip():
        return False
    _queue_text(event, case.contact_email, subject, body)
    return True


def on_case_event(event) -> None:
    case = event.case
    organization = case.organization
    with translation.override(case.language or "fr"):
        context = {
            "case": case,
            "event": event,
            "organization": organization,
            "state": case.get_workflow().state(case.state),
            "tracking_url": organization.absolute_url(
                reverse("portal:track", args=[case.tracking_code])
            ),
        }
        if not case.contact_email:
            return
        if event.kind == EventKind.SUBMITTED:
            _queue(event, case.contact_email, "acknowledgement", context)
        elif event.kind == EventKind.TRANSITIONED:
            context["state"] = case.get_workflow().state(event.payload["to"])
            context["comment"] = event.payload.get("comment", "")
            # A transition's `notify` action replaces the generic e-mail by the procedure's
            # own template; a template that cannot be used falls back on the generic one.
            template = event.payload.get("notify")
            if not (template and _queue_procedure_template(event, template, context)):
                _queue(event, case.contact_email, "status", context)
        elif event.kind == EventKind.TACIT_DECISION:
            context["state"] = case.get_workflow().state(event.payload.get("to", case.state))
            context["decision"] = event.payload.get("decision")
            due_date = event.payload.get("due_date")
            context["due_date"] = datetime.date.fromisoformat(due_date) if due_date else None
            _queue(event, case.contact_email, "tacit_decision", context)
        elif event.kind == EventKind.MESSAGE and not event.payload.get("from_citizen"):
            context["message"] = Message.objects.get(pk=event.payload["message"])
            _queue(event, case.contact_email, "message", context)
