"""The e-mail that gives a citizen the link to resume a form in progress.

Called by the worker (guichet.cases.tasks.send_draft_link, through the setting
GUICHET_DRAFT_LINK_SENDER): drafts are no cases, so no journal event announces it; the
e-mail goes through the outbox all the same, and is retried until delivered.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import OutgoingEmail


def send_draft_link(draft, *, language: str = "fr") -> OutgoingEmail:
    from .tasks import send_email

    organization = draft.organization
    with translation.override(language or "fr"):
        context = {
            "draft": draft,
            "procedure": draft.procedure,
            "organization": organization,
            "max_age_days": settings.GUICHET_DRAFT_MAX_AGE_DAYS,
            "resume_url": organization.absolute_url(
                reverse("portal:draft_resume", args=[draft.procedure.slug, draft.token])
            ),
        }
        subject = render_to_string("notify/email/draft_link_subject.txt", context)
        body = render_to_string("notify/email/draft_link.txt", context)
    email = OutgoingEmail.objects.create(
        to=draft.email,
        subject=" ".join(subject.split()),
        body=body,
        sender=organization.email_from,
        organization=organization,
    )
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email
