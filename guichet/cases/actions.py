"""The domain actions: the only code that writes cases, their journal and their messages.

Every door (portal, back office, API, e-mail, command line) calls these. Each runs in one
transaction, appends to the case's journal, and leaves side effects (e-mails, webhooks) to
the worker: the event is handed to the task queue once the transaction has committed.
"""

import datetime
import functools
import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guichet.catalog.formschema import (
    clean_answers,
    display_value,
    evaluate_form,
    item_type,
    validate_upload,
)
from guichet.catalog.models import Procedure, RetentionAction
from guichet.catalog.routing import decide_route
from guichet.catalog.workflow import MERGED_STATE, Category
from guichet.lib.phone import normalize_phone, phone_pattern
from guichet.organization.access import get_membership
from guichet.organization.models import Role, Service

from . import deadlines, search
from .access import can_handle
from .models import (
    Attachment,
    Case,
    CaseEvent,
    CaseFollower,
    Channel,
    Draft,
    EventKind,
    Label,
    Message,
    ReferenceCounter,
)
from .tasks import dispatch_event, dispatch_suppressed, send_draft_link, writing_cases
from .templating import render_document, template_variables

logger = logging.getLogger(__name__)

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
    # What the case is found by follows every change the journal records.
    search.index_case(case)
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
    draft: Draft | None = None,
) -> Case:
    """Files a new case for `procedure` and acknowledges it.

    `data` is validated against the procedure's form (ValidationError keyed by field id on
    bad input). `actor` is the agent who files on the citizen's behalf (phone, counter, mail).
    `draft`, the form in progress the case comes from, is deleted with the filing.
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

    route = decide_route(
        version=version,
        organization=procedure.organization,
        answers=answers,
        latitude=latitude,
        longitude=longitude,
        default_service=procedure.service,
    )
    workflow = version.get_workflow()
    initial = workflow.state(workflow.initial)
    now = submitted_at or timezone.now()
    deadline = deadlines.initial(version=version, procedure=procedure, submitted_at=now)
    case = Case.objects.create(
        organization=procedure.organization,
        procedure=procedure,
        version=version,
        reference=_next_reference(procedure.organization, timezone.localtime(now).year),
        data=answers,
        state=initial.code,
        category=initial.category,
        service=route.service,
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
        due_at=deadline.due_at,
        at_risk_at=deadline.at_risk_at,
    )
    for field_id, upload in uploads:
        _save_attachment(case, upload, field_id=field_id, actor=actor)
    if draft is not None:
        Draft.objects.filter(pk=draft.pk).delete()
    _record(
        case,
        kind=EventKind.SUBMITTED,
        actor=actor or citizen,
        is_public=True,
        payload={
            "channel": channel,
            "state": initial.code,
            # Which routing rule chose the service (its index from 0), or "default".
            "routing": route.rule,
            "service": route.service.slug,
        },
        at=now,
    )
    return case


def _transition_actions(step, source, target) -> list[dict]:
    """The actions a transition runs, in order.

    The clock follows the state's category: entering a "waiting" state pauses the deadline,
    leaving one resumes it, unless the transition says itself what to do with the clock
    (`pause_deadline` or `resume_deadline` in its actions). The implied action runs first.
    """
    actions = [dict(action) for action in step.actions if isinstance(action, dict)]
    types = {action.get("type") for action in actions}
    if not types & {"pause_deadline", "resume_deadline"}:
        if target.is_waiting and not source.is_waiting:
            actions.insert(0, {"type": "pause_deadline", "implied": True})
        elif source.is_waiting and not target.is_waiting:
            actions.insert(0, {"type": "resume_deadline", "implied": True})
    return actions


def _assign_service(case, slug: str) -> tuple[dict, dict | None]:
    """Moves the case to another service of its organization; its assignee keeps it only if
    they work for that service too. Returns what was done and the journal payload."""
    service = Service.objects.filter(organization_id=case.organization_id, slug=slug).first()
    if service is None:
        # Checked at publication; the service may have been renamed or deleted since.
        return {"skipped": "unknown_service"}, None
    if service.pk == case.service_id:
        return {"skipped": "same_service"}, None
    previous = case.service
    case.service = service
    unassigned = None
    if case.assignee_id is not None and not can_handle(case.assignee, case):
        unassigned, case.assignee = case.assignee_id, None
    done = {"from": previous.slug, "to": service.slug, "unassigned": unassigned}
    return done, {"from": previous.slug, "to": service.slug, "unassigned": unassigned}


def _produce_document(case, key: str, *, now, comment: str = "") -> dict:
    """Renders the version's template `key` into an HTML document attached to the case (the
    citizen sees it in their tracking page). A template that is missing or cannot be
    rendered is recorded as failed: the transition still happens."""
    template = (case.version.templates or {}).get(key)
    if not isinstance(template, dict):
        return {"template": key, "status": "failed", "reason": "unknown_template"}
    # The state the case is entering: the document speaks of the decision.
    state = case.get_workflow().state(case.state)
    try:
        with translation.override(case.language or "fr"):
            variables = template_variables(case, state, comment)
            text = render_document(case, template, variables, at=now)
    except Exception as error:  # whatever an administrator wrote, the case moves on
        logger.warning("Case %s: document %r not produced: %s", case.pk, key, error)
        return {"template": key, "status": "failed", "reason": "render_error"}
    name = f"{case.reference}-{key}.html"
    content = text.encode()
    try:
        with transaction.atomic():  # a savepoint: the transition survives a failed write
            attachment = Attachment.objects.create(
                case=case,
                file=ContentFile(content, name=name),
                original_name=name,
                content_type="text/html",
                size=len(content),
                generated_from=key,
                created_at=now,
            )
    except OSError as error:  # the storage refused the file (a full disk, say)
        logger.error("Case %s: document %r not stored: %s", case.pk, key, error)
        return {"template": key, "status": "failed", "reason": "storage_error"}
    return {"template": key, "status": "produced", "attachment": attachment.pk, "name": name}


def _run_action(case, action: dict, *, now, comment="") -> tuple[dict, set[str], dict | None]:
    """Runs one transition action on the (locked, unsaved) case.

    Returns what it did (for the journal), the fields it changed and, for a change of
    service, the payload of a journal event of its own.
    """
    kind = action.get("type")
    record = {"type": kind}
    if action.get("implied"):
        record["implied"] = True
    if kind == "pause_deadline":
        return {**record, **deadlines.pause(case, now)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "resume_deadline":
        return {**record, **deadlines.resume(case, now)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "set_deadline":
        return {**record, **deadlines.restart(case, now)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "clear_deadline":
        return {**record, **deadlines.clear(case)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "assign_service":
        done, routed = _assign_service(case, action.get("service", ""))
        return {**record, **done}, {"service", "assignee"}, routed
    if kind == "notify":
        # The notification handler sends the version's template after commit.
        return {**record, "template": action.get("template", "")}, set(), None
    if kind == "document":
        produced = _produce_document(case, action.get("template", ""), now=now, comment=comment)
        return {**record, **produced}, set(), None
    if kind == "webhook":
        # Called by the worker once the change is committed (notify.webhooks subscriber).
        return {**record, "url": action.get("url", ""), "status": "queued"}, set(), None
    return {**record, "skipped": "unknown_action"}, set(), None


@domain_action
def transition_case(
    *, case: Case, transition: str, actor, comment: str = "", at: datetime.datetime | None = None
) -> Case:
    """Moves a case along its workflow by the transition named `transition`.

    The actor needs a role the transition allows (PermissionDenied), and a comment when the
    transition requires one (ValidationError on "comment"); None is the system, which may
    make any transition. The transition's actions run in order (see `_transition_actions`)
    and the journal event lists what each did. `at` backdates the change (imports of
    history); it defaults to now.
    """
    _require_agent(actor, case)
    # Lock the case only, not its procedure: other cases of the procedure move on.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "version", "organization", "service")
        .get(pk=case.pk)
    )
    workflow = case.get_workflow()
    step = workflow.transition(case.state, transition)
    if step is None:
        raise ValidationError(
            {"transition": [_("Cette action n'est pas possible dans l'état actuel.")]}
        )
    if actor is not None:
        membership = get_membership(actor, case.organization)
        if membership is None or not step.allows(membership.role):
            raise PermissionDenied(_("Votre rôle ne vous permet pas cette action."))
    comment = (comment or "").strip()[:MAX_MESSAGE_LENGTH]
    if step.comment_required and not comment:
        raise ValidationError({"comment": [_("Cette action demande un commentaire.")]})
    source = workflow.state(case.state)
    target = workflow.state(step.target)
    now = at or timezone.now()
    case.state = target.code
    case.category = target.category
    case.closed_at = now if target.category == Category.CLOSED else None
    case.updated_at = now
    changed = {"state", "category", "closed_at", "updated_at"}
    done, routed = [], []
    for action in _transition_actions(step, source, target):
        record, fields, routing = _run_action(case, action, now=now, comment=comment)
        done.append(record)
        changed |= fields
        if routing is not None:
            routed.append(routing)
    case.save(update_fields=sorted(changed))
    payload = {
        "transition": step.code,
        "from": source.code,
        "to": target.code,
        "comment": comment,
        "actions": done,
    }
    template = next((a["template"] for a in done if a["type"] == "notify"), None)
    if template:
        payload["notify"] = template
    _record(case, kind=EventKind.TRANSITIONED, actor=actor, is_public=True, payload=payload, at=now)
    for routing in routed:
        _record(
            case,
            kind=EventKind.ROUTED,
            actor=actor,
            is_public=False,
            payload={**routing, "transition": step.code},
            at=now,
        )
    return case


@domain_action
def apply_tacit_decision(*, case: Case, at: datetime.datetime | None = None) -> Case | None:
    """Applies the procedure's tacit decision (*silence vaut accord* or *rejet*) to a case
    whose deadline has passed: the case moves to the decision's state, with a public journal
    event that the citizen is notified of.

    Does nothing and returns None before the due date, on a closed, paused or undated case,
    or when the case's version has no tacit decision: calling it again is harmless.
    """
    now = at or timezone.now()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "version")
        .get(pk=case.pk)
    )
    rule = deadlines.rule_of(case)
    if (
        rule is None
        or rule.tacit is None
        or case.is_closed
        or case.deadline_paused_at is not None
        or case.due_at is None
        or now <= case.due_at
        or case.state == rule.tacit.state
    ):
        return None
    target = case.get_workflow().state(rule.tacit.state)
    previous = case.state
    case.state = target.code
    case.category = target.category
    case.closed_at = now if target.category == Category.CLOSED else None
    case.updated_at = now
    case.save(update_fields=["state", "category", "closed_at", "updated_at"])
    payload = {
        "decision": rule.tacit.decision,
        "from": previous,
        "to": target.code,
        "due_at": case.due_at.isoformat(),
        "due_date": deadlines.local_date(case.due_at).isoformat(),
    }
    if rule.tacit.document:
        payload["document"] = _produce_document(case, rule.tacit.document, now=now)
    _record(case, kind=EventKind.TACIT_DECISION, is_public=True, payload=payload, at=now)
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


MAX_REASON_LENGTH = 2000


@domain_action
def transfer_case(*, case: Case, service, reason: str, actor) -> Case:
    """Sends the case to another service of its organization, with the reason (kept in the
    internal journal). Its assignee keeps it only if they work for that service too."""
    _require_agent(actor, case)
    reason = (reason or "").strip()
    errors = {}
    if service is None or service.organization_id != case.organization_id:
        errors["service"] = [_("Choisissez un service de l'organisation.")]
    elif service.pk == case.service_id:
        errors["service"] = [_("La demande est déjà dans ce service.")]
    if not reason:
        errors["reason"] = [_("Indiquez pourquoi la demande change de service.")]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [_("Le motif dépasse %(max)s caractères.") % {"max": MAX_REASON_LENGTH}]
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    done, routing = _assign_service(case, service.slug)
    case.updated_at = timezone.now()
    case.save(update_fields=["service", "assignee", "updated_at"])
    _record(
        case,
        kind=EventKind.ROUTED,
        actor=actor,
        is_public=False,
        payload={**(routing or done), "reason": reason, "transfer": True},
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


# --- Drafts: forms in progress -----------------------------------------------------------------

MAX_DRAFT_SIZE = 256 * 1024  # characters of JSON: far beyond any form, short of abuse


@domain_action
def save_draft(
    *, procedure: Procedure, data: dict, page: int, draft: Draft | None = None, citizen=None
) -> Draft:
    """Saves a form in progress: what was typed (`data`, raw input by form name, not
    validated) and the step reached (`page`). Creates the draft when `draft` is None.

    A signed-in citizen keeps one draft per procedure: a new one replaces the others. The
    draft follows the procedure's current version (answers are kept by field id).
    """
    if len(json.dumps(data, cls=DjangoJSONEncoder)) > MAX_DRAFT_SIZE:
        raise ValidationError(_("Ce brouillon est trop volumineux pour être enregistré."))
    now = timezone.now()
    if draft is None:
        citizen = citizen if citizen is not None and citizen.is_authenticated else None
        if citizen is not None:
            Draft.objects.filter(procedure=procedure, citizen=citizen).delete()
        return Draft.objects.create(
            organization=procedure.organization,
            procedure=procedure,
            version=procedure.current_version,
            citizen=citizen,
            data=data,
            page=page,
            created_at=now,
            updated_at=now,
        )
    draft.version = procedure.current_version
    draft.data, draft.page, draft.updated_at = data, page, now
    draft.save(update_fields=["version", "data", "page", "updated_at"])
    return draft


@domain_action
def delete_draft(*, draft: Draft) -> None:
    """Forgets a form in progress (the citizen starts over, or gives up)."""
    Draft.objects.filter(pk=draft.pk).delete()


@domain_action
def request_draft_link(*, draft: Draft, email: str, language: str = "fr") -> Draft:
    """Records `email` on the draft and has the link to resume it sent there, after commit
    (the worker hands it to settings.GUICHET_DRAFT_LINK_SENDER)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Saisissez une adresse e-mail valide.")]}) from None
    draft.email = email
    draft.updated_at = timezone.now()
    draft.save(update_fields=["email", "updated_at"])
    draft_id = draft.pk
    transaction.on_commit(lambda: send_draft_link.enqueue(draft_id, language))
    return draft


