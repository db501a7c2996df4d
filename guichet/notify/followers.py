"""E-mails to the agents who follow a case (cases.CaseFollower): a subscriber of the journal
(settings.GUICHET_EVENT_SUBSCRIBERS), run by the worker like the citizens' notifications.

Followers hear of what they did not do themselves: the citizen's messages, changes of state,
transfers and tacit decisions. A follower who no longer handles the case hears nothing.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guichet.cases.access import can_handle
from guichet.cases.models import CaseFollower, EventKind

from .handlers import _queue_text

FOLLOWED = {EventKind.MESSAGE, EventKind.TRANSITIONED, EventKind.ROUTED, EventKind.TACIT_DECISION}


def on_case_event(event) -> None:
    if event.kind not in FOLLOWED:
        return
    if event.kind == EventKind.MESSAGE and not event.payload.get("from_citizen"):
        return
    if event.kind == EventKind.ROUTED and not event.payload.get("transfer"):
        return
    case = event.case
    followers = CaseFollower.objects.filter(case=case).select_related("user")
    for follower in followers:
        user = follower.user
        if user.pk == event.actor_id or not user.is_active or not can_handle(user, case):
            continue
        with translation.override(user.language or "fr"):
            context = {
                "case": case,
                "event": event,
                "state": case.get_workflow().state(event.payload.get("to", case.state)),
                "url": case.organization.absolute_url(
                    reverse("backoffice:case", args=[case.reference])
                ),
            }
            subject = render_to_string("notify/email/followed_subject.txt", context)
            body = render_to_string("notify/email/followed.txt", context)
        _queue_text(event, user.email, subject, body)
