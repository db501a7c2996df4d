"""Open311 GeoReport v2 (/open311/v2/), in JSON and XML: the procedures published on Open311
as services, their forms' fields as attributes, requests filed (channel "api", through the
domain action) and read, tokens, and the service request updates extension.

Reads are public, as the specification has them: a request shows its service, status,
dates and place, never who filed it; its description only to a client whose key may read.
Writes need an `api_key` with the write scope. Errors are the specification's
(`[{"code": 400, "description": "..."}]`, `<errors><error>...`), with its codes.
"""

import datetime
import math
import re
import secrets
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from guichet.cases.actions import submit_case
from guichet.cases.models import Case, CaseEvent, Channel, EventKind
from guichet.catalog.formschema.types import is_answer, item_type
from guichet.catalog.workflow import Category
from guichet.core.ratelimit import client_key, hit, is_limited
from guichet.organization.api_clients import get_api_client, record_api_use

from .models import Open311Request, Open311Service
from .security import FAILED_KEYS_LIMIT, RATE_WINDOW

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"
# The specification's defaults: requests of the last 90 days, 1000 at most.
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Form items by Open311 datatype; files are not attributes (media_url carries a photo).
DATATYPES = {
    "text": "string",
    "email": "string",
    "phone": "string",
    "siret": "string",
    "address": "string",
    "postal_commune": "string",
    "textarea": "text",
    "number": "number",
    "date": "datetime",
    "yesno": "singlevaluelist",
    "choice": "singlevaluelist",
    "multichoice": "multivaluelist",
}
# The form field that Open311's `description` fills, when the form has one.
DESCRIPTION_FIELD = "description"
ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,64})\](\[\])?$")
# XML: the element of each item of a list, by the list's name.
XML_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    def __init__(self, code: int, *descriptions: str):
        self.code = code
        self.descriptions = descriptions


