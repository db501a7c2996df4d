"""What happens when allauth reports a step of an account's life."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from guichet.cases.actions import link_cases_to_citizen


@receiver(email_confirmed)
def link_earlier_cases(request, email_address, **kwargs):
    """The cases filed without an account under an address join the account that proved
    the address is theirs, and only then."""
    link_cases_to_citizen(citizen=email_address.user, email=email_address.email)
