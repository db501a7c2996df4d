"""What administrators change about their organization: its identity, its colours and its
accessibility statement. The colours are checked against WCAG's 4.5:1 contrast for text."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from guichet.lib.contrast import AA_TEXT, WHITE, contrast_ratio

from .models import Membership, Organization, Role

# The pages' background (guichet.css --color-background): links in the primary colour sit on it.
PAGE_BACKGROUND = "#f5f5f7"

SETTINGS_FIELDS = (
    "name",
    "address",
    "email",
    "sender_email",
    "phone",
    "website",
    "logo",
    "primary_color",
    "accent_color",
    "accessibility_status",
    "accessibility_audit_date",
    "accessibility_rate",
    "accessibility_auditor",
    "agents_mfa_required",
    "open_cases_on_erasure",
    "territory_from_services",
)


def colour_errors(primary: str, accent: str) -> dict[str, str]:
    """The colours that would make text unreadable, with the ratio they reach."""
    errors = {}
    for name, colour in (("primary_color", primary), ("accent_color", accent)):
        if not colour:
            continue
        try:
            ratio = min(contrast_ratio(colour, WHITE), contrast_ratio(colour, PAGE_BACKGROUND))
        except ValueError:
            continue  # the format is the field validator's business
        if ratio < AA_TEXT:
            errors[name] = _(
                "Contraste insuffisant : %(ratio)s:1 entre cette couleur et le blanc ou le fond "
                "des pages, il faut au moins 4,5:1 (RGAA, critère 3.2). Choisissez une couleur "
                "plus foncée."
            ) % {"ratio": number_format(int(ratio * 100) / 100, 2)}
    return errors


def update_organization(*, organization: Organization, actor, changes: dict) -> Organization:
    """Saves an administrator's changes to `SETTINGS_FIELDS` (others are refused).

    PermissionDenied unless `actor` administers the organization; ValidationError, keyed by
    field, for values that do not validate, colours with too little contrast included.
    """
    if not Membership.objects.filter(
        user=actor, organization=organization, role=Role.ADMINISTRATOR
    ).exists():
        raise PermissionDenied(_("Seuls les administrateurs modifient l'organisation."))
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not an organization setting: {sorted(unknown)}")
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        for name, value in changes.items():
            setattr(organization, name, value)
        errors = colour_errors(organization.primary_color, organization.accent_color)
        try:
            organization.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, messages[0])
        if errors:
            raise ValidationError(errors)
        organization.save()
    return organization
