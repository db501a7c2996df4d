"""The shapes of the REST API's requests and answers (OpenAPI components)."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema


class Problem(Schema):
    """An error (RFC 9457, application/problem+json)."""

    type: str = "about:blank"
    title: str = Field(description="L'intitulé du statut HTTP (en anglais).")
    status: int = Field(ge=400, le=599, description="Le statut HTTP de la réponse.")
    detail: str = Field(description="Ce qui ne va pas, dans la langue demandée.")
    instance: str | None = Field(None, description="L'adresse appelée.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Les messages par champ, pour une entrée refusée (422)."
    )


class ProcedureOut(Schema):
    slug: str
    title: str
    summary: str
    service: str = Field(description="Le service qui reçoit les demandes par défaut.")
    asks_location: bool
    processing_days: int | None = None
    version: int | None = Field(None, description="La version du formulaire en vigueur.")


class ProcedureDetail(ProcedureOut):
    fields: list[dict[str, Any]] = Field(
        description="Le formulaire : ses éléments, dans l'ordre (docs/procedures.md)."
    )


class ProcedureList(Schema):
    items: list[ProcedureOut]


class Contact(Schema):
    name: str = Field(max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)


class Location(Schema):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class CaseIn(Schema):
    procedure: str = Field(max_length=100, description="Le nom court (slug) de la démarche.")
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Les réponses, par identifiant de champ."
    )
    contact: Contact
    address: str = Field("", max_length=300)
    location: Location | None = None
    language: str = Field("fr", pattern="^(fr|en)$")


class TransitionOut(Schema):
    code: str
    label: str


class CaseOut(Schema):
    reference: str
    procedure: str
    state: str
    state_label: str
    category: str
    service: str
    assignee: str | None = Field(None, description="L'adresse e-mail de l'agent en charge.")
    channel: str
    contact: Contact
    answers: dict[str, Any]
    address: str
    location: Location | None = None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    due_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    transitions: list[TransitionOut] = Field(
        description="Les changements d'état possibles depuis l'état actuel."
    )


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(
        None, description="À passer en `cursor` pour la page suivante ; null à la fin."
    )


class TransitionIn(Schema):
    transition: str = Field(max_length=64)
    comment: str = Field("", max_length=10000)


class AssignmentIn(Schema):
    assignee: str | None = Field(
        None, max_length=254, description="L'adresse e-mail d'un agent, ou null pour personne."
    )


class MessageIn(Schema):
    body: str = Field(max_length=10000)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    created_at: datetime.datetime
    message: int | None = None


class MessageOut(Schema):
    id: int
    body: str
    from_citizen: bool
    created_at: datetime.datetime
    attachments: list[AttachmentOut] = []


class MessageList(Schema):
    items: list[MessageOut]


class AttachmentList(Schema):
    items: list[AttachmentOut]


class EventOut(Schema):
    id: int
    case: str = Field(description="La référence de la demande.")
    kind: str
    is_public: bool
    payload: dict[str, Any]
    created_at: datetime.datetime
    actor: str | None = Field(None, description="L'agent, l'usager, ou le client de l'API.")


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str = Field(description="À passer en `after` à l'appel suivant.")


class CitizenRecord(Schema):
    email: str
    name: str
    cases: list[CaseOut]


ExternalStatusValue = Literal["received", "in_progress", "waiting", "closed"]


class CitizenRef(Schema):
    """Who the demand is for: one identifier or more, all naming the same account."""

    email: str = Field("", max_length=254, description="L'adresse e-mail vérifiée du compte.")
    account_id: int | None = Field(None, ge=1, le=2**53, description="L'identifiant du compte.")
    franceconnect_sub: str = Field(
        "", max_length=191, description="Le `sub` donné par FranceConnect (OpenID Connect)."
    )


class ExternalDemandIn(Schema):
    citizen: CitizenRef
    title: str = Field(max_length=200, description="L'intitulé, tel que l'usager le lira.")
    status: ExternalStatusValue = Field(
        description="Le statut générique : reçue, en cours, en attente de l'usager, terminée."
    )
    status_label: str = Field("", max_length=200, description="Le libellé du système.")
    note: str = Field("", max_length=2000, description="Une précision sur ce statut.")
    url: str = Field(max_length=500, description="Où l'usager suit la demande (https://…).")
    service: str | None = Field(None, max_length=100, description="Le service concerné (slug).")
    status_at: datetime.datetime | None = Field(
        None, description="Depuis quand ce statut vaut ; un statut plus ancien est ignoré."
    )


class ExternalUpdateOut(Schema):
    status: str
    status_label: str
    note: str
    occurred_at: datetime.datetime


class ExternalDemandOut(Schema):
    external_ref: str
    account_id: int = Field(description="Le compte usager auquel la demande est rattachée.")
    title: str
    status: str
    status_label: str
    note: str
    url: str
    service: str | None = None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    status_at: datetime.datetime
    history: list[ExternalUpdateOut] = Field(description="Les statuts reçus, du plus ancien.")
