"""Mandates: a citizen lets another account file and follow their requests
(cases.models.Mandate); the actions check them through `active_mandate`."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from ._common import domain_action
from .models import Mandate

logger = logging.getLogger(__name__)


def active_mandate(helper, citizen, procedure) -> Mandate | None:
    """The mandate in force that lets `helper` act for `citizen` on `procedure`, if any."""
    if citizen is None or helper is None:
        return None
    mandates = (
        Mandate.objects.active()
        .for_helper(helper)
        .filter(organization_id=procedure.organization_id, citizen=citizen)
        .prefetch_related("procedures")
    )
    return next((mandate for mandate in mandates if mandate.covers(procedure.pk)), None)


@domain_action
def grant_mandate(
    *,
    organization,
    citizen,
    helper_email: str,
    all_procedures: bool = True,
    procedures=(),
    expires_on: datetime.date | None = None,
) -> Mandate:
    """A citizen lets another account file and follow their requests (cases.models.Mandate).

    The helper is named by e-mail address: the mandate works once they sign in with it."""
    errors = {}
    helper_email = (helper_email or "").strip().lower()
    try:
        validate_email(helper_email)
    except ValidationError:
        errors["helper_email"] = [_("Saisissez une adresse e-mail valide.")]
    else:
        if helper_email == (citizen.email or "").lower():
            errors["helper_email"] = [_("Indiquez l'adresse d'une autre personne que vous.")]
    procedures = list(procedures)
    if any(procedure.organization_id != organization.pk for procedure in procedures):
        errors["procedures"] = [_("Démarche inconnue.")]
    elif not all_procedures and not procedures:
        errors["procedures"] = [_("Choisissez au moins une démarche, ou toutes.")]
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = [_("La date de fin est déjà passée.")]
    if errors:
        raise ValidationError(errors)
    mandate = Mandate.objects.create(
        organization=organization,
        citizen=citizen,
        helper_email=helper_email,
        all_procedures=all_procedures,
        expires_on=expires_on,
    )
    if not all_procedures:
        mandate.procedures.set(procedures)
    logger.info("mandate %s granted by user %s", mandate.pk, citizen.pk)
    return mandate


@domain_action
def revoke_mandate(*, mandate: Mandate, at: datetime.datetime | None = None) -> Mandate:
    """Ends a mandate at once: the helper loses access on their next request."""
    if mandate.revoked_at is None:
        mandate.revoked_at = at or timezone.now()
        mandate.save(update_fields=["revoked_at"])
        logger.info("mandate %s revoked", mandate.pk)
    return mandate
