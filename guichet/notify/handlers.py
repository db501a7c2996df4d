"""Turns journal events into e-mails in the outbox (called by guichet.cases.tasks)."""

import datetime
import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guichet.cases.models import EventKind, Message
from guichet.cases.templating import render_admin_template, template_variables

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 300


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


def _queue_procedure_template(event, key: str, context: dict) -> bool:
    """Queues the case's version template `key`; False when it cannot be used."""
    case = event.case
    template = (case.version.templates or {}).get(key)
    if not isinstance(template, dict):
        logger.warning("Case %s: no notification template %r", case.pk, key)
        return False
    variables = template_variables(case, context["state"], event.payload.get("comment", ""))
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
