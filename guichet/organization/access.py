"""Who may act in which organization."""

from .models import Membership, Service


def get_membership(user, organization) -> Membership | None:
    """The user's membership in `organization`, or None (outsiders, citizens, anonymous)."""
    if not user.is_authenticated or organization is None:
        return None
    cache = user.__dict__.setdefault("_guichet_memberships", {})
    if organization.pk not in cache:
        cache[organization.pk] = Membership.objects.filter(
            user=user, organization=organization, is_active=True
        ).first()
    return cache[organization.pk]


def visible_services(membership: Membership):
    """The services whose cases this member may see and handle."""
    services = Service.objects.filter(organization_id=membership.organization_id)
    if membership.sees_all_services:
        return services
    return services.filter(memberships=membership)
