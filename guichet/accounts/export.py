"""A citizen's data, for them to take away (GDPR, right of access and portability): one zip
with a JSON document and the files of their requests.

What is in it: the account; every request linked to the account, in every organization of
the instance, with its answers, contact details, location, public history, messages and
files (documents produced for them included), who acted for them on it (a helper with their
mandate, an agent at the counter); the drafts; the mandates they gave and those given to
them (cases.models.Mandate), with their dates; the demands other systems told us they handle
for them, with their statuses. What is not: the agents' internal
notes and the internal journal, which are the administration's working documents.
"""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from guichet.cases.models import Case, Draft, ExternalDemand, Mandate

FORMAT = "guichet.personal-data"


def _case(case, files: list) -> dict:
    workflow = case.get_workflow()
    attachments = []
    for attachment in case.attachments.all():
        path = f"pieces/{case.reference}/{attachment.pk}-{attachment.original_name}"
        files.append((path, attachment))
        attachments.append(
            {
                "name": attachment.original_name,
                "file": path,
                "size": attachment.size,
                "added_at": attachment.created_at,
                "document": attachment.generated_from or None,
                "message": attachment.message_id,
            }
        )
    return {
        "organization": case.organization.name,
        "reference": case.reference,
        "procedure": case.procedure.title,
        "submitted_at": case.created_at,
        "channel": case.channel,
        "state": workflow.state(case.state).label,
        "closed_at": case.closed_at,
        "due_at": case.due_at,
        "contact": {
            "name": case.contact_name,
            "email": case.contact_email,
            "phone": case.contact_phone,
        },
        "location": {
            "address": case.address,
            "latitude": case.latitude,
            "longitude": case.longitude,
        },
        "answers": case.data,
        "history": [
            {
                "at": event.created_at,
                "kind": event.kind,
                "state": workflow.state(event.payload["to"]).label
                if event.payload.get("to")
                else None,
                "comment": event.payload.get("comment", ""),
                **_behalf(event),
            }
            for event in case.events.all()
            if event.is_public
        ],
        "messages": [
            {
                "id": message.pk,
                "at": message.created_at,
                "from": "citizen" if message.from_citizen else "administration",
                "body": message.body,
            }
            for message in case.messages.all()
        ],
        "attachments": attachments,
    }


def _behalf(event) -> dict:
    """Who acted for the citizen on this entry, if someone did."""
    behalf = event.payload.get("on_behalf_of")
    if not isinstance(behalf, dict):
        return {}
    if behalf.get("as") == "helper":
        by = event.actor.email if event.actor else None
        return {"on_behalf_of": {"as": "helper", "by": by}}
    return {"on_behalf_of": {"as": "agent"}}


def _mandate(mandate, *, given: bool) -> dict:
    entry = {
        "organization": mandate.organization.name,
        "all_procedures": mandate.all_procedures,
        "procedures": [procedure.title for procedure in mandate.procedures.all()],
        "given_at": mandate.created_at,
        "expires_on": mandate.expires_on,
        "revoked_at": mandate.revoked_at,
        "in_force": mandate.is_active(),
    }
    if given:
        entry["helper_email"] = mandate.helper_email
    else:
        entry["citizen"] = mandate.citizen.get_full_name() or mandate.citizen.email
    return entry


def _mandates(user) -> dict:
    related = ("organization", "citizen")
    given = Mandate.objects.filter(citizen=user).select_related(*related)
    received = Mandate.objects.for_helper(user).select_related(*related)
    return {
        "given": [
            _mandate(mandate, given=True)
            for mandate in given.prefetch_related("procedures").order_by("created_at", "pk")
        ],
        "received": [
            _mandate(mandate, given=False)
            for mandate in received.prefetch_related("procedures").order_by("created_at", "pk")
        ],
    }


def personal_data_zip(user) -> bytes:
    """The zip of everything `user` may take away."""
    files = []
    cases = (
        Case.objects.filter(citizen=user)
        .select_related("organization", "procedure", "version")
        .prefetch_related("attachments", "messages", "events__actor")
        .order_by("created_at")
    )
    document = {
        "format": FORMAT,
        "format_version": 1,
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": user.language,
            "notifications": {"email": user.notify_email, "sms": user.notify_sms},
            "created_at": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": address.email, "verified": address.verified}
                for address in user.emailaddress_set.all()
            ],
        },
        "cases": [_case(case, files) for case in cases],
        "mandates": _mandates(user),
        "drafts": [
            {
                "organization": draft.organization.name,
                "procedure": draft.procedure.title,
                "started_at": draft.created_at,
                "saved_at": draft.updated_at,
                "answers": draft.data,
            }
            for draft in Draft.objects.filter(citizen=user).select_related(
                "organization", "procedure"
            )
        ],
        "external_demands": [
            {
                "organization": demand.organization.name,
                "system": demand.api_client.name,
                "reference": demand.external_ref,
                "title": demand.title,
                "status": demand.status,
                "status_label": demand.status_label,
                "url": demand.url,
                "history": [
                    {
                        "status": update.status,
                        "status_label": update.status_label,
                        "note": update.note,
                        "at": update.occurred_at,
                    }
                    for update in demand.updates.all()
                ],
            }
            for demand in ExternalDemand.objects.filter(citizen=user)
            .select_related("organization", "api_client")
            .prefetch_related("updates")
            .order_by("created_at", "pk")
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "donnees.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for path, attachment in files:
            try:
                with attachment.file.open("rb") as stored:
                    archive.writestr(path, stored.read())
            except OSError:  # a file lost on disk must not cost the rest
                archive.writestr(path + ".manquant.txt", "Ce fichier n'a pas été retrouvé.")
    return buffer.getvalue()