@domain_action
def purge_drafts(*, now: datetime.datetime | None = None) -> int:
    """Deletes the drafts left untouched for GUICHET_DRAFT_MAX_AGE_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.GUICHET_DRAFT_MAX_AGE_DAYS)
    _total, deleted = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted.get(Draft._meta.label, 0)


@domain_action
def link_cases_to_citizen(*, citizen, email: str) -> int:
    """Gives `citizen` the cases filed without an account under `email`, once they have
    proved that the address is theirs (call it only for a verified address). Each case's
    journal says so. Returns how many cases joined the account."""
    cases = list(
        Case.objects.select_for_update()
        .filter(citizen__isnull=True, contact_email__iexact=email.strip())
        .order_by("pk")
    )
    for case in cases:
        case.citizen = citizen
        case.save(update_fields=["citizen"])
        _record(
            case,
            kind=EventKind.ACCOUNT_LINKED,
            actor=citizen,
            is_public=False,
            payload={"email": email.strip().lower()},
        )
    return len(cases)


def _record_key(key: tuple[str, str]) -> tuple[str, str]:
    kind, value = key[0], key[1].strip()
    if kind == "email":
        return (kind, value.lower())
    return (kind, normalize_phone(value) or value)


def _record_cases(organization, key: tuple[str, str]):
    kind, value = key
    cases = Case.objects.filter(organization=organization)
    if kind == "email":
        return cases.filter(contact_email__iexact=value)
    # Numbers may be stored as typed (06 12 34 56 78) or in E.164 (+33612345678).
    return cases.filter(Q(contact_phone=value) | Q(contact_phone__regex=phone_pattern(value)))


@domain_action
def merge_citizen_records(*, organization, source: tuple[str, str], target: tuple[str, str], actor):
    """Merges two records of one person in the back office (the same person wrote from two
    addresses, or once by phone): the cases of `source` take the contact details (and the
    account, if any) of `target`. A record is ("email", address) or ("phone", number).

    Administrators only (PermissionDenied otherwise). ValidationError when a record is
    empty, when both are the same, or when each has its own citizen account (two accounts
    are never joined by an agent). Each moved case's journal keeps the old details.
    Returns the number of cases moved.
    """
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs fusionnent des fiches."))
    source, target = _record_key(source), _record_key(target)
    if source == target:
        raise ValidationError(_("Choisissez une autre fiche que celle-ci."))
    moving = list(_record_cases(organization, source).select_for_update().order_by("pk"))
    staying = list(_record_cases(organization, target).order_by("-created_at"))
    if not moving or not staying:
        raise ValidationError(_("Aucune demande ne correspond à cette fiche."))
    accounts = {case.citizen_id for case in staying if case.citizen_id}
    other_accounts = {case.citizen_id for case in moving if case.citizen_id} - accounts
    if other_accounts or len(accounts) > 1:
        raise ValidationError(
            _(
                "Ces fiches appartiennent à deux comptes usager différents : seul l'usager peut "
                "regrouper ses demandes, en changeant l'adresse de son compte."
            )
        )
    reference = staying[0]
    citizen_id = next(iter(accounts), None)
    for case in moving:
        before = {
            "contact_name": case.contact_name,
            "contact_email": case.contact_email,
            "contact_phone": case.contact_phone,
        }
        case.contact_name = reference.contact_name or case.contact_name
        case.contact_email = reference.contact_email or case.contact_email
        case.contact_phone = reference.contact_phone or case.contact_phone
        if citizen_id and not case.citizen_id:
            case.citizen_id = citizen_id
        case.save(update_fields=["contact_name", "contact_email", "contact_phone", "citizen"])
        _record(
            case,
            kind=EventKind.RECORDS_MERGED,
            actor=actor,
            is_public=False,
            payload={"before": before, "into": {"kind": target[0], "value": target[1]}},
        )
    return len(moving)


ERASED_CONTACT_NAME = "Usager ayant supprimé son compte"


def _erase_contact(case) -> list[str]:
    case.contact_name, case.contact_email, case.contact_phone = ERASED_CONTACT_NAME, "", ""
    return ["contact_name", "contact_email", "contact_phone"]


@domain_action
def erase_citizen(*, citizen) -> dict:
    """What happens to a citizen's requests when they delete their account.

    Closed requests keep what the administration must keep (answers, history, decisions) but
    lose the person's contact details. Open ones follow their organization's retention policy
    (Organization.open_cases_on_erasure): by default the service keeps the contact details to
    finish the work and answer, and they are erased once the request is closed
    (erase_pending_contacts); or they are erased at once. All are detached from the account;
    drafts are deleted. Each request's journal says so. Returns the counts.
    """
    counts = {"anonymized": 0, "detached": 0, "drafts": 0}
    cases = Case.objects.select_for_update().filter(citizen=citizen).select_related("organization")
    for case in cases.order_by("pk"):
        case.citizen = None
        fields = ["citizen"]
        erase_now = case.is_closed or case.organization.open_cases_on_erasure == "erase"
        if erase_now:
            fields += _erase_contact(case)
            counts["anonymized"] += 1
        else:
            case.erase_contact_when_closed = True
            fields.append("erase_contact_when_closed")
            counts["detached"] += 1
        case.save(update_fields=fields)
        _record(
            case,
            kind=EventKind.ACCOUNT_ERASED,
            is_public=False,
            payload={"anonymized": erase_now},
        )
    counts["drafts"], _deleted = Draft.objects.filter(citizen=citizen).delete()
    return counts


@domain_action
def erase_pending_contacts() -> int:
    """Erases the contact details kept on the requests of deleted accounts, once each is
    closed and every notification of its journal is sent (the decision reached the citizen).
    Returns how many requests were anonymized."""
    pending = (
        Case.objects.select_for_update()
        .filter(erase_contact_when_closed=True, category=Category.CLOSED)
        .exclude(events__dispatched_at__isnull=True)
        .order_by("pk")
    )
    count = 0
    for case in pending:
        fields = _erase_contact(case)
        case.erase_contact_when_closed = False
        case.save(update_fields=[*fields, "erase_contact_when_closed"])
        _record(
            case,
            kind=EventKind.ACCOUNT_ERASED,
            is_public=False,
            payload={"anonymized": True, "after_closing": True},
        )
        count += 1
    return count


# What an anonymized case's journal keeps of each event's details: states, transitions,
# services, channels and dates; never a comment, a note, an address or a message.
KEPT_PAYLOAD_KEYS = frozenset(
    {
        "channel",
        "state",
        "routing",
        "rule",
        "service",
        "transition",
        "from",
        "to",
        "decision",
        "due_date",
        "from_citizen",
        "anonymized",
        "after_closing",
    }
)
ANONYMIZED_CONTACT_NAME = "Demande anonymisée"
RETENTION_BATCH = 200


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` months earlier (the month's last day when shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _anonymize(case: Case, now: datetime.datetime) -> list[str]:
    """Removes what identifies the citizen from a closed case; returns the files to delete."""
    names = list(case.attachments.values_list("file", flat=True))
    case.attachments.all().delete()
    case.messages.all().delete()
    events = list(case.events.all())
    for event in events:
        event.payload = {k: v for k, v in event.payload.items() if k in KEPT_PAYLOAD_KEYS}
    CaseEvent.objects.bulk_update(events, ["payload"])
    _erase_contact(case)
    case.contact_name = ANONYMIZED_CONTACT_NAME
    case.citizen = None
    case.data = {}
    case.address = ""
    case.latitude = case.longitude = None
    case.erase_contact_when_closed = False
    case.anonymized_at = now
    case.save(
        update_fields=[
            "contact_name",
            "contact_email",
            "contact_phone",
            "citizen",
            "data",
            "address",
            "latitude",
            "longitude",
            "erase_contact_when_closed",
            "anonymized_at",
        ]
    )
    return names


@domain_action
def apply_retention(*, now: datetime.datetime | None = None) -> dict:
    """Anonymizes or deletes the closed cases whose procedure's retention period
    (Procedure.retention_months after closing) has run out, once every notification of their
    journal is sent. At most RETENTION_BATCH cases per procedure and call: the worker calls
    again. Returns the counts."""
    now = now or timezone.now()
    counts = {"anonymized": 0, "deleted": 0}
    procedures = Procedure.objects.filter(retention_months__isnull=False).only(
        "pk", "retention_months", "retention_action"
    )
    storage = Attachment._meta.get_field("file").storage
    names = []
    for procedure in procedures:
        due = (
            Case.objects.select_for_update()
            .filter(
                procedure=procedure,
                category=Category.CLOSED,
                closed_at__lt=months_before(now, procedure.retention_months),
                anonymized_at__isnull=True,
            )
            .exclude(events__dispatched_at__isnull=True)
            .order_by("closed_at", "pk")
        )
        if procedure.retention_action == RetentionAction.DELETE:
            pks = list(due.values_list("pk", flat=True)[:RETENTION_BATCH])
            doomed = Case.objects.filter(pk__in=pks)
            names += Attachment.objects.filter(case__in=doomed).values_list("file", flat=True)
            doomed.delete()
            counts["deleted"] += len(pks)
            continue
        for case in due[:RETENTION_BATCH]:
            names += _anonymize(case, now)
            _record(
                case,
                kind=EventKind.RETENTION_EXPIRED,
                is_public=False,
                payload={"anonymized": True},
                at=now,
            )
            counts["anonymized"] += 1
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return counts


def follow_case(*, case: Case, user, follow: bool = True) -> bool:
    """`user` (an agent who handles the case) follows it, or stops; returns whether they
    follow it now."""
    _require_agent(user, case)
    if follow:
        CaseFollower.objects.get_or_create(case=case, user=user)
    else:
        CaseFollower.objects.filter(case=case, user=user).delete()
    return follow


@domain_action
def mark_messages_read(*, case: Case, by_citizen: bool) -> int:
    """Marks the messages written to the reader as read: the administration's messages when
    the citizen reads, the citizen's when an agent does. Returns how many were unread."""
    return Message.objects.filter(
        case=case, from_citizen=not by_citizen, read_at__isnull=True
    ).update(read_at=timezone.now())


