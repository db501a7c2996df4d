"""Turns journal events into e-mails in the outbox (called by guichet.cases.tasks)."""

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guichet.cases.models import EventKind, Message

from .models import OutgoingEmail


def _queue(event, to: str, template: str, context: dict) -> None:
    from .tasks import send_email

    subject = render_to_string(f"notify/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"notify/email/{template}.txt", context)
    email, created = OutgoingEmail.objects.get_or_create(
        event=event, to=to, defaults={"subject": " ".join(subject.split()), "body": body}
    )
    if created:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))


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
            _queue(event, case.contact_email, "status", context)
        elif event.kind == EventKind.MESSAGE and not event.payload.get("from_citizen"):
            context["message"] = Message.objects.get(pk=event.payload["message"])
            _queue(event, case.contact_email, "message", context)
