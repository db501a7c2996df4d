"""Messages between the citizen and the agents (with their attachments), internal notes,
bounced e-mails and read marks. A citizen's answer moves a case that waits for them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ._common import (
    MAX_MESSAGE_LENGTH,
    _behalf,
    _person,
    _record,
    _require_agent,
    _save_attachment,
    domain_action,
)
from .handling import transition_case
from .mandates import active_mandate
from .models import Case, CaseEvent, EventKind, Message
from .uploads import prepare_uploads


@domain_action
def post_message(
    *,
    case: Case,
    body: str,
    from_citizen: bool,
    author=None,
    files=(),
    at: datetime.datetime | None = None,
) -> Message:
    """A message from the citizen to the agents, or from an agent to the citizen.

    A citizen's message written by someone else (`author` holds the citizen's mandate) is
    journaled as written by that helper for the citizen.

    The citizen's message answers a case that waits for them: it then makes the transition
    the workflow gives for their answer (Workflow.reply_transition), which resumes the
    clock, in the same transaction, journaled after the message.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Le message est vide.")]})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"body": [_("Le message dépasse %(max)s caractères.") % {"max": MAX_MESSAGE_LENGTH}]}
        )
    behalf = None
    if not from_citizen:
        if author is None:
            raise PermissionDenied(_("Un message d'agent a besoin d'un auteur."))
        _require_agent(author, case)
    elif (
        _person(author) is not None and case.citizen_id is not None and author.pk != case.citizen_id
    ):
        # Someone else writing on a citizen's case (not through the tracking code alone:
        # the portal then posts without an author) acts under that citizen's mandate.
        if active_mandate(author, case.citizen, case.procedure) is None:
            raise PermissionDenied(_("Vous n'avez pas de mandat pour cette démarche."))
        behalf = _behalf(case, as_agent=False)
    prepared = prepare_uploads([("attachment", upload) for upload in files])
    message = Message.objects.create(
        case=case,
        author=_person(author),
        from_citizen=from_citizen,
        body=body,
        created_at=at or timezone.now(),
    )
    for _key, upload in prepared:
        _save_attachment(case, upload, message=message, actor=author)
    Case.objects.filter(pk=case.pk).update(updated_at=message.created_at)
    _record(
        case,
        kind=EventKind.MESSAGE,
        actor=author,
        is_public=True,
        payload={"message": message.pk, "from_citizen": from_citizen}
        | ({"on_behalf_of": behalf} if behalf else {}),
        at=message.created_at,
    )
    if from_citizen:
        _resume_on_reply(case, message)
    return message


def _resume_on_reply(case: Case, message: Message) -> None:
    """Moves a case waiting for the citizen along the transition their answer makes."""
    case = Case.objects.select_related("version").get(pk=case.pk)
    step = case.reply_transition()
    if step is None:
        return
    transition_case(
        case=case,
        transition=step.code,
        actor=None,
        at=message.created_at,
        trigger={"type": "citizen_reply", "message": message.pk},
    )


@domain_action
def record_contact_bounce(*, case: Case, email: str, reason: str) -> CaseEvent:
    """An e-mail to the case's contact came back undelivered: the journal says so to the
    agents (internal), so that they reach the citizen another way."""
    return _record(
        case,
        kind=EventKind.CONTACT_BOUNCED,
        is_public=False,
        payload={"email": email, "reason": reason[:500]},
    )


@domain_action
def add_internal_note(
    *, case: Case, body: str, actor, at: datetime.datetime | None = None
) -> CaseEvent:
    """A note for the agents only; never shown to the citizen."""
    _require_agent(actor, case)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("La note est vide.")]})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"body": [_("La note dépasse %(max)s caractères.") % {"max": MAX_MESSAGE_LENGTH}]}
        )
    return _record(
        case, kind=EventKind.NOTE, actor=actor, is_public=False, payload={"body": body}, at=at
    )


@domain_action
def mark_messages_read(*, case: Case, by_citizen: bool) -> int:
    """Marks the messages written to the reader as read: the administration's messages when
    the citizen reads, the citizen's when an agent does. Returns how many were unread."""
    return Message.objects.filter(
        case=case, from_citizen=not by_citizen, read_at__isnull=True
    ).update(read_at=timezone.now())
