"""An agent's invitation: a signed link that expires (GUICHET_INVITATION_DAYS) and dies once
used, sent through the outbox. Following it, the agent chooses a password; the back office
then asks for the second factor where the organization requires one (accounts.mfa).

The token is Django's password-reset token with its own salt: it is an HMAC of the account's
password hash and last login, so setting the password spends it.
"""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from guichet.notify.models import OutgoingEmail


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "guichet.accounts.invitations.InvitationTokenGenerator"

    @property
    def timeout(self):  # read at each check, so that a changed setting counts at once
        return int(datetime.timedelta(days=settings.GUICHET_INVITATION_DAYS).total_seconds())

    @timeout.setter
    def timeout(self, value):  # PasswordResetTokenGenerator's __init__ sets none here
        pass


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return reverse("backoffice:invitation", args=[uid, token])


def user_from_uid(uidb64: str):
    from django.contrib.auth import get_user_model

    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=pk).first()


def send_invitation(*, membership, inviter) -> OutgoingEmail:
    """Queues the invitation e-mail (sent by the worker, retried until delivered)."""
    organization = membership.organization
    user = membership.user
    with translation.override(user.language or "fr"):
        context = {
            "organization": organization,
            "inviter": inviter,
            "user": user,
            "link": organization.absolute_url(invitation_path(user)),
            "days": settings.GUICHET_INVITATION_DAYS,
            "role": membership.get_role_display(),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_body.txt", context)
    outgoing = OutgoingEmail.objects.create(
        to=user.email,
        subject=" ".join(subject.split())[:300],
        body=body,
        sender=organization.email_from,
        organization=organization,
    )

    def enqueue():
        from guichet.notify.tasks import send_email

        send_email.enqueue(outgoing.pk)

    transaction.on_commit(enqueue)
    return outgoing