# --- Corrections, labels, links and duplicates ------------------------------------------------


def _reason(reason: str, missing: str) -> tuple[str, list]:
    reason = (reason or "").strip()
    if not reason:
        return reason, [missing]
    if len(reason) > MAX_REASON_LENGTH:
        return reason, [_("Le motif dépasse %(max)s caractères.") % {"max": MAX_REASON_LENGTH}]
    return reason, []


@domain_action
def edit_answers(*, case: Case, data, reason: str, actor) -> Case:
    """Corrects the citizen's answers (a typo, a wrong choice told on the phone): `data` is
    the whole form as posted, validated again by the case's version of the form. The fields
    changed, their former and new values and the reason go to the journal, and the citizen
    sees on their tracking page what was corrected and why. Files are not edited here."""
    _require_agent(actor, case)
    if case.is_closed or case.anonymized_at:
        raise ValidationError(_("Les réponses d'une demande clôturée ne se corrigent plus."))
    reason, reason_errors = _reason(reason, _("Indiquez pourquoi les réponses sont corrigées."))
    fields = case.version.fields
    state = evaluate_form(fields, data, with_files=False)
    errors = {key: list(value) for key, value in state.errors.items()}
    if reason_errors:
        errors["reason"] = reason_errors
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = case.data or {}
    files = {f["id"] for f in fields if isinstance(f, dict) and item_type(f) == "file"}
    after = {**state.answers, **{k: v for k, v in before.items() if k in files}}
    changes = []
    for field in fields:
        if not isinstance(field, dict) or field.get("id") in files:
            continue
        key = field.get("id")
        if key is None or before.get(key) == after.get(key):
            continue
        changes.append(
            {
                "field": key,
                "label": str(field.get("label") or key),
                "before": display_value(field, before[key]) if key in before else "",
                "after": display_value(field, after[key]) if key in after else "",
            }
        )
    if not changes:
        raise ValidationError(_("Aucune réponse n'a changé."))
    case.data = after
    case.updated_at = timezone.now()
    case.save(update_fields=["data", "updated_at"])
    _record(
        case,
        kind=EventKind.ANSWERS_EDITED,
        actor=actor,
        is_public=True,
        payload={"changes": changes, "reason": reason},
        at=case.updated_at,
    )
    return case


