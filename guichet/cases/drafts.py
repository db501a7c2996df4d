"""Drafts: forms in progress, kept for the citizen to resume (by link or in their space)."""

import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.catalog.models import Procedure

from ._common import domain_action
from .models import Draft
from .tasks import send_draft_link

MAX_DRAFT_SIZE = 256 * 1024  # characters of JSON: far beyond any form, short of abuse


@domain_action
def save_draft(
    *,
    procedure: Procedure,
    data: dict,
    page: int,
    draft: Draft | None = None,
    citizen=None,
    token: str | None = None,
) -> Draft:
    """Saves a form in progress: what was typed (`data`, raw input by form name, not
    validated) and the step reached (`page`). Creates the draft when `draft` is None.

    `token`, when given, is the one the page proposed for the draft it may create: two
    requests of one page that both create (an autosave still on its way when the form is
    posted) then make one draft, the second one updating it.

    A signed-in citizen keeps one draft per procedure: a new one replaces the others. The
    draft follows the procedure's current version (answers are kept by field id).
    """
    if len(json.dumps(data, cls=DjangoJSONEncoder)) > MAX_DRAFT_SIZE:
        raise ValidationError(_("Ce brouillon est trop volumineux pour être enregistré."))
    now = timezone.now()
    if draft is None:
        citizen = citizen if citizen is not None and citizen.is_authenticated else None
        if citizen is not None:
            Draft.objects.filter(procedure=procedure, citizen=citizen).exclude(
                token=token or ""
            ).delete()
        fields = {
            "organization": procedure.organization,
            "procedure": procedure,
            "version": procedure.current_version,
            "citizen": citizen,
            "data": data,
            "page": page,
            "created_at": now,
            "updated_at": now,
        }
        if not token:
            return Draft.objects.create(**fields)
        try:
            with transaction.atomic():
                return Draft.objects.create(token=token, **fields)
        except IntegrityError:
            # The page's other request created it first; it is this visitor's only if it
            # is for the same procedure and the same person.
            draft = Draft.objects.filter(token=token, procedure=procedure, citizen=citizen).first()
            if draft is None:
                return Draft.objects.create(**fields)
    draft.version = procedure.current_version
    draft.data, draft.page, draft.updated_at = data, page, now
    draft.save(update_fields=["version", "data", "page", "updated_at"])
    return draft


@domain_action
def delete_draft(*, draft: Draft) -> None:
    """Forgets a form in progress (the citizen starts over, or gives up)."""
    Draft.objects.filter(pk=draft.pk).delete()


@domain_action
def request_draft_link(*, draft: Draft, email: str, language: str = "fr") -> Draft:
    """Records `email` on the draft and has the link to resume it sent there, after commit
    (the worker hands it to settings.GUICHET_DRAFT_LINK_SENDER)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Saisissez une adresse e-mail valide.")]}) from None
    draft.email = email
    draft.updated_at = timezone.now()
    draft.save(update_fields=["email", "updated_at"])
    draft_id = draft.pk
    transaction.on_commit(lambda: send_draft_link.enqueue(draft_id, language))
    return draft


@domain_action
def purge_drafts(*, now: datetime.datetime | None = None) -> int:
    """Deletes the drafts left untouched for GUICHET_DRAFT_MAX_AGE_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.GUICHET_DRAFT_MAX_AGE_DAYS)
    _total, deleted = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted.get(Draft._meta.label, 0)
