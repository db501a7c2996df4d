"""What happens when allauth reports a step of an account's life."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from guichet.cases.actions import link_cases_to_citizen

from . import backoff


@receiver(email_confirmed)
def link_earlier_cases(request, email_address, **kwargs):
    """The cases filed without an account under an address join the account that proved
    the address is theirs, and only then."""
    link_cases_to_citizen(citizen=email_address.user, email=email_address.email)


@receiver(user_signed_up)
def link_cases_of_a_provider_account(request, user, sociallogin=None, **kwargs):
    """An account opened through an identity provider comes with addresses the provider
    verified: the earlier cases filed under them join it at once."""
    if sociallogin is None:
        return  # a local sign-up: the cases wait for the address to be confirmed
    for address in EmailAddress.objects.filter(user=user, verified=True):
        link_cases_to_citizen(citizen=user, email=address.email)


@receiver(user_logged_in)
def forget_failed_logins(request, user, **kwargs):
    """A complete login (with the second factor, for the accounts that have one) ends the
    wait that failed attempts had put on the account."""
    for address in {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }:
        backoff.forget(address)
