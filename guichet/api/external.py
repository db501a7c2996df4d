"""Demands handled by other systems (/api/v1/external-demands/): a system pushes the demand
it knows under its own reference, and each change of its status, for a citizen's account;
they show in the citizen's space and the agents' citizen record (cases/external.py)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext as _
from ninja import Router, Status

from guichet.cases.external import find_citizen, push_external_demand, valid_external_ref
from guichet.cases.models import ExternalDemand
from guichet.organization.models import ApiScope

from .problems import ApiProblem, documented
from .schemas import ExternalDemandIn, ExternalDemandOut
from .security import require_scope


class ReferenceConverter:
    """The system's reference as the address holds it, slashes and line breaks included:
    the endpoint judges it (Django's `path` converter stops at a line break, which would
    make the address none of the API's)."""

    regex = r"(?s:.+)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "external_ref")

router = Router(tags=["external-demands"])


def _demand_out(demand) -> dict:
    return {
        "external_ref": demand.external_ref,
        "account_id": demand.citizen_id,
        "title": demand.title,
        "status": demand.status,
        "status_label": demand.status_label,
        "note": demand.note,
        "url": demand.url,
        "service": demand.service.slug if demand.service_id else None,
        "created_at": demand.created_at,
        "updated_at": demand.updated_at,
        "status_at": demand.status_at,
        "history": [
            {
                "status": update.status,
                "status_label": update.status_label,
                "note": update.note,
                "occurred_at": update.occurred_at,
            }
            for update in demand.updates.order_by("occurred_at", "pk")
        ],
    }


def _own_demand(client, external_ref: str) -> ExternalDemand:
    """One of this client's demands; any other (another client's, missing) answers 404."""
    demand = (
        ExternalDemand.objects.select_related("service")
        .filter(api_client=client, external_ref=external_ref[:100])
        .first()
    )
    if demand is None:
        raise Http404
    return demand


@router.put(
    "/{external_ref:external_ref}",
    response={200: ExternalDemandOut, 201: ExternalDemandOut, **documented(413, 422)},
    summary="Publier ou mettre à jour une demande suivie dans un autre logiciel",
    description=(
        "Crée (201) ou met à jour (200) la demande que ce client connaît sous sa référence. "
        "Renvoyer la même requête ne change rien ; un nouveau statut est inscrit à "
        "l'historique et l'usager en est averti selon ses préférences. L'usager doit avoir "
        "un compte : sinon la réponse est 422."
    ),
)
def put_external_demand(request, external_ref: str, payload: ExternalDemandIn):
    client = require_scope(request, ApiScope.DEMANDS)
    if not valid_external_ref(external_ref):
        raise ApiProblem(
            422,
            _("Référence invalide : de 1 à 100 caractères imprimables, sans espace autour."),
            errors={"external_ref": [_("Référence invalide.")]},
        )
    who = payload.citizen
    try:
        citizen = find_citizen(
            email=who.email, account_id=who.account_id, franceconnect_sub=who.franceconnect_sub
        )
    except ValidationError as error:
        raise ApiProblem(
            422,
            _(
                "Usager introuvable : aucun compte usager vérifié ne correspond. La demande "
                "n'est pas enregistrée ; renvoyez-la quand l'usager aura créé son compte."
            ),
            errors=error.message_dict,
        ) from error
    demand, created, _changed = push_external_demand(
        client=client,
        external_ref=external_ref,
        citizen=citizen,
        title=payload.title,
        status=payload.status,
        status_label=payload.status_label,
        note=payload.note,
        url=payload.url,
        service=payload.service,
        status_at=payload.status_at,
    )
    return Status(201 if created else 200, _demand_out(demand))


@router.get(
    "/{external_ref:external_ref}",
    response={200: ExternalDemandOut, **documented(404)},
    summary="Une demande publiée par ce client, et l'historique de ses statuts",
)
def get_external_demand(request, external_ref: str):
    client = require_scope(request, ApiScope.DEMANDS)
    return _demand_out(_own_demand(client, external_ref))