MAX_LABEL_LENGTH = 50


def normalize_label(name: str) -> str:
    return " ".join((name or "").split())


@domain_action
def label_case(*, case: Case, actor, add=(), remove=()) -> Case:
    """Adds labels to the case (by name: a label new to the organization is created) and
    removes others (Label objects or names). Recorded in the internal journal."""
    _require_agent(actor, case)
    names = [normalize_label(name) for name in add]
    if any(not name for name in names):
        raise ValidationError({"label": [_("Une étiquette a besoin d'un nom.")]})
    if any(len(name) > MAX_LABEL_LENGTH for name in names):
        message = _("Une étiquette a %(max)s caractères au plus.") % {"max": MAX_LABEL_LENGTH}
        raise ValidationError({"label": [message]})
    adding = []
    labels = Label.objects.filter(organization_id=case.organization_id)
    unique = {}
    for name in names:
        unique.setdefault(Label.key_of(name), name)
    for name in unique.values():
        label, _created = labels.get_or_create(
            key=Label.key_of(name), defaults={"name": name, "organization_id": case.organization_id}
        )
        adding.append(label)
    current = {label.pk: label for label in case.labels.all()}
    removing = [
        label
        for label in current.values()
        if any(label.pk == getattr(item, "pk", None) or label.name == item for item in remove)
    ]
    adding = [label for label in adding if label.pk not in current]
    if not adding and not removing:
        return case
    case.labels.add(*adding)
    case.labels.remove(*removing)
    _record(
        case,
        kind=EventKind.LABELED,
        actor=actor,
        is_public=False,
        payload={
            "added": [label.name for label in adding],
            "removed": [label.name for label in removing],
        },
    )
    return case


