"""Tells a citizen of each status of a demand another system handles (cases/external.py),
by the channels they chose: an e-mail and, when they asked for it, an SMS, through the same
outboxes (and retries) as the cases' notifications."""

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guichet.cases.models import ExternalStatus
from guichet.lib.phone import can_receive_sms

from .addresses import new_message_id
from .handlers import SUBJECT_MAX_LENGTH
from .models import OutgoingEmail, OutgoingSMS
from .sms import MAX_LENGTH as SMS_MAX_LENGTH
from .sms import sms_enabled


def on_external_update(update) -> None:
    """Called once per status (ExternalDemandUpdate), inside the dispatching transaction."""
    from .tasks import send_email, send_sms

    demand = update.demand
    citizen = demand.citizen
    organization = demand.organization
    with translation.override(citizen.language or "fr"):
        context = {
            "demand": demand,
            "update": update,
            "citizen": citizen,
            "organization": organization,
            "waiting": update.status == ExternalStatus.WAITING,
            "space_url": organization.absolute_url(reverse("portal:my_space")),
        }
        if citizen.notify_email and citizen.email:
            subject = render_to_string("notify/email/external_status_subject.txt", context)
            email, created = OutgoingEmail.objects.get_or_create(
                external_update=update,
                to=citizen.email,
                defaults={
                    "subject": " ".join(subject.split())[:SUBJECT_MAX_LENGTH],
                    "body": render_to_string("notify/email/external_status.txt", context),
                    "sender": organization.email_from,
                    "message_id": new_message_id(organization),
                },
            )
            if created:
                transaction.on_commit(lambda: send_email.enqueue(email.pk))
        if sms_enabled() and citizen.notify_sms and can_receive_sms(citizen.phone):
            text = " ".join(render_to_string("notify/sms/external_status.txt", context).split())
            sms, created = OutgoingSMS.objects.get_or_create(
                external_update=update, to=citizen.phone, defaults={"body": text[:SMS_MAX_LENGTH]}
            )
            if created:
                transaction.on_commit(lambda: send_sms.enqueue(sms.pk))
