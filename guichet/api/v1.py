"""The REST API, version 1 (/api/v1/): procedures, cases, attachments, citizens' records and
the event feed, for the API clients of an organization.

Endpoints parse, check the client's scope and reach, call a domain action (channel "api",
the client as actor), and answer; every error is a problem document (problems.py).
"""

import base64
import binascii
import datetime

from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import File, Form, Header, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from guichet.cases.actions import assign_case, post_message, transition_case
from guichet.cases.audit import log_access
from guichet.cases.models import AccessKind, CaseEvent, Message
from guichet.cases.uploads import UPLOAD_TYPES, served_type
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Category
from guichet.organization.models import ApiScope

from . import problems
from .access import get_case_for_client, visible_cases
from .actions import submit_case_once
from .external import router as external_demands
from .openapi import GuichetApi
from .problems import ApiProblem, documented
from .schemas import (
    AssignmentIn,
    AttachmentList,
    CaseIn,
    CaseOut,
    CasePage,
    CitizenRecord,
    EventPage,
    MessageIn,
    MessageList,
    MessageOut,
    ProcedureDetail,
    ProcedureList,
    TransitionIn,
)
from .security import ApiKey, StrictParser, require_scope
from .serializers import attachment_out, case_out, event_out

MAX_PAGE = 100

api = GuichetApi(
    title="Guichet",
    version="1",
    description=(
        "L'API REST de Guichet : démarches, demandes, pièces jointes, fiches usagers, flux "
        "d'événements et demandes suivies dans d'autres logiciels. Authentification par clé "
        "d'API (Authorization: Bearer). Voir docs/api.md."
    ),
    auth=ApiKey(),
    parser=StrictParser(),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)
problems.install(api)


