"""Checks a procedure's draft before it is published."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .formschema import validate_fields
from .workflow import Workflow


def validate_procedure_draft(procedure) -> None:
    """Raises ValidationError with messages keyed by part (fields, workflow)."""
    errors = {}
    try:
        validate_fields(procedure.fields)
    except ValidationError as error:
        errors["fields"] = error.messages
    try:
        Workflow(procedure.workflow).validate()
    except ValidationError as error:
        errors["workflow"] = error.messages
    except (KeyError, TypeError):
        errors["workflow"] = [_("Le circuit de traitement est illisible.")]
    if errors:
        raise ValidationError(errors)
