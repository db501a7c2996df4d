"""The satisfaction survey's invitation: when a case reaches a closed state, its citizen is
e-mailed once a signed link to rate it (guichet/cases/satisfaction.py). A subscriber of the
journal (settings.GUICHET_EVENT_SUBSCRIBERS).

The e-mail is not tied to the event (the closing e-mail to the same address is): the survey
row, unique per case and written in the same transaction, makes it once.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guichet.cases.models import EventKind
from guichet.cases.satisfaction import open_survey, survey_token

from .handlers import SUBJECT_MAX_LENGTH, _threading
from .models import OutgoingEmail

CLOSING = {EventKind.TRANSITIONED, EventKind.TACIT_DECISION}


def on_case_event(event) -> None:
    if event.kind not in CLOSING:
        return
    case = event.case
    to = event.payload.get("to", case.state)
    if not case.get_workflow().state(to).is_closed or case.merged_into_id:
        return
    citizen = case.citizen
    if case.anonymized_at or (citizen is not None and not citizen.notify_email):
        return
    survey = open_survey(case=case)
    if survey is None:
        return
    invite(survey)


def invite(survey) -> OutgoingEmail:
    from .tasks import send_email

    case = survey.case
    organization = case.organization
    days = settings.GUICHET_SATISFACTION_LINK_DAYS
    with translation.override(case.language or "fr"):
        context = {
            "case": case,
            "organization": organization,
            "days": days,
            "url": organization.absolute_url(
                reverse("portal:satisfaction", args=[survey_token(survey)])
            ),
        }
        subject = render_to_string("notify/email/satisfaction_subject.txt", context)
        body = render_to_string("notify/email/satisfaction.txt", context)
    email = OutgoingEmail.objects.create(
        to=survey.email,
        subject=" ".join(subject.split())[:SUBJECT_MAX_LENGTH],
        body=body,
        **_threading(case),
    )
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email
