"""Turns journal events into e-mails and SMS in the outboxes (called by guichet.cases.tasks)."""

import datetime
import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from guichet.cases.acknowledgement import acknowledgement_moment
from guichet.cases.actions import MERGED_EXPLANATION
from guichet.cases.models import EventKind, Message
from guichet.cases.templating import render_admin_template, template_variables
from guichet.catalog.translations import localized_template
from guichet.lib.phone import can_receive_sms
from guichet.organization.models import Place
from guichet.organization.places import upcoming_closures, week_lines

from .addresses import new_message_id, reply_address
from .models import OutgoingEmail, OutgoingSMS
from .sms import MAX_LENGTH as SMS_MAX_LENGTH
from .sms import sms_enabled

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 300


def _threading(case) -> dict:
    """From, Message-ID and Reply-To of an e-mail about `case`: the citizen's answer comes
    back to the case (guichet/notify/inbound.py)."""
    return {
        "organization_id": case.organization_id,
        "sender": case.organization.email_from,
        "message_id": new_message_id(case.organization),
        "reply_to": reply_address(case),
    }


def _queue(event, to: str, template: str, context: dict) -> None:
    from .tasks import send_email

    subject = render_to_string(f"notify/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"notify/email/{template}.txt", context)
    email, created = OutgoingEmail.objects.get_or_create(
        event=event,
        to=to,
        defaults={
            "subject": " ".join(subject.split()),
            "body": body,
            **_threading(event.case),
        },
    )
    if created:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))