def _same_organization(case: Case, other: Case) -> None:
    if other.pk == case.pk:
        raise ValidationError({"other": [_("Une demande ne se lie pas à elle-même.")]})
    if other.organization_id != case.organization_id:
        raise ValidationError({"other": [_("Cette demande est introuvable.")]})


@domain_action
def link_cases(*, case: Case, other: Case, actor, link: bool = True) -> Case:
    """Links two cases (the same problem reported twice, the same family...) or unlinks
    them; both journals record it. The agent must handle both."""
    _require_agent(actor, case)
    _require_agent(actor, other)
    _same_organization(case, other)
    linked = case.related.filter(pk=other.pk).exists()
    if linked == link:
        return case
    if link:
        case.related.add(other)
    else:
        case.related.remove(other)
    for one, two in ((case, other), (other, case)):
        _record(
            one,
            kind=EventKind.LINKED,
            actor=actor,
            is_public=False,
            payload={"case": two.pk, "reference": two.reference, "linked": link},
        )
    return case


# What the citizen of a merged duplicate reads (e-mail and tracking page).
MERGED_EXPLANATION = gettext_noop(
    "Une autre demande porte sur le même sujet : la vôtre a été regroupée avec elle, pour "
    "être traitée une seule fois. Nous vous informerons de son avancement."
)


