"""What administrators do to their organization's setup without the Django admin: services
(name, contact, opening hours, zone), agents (invitation, role, services, deactivation).

Every change is written to the organization's AdminLogEntry journal, in the same
transaction. The invitation's e-mail and its link are guichet.accounts.invitations' business.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guichet.lib.text import free_slug

from .models import AdminLogEntry, Membership, Role, Service

SERVICE_FIELDS = ("name", "email", "phone", "address", "opening_hours", "area", "translations")


def _check_admin(organization, actor) -> None:
    if actor is None:  # commands and tests acting as the system
        return
    if not Membership.objects.filter(
        user=actor, organization=organization, role=Role.ADMINISTRATOR, is_active=True
    ).exists():
        raise PermissionDenied


def log_change(*, organization, actor, action: str, target: str, **details) -> AdminLogEntry:
    return AdminLogEntry.objects.create(
        organization=organization,
        actor=actor,
        action=action,
        target=str(target)[:300],
        details=details,
    )


@transaction.atomic
def save_service(*, organization, actor, service: Service | None = None, **values) -> Service:
    """Creates (service=None) or updates a service; ValidationError keyed by field."""
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_admin(organization, actor)
    if service is not None:
        service = Service.objects.select_for_update().get(pk=service.pk, organization=organization)
        before = {name: getattr(service, name) for name in SERVICE_FIELDS}
    else:
        before = {}
        base = slugify(values.get("name") or "")[:40] or "service"
        taken = Service.objects.filter(organization=organization, slug__startswith=base)
        service = Service(
            organization=organization,
            slug=free_slug(base, set(taken.values_list("slug", flat=True))),
        )
    for name, value in values.items():
        setattr(service, name, value.strip() if isinstance(value, str) else value)
    if not service.name:
        raise ValidationError({"name": [_("Indiquez le nom du service.")]})
    service.full_clean(exclude=["organization"])
    service.save()
    changed = sorted(name for name in values if before.get(name) != getattr(service, name))
    log_change(
        organization=organization,
        actor=actor,
        action="service_created" if not before else "service_changed",
        target=service.name,
        fields=changed,
    )
    return service


def _check_services(organization, services) -> list[Service]:
    services = list(services)
    if any(service.organization_id != organization.pk for service in services):
        raise ValidationError({"services": [_("Choisissez des services de l'organisation.")]})
    return services


@transaction.atomic
def invite_agent(
    *, organization, actor, email: str, first_name="", last_name="", role=Role.AGENT, services=()
) -> Membership:
    """Gives `email` a membership (a new account without a password when there is none) and
    marks it invited; the caller sends the invitation (accounts.invitations). The address is
    taken as verified: the administrator vouches for a professional address."""
    _check_admin(organization, actor)
    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": [_("Indiquez l'adresse e-mail de l'agent.")]})
    if role not in Role.values:
        raise ValidationError({"role": [_("Choisissez un rôle.")]})
    services = _check_services(organization, services)
    User = get_user_model()  # noqa: N806
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(
            {"email": [_("Cette personne fait déjà partie de l'équipe : modifiez sa fiche.")]}
        )
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
    )
    membership = Membership.objects.create(
        user=user, organization=organization, role=role, invited_at=timezone.now()
    )
    membership.services.set(services)
    log_change(
        organization=organization,
        actor=actor,
        action="agent_invited",
        target=email,
        role=role,
        services=[service.name for service in services],
    )
    return membership


@transaction.atomic
def mark_invited_again(*, membership: Membership, actor) -> Membership:
    """A new invitation for a member who has not set a password yet."""
    _check_admin(membership.organization, actor)
    membership.invited_at = timezone.now()
    membership.save(update_fields=["invited_at"])
    log_change(
        organization=membership.organization,
        actor=actor,
        action="agent_reinvited",
        target=membership.user.email,
    )
    return membership


@transaction.atomic
def update_member(*, membership: Membership, actor, role: str, services=()) -> Membership:
    """Changes a member's role and services. An administrator cannot take their own role
    away (the organization would risk having none left)."""
    organization = membership.organization
    _check_admin(organization, actor)
    if role not in Role.values:
        raise ValidationError({"role": [_("Choisissez un rôle.")]})
    if actor is not None and membership.user_id == actor.pk and role != Role.ADMINISTRATOR:
        raise ValidationError(
            {"role": [_("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")]}
        )
    services = _check_services(organization, services)
    before_role = membership.role
    before_services = sorted(membership.services.values_list("name", flat=True))
    membership.role = role
    membership.save(update_fields=["role"])
    membership.services.set(services)
    after_services = sorted(service.name for service in services)
    log_change(
        organization=organization,
        actor=actor,
        action="agent_changed",
        target=membership.user.email,
        role=[before_role, role],
        services=[before_services, after_services],
    )
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership, actor) -> Membership:
    """Closes a member's access to the organization's back office. When the account has no
    other active membership it is deactivated too, so that it can no longer log in at all
    (its open sessions end: Django refuses inactive accounts). Their cases stay theirs until
    reassigned (the team page's reassignment)."""
    organization = membership.organization
    _check_admin(organization, actor)
    if actor is not None and membership.user_id == actor.pk:
        raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."))
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    if not Membership.objects.filter(user=user, is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    log_change(
        organization=organization, actor=actor, action="agent_deactivated", target=user.email
    )
    return membership


@transaction.atomic
def reactivate_member(*, membership: Membership, actor) -> Membership:
    organization = membership.organization
    _check_admin(organization, actor)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    log_change(
        organization=organization, actor=actor, action="agent_reactivated", target=user.email
    )
    return membership
