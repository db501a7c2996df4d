"""Agents' second factor (allauth.mfa, codes of an authenticator app, TOTP).

Any account may turn it on; an organization can require it of its agents
(Organization.agents_mfa_required). Then the back office lets an agent in only once the
session has passed the second factor: at login, or by confirming a code afterwards. An agent
without an authenticator app is first asked to set one up.
"""

import functools
from urllib.parse import quote

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Set while an agent is sent to set up their authenticator app (a message awaits the setup).
RETURN_SESSION_KEY = "guichet.mfa.sent_to_setup"


def passed_second_factor(request) -> bool:
    """Whether this session's login (or a later confirmation) used a second factor."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def second_factor_gate(request, *, next_url: str | None = None):
    """None when the agent may use the back office (or the Django admin); otherwise the
    redirection to the step needed first, coming back to `next_url` (this page).

    An account with an authenticator app gives a code in every session, whatever door the
    session was opened by; where the organization requires it, an agent without an app sets
    one up first.
    """
    if passed_second_factor(request):
        return None
    next_url = next_url or request.get_full_path()
    if is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
        return redirect(f"{reverse('mfa_reauthenticate')}?next={quote(next_url)}")
    organization = getattr(request, "organization", None)
    if organization is None or not organization.agents_mfa_required:
        return None
    request.session[RETURN_SESSION_KEY] = True
    messages.warning(
        request,
        _(
            "Votre organisation exige la double authentification pour l'espace agents. "
            "Activez une application d'authentification pour continuer."
        ),
    )
    return redirect("mfa_activate_totp")


def second_factor_required(view):
    """For the pages that remove the second factor or show its recovery codes: a session of
    an account with an app that has not given a code (one opened before the app was set up)
    confirms one first. A password is not enough to undo what the second factor protects."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if (
            user.is_authenticated
            and not passed_second_factor(request)
            and is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            next_url = quote(request.get_full_path())
            return redirect(f"{reverse('mfa_reauthenticate')}?next={next_url}")
        return view(request, *args, **kwargs)

    return wrapper


@receiver(authenticator_added)
def count_the_setup_as_a_second_factor(sender, request, user, authenticator, **kwargs):
    """Setting up an app means typing one of its codes: the session has passed the second
    factor, as if the agent had logged in with it."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
        if request.session.pop(RETURN_SESSION_KEY, None):
            messages.success(
                request,
                _(
                    "La double authentification est activée. Gardez vos codes de secours en "
                    "lieu sûr, puis retournez à l'espace agents."
                ),
            )
