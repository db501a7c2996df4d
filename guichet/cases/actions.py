"""The domain actions: the only code that writes cases, their journal and their messages.

Every door (portal, back office, API, e-mail, command line) calls these. Each runs in one
transaction, appends to the case's journal, and leaves side effects (e-mails, webhooks) to
the worker: the event is handed to the task queue once the transaction has committed.
"""

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.catalog.formschema import clean_answers, validate_upload
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Category

from .access import can_handle
from .models import (
    Attachment,
    Case,
    CaseEvent,
    Channel,
    EventKind,
    Message,
    ReferenceCounter,
)
from .tasks import dispatch_event, dispatch_suppressed, writing_cases

MAX_MESSAGE_LENGTH = 10000


def domain_action(function):
    """Marks a domain action: one transaction, and the right to write case rows.

    The test suite refuses any save of a case, event, message or attachment made outside
    such a function (guichet/conftest.py), which proves that every door goes through here.
    """
    atomic = transaction.atomic(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with writing_cases():
            return atomic(*args, **kwargs)

    return wrapper


def _record(case, *, kind, actor=None, is_public, payload=None, at=None) -> CaseEvent:
    at = at or timezone.now()
    quiet = dispatch_suppressed()
    event = CaseEvent.objects.create(
        case=case,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        is_public=is_public,
        payload=payload or {},
        created_at=at,
        dispatched_at=at if quiet else None,
    )
    if not quiet:
        transaction.on_commit(lambda: dispatch_event.enqueue(event.pk))
    return event


def _next_reference(organization, year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(organization=organization, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{organization.reference_prefix}-{year}-{counter.value:06d}"


def _require_agent(actor, case) -> None:
    if actor is not None and not can_handle(actor, case):
        raise PermissionDenied(_("Vous ne traitez pas cette demande."))


def _save_attachment(case, upload, *, field_id="", message=None, actor=None) -> Attachment:
    validate_upload(upload)
    return Attachment.objects.create(
        case=case,
        message=message,
        field_id=field_id,
        file=upload,
        original_name=upload.name[:200],
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )


@domain_action
def submit_case(
    *,
    procedure: Procedure,
    data: dict,
    channel: str,
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    files: dict | None = None,
    citizen=None,
    actor=None,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    language: str = "fr",
    submitted_at: datetime.datetime | None = None,
) -> Case:
    """Files a new case for `procedure` and acknowledges it.

    `data` is validated against the procedure's form (ValidationError keyed by field id on
    bad input). `actor` is the agent who files on the citizen's behalf (phone, counter, mail).
    """
    errors = {}
    version = procedure.current_version
    if version is None or (not procedure.is_published and actor is None):
        raise ValidationError(_("Cette démarche n'est pas ouverte aux demandes."))
    if channel not in Channel.values:
        errors["channel"] = [_("Canal inconnu.")]
    contact_name = (contact_name or "").strip()
    contact_email = (contact_email or "").strip().lower()
    contact_phone = (contact_phone or "").strip()
    if not contact_name:
        errors["contact_name"] = [_("Indiquez votre nom.")]
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Saisissez une adresse e-mail valide.")]
    elif not contact_phone:
        errors["contact_email"] = [
            _("Indiquez une adresse e-mail ou un téléphone pour que nous puissions vous répondre.")
        ]
    if (latitude is None) != (longitude is None):
        errors["location"] = [_("Une position a besoin d'une latitude et d'une longitude.")]
    elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["location"] = [_("Cette position n'existe pas.")]
    try:
        answers, uploads = clean_answers(version.fields, data, files)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    workflow = version.get_workflow()
    initial = workflow.state(workflow.initial)
    now = submitted_at or timezone.now()
    case = Case.objects.create(
        organization=procedure.organization,
        procedure=procedure,
        version=version,
        reference=_next_reference(procedure.organization, timezone.localtime(now).year),
        data=answers,
        state=initial.code,
        category=initial.category,
        service=procedure.service,
        citizen=citizen if citizen is not None and citizen.is_authenticated else None,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        language=language,
        channel=channel,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        created_at=now,
        updated_at=now,
        due_at=now + datetime.timedelta(days=procedure.processing_days)
        if procedure.processing_days
        else None,
    )
    for field_id, upload in uploads:
        _save_attachment(case, upload, field_id=field_id, actor=actor)
    _record(
        case,
        kind=EventKind.SUBMITTED,
        actor=actor or citizen,
        is_public=True,
        payload={"channel": channel, "state": initial.code},
        at=now,
    )
    return case


@domain_action
def transition_case(
    *, case: Case, transition: str, actor, comment: str = "", at: datetime.datetime | None = None
) -> Case:
    """Moves a case along its workflow by the transition named `transition`.

    `at` backdates the change (imports of history); it defaults to now.
    """
    _require_agent(actor, case)
    # Lock the case only, not its procedure: other cases of the procedure move on.
    case = Case.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=case.pk)
    workflow = case.get_workflow()
    step = workflow.transition(case.state, transition)
    if step is None:
        raise ValidationError(
            {"transition": [_("Cette action n'est pas possible dans l'état actuel.")]}
        )
    target = workflow.state(step.target)
    previous = case.state
    now = at or timezone.now()
    case.state = target.code
    case.category = target.category
    case.closed_at = now if target.category == Category.CLOSED else None
    case.updated_at = now
    case.save(update_fields=["state", "category", "closed_at", "updated_at"])
    _record(
        case,
        kind=EventKind.TRANSITIONED,
        actor=actor,
        is_public=True,
        payload={
            "transition": step.code,
            "from": previous,
            "to": target.code,
            "comment": comment.strip()[:MAX_MESSAGE_LENGTH],
        },
        at=now,
    )
    return case


@domain_action
def assign_case(*, case: Case, assignee, actor, at: datetime.datetime | None = None) -> Case:
    """Gives the case to `assignee` (an agent who can handle it), or to nobody (None)."""
    _require_agent(actor, case)
    if assignee is not None and not can_handle(assignee, case):
        raise ValidationError({"assignee": [_("Cet agent ne traite pas ce service.")]})
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.assignee_id
    if previous == (assignee.pk if assignee else None):
        return case
    case.assignee = assignee
    case.updated_at = at or timezone.now()
    case.save(update_fields=["assignee", "updated_at"])
    _record(
        case,
        kind=EventKind.ASSIGNED,
        actor=actor,
        is_public=False,
        payload={"from": previous, "to": assignee.pk if assignee else None},
        at=case.updated_at,
    )
    return case


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
    """A message from the citizen to the agents, or from an agent to the citizen."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Le message est vide.")]})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"body": [_("Le message dépasse %(max)s caractères.") % {"max": MAX_MESSAGE_LENGTH}]}
        )
    if not from_citizen:
        if author is None:
            raise PermissionDenied(_("Un message d'agent a besoin d'un auteur."))
        _require_agent(author, case)
    for upload in files:
        validate_upload(upload)
    message = Message.objects.create(
        case=case,
        author=author if author is not None and author.is_authenticated else None,
        from_citizen=from_citizen,
        body=body,
        created_at=at or timezone.now(),
    )
    for upload in files:
        _save_attachment(case, upload, message=message, actor=author)
    Case.objects.filter(pk=case.pk).update(updated_at=message.created_at)
    _record(
        case,
        kind=EventKind.MESSAGE,
        actor=author,
        is_public=True,
        payload={"message": message.pk, "from_citizen": from_citizen},
        at=message.created_at,
    )
    return message


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
def delete_cases(*, cases) -> int:
    """Deletes cases with their journal, messages and attachments (files included).

    For removing loaded history (the demo's --reset, a test import); nobody is notified.
    Returns the number of cases deleted.
    """
    cases = Case.objects.filter(pk__in=cases.values("pk"))
    names = list(Attachment.objects.filter(case__in=cases).values_list("file", flat=True))
    _total, deleted = cases.delete()
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return deleted.get(Case._meta.label, 0)
