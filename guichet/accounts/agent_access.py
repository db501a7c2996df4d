"""Access to agents' pages (the back office, the statistics): signed-in members of the
request's organization only, with the second factor where it is required; some pages to
their administrators or supervisors only."""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from guichet.accounts.mfa import second_factor_gate
from guichet.organization.access import get_membership
from guichet.organization.models import Role


def agent_required(view=None, *, hide_from_outsiders=False):
    """Lets through the members of request.organization and sets request.membership.

    Anonymous visitors go to the login page (and come back). Signed-in people without a
    membership (citizens, agents of another organization) get a 403, or a 404 with
    `hide_from_outsiders` for the pages of one case: "missing" and "forbidden" then look alike.
    Where the organization requires a second factor, a session without one is sent to confirm
    a code (or to set up an app) first.
    """
    if view is None:
        return functools.partial(agent_required, hide_from_outsiders=hide_from_outsiders)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = get_membership(request.user, getattr(request, "organization", None))
        if membership is None:
            if hide_from_outsiders:
                raise Http404
            raise PermissionDenied
        request.membership = membership
        # Agents' sessions end after a shorter inactivity than citizens' (settings).
        request.session.set_expiry(settings.GUICHET_AGENT_SESSION_IDLE)
        gate = second_factor_gate(request)
        if gate is not None:
            return gate
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view=None, *, hide_from_outsiders=False):
    """Lets through the administrators of request.organization (agent_required, then the
    role): agents and supervisors get a 403; anonymous visitors and outsiders are answered
    as by agent_required."""
    if view is None:
        return functools.partial(admin_required, hide_from_outsiders=hide_from_outsiders)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership.role != Role.ADMINISTRATOR:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return agent_required(wrapper, hide_from_outsiders=hide_from_outsiders)


def info_editor_required(view=None, *, hide_from_outsiders=False):
    """Lets through the members who write the information pages: administrators, and agents
    given `can_edit_info`; other members get a 403, outsiders as by agent_required."""
    if view is None:
        return functools.partial(info_editor_required, hide_from_outsiders=hide_from_outsiders)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.edits_info:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return agent_required(wrapper, hide_from_outsiders=hide_from_outsiders)


def supervisor_required(view=None, *, hide_from_outsiders=False):
    """Lets through the supervisors and administrators of request.organization (the team's
    workload and reassignment); agents get a 403, outsiders as by agent_required."""
    if view is None:
        return functools.partial(supervisor_required, hide_from_outsiders=hide_from_outsiders)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return agent_required(wrapper, hide_from_outsiders=hide_from_outsiders)


def admin_only(view):
    """Lets through the administrators of request.organization, and answers 404 to every
    other signed-in person, members included: pages whose very existence is theirs alone
    (the outbox, the mailboxes, the quarantine). Anonymous visitors go to the login page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership.role != Role.ADMINISTRATOR:
            raise Http404
        return view(request, *args, **kwargs)

    return agent_required(wrapper, hide_from_outsiders=True)
