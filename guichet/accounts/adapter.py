"""How django-allauth fits Guichet: its e-mails go through the outbox (sent by the worker,
retried, never lost), and people land where they work after logging in."""

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from guichet.core.ratelimit import client_ip
from guichet.notify.models import OutgoingEmail

from . import backoff
from .oidc import provider_logout_url, refresh_identity


@dataclass(frozen=True)
class OrganizationSite:
    """What allauth's templates call the site (`current_site.name`, `.domain`): the
    organization whose portal the citizen is on (django.contrib.sites is not used)."""

    name: str
    domain: str


def _login_of(credentials) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        organization = getattr(request, "organization", None)
        site = OrganizationSite(
            name=organization.name if organization else "",
            domain=request.get_host() if request is not None else "",
        )
        context = {"request": request, "email": email, "current_site": site, **context}
        message = self.render_mail(template_prefix, email, context)
        outgoing = OutgoingEmail.objects.create(
            to=email,
            subject=" ".join(message.subject.split())[:300],
            body=message.body,
            # In the organization's name, like the e-mails about cases.
            sender=organization.email_from if organization else "",
            organization=organization,
        )

        def enqueue():
            from guichet.notify.tasks import send_email

            send_email.enqueue(outgoing.pk)

        transaction.on_commit(enqueue)

    def pre_authenticate(self, request, **credentials):
        """Passwords are limited per client address here (GUICHET_LOGIN_RATE_LIMIT); per
        account, failures slow the next attempts down (accounts.backoff) instead of allauth's
        lock. allauth's own `login_failed` limit keeps its per-account part for the codes of
        the second factor."""
        self._login_failed_rl_usage = allauth_ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed",
            config={"login_failed": settings.GUICHET_LOGIN_RATE_LIMIT},
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        """While the account's wait runs, only its password with a second factor to come
        gets through (the code is asked next, and limited per account)."""
        waiting = backoff.wait_seconds(_login_of(credentials)) > 0
        user = super().authenticate(request, **credentials)
        if waiting and (user is None or not is_mfa_enabled(user, [Authenticator.Type.TOTP])):
            raise self.validation_error("too_many_login_attempts")
        return user

    def authentication_failed(self, request, **credentials):
        backoff.record_failure(_login_of(credentials))

    def get_client_ip(self, request):
        """allauth's rate limits key on the same client address as Guichet's (trusted
        proxies in settings.GUICHET_TRUSTED_PROXIES)."""
        return client_ip(request)

    def get_login_redirect_url(self, request):
        """Agents of this organization go to their inbox, citizens to their space."""
        organization = getattr(request, "organization", None)
        user = request.user
        if organization is not None and user.memberships.filter(organization=organization).exists():
            return reverse("backoffice:inbox")
        return reverse("portal:my_space")

    def get_logout_redirect_url(self, request):
        """After a login with an identity provider, logging out goes through the provider
        (FranceConnect requires it), which sends the citizen back to the portal."""
        return provider_logout_url(request) or super().get_logout_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The identity an OpenID Connect provider gives (FranceConnect's pivot identity) is the
    provider's: the names it sends are copied at sign-up and again at every login, and cannot
    be edited here."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.first_name = data.get("first_name") or user.first_name
        user.last_name = data.get("last_name") or user.last_name
        return user

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            refresh_identity(sociallogin)


def provider_locked_fields(user) -> set[str]:
    """The profile fields of `user` that an identity provider owns."""
    if user.is_authenticated and user.socialaccount_set.exists():
        return {"first_name", "last_name"}
    return set()