@domain_action
def merge_case(*, duplicate: Case, into: Case, actor, reason: str = "") -> Case:
    """Closes `duplicate` as a duplicate of `into`: its citizen is told that the request is
    grouped with a similar one, and from then on of each change of state of the kept case
    (notify.handlers). The two stay linked; a merged case cannot be reopened."""
    _require_agent(actor, duplicate)
    _require_agent(actor, into)
    _same_organization(duplicate, into)
    duplicate = Case.objects.select_for_update().get(pk=duplicate.pk)
    into = Case.objects.select_for_update().get(pk=into.pk)
    errors = {}
    if duplicate.is_closed:
        errors["other"] = [_("Cette demande est déjà clôturée.")]
    elif into.is_closed:
        errors["other"] = [
            _("La demande conservée est clôturée : elle ne peut plus rien recevoir.")
        ]
    elif into.merged_into_id:
        errors["other"] = [_("La demande conservée est elle-même un doublon.")]
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = duplicate.state
    duplicate.state = MERGED_STATE
    duplicate.category = Category.CLOSED
    duplicate.closed_at = duplicate.updated_at = now
    duplicate.deadline_paused_at = None
    duplicate.merged_into = into
    duplicate.save(
        update_fields=[
            "state",
            "category",
            "closed_at",
            "updated_at",
            "deadline_paused_at",
            "merged_into",
        ]
    )
    duplicate.related.add(into)
    # The cases merged into the duplicate earlier follow the kept case now.
    Case.objects.filter(merged_into=duplicate).update(merged_into=into)
    _record(
        duplicate,
        kind=EventKind.MERGED,
        actor=actor,
        is_public=True,
        payload={
            "from": previous,
            "to": MERGED_STATE,
            "into": into.pk,
            "reference": into.reference,
            "reason": reason,
        },
        at=now,
    )
    _record(
        into,
        kind=EventKind.MERGED,
        actor=actor,
        is_public=False,
        payload={"duplicate": duplicate.pk, "reference": duplicate.reference, "reason": reason},
        at=now,
    )
    return duplicate