# --- Rendering ------------------------------------------------------------------------------


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(parent, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml(element, XML_ITEMS.get(tag, "item"), item)
    else:
        element.text = _xml_value(value)


def render(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """`value` in the format asked; `root` names the XML document's element (a JSON list or
    object is the value itself)."""
    if fmt == "xml":
        document = ET.Element(root)
        items = value if isinstance(value, list) else None
        if items is None:
            for key, item in value.items():
                _xml(document, key, item)
        else:
            for item in items:
                _xml(document, XML_ITEMS.get(root, "item"), item)
        body = ET.tostring(document, encoding="unicode", xml_declaration=False)
        return HttpResponse(
            '<?xml version="1.0" encoding="utf-8"?>' + body,
            content_type=FORMATS["xml"],
            status=status,
        )
    return JsonResponse(value, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.code, "description": text} for text in error.descriptions]
    return render(fmt, "errors", errors, status=error.code)


def open311_view(methods=("GET",)):
    """An Open311 endpoint: the format from the address, errors rendered in it."""

    def decorate(view):
        @csrf_exempt
        def wrapper(request, fmt, **kwargs):
            if request.method not in methods:
                response = error_response(
                    fmt, Open311Error(405, _("Méthode non permise à cette adresse."))
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                organization = _organization(request)
                return view(request, fmt, organization, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorate


def _datetime(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# --- Who calls, and for whom ----------------------------------------------------------------


def _client(request, *, required: bool):
    """The API client of the `api_key` parameter (None when there is none and none is
    required). A wrong key is a 403, counted against the caller's address."""
    params = request.POST if request.method == "POST" else request.GET
    key = params.get("api_key", "")
    if not key:
        if required:
            raise Open311Error(403, _("Paramètre api_key manquant."))
        return None
    failures = f"api-auth:{client_key(request)}"
    if is_limited(failures, limit=FAILED_KEYS_LIMIT):
        raise Open311Error(
            429, _("Trop de clés refusées depuis cette adresse : réessayez dans une minute.")
        )
    client = get_api_client(key)
    if client is None:
        hit(failures, limit=FAILED_KEYS_LIMIT, window=RATE_WINDOW)
        raise Open311Error(403, _("Clé api_key inconnue ou révoquée."))
    if not hit(f"api:{client.pk}", limit=client.rate_limit, window=RATE_WINDOW):
        raise Open311Error(
            429,
            _("Trop d'appels : %(limit)s par minute au plus pour ce client.")
            % {"limit": client.rate_limit},
        )
    record_api_use(client)
    return client


def _organization(request):
    """The organization: the key's, or the host's. A `jurisdiction_id` must name it (its
    short name or its domain)."""
    client = _client(request, required=False)
    request.open311_client = client
    organization = client.organization if client else getattr(request, "organization", None)
    if organization is None:
        raise Open311Error(404, _("Aucune collectivité à cette adresse."))
    params = request.POST if request.method == "POST" else request.GET
    jurisdiction = params.get("jurisdiction_id", "")
    if jurisdiction and jurisdiction not in {organization.slug, organization.domain}:
        raise Open311Error(404, _("jurisdiction_id inconnu."))
    return organization


def _services(organization):
    return (
        Open311Service.objects.filter(
            procedure__organization=organization,
            procedure__is_published=True,
            procedure__current_version__isnull=False,
        )
        .select_related("procedure__service", "procedure__current_version")
        .order_by("procedure__title", "pk")
    )


def _service(organization, code: str):
    service = _services(organization).filter(procedure__slug=code[:100]).first()
    if service is None:
        raise Open311Error(404, _("service_code inconnu : %(code)s.") % {"code": code[:100]})
    return service


# --- Services -------------------------------------------------------------------------------


def _attributes(procedure) -> list[dict]:
    attributes = []
    for item in procedure.current_version.fields:
        if not isinstance(item, dict) or not is_answer(item) or item["id"] == DESCRIPTION_FIELD:
            continue
        kind = item_type(item)
        datatype = DATATYPES.get(kind)
        if datatype is None:
            continue
        attribute = {
            "variable": True,
            "code": item["id"],
            "datatype": datatype,
            # A field shown on a condition cannot be required of every request.
            "required": bool(item.get("required")) and not item.get("condition"),
            "datatype_description": str(_DESCRIPTIONS[kind]),
            "order": len(attributes) + 1,
            "description": item.get("label") or item["id"],
        }
        if kind == "yesno":
            attribute["values"] = [
                {"key": "yes", "name": _("Oui")},
                {"key": "no", "name": _("Non")},
            ]
        elif datatype.endswith("valuelist"):
            attribute["values"] = [
                {"key": str(choice), "name": str(choice)} for choice in item.get("choices") or []
            ]
        attributes.append(attribute)
    return attributes


_DESCRIPTIONS = {
    "text": gettext_lazy("Texte court"),
    "email": gettext_lazy("Adresse e-mail"),
    "phone": gettext_lazy("Numéro de téléphone"),
    "siret": gettext_lazy("Numéro SIRET (14 chiffres)"),
    "address": gettext_lazy("Adresse"),
    "postal_commune": gettext_lazy("Code postal et commune"),
    "textarea": gettext_lazy("Texte long"),
    "number": gettext_lazy("Nombre"),
    "date": gettext_lazy("Date (AAAA-MM-JJ)"),
    "yesno": gettext_lazy("Oui ou non"),
    "choice": gettext_lazy("Une valeur de la liste"),
    "multichoice": gettext_lazy("Une ou plusieurs valeurs de la liste"),
}


def _service_out(service) -> dict:
    procedure = service.procedure
    return {
        "service_code": procedure.slug,
        "service_name": procedure.title,
        "description": procedure.summary,
        "metadata": bool(_attributes(procedure)),
        "type": "realtime",
        "keywords": ",".join(k.strip() for k in service.keywords.split(",") if k.strip()),
        "group": service.group or procedure.service.name,
    }


@open311_view()
def discovery(request, fmt, organization):
    """Where the endpoint is, and what it speaks."""
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": organization.email,
            "key_service": _("Demandez une clé à l'administrateur de %(name)s.")
            % {"name": organization.name},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri("/open311/v2/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@open311_view()
def services(request, fmt, organization):
    return render(fmt, "services", [_service_out(s) for s in _services(organization)])


@open311_view()
def service_definition(request, fmt, organization, code):
    service = _service(organization, code)
    return render(
        fmt,
        "service_definition",
        {"service_code": code, "attributes": _attributes(service.procedure)},
    )


# --- Requests -------------------------------------------------------------------------------


def _answers(procedure, params) -> dict:
    """The form's answers from `attribute[code]` and `attribute[code][]`, the description
    into the form's description field. Unknown attributes are refused (400)."""
    fields = {
        item["id"]: item
        for item in procedure.current_version.fields
        if isinstance(item, dict) and is_answer(item)
    }
    answers = {}
    for key, values in params.lists():
        match = ATTRIBUTE.match(key)
        if match is None:
            continue
        code, multiple = match.group(1), match.group(2)
        item = fields.get(code)
        if item is None or item_type(item) not in DATATYPES:
            raise Open311Error(400, _("Attribut inconnu : %(code)s.") % {"code": code})
        if item_type(item) == "multichoice":
            answers[code] = list(values)
        elif multiple and len(values) > 1:
            raise Open311Error(
                400, _("L'attribut %(code)s prend une seule valeur.") % {"code": code}
            )
        else:
            value = values[-1]
            if item_type(item) == "date" and "T" in value:
                value = value.split("T", 1)[0]  # an Open311 datetime: its date
            answers[code] = value
    description = params.get("description", "").strip()
    if description and DESCRIPTION_FIELD in fields and DESCRIPTION_FIELD not in answers:
        answers[DESCRIPTION_FIELD] = description
    return answers


def _number(params, name: str) -> float | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Open311Error(400, _("Paramètre %(name)s illisible.") % {"name": name})
    return value


def _validation_errors(error: ValidationError, procedure) -> Open311Error:
    labels = {"location": "lat/long", "contact_email": "email", "contact_name": "first_name"}
    descriptions = []
    for field, messages in error.message_dict.items():
        name = labels.get(field, f"attribute[{field}]" if field != "__all__" else "")
        for message in messages:
            descriptions.append(f"{name}: {message}" if name else message)
    return Open311Error(400, *descriptions)


@open311_view(methods=("GET", "POST"))
def requests(request, fmt, organization):
    if request.method == "POST":
        return _create_request(request, fmt, organization)
    return _list_requests(request, fmt, organization)


def _create_request(request, fmt, organization):
    params = request.POST
    client = request.open311_client
    if client is None:
        raise Open311Error(403, _("Paramètre api_key manquant."))
    if not client.can_write:
        raise Open311Error(403, _("Ce client n'a pas le droit d'écriture."))
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("Paramètre service_code manquant."))
    service = _services(organization).filter(procedure__slug=code[:100]).first()
    if service is None:
        raise Open311Error(400, _("service_code inconnu : %(code)s.") % {"code": code[:100]})
    procedure = service.procedure
    ids = client.service_ids()
    if ids is not None and procedure.service_id not in ids:
        raise Open311Error(403, _("Ce client ne dépose pas de demandes pour ce service."))
    latitude, longitude = _number(params, "lat"), _number(params, "long")
    address = (params.get("address_string", "") or params.get("address_id", "")).strip()[:300]
    if (latitude is None or longitude is None) and not address:
        raise Open311Error(
            400, _("Indiquez le lieu : lat et long, ou address_string, ou address_id.")
        )
    if "\x00" in "".join(v for values in params.lists() for v in values[1]):
        raise Open311Error(400, _("Caractère NUL refusé."))
    media_url = params.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url n'est pas une adresse web valide.")) from None
    email = params.get("email", "").strip()
    phone = params.get("phone", "").strip()
    name = " ".join(
        part
        for part in (params.get("first_name", "").strip(), params.get("last_name", "").strip())
        if part
    )
    try:
        with transaction.atomic():
            case = submit_case(
                procedure=procedure,
                data=_answers(procedure, params),
                channel=Channel.API,
                actor=client,
                contact_name=(name or email or phone)[:200],
                contact_email=email,
                contact_phone=phone[:30],
                address=address,
                latitude=latitude,
                longitude=longitude,
            )
            token = secrets.token_urlsafe(18)
            Open311Request.objects.create(
                case=case,
                client=client,
                token=token,
                device_id=params.get("device_id", "")[:100],
                account_id=params.get("account_id", "")[:100],
                media_url=media_url[:500],
            )
    except ValidationError as error:
        raise _validation_errors(error, procedure) from None
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": case.reference,
                "token": token,
                "service_notice": _("Délai de traitement annoncé : %(days)s jours.")
                % {"days": procedure.processing_days}
                if procedure.processing_days
                else "",
                "account_id": params.get("account_id", "")[:100],
            }
        ],
        status=201,
    )


def _when(params, name: str) -> datetime.datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        raise Open311Error(
            400, _("%(name)s : date illisible (format W3C, 2026-01-31T00:00:00Z).") % {"name": name}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _period(params):
    """start and end, as the specification has them: the last 90 days by default, never
    more than 90 days apart."""
    start, end = _when(params, "start_date"), _when(params, "end_date")
    span = datetime.timedelta(days=DEFAULT_DAYS)
    if end is None:
        end = start + span if start is not None else timezone.now()
    if start is None:
        start = end - span
    if start > end:
        raise Open311Error(400, _("start_date est après end_date."))
    if end - start > span:
        raise Open311Error(
            400, _("De start_date à end_date, %(days)s jours au plus.") % {"days": DEFAULT_DAYS}
        )
    return start, end


def _page(params) -> tuple[int, int]:
    try:
        page = int(params.get("page") or 1)
        size = int(params.get("page_size") or MAX_RESULTS)
    except ValueError:
        raise Open311Error(400, _("page et page_size sont des nombres entiers.")) from None
    if page < 1 or not 1 <= size <= MAX_RESULTS:
        raise Open311Error(
            400, _("page à partir de 1, page_size de 1 à %(max)s.") % {"max": MAX_RESULTS}
        )
    return page, size


def _comma_list(params, name: str) -> list[str]:
    return [part.strip() for part in params.get(name, "").split(",") if part.strip()][:MAX_RESULTS]


def _cases(organization, client):
    cases = Case.objects.filter(
        organization=organization,
        procedure__open311__isnull=False,
    ).select_related("procedure", "version", "service", "open311")
    if client is not None:
        ids = client.service_ids()
        if ids is not None:
            cases = cases.filter(service_id__in=ids)
    return cases


def _status(case) -> str:
    return "closed" if case.category == Category.CLOSED else "open"


def _request_out(case, *, with_description: bool) -> dict:
    state = case.get_workflow().state(case.state)
    extra = getattr(case, "open311", None)
    out = {
        "service_request_id": case.reference,
        "status": _status(case),
        "status_notes": _(state.label) if state.label else "",
        "service_name": case.procedure.title,
        "service_code": case.procedure.slug,
        "agency_responsible": case.service.name,
        "service_notice": "",
        "requested_datetime": _datetime(case.created_at),
        "updated_datetime": _datetime(case.updated_at),
        "expected_datetime": _datetime(case.due_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": extra.media_url if extra else "",
    }
    if with_description:
        out["description"] = str(case.data.get(DESCRIPTION_FIELD, ""))
    return out


def _with_description(client) -> bool:
    return client is not None and client.can_read


def _list_requests(request, fmt, organization):
    params = request.GET
    client = request.open311_client
    page, size = _page(params)
    cases = _cases(organization, client)
    references = _comma_list(params, "service_request_id")
    if references:
        # The specification: a list of ids overrides every other filter.
        cases = cases.filter(reference__in=[r.upper()[:32] for r in references])
    else:
        start, end = _period(params)
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
        codes = _comma_list(params, "service_code")
        if codes:
            cases = cases.filter(procedure__slug__in=codes)
        statuses = set(_comma_list(params, "status"))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status : open ou closed."))
        if statuses == {"open"}:
            cases = cases.exclude(category=Category.CLOSED)
        elif statuses == {"closed"}:
            cases = cases.filter(category=Category.CLOSED)
    found = cases.order_by("-created_at", "-pk")[(page - 1) * size : page * size]
    with_description = _with_description(client)
    return render(
        fmt,
        "service_requests",
        [_request_out(case, with_description=with_description) for case in found],
    )


@open311_view()
def request_detail(request, fmt, organization, reference):
    client = request.open311_client
    case = _cases(organization, client).filter(reference=reference.upper()[:32]).first()
    if case is None:
        raise Open311Error(404, _("service_request_id inconnu : %(id)s.") % {"id": reference[:32]})
    return render(
        fmt,
        "service_requests",
        [_request_out(case, with_description=_with_description(client))],
    )


@open311_view()
def token_detail(request, fmt, organization, token):
    found = (
        Open311Request.objects.filter(token=token[:40], case__organization=organization)
        .select_related("case")
        .first()
    )
    if found is None:
        raise Open311Error(404, _("Jeton inconnu."))
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": found.case.reference, "token": found.token}],
    )


@open311_view()
def request_updates(request, fmt, organization):
    """The service request updates extension: each change of status of the requests, in
    order, for systems that follow them."""
    params = request.GET
    client = request.open311_client
    page, size = _page(params)
    start, end = _period(params)
    events = CaseEvent.objects.filter(
        case__in=_cases(organization, client),
        kind__in=[EventKind.SUBMITTED, EventKind.TRANSITIONED],
        is_public=True,
        created_at__gte=start,
        created_at__lte=end,
    ).select_related("case__version")
    references = _comma_list(params, "service_request_id")
    if references:
        events = events.filter(case__reference__in=[r.upper()[:32] for r in references])
    updates = []
    for event in events.order_by("created_at", "pk")[(page - 1) * size : page * size]:
        workflow = event.case.get_workflow()
        state = workflow.state(event.payload.get("to") or event.payload.get("state") or "")
        updates.append(
            {
                "update_id": event.pk,
                "service_request_id": event.case.reference,
                "status": "closed" if state and state.is_closed else "open",
                "updated_datetime": _datetime(event.created_at),
                "description": _(state.label) if state and state.label else "",
                "media_url": "",
            }
        )
    if fmt == "xml":
        return render(fmt, "service_request_updates", updates)
    return render(fmt, "", {"service_request_updates": updates})