def _queue_text(event, to: str, subject: str, body: str) -> None:
    from .tasks import send_email

    email, created = OutgoingEmail.objects.get_or_create(
        event=event,
        to=to,
        defaults={
            "subject": " ".join(subject.split())[:SUBJECT_MAX_LENGTH],
            "body": body,
            **_threading(event.case),
        },
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
    # In the case's language (the caller overrides it), the French where untranslated.
    template = localized_template(template, case.version.translations, key)
    variables = template_variables(
        case,
        context["state"],
        event.payload.get("comment", ""),
        answer_by=context.get("answer_by"),
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


def places_of(service_id) -> list[dict]:
    """Where the case's service receives the public, for the acknowledgement: hours of the
    week and the closures of the coming weeks."""
    places = Place.objects.filter(services=service_id).prefetch_related("closures")
    return [
        {"place": place, "week": week_lines(place), "closures": upcoming_closures(place)}
        for place in places
    ]


def sms_number(case) -> str:
    """The number to text about `case`: its citizen's, when they asked for SMS and SMS are on,
    or the one an agent noted when the citizen asked to be answered by SMS."""
    citizen = case.citizen
    if case.reply_by == "sms" and sms_enabled():
        # Filed by an agent for someone to be answered by text (cases.models.ReplyBy).
        return case.contact_phone if can_receive_sms(case.contact_phone) else ""
    if not (sms_enabled() and citizen and citizen.notify_sms and citizen.phone):
        return ""
    return citizen.phone if can_receive_sms(citizen.phone) else ""


def _queue_sms(event, to: str, template: str, context: dict) -> None:
    from .tasks import send_sms

    text = " ".join(render_to_string(f"notify/sms/{template}.txt", context).split())
    sms, created = OutgoingSMS.objects.get_or_create(
        event=event,
        to=to,
        defaults={"body": text[:SMS_MAX_LENGTH], "organization_id": event.case.organization_id},
    )
    if created:
        transaction.on_commit(lambda: send_sms.enqueue(sms.pk))


NOTIFIED = {
    EventKind.SUBMITTED,
    EventKind.TRANSITIONED,
    EventKind.TACIT_DECISION,
    EventKind.MESSAGE,
    EventKind.MERGED,
}


def _tell_merged_citizens(event) -> None:
    """The citizens whose requests were merged into this case as duplicates learn of its
    new state (the state only: the comment is written to the kept case's citizen)."""
    kept = event.case
    for duplicate in kept.merged_cases.select_related("citizen", "organization", "procedure"):
        citizen = duplicate.citizen
        if not duplicate.contact_email or (citizen is not None and not citizen.notify_email):
            continue
        with translation.override(duplicate.language or "fr"):
            context = {
                "case": duplicate,
                "organization": duplicate.organization,
                "state": kept.get_workflow().state(event.payload.get("to", kept.state)),
                "tracking_url": duplicate.organization.absolute_url(
                    reverse("portal:track", args=[duplicate.tracking_code])
                ),
            }
            _queue(event, duplicate.contact_email, "merged_status", context)


def _waiting_context(case, payload: dict) -> dict:
    """What the e-mail of a request for more information says: the date by which to answer
    (or that there is none), and whether the clock stopped and restarts with the answer."""
    answer_by = payload.get("answer_by")
    paused = any(
        isinstance(done, dict) and done.get("type") == "pause_deadline" and "skipped" not in done
        for done in payload.get("actions", [])
    )
    reply = case.get_workflow().reply_transition(payload["to"], payload.get("from", ""))
    return {
        "waiting": True,
        "answer_by": datetime.date.fromisoformat(answer_by) if answer_by else None,
        "clock_paused": paused,
        "resumes_on_reply": reply is not None,
    }


def on_case_event(event) -> None:
    """Notifies the citizen of what the event means to them, by e-mail and, when they asked
    for it, by SMS. A citizen with an account chooses (User.notify_email, notify_sms); the
    acknowledgement of receipt goes by e-mail all the same, as the proof of filing."""
    if event.kind not in NOTIFIED:
        return
    if event.kind == EventKind.MERGED and not event.is_public:
        return  # the kept case's side of a merge: its citizen has nothing new
    if event.kind == EventKind.MESSAGE and event.payload.get("from_citizen"):
        return
    case = event.case
    organization = case.organization
    citizen = case.citizen
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
        if event.kind == EventKind.TRANSITIONED:
            context["state"] = case.get_workflow().state(event.payload["to"])
            context["comment"] = event.payload.get("comment", "")
            if context["state"].is_waiting:
                context.update(_waiting_context(case, event.payload))
        elif event.kind == EventKind.TACIT_DECISION:
            context["state"] = case.get_workflow().state(event.payload.get("to", case.state))
            context["decision"] = event.payload.get("decision")
            due_date = event.payload.get("due_date")
            context["due_date"] = datetime.date.fromisoformat(due_date) if due_date else None
        elif event.kind == EventKind.MESSAGE:
            context["message"] = Message.objects.get(pk=event.payload["message"])
        elif event.kind == EventKind.SUBMITTED:
            context["places"] = places_of(case.service_id)
            # The acknowledgement of receipt (PDF) goes with this e-mail, or follows later.
            context["acknowledgement"] = acknowledgement_moment(case)
        elif event.kind == EventKind.MERGED:
            context["state"] = case.get_workflow().state(event.payload.get("to", case.state))
            context["comment"] = gettext(MERGED_EXPLANATION)
        template = {
            EventKind.SUBMITTED: "acknowledgement",
            EventKind.TRANSITIONED: "status",
            EventKind.MERGED: "status",
            EventKind.TACIT_DECISION: "tacit_decision",
            EventKind.MESSAGE: "message",
        }[event.kind]

        wants_email = event.kind == EventKind.SUBMITTED or citizen is None or citizen.notify_email
        if case.contact_email and wants_email:
            # A transition's `notify` action replaces the generic e-mail by the procedure's
            # own template; a template that cannot be used falls back on the generic one.
            own = event.payload.get("notify") if event.kind == EventKind.TRANSITIONED else None
            if not (own and _queue_procedure_template(event, own, context)):
                _queue(event, case.contact_email, template, context)
        if number := sms_number(case):
            _queue_sms(event, number, template, context)
    if event.kind in (EventKind.TRANSITIONED, EventKind.TACIT_DECISION):
        # After the case's own citizen: one e-mail per address and event (the same person
        # may have filed both requests), and theirs is the one kept.
        _tell_merged_citizens(event)
