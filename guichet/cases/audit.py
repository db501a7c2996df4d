"""The log of agents' accesses to citizens' personal data (AccessLog)."""

from guichet.organization.models import ApiClient

from .models import AccessKind, AccessLog


def log_access(*, user, organization, kind: str, case=None, detail: str = "") -> AccessLog:
    """Records that `user` opened personal data: a case's page, one of its attachments, or a
    person's record (`detail` then names the record). `user` may be an API client."""
    if kind not in AccessKind.values:
        raise ValueError(kind)
    client = user if isinstance(user, ApiClient) else None
    return AccessLog.objects.create(
        organization=organization,
        user=None if client is not None else user,
        api_client=client,
        case=case,
        reference=case.reference if case is not None else "",
        kind=kind,
        detail=detail[:300],
    )
