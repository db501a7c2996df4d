"""Checks a procedure's draft before it is published."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guichet.organization.models import Service

from .deadline import deadline_errors
from .formschema import validate_fields
from .routing import routing_errors
from .workflow import Workflow


def validate_procedure_draft(procedure) -> None:
    """Raises ValidationError with messages keyed by part (fields, workflow, deadline,
    routing)."""
    errors = {}
    try:
        validate_fields(procedure.fields)
    except ValidationError as error:
        errors["fields"] = error.messages
    templates = procedure.templates if isinstance(procedure.templates, dict) else {}
    services = set(
        Service.objects.filter(organization_id=procedure.organization_id).values_list(
            "slug", flat=True
        )
    )
    try:
        Workflow(procedure.workflow).validate(templates=templates, services=services)
    except ValidationError as error:
        errors["workflow"] = error.messages
    except (KeyError, TypeError, AttributeError):
        errors["workflow"] = [_("Le circuit de traitement est illisible.")]
    deadline = deadline_errors(procedure.deadline, workflow=procedure.workflow)
    if deadline:
        errors["deadline"] = deadline
    routing = routing_errors(
        procedure.routing, organization=procedure.organization_id, fields=procedure.fields
    )
    if routing:
        errors["routing"] = routing
    if errors:
        raise ValidationError(errors)
