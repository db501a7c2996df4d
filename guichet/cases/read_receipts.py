"""Read receipts: the citizen sees that the service read their messages, the agents that the
citizen read the service's.

A message is read by the other side when they open the case's page: the citizen on the
tracking page (or a helper with a mandate, in their space), an agent of the case's service
in the back office (an administrator or an agent of another service looking on does not
count). The pages already hold the messages they show; the receipts are written by one
UPDATE, and only when one of them is unread, so that opening a page costs nothing more
most of the time.
"""

from django.utils import timezone

from guichet.organization.models import Membership

from .actions import domain_action
from .models import Case, Message


def reads_for_service(user, case: Case) -> bool:
    """Whether `user` opening the case counts as its service reading it: an active member of
    its organization who works for its service."""
    if not getattr(user, "is_authenticated", False) or case.service_id is None:
        return False
    return Membership.objects.filter(
        user=user, organization_id=case.organization_id, is_active=True, services=case.service_id
    ).exists()


@domain_action
def record_messages_read(*, case: Case, by_citizen: bool, at=None) -> int:
    """Marks the messages written to the reader as read: the service's when the citizen
    reads, the citizen's when the service does. Returns how many were unread."""
    return Message.objects.filter(
        case=case, from_citizen=not by_citizen, read_at__isnull=True
    ).update(read_at=at or timezone.now())


def _unread(messages, *, by_citizen: bool) -> list:
    return [m for m in messages if m.from_citizen != by_citizen and m.read_at is None]


def citizen_read_case(*, case: Case, messages) -> int:
    """The citizen (or their helper) opened the case's page showing `messages`."""
    unread = _unread(messages, by_citizen=True)
    if not unread:
        return 0
    return _mark(case, unread, by_citizen=True)


def service_read_case(*, case: Case, messages, user) -> int:
    """`user` opened the case's page in the back office, showing `messages`: the citizen's
    become read when `user` works for the case's service."""
    unread = _unread(messages, by_citizen=False)
    if not unread or not reads_for_service(user, case):
        return 0
    return _mark(case, unread, by_citizen=False)


def _mark(case, unread, *, by_citizen) -> int:
    at = timezone.now()
    count = record_messages_read(case=case, by_citizen=by_citizen, at=at)
    for message in unread:  # the page shows what it just recorded
        message.read_at = at
    return count
