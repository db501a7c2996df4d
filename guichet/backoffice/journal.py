"""The case's journal told in sentences, for the agents' history of a case."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from guichet.cases.models import Case, CaseEvent, Channel, EventKind, Message
from guichet.organization.models import ApiClient, Service


@dataclass(frozen=True)
class JournalEntry:
    event: CaseEvent
    text: str
    body: str = ""  # a note, a message, a comment on a change of state

    @property
    def is_internal(self) -> bool:
        return not self.event.is_public


def journal(case: Case, events: list[CaseEvent], messages: list[Message]) -> list[JournalEntry]:
    """One sentence per event ("Anne a changé l'état : Reçue → En cours").

    `events` come with their actor (select_related); `messages` are the case's messages. The
    people named in assignments are fetched in one query, whatever the length of the journal.
    """
    workflow = case.get_workflow()
    bodies = {message.pk: message.body for message in messages}
    user_ids = set()
    for event in events:
        if event.kind == EventKind.ASSIGNED:
            user_ids.update(pk for pk in (event.payload.get("from"), event.payload.get("to")) if pk)
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    slugs = {event.payload.get("to") for event in events if event.kind == EventKind.ROUTED}
    services = (
        dict(
            Service.objects.filter(
                organization_id=case.organization_id, slug__in=slugs
            ).values_list("slug", "name")
        )
        if slugs
        else {}
    )

    client_ids = {event.api_client_id for event in events if event.api_client_id}
    clients = (
        dict(ApiClient.objects.filter(pk__in=client_ids).values_list("pk", "name"))
        if client_ids
        else {}
    )

    def person(pk):
        user = users.get(pk)
        return str(user) if user is not None else _("un ancien agent")

    def state(code):
        return workflow.state(code).agent_label if code else "?"

    entries = []
    for event in events:
        payload = event.payload or {}
        if event.actor is not None:
            actor = str(event.actor)
        elif event.api_client_id is not None:
            actor = _("%(name)s (API)") % {"name": clients.get(event.api_client_id, "?")}
        else:
            actor = None
        body = ""
        if event.kind == EventKind.SUBMITTED:
            channel = (
                Channel(payload["channel"]).label
                if payload.get("channel") in Channel.values
                else "?"
            )
            behalf = payload.get("on_behalf_of") or {}
            if actor is not None and behalf.get("as") == "helper":
                text = _(
                    "Demande déposée par %(actor)s pour %(name)s, avec son mandat "
                    "(canal : %(channel)s)."
                ) % {
                    "actor": actor,
                    "name": behalf.get("name") or case.contact_name,
                    "channel": channel,
                }
            elif actor is None or (
                event.actor_id is not None and event.actor_id == case.citizen_id
            ):
                text = _("%(name)s a déposé la demande (canal : %(channel)s).") % {
                    "name": actor or case.contact_name,
                    "channel": channel,
                }
            else:
                text = _("%(actor)s a enregistré la demande de %(name)s (canal : %(channel)s).") % {
                    "actor": actor,
                    "name": case.contact_name,
                    "channel": channel,
                }
        elif event.kind == EventKind.TRANSITIONED:
            states = {"from": state(payload.get("from")), "to": state(payload.get("to"))}
            if (payload.get("trigger") or {}).get("type") == "citizen_reply":
                text = _("Le demandeur a répondu, la demande reprend : %(from)s → %(to)s.") % states
            elif actor is None:
                text = _("L'état a changé : %(from)s → %(to)s.") % states
            else:
                text = _("%(actor)s a changé l'état : %(from)s → %(to)s.") % {
                    "actor": actor,
                    **states,
                }
            body = payload.get("comment", "")
        elif event.kind == EventKind.ASSIGNED:
            assignee = payload.get("to")
            if assignee is None:
                text = _("%(actor)s a retiré l'attribution.") % {"actor": actor or _("Le système")}
            elif assignee == event.actor_id:
                text = _("%(actor)s s'est attribué la demande.") % {"actor": actor}
            else:
                text = _("%(actor)s a attribué la demande à %(assignee)s.") % {
                    "actor": actor or _("Le système"),
                    "assignee": person(assignee),
                }
        elif event.kind == EventKind.MESSAGE:
            behalf = payload.get("on_behalf_of") or {}
            if payload.get("from_citizen") and actor is not None and behalf:
                text = _("%(actor)s a écrit un message pour %(name)s, avec son mandat.") % {
                    "actor": actor,
                    "name": behalf.get("name") or case.contact_name,
                }
            elif payload.get("from_citizen"):
                text = _("%(name)s a écrit un message.") % {"name": actor or case.contact_name}
            else:
                text = _("%(actor)s a écrit au demandeur.") % {"actor": actor or _("Un agent")}
            body = bodies.get(payload.get("message"), "")
        elif event.kind == EventKind.NOTE:
            text = _("%(actor)s a ajouté une note interne.") % {"actor": actor or _("Un agent")}
            body = payload.get("body", "")
        elif event.kind == EventKind.TACIT_DECISION:
            states = {"from": state(payload.get("from")), "to": state(payload.get("to"))}
            if payload.get("decision") == "accept":
                text = _("Sans réponse à l'échéance, le silence vaut accord : %(from)s → %(to)s.")
            else:
                text = _("Sans réponse à l'échéance, le silence vaut rejet : %(from)s → %(to)s.")
            text = text % states
        elif event.kind == EventKind.CERTIFICATE:
            text = _("Le demandeur a obtenu l'attestation d'acceptation tacite.")
        elif event.kind == EventKind.ROUTED and payload.get("transfer"):
            text = _("%(actor)s a transféré la demande au service %(service)s.") % {
                "actor": actor or _("Un agent"),
                "service": services.get(payload.get("to"), payload.get("to")),
            }
            body = payload.get("reason", "")
        elif event.kind == EventKind.ROUTED and payload.get("transition"):
            text = _("%(actor)s a transmis la demande au service %(service)s.") % {
                "actor": actor or _("Le système"),
                "service": services.get(payload.get("to"), payload.get("to")),
            }
        elif event.kind == EventKind.RECORDS_MERGED:
            before = payload.get("before", {})
            old = before.get("contact_email") or before.get("contact_phone") or "?"
            text = _("%(actor)s a rattaché la demande à la fiche %(new)s (auparavant %(old)s).") % {
                "actor": actor or _("Le système"),
                "new": (payload.get("into") or {}).get("value", "?"),
                "old": old,
            }
        elif event.kind == EventKind.ANSWERS_EDITED:
            changes = payload.get("changes") or []
            text = _("%(actor)s a corrigé les réponses.") % {"actor": actor or _("Un agent")}
            lines = [
                _("%(label)s : « %(before)s » → « %(after)s »")
                % {
                    "label": change.get("label", "?"),
                    "before": change.get("before", ""),
                    "after": change.get("after", ""),
                }
                for change in changes
            ]
            if payload.get("reason"):
                lines.append(_("Motif : %(reason)s") % {"reason": payload["reason"]})
            body = "\n".join(lines)
        elif event.kind == EventKind.LABELED:
            parts = []
            if payload.get("added"):
                parts.append(_("ajouté %(labels)s") % {"labels": ", ".join(payload["added"])})
            if payload.get("removed"):
                parts.append(_("retiré %(labels)s") % {"labels": ", ".join(payload["removed"])})
            text = _("%(actor)s a modifié les étiquettes : %(changes)s.") % {
                "actor": actor or _("Un agent"),
                "changes": " ; ".join(parts) or "?",
            }
        elif event.kind == EventKind.LINKED:
            template = (
                _("%(actor)s a lié cette demande à %(reference)s.")
                if payload.get("linked")
                else _("%(actor)s a délié cette demande de %(reference)s.")
            )
            text = template % {
                "actor": actor or _("Un agent"),
                "reference": payload.get("reference", "?"),
            }
        elif event.kind == EventKind.MERGED and payload.get("into"):
            text = _("%(actor)s a clôturé la demande comme doublon de %(reference)s.") % {
                "actor": actor or _("Un agent"),
                "reference": payload.get("reference", "?"),
            }
            body = payload.get("reason", "")
        elif event.kind == EventKind.MERGED:
            text = _("%(actor)s a regroupé le doublon %(reference)s avec cette demande.") % {
                "actor": actor or _("Un agent"),
                "reference": payload.get("reference", "?"),
            }
            body = payload.get("reason", "")
        elif event.kind == EventKind.CONTACT_BOUNCED:
            text = _(
                "Un e-mail à %(email)s n'a pas été remis : joignez le demandeur autrement."
            ) % {"email": payload.get("email", "?")}
            body = payload.get("reason", "")
        else:
            text = event.get_kind_display()
        entries.append(JournalEntry(event=event, text=text, body=body))
    return entries