# --- Cursors ------------------------------------------------------------------------------


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value = int(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = -1
    if not 0 <= value < 2**63:
        raise ApiProblem(400, _("Curseur invalide : reprenez celui de la réponse précédente."))
    return value


# --- Procedures ---------------------------------------------------------------------------

procedures = Router(tags=["procedures"])


def _published(client):
    return (
        Procedure.objects.published()
        .filter(organization_id=client.organization_id)
        .select_related("service", "current_version")
    )


def _procedure_out(procedure, *, with_fields=False) -> dict:
    version = procedure.current_version
    out = {
        "slug": procedure.slug,
        "title": procedure.title,
        "summary": procedure.summary,
        "service": procedure.service.slug,
        "asks_location": procedure.asks_location,
        "processing_days": procedure.processing_days,
        "version": version.number if version else None,
    }
    if with_fields:
        out["fields"] = list(version.fields) if version else []
    return out


@procedures.get("", response={200: ProcedureList, **documented()}, summary="Les démarches ouvertes")
def list_procedures(request):
    client = require_scope(request, ApiScope.READ)
    return {"items": [_procedure_out(p) for p in _published(client).order_by("title", "pk")]}


@procedures.get(
    "/{slug}",
    response={200: ProcedureDetail, **documented(404)},
    summary="Une démarche et son formulaire",
)
def get_procedure(request, slug: str):
    client = require_scope(request, ApiScope.READ)
    procedure = _published(client).filter(slug=slug[:100]).first()
    if procedure is None:
        raise Http404
    return _procedure_out(procedure, with_fields=True)


# --- Cases --------------------------------------------------------------------------------

cases = Router(tags=["cases"])


@cases.post(
    "",
    response={201: CaseOut, 200: CaseOut, **documented(413, 422)},
    summary="Déposer une demande",
    description=(
        "Les réponses sont validées par le formulaire de la démarche, comme sur le portail. "
        "Avec un en-tête Idempotency-Key, la même requête renvoyée dépose une seule demande "
        "(réponse 200 la deuxième fois) ; une autre requête sous la même clé est refusée (422)."
    ),
)
def create_case(
    request,
    payload: CaseIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    client = require_scope(request, ApiScope.WRITE)
    procedure = _published(client).filter(slug=payload.procedure).first()
    if procedure is None:
        raise ApiProblem(
            422,
            _("Démarche inconnue ou fermée."),
            errors={"procedure": [_("Aucune démarche ouverte ne porte ce nom.")]},
        )
    location = payload.location
    case, created = submit_case_once(
        client=client,
        procedure=procedure,
        payload=payload.dict(),
        idempotency_key=idempotency_key,
        data=payload.answers,
        contact_name=payload.contact.name,
        contact_email=payload.contact.email,
        contact_phone=payload.contact.phone,
        address=payload.address,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        language=payload.language,
    )
    return Status(201 if created else 200, case_out(case))


class CaseFilters(Schema):
    procedure: str | None = NinjaField(None, max_length=100)
    service: str | None = NinjaField(None, max_length=100)
    state: str | None = NinjaField(None, max_length=64)
    category: str | None = NinjaField(None, pattern="^(" + "|".join(Category.ALL) + ")$")
    updated_after: datetime.datetime | None = None
    cursor: str | None = NinjaField(None, max_length=40)
    limit: int = NinjaField(50, ge=1, le=MAX_PAGE)


@cases.get("", response={200: CasePage, **documented(422)}, summary="Les demandes, page par page")
def list_cases(request, filters: Query[CaseFilters]):
    client = require_scope(request, ApiScope.READ)
    found = visible_cases(client).select_related("procedure", "version", "service", "assignee")
    if filters.procedure:
        found = found.filter(procedure__slug=filters.procedure)
    if filters.service:
        found = found.filter(service__slug=filters.service)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.category:
        found = found.filter(category=filters.category)
    if filters.updated_after:
        moment = filters.updated_after
        if timezone.is_naive(moment):  # no offset given: the organization's time
            moment = timezone.make_aware(moment)
        found = found.filter(updated_at__gt=moment)
    before = decode_cursor(filters.cursor)
    if before is not None:
        found = found.filter(pk__lt=before)
    page = list(found.order_by("-pk")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    if page:
        # A page of cases is an export of their personal data, logged as one.
        log_access(
            user=client,
            organization=client.organization,
            kind=AccessKind.EXPORT,
            detail=request.get_full_path(),
        )
    return {
        "items": [case_out(case) for case in page],
        "next_cursor": encode_cursor(page[-1].pk) if more else None,
    }


@cases.get("/{reference}", response={200: CaseOut, **documented(404)}, summary="Une demande")
def get_case(request, reference: str):
    client = require_scope(request, ApiScope.READ)
    case = get_case_for_client(client, reference)
    log_access(user=client, organization=client.organization, kind=AccessKind.CASE, case=case)
    return case_out(case)


@cases.post(
    "/{reference}/transitions",
    response={200: CaseOut, **documented(404, 413, 422)},
    summary="Changer l'état d'une demande",
)
def post_transition(request, reference: str, payload: TransitionIn):
    client = require_scope(request, ApiScope.WRITE)
    case = get_case_for_client(client, reference)
    transition_case(case=case, transition=payload.transition, actor=client, comment=payload.comment)
    return case_out(get_case_for_client(client, reference))


@cases.post(
    "/{reference}/assignment",
    response={200: CaseOut, **documented(404, 413, 422)},
    summary="Attribuer une demande à un agent (ou à personne)",
)
def post_assignment(request, reference: str, payload: AssignmentIn):
    client = require_scope(request, ApiScope.WRITE)
    case = get_case_for_client(client, reference)
    assignee = None
    if payload.assignee:
        assignee = (
            get_user_model()
            .objects.filter(
                email__iexact=payload.assignee.strip(),
                memberships__organization_id=client.organization_id,
            )
            .first()
        )
        if assignee is None:
            raise ApiProblem(
                422,
                _("Agent inconnu."),
                errors={"assignee": [_("Aucun agent de l'organisation n'a cette adresse.")]},
            )
    assign_case(case=case, assignee=assignee, actor=client)
    return case_out(get_case_for_client(client, reference))


def _message_out(message) -> dict:
    return {
        "id": message.pk,
        "body": message.body,
        "from_citizen": message.from_citizen,
        "created_at": message.created_at,
        "attachments": [attachment_out(a) for a in message.attachments.all()],
    }


@cases.get(
    "/{reference}/messages",
    response={200: MessageList, **documented(404)},
    summary="Les messages échangés avec le demandeur",
)
def list_messages(request, reference: str):
    client = require_scope(request, ApiScope.READ)
    case = get_case_for_client(client, reference)
    messages = Message.objects.filter(case=case).prefetch_related("attachments")
    return {"items": [_message_out(m) for m in messages]}


@cases.post(
    "/{reference}/messages",
    response={201: MessageOut, **documented(404, 413, 422)},
    summary="Écrire au demandeur",
)
def create_message(request, reference: str, payload: MessageIn):
    client = require_scope(request, ApiScope.WRITE)
    case = get_case_for_client(client, reference)
    message = post_message(case=case, body=payload.body, from_citizen=False, author=client)
    return Status(201, _message_out(message))


# --- Attachments --------------------------------------------------------------------------


@cases.get(
    "/{reference}/attachments",
    response={200: AttachmentList, **documented(404)},
    summary="Les pièces jointes d'une demande",
)
def list_attachments(request, reference: str):
    client = require_scope(request, ApiScope.READ)
    case = get_case_for_client(client, reference)
    return {"items": [attachment_out(a) for a in case.attachments.all()]}


@cases.post(
    "/{reference}/attachments",
    response={201: MessageOut, **documented(404, 413, 422)},
    summary="Envoyer une pièce jointe au demandeur, avec un message",
)
def upload_attachment(request, reference: str, file: File[UploadedFile], body: Form[str]):
    client = require_scope(request, ApiScope.WRITE)
    case = get_case_for_client(client, reference)
    if "\x00" in body or "\x00" in (file.name or ""):
        raise ApiProblem(400, _("Caractère NUL refusé."))
    message = post_message(case=case, body=body, from_citizen=False, author=client, files=[file])
    return Status(201, _message_out(message))


# What a download is served as: the type detected on upload, text/html for the documents that
# workflows produce, bytes for anything else (cases.uploads.served_type).
DOWNLOAD_TYPES = sorted({*UPLOAD_TYPES, "text/html", "application/octet-stream"})


@cases.get(
    "/{reference}/attachments/{attachment_id}",
    response={200: None, **documented(404, 422)},
    summary="Télécharger une pièce jointe",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le fichier, sous son type détecté au dépôt.",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in DOWNLOAD_TYPES
                },
            }
        }
    },
)
def download_attachment(
    request, reference: str, attachment_id: int = Path(..., ge=1, le=2**63 - 1)
):
    client = require_scope(request, ApiScope.READ)
    case = get_case_for_client(client, reference)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    log_access(
        user=client,
        organization=client.organization,
        kind=AccessKind.ATTACHMENT,
        case=case,
        detail=attachment.original_name,
    )
    try:
        handle = attachment.file.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=served_type(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Citizens' records and the event feed -------------------------------------------------

people = Router(tags=["citizens"])


class RecordQuery(Schema):
    email: str = NinjaField(min_length=3, max_length=254)


@people.get(
    "",
    response={200: CitizenRecord, **documented(404, 422)},
    summary="La fiche d'un usager : ses demandes que ce client voit",
)
def citizen_record(request, query: Query[RecordQuery]):
    client = require_scope(request, ApiScope.READ)
    email = query.email.strip().lower()
    found = list(
        visible_cases(client)
        .filter(Q(contact_email__iexact=email) | Q(citizen__email__iexact=email))
        .select_related("procedure", "version", "service", "assignee")
        .order_by("-created_at", "-pk")[:200]
    )
    if not found:
        raise Http404
    log_access(user=client, organization=client.organization, kind=AccessKind.PERSON, detail=email)
    return {"email": email, "name": found[0].contact_name, "cases": [case_out(c) for c in found]}


events = Router(tags=["events"])


class FeedQuery(Schema):
    after: str | None = NinjaField(None, max_length=40)
    limit: int = NinjaField(100, ge=1, le=MAX_PAGE)


@events.get(
    "",
    response={200: EventPage, **documented(422)},
    summary="Le flux des événements des demandes, pour se synchroniser",
    description=(
        "Les événements du journal des demandes que ce client voit, du plus ancien au plus "
        "récent. Repassez `next_cursor` en `after` pour lire la suite ; une page vide veut "
        "dire « rien de nouveau pour l'instant »."
    ),
)
def event_feed(request, query: Query[FeedQuery]):
    client = require_scope(request, ApiScope.READ)
    after = decode_cursor(query.after) or 0
    # In commit order, not id order (cases.models.CaseEvent.feed_position): an event
    # committed after one with a greater id is still ahead of the cursor.
    position = Coalesce("feed_position", "id", output_field=BigIntegerField())
    found = CaseEvent.objects.annotate(position=position).filter(
        case__organization_id=client.organization_id, position__gt=after
    )
    ids = client.service_ids()
    if ids is not None:
        found = found.filter(case__service_id__in=ids)
    page = list(
        found.select_related("case", "actor", "api_client").order_by("position")[: query.limit]
    )
    return {
        "items": [event_out(event) for event in page],
        "next_cursor": encode_cursor(page[-1].position if page else after),
    }


api.add_router("/procedures", procedures)
api.add_router("/cases", cases)
api.add_router("/citizens", people)
api.add_router("/events", events)
api.add_router("/external-demands", external_demands)
