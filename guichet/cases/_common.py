"""What the domain actions share: the @domain_action decorator, the journal writer and the
checks and stores every topic needs (guichet/cases/actions.py lists the topics).

The actions live by topic in guichet/cases/ (intake, handling, messaging, drafts,
corrections, privacy, mandates, and external, satisfaction, read_receipts); each one is a
`@domain_action`: one transaction, and the right to write case rows.
"""

import functools
import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guichet.core.queue import enqueue_with_commit
from guichet.lib.pdf import render_pdf
from guichet.organization.models import ApiClient

from . import search
from .access import can_handle
from .acknowledgement import DOCUMENT_KEY as ACKNOWLEDGEMENT
from .acknowledgement import acknowledgement_letter
from .models import Attachment, CaseEvent
from .tasks import dispatch_event, dispatch_suppressed, writing_cases
from .templating import render_document, template_variables
from .uploads import PreparedUpload

logger = logging.getLogger(__name__)


MAX_MESSAGE_LENGTH = 10000
MAX_REASON_LENGTH = 2000


def domain_action(function):
    """Marks a domain action: one transaction, and the right to write case rows.

    The test suite refuses any save of a case, event, message or attachment made outside
    such a function (guichet/conftest.py), which proves that every door goes through here.
    """
    atomic = transaction.atomic(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with writing_cases():
            return atomic(*args, **kwargs)

    return wrapper


def _person(actor):
    """The user behind an actor: None for the system and for an API client."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _api_client(actor) -> ApiClient | None:
    return actor if isinstance(actor, ApiClient) else None


def _record(case, *, kind, actor=None, is_public, payload=None, at=None) -> CaseEvent:
    at = at or timezone.now()
    quiet = dispatch_suppressed()
    event = CaseEvent.objects.create(
        case=case,
        actor=_person(actor),
        api_client=_api_client(actor),
        kind=kind,
        is_public=is_public,
        payload=payload or {},
        created_at=at,
        dispatched_at=at if quiet else None,
    )
    if not quiet:
        enqueue_with_commit(dispatch_event, event.pk)
    # What the case is found by follows every change the journal records.
    search.index_case(case)
    return event


def _require_agent(actor, case) -> None:
    if actor is not None and not can_handle(actor, case):
        raise PermissionDenied(_("Vous ne traitez pas cette demande."))


def _save_attachment(
    case, upload: PreparedUpload, *, field_id="", message=None, actor=None
) -> Attachment:
    """Stores a file that cases.uploads prepared: its type is the one detected from its
    content, never the one its sender declared."""
    return Attachment.objects.create(
        case=case,
        message=message,
        field_id=field_id,
        file=upload.file,
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=_person(actor),
    )


def _behalf(case, *, as_agent: bool) -> dict:
    """What the journal keeps of the person someone acted for: "filed by X for Y"."""
    return {
        "name": case.contact_name,
        "citizen": case.citizen_id,
        "as": "agent" if as_agent else "helper",
    }


def _store_document(case, key: str, content: bytes, *, now) -> dict:
    """Attaches a produced PDF document to the case (the citizen sees it on the tracking
    page and in their space); a storage failure is recorded, the case moves on."""
    name = f"{case.reference}-{key}.pdf"
    try:
        with transaction.atomic():  # a savepoint: the transition survives a failed write
            attachment = Attachment.objects.create(
                case=case,
                file=ContentFile(content, name=name),
                original_name=name,
                content_type="application/pdf",
                size=len(content),
                generated_from=key,
                created_at=now,
            )
    except OSError as error:  # the storage refused the file (a full disk, say)
        logger.error("Case %s: document %r not stored: %s", case.pk, key, error)
        return {"template": key, "status": "failed", "reason": "storage_error"}
    return {"template": key, "status": "produced", "attachment": attachment.pk, "name": name}


def _produce_document(case, key: str, *, now, comment: str = "") -> dict:
    """Renders the version's template `key` into a PDF document attached to the case (the
    citizen sees it in their tracking page). A template that is missing or cannot be
    rendered is recorded as failed: the transition still happens."""
    template = (case.version.templates or {}).get(key)
    if not isinstance(template, dict):
        return {"template": key, "status": "failed", "reason": "unknown_template"}
    # The state the case is entering: the document speaks of the decision.
    state = case.get_workflow().state(case.state)
    try:
        with translation.override(case.language or "fr"):
            variables = template_variables(case, state, comment)
            content = render_document(case, template, variables, at=now)
    except Exception as error:  # whatever an administrator wrote, the case moves on
        logger.warning("Case %s: document %r not produced: %s", case.pk, key, error)
        return {"template": key, "status": "failed", "reason": "render_error"}
    return _store_document(case, key, content, now=now)


def _acknowledge(case, *, now, missing: str = "", answer_by=None) -> dict:
    """Issues the acknowledgement of receipt of `case` as a PDF attached to it (see
    cases/acknowledgement.py); a failure is recorded, the filing or transition goes on."""
    try:
        with translation.override(case.language or "fr"):
            letter = acknowledgement_letter(case, at=now, missing=missing, answer_by=answer_by)
            content = render_pdf(letter, at=now)
    except Exception as error:  # an administrator's wording that cannot be rendered
        logger.warning("Case %s: acknowledgement not produced: %s", case.pk, error)
        return {"template": ACKNOWLEDGEMENT, "status": "failed", "reason": "render_error"}
    done = _store_document(case, ACKNOWLEDGEMENT, content, now=now)
    if missing:
        done["incomplete"] = True
    return done
