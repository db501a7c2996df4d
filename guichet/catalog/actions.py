"""Writes of the catalog: publishing a procedure freezes a version."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Procedure, ProcedureVersion
from .validation import validate_procedure_draft


@transaction.atomic
def publish_procedure(*, procedure: Procedure, actor=None) -> ProcedureVersion:
    """Checks the draft, freezes it as the next version and opens the procedure to requests.

    Cases already filed keep their own version; new ones use this one.
    """
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    validate_procedure_draft(procedure)
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        fields=procedure.fields,
        workflow=procedure.workflow,
        deadline=procedure.deadline,
        routing=procedure.routing,
        templates=procedure.templates,
        published_at=timezone.now(),
        published_by=actor if actor is not None and actor.is_authenticated else None,
    )
    procedure.current_version = version
    procedure.is_published = True
    procedure.save(update_fields=["current_version", "is_published", "updated_at"])
    return version


@transaction.atomic
def unpublish_procedure(*, procedure: Procedure) -> Procedure:
    """Closes the procedure to new requests; filed cases go on with their version."""
    procedure.is_published = False
    procedure.save(update_fields=["is_published", "updated_at"])
    return procedure
