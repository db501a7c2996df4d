"""Intake: a new case filed by its citizen, by an agent on their behalf (phone, counter,
post) or by a helper who holds their mandate; its reference and its acknowledgement."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.catalog.deadline import AT_FILING, DeadlineRule
from guichet.catalog.formschema import clean_answers
from guichet.catalog.models import Procedure
from guichet.catalog.routing import decide_route
from guichet.lib.geo import location_error
from guichet.lib.phone import can_receive_sms

from . import deadlines
from ._common import _acknowledge, _behalf, _person, _record, _save_attachment, domain_action
from .access import acting_role
from .mandates import active_mandate
from .models import Case, Channel, Draft, EventKind, ReferenceCounter, ReplyBy
from .uploads import prepare_uploads


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
    contact_postal_address: str = "",
    reply_by: str = "",
    scans=(),
) -> Case:
    """Files a new case for `procedure` and acknowledges it.

    `data` is validated against the procedure's form (ValidationError keyed by field id on
    bad input). `actor` is the agent who files on the citizen's behalf (phone, counter, mail).
    `draft`, the form in progress the case comes from, is deleted with the filing.
    An `actor` who is not an agent of the organization and not the citizen is a helper: they
    need the citizen's mandate for this procedure (cases.models.Mandate). Either way the
    journal records who filed for whom. `reply_by` ("email", "sms", "letter") is how the
    citizen an agent filed for is answered; `scans` are the scanned letter's pages.
    """
    errors = {}
    version = procedure.current_version
    person = _person(actor)
    is_agent = person is not None and acting_role(person, procedure.organization) is not None
    on_behalf = person is not None and (citizen is None or person.pk != citizen.pk)
    if on_behalf and not is_agent:
        _require_mandate(person, citizen, procedure)
    if version is None or (not procedure.is_published and person is not None and not is_agent):
        raise ValidationError(_("Cette démarche n'est pas ouverte aux demandes."))
    if version is None or (not procedure.is_published and actor is None):
        raise ValidationError(_("Cette démarche n'est pas ouverte aux demandes."))
    if channel not in Channel.values:
        errors["channel"] = [_("Canal inconnu.")]
    contact_name = (contact_name or "").strip()
    contact_email = (contact_email or "").strip().lower()
    contact_phone = (contact_phone or "").strip()
    contact_postal_address = (contact_postal_address or "").strip()
    if not contact_name:
        errors["contact_name"] = [_("Indiquez votre nom.")]
    errors.update(_reply_errors(reply_by, contact_email, contact_phone, contact_postal_address))
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Saisissez une adresse e-mail valide.")]
    elif not contact_phone and not (reply_by == ReplyBy.LETTER and contact_postal_address):
        errors["contact_email"] = [
            _("Indiquez une adresse e-mail ou un téléphone pour que nous puissions vous répondre.")
        ]
    area = procedure.organization.territory()
    location = location_error(latitude, longitude, area)
    if location:
        errors["location"] = [location]
    now = submitted_at or timezone.now()
    try:
        answers, uploads = clean_answers(
            version.fields, data, files, today=timezone.localtime(now).date(), area=area
        )
        uploads = prepare_uploads(uploads)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        scanned = prepare_uploads([(SCAN_FIELD, upload) for upload in scans or ()])
    except ValidationError as error:
        errors.setdefault(SCAN_FIELD, []).extend(error.messages)
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
        contact_postal_address=contact_postal_address,
        reply_by=reply_by,
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
    for field_id, upload in [*uploads, *scanned]:
        _save_attachment(case, upload, field_id=field_id, actor=actor)
    if draft is not None:
        Draft.objects.filter(pk=draft.pk).delete()
    # A procedure that commits to a decision delay acknowledges receipt at filing, unless
    # it does so when an agent declares the request complete (a transition's `acknowledge`).
    # (Not one whose only delay is the processing time it announces: a street problem.)
    rule = DeadlineRule.from_document(version.deadline)
    acknowledgement = None
    if rule is not None and rule.acknowledgement == AT_FILING:
        acknowledgement = _acknowledge(case, now=now)
    payload = {
        "channel": channel,
        "state": initial.code,
        # Which routing rule chose the service (its index from 0), or "default".
        "routing": route.rule,
        "service": route.service.slug,
        # The due date the case starts with: statistics tell "answered on time" from the
        # journal alone (guichet/stats/aggregates.py).
        "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
    }
    if route.area is not None:
        # The sector the case's point lies in (a service's area), kept after anonymization:
        # the statistics count cases by it, rebuilt from the journal alone.
        payload["area"] = route.area.slug
    if on_behalf:
        payload["on_behalf_of"] = _behalf(case, as_agent=is_agent)
    if acknowledgement:
        # The acknowledgement of receipt (a PDF on the case), or why it failed.
        payload["acknowledgement"] = acknowledgement
    _record(
        case,
        kind=EventKind.SUBMITTED,
        actor=actor or citizen,
        is_public=True,
        payload=payload,
        at=now,
    )
    return case


# The field id of a scanned letter's pages among a case's attachments.
SCAN_FIELD = "scan"


def _next_reference(organization, year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(organization=organization, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{organization.reference_prefix}-{year}-{counter.value:06d}"


def _reply_errors(reply_by: str, email: str, phone: str, postal_address: str) -> dict:
    if not reply_by:
        return {}
    if reply_by not in ReplyBy.values:
        return {"reply_by": [_("Mode de réponse inconnu.")]}
    if reply_by == ReplyBy.EMAIL and not email:
        return {"contact_email": [_("Indiquez l'adresse e-mail où répondre.")]}
    if reply_by == ReplyBy.SMS and not can_receive_sms(phone):
        return {
            "contact_phone": [_("Indiquez un numéro de téléphone mobile pour répondre par SMS.")]
        }
    if reply_by == ReplyBy.LETTER and not postal_address:
        return {"contact_postal_address": [_("Indiquez l'adresse postale où écrire.")]}
    return {}


def _require_mandate(helper, citizen, procedure) -> None:
    if active_mandate(helper, citizen, procedure) is None:
        raise PermissionDenied(_("Vous n'avez pas de mandat pour cette démarche."))
