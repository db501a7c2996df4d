"""How django-allauth fits Guichet: its e-mails go through the outbox (sent by the worker,
retried, never lost), and people land where they work after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction
from django.urls import reverse

from guichet.notify.models import OutgoingEmail

from .oidc import provider_logout_url, refresh_identity


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        outgoing = OutgoingEmail.objects.create(
            to=email, subject=" ".join(message.subject.split())[:300], body=message.body
        )

        def enqueue():
            from guichet.notify.tasks import send_email

            send_email.enqueue(outgoing.pk)

        transaction.on_commit(enqueue)

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
