"""Cases and their journal as the API shows them."""

from django.utils.translation import gettext as _

from guichet.organization.models import Role


def case_out(case, *, transitions=True) -> dict:
    workflow = case.get_workflow()
    state = workflow.state(case.state)
    return {
        "reference": case.reference,
        "procedure": case.procedure.slug,
        "state": case.state,
        "state_label": _(state.agent_label) if state.agent_label else "",
        "category": case.category,
        "service": case.service.slug,
        "assignee": case.assignee.email if case.assignee_id else None,
        "channel": case.channel,
        "contact": {
            "name": case.contact_name,
            "email": case.contact_email,
            "phone": case.contact_phone,
        },
        "answers": case.data,
        "address": case.address,
        "location": (
            {"latitude": case.latitude, "longitude": case.longitude}
            if case.latitude is not None
            else None
        ),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "due_at": case.due_at,
        "closed_at": case.closed_at,
        # A client acts with an agent's rights (cases.access.acting_role).
        "transitions": [
            {"code": t.code, "label": _(t.label) if t.label else t.code}
            for t in workflow.transitions_for(case.state, Role.AGENT)
        ]
        if transitions
        else [],
    }


def attachment_out(attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created_at": attachment.created_at,
        "message": attachment.message_id,
    }


def event_out(event) -> dict:
    if event.api_client_id is not None:
        actor = f"api:{event.api_client.name}"
    elif event.actor_id is not None:
        actor = event.actor.email
    else:
        actor = None
    return {
        "id": event.pk,
        "case": event.case.reference,
        "kind": event.kind,
        "is_public": event.is_public,
        "payload": event.payload,
        "created_at": event.created_at,
        "actor": actor,
    }
