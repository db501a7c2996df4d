"""A citizen deletes their account (GDPR, right to erasure)."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from guichet.cases.actions import erase_citizen


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, auto_id="delete_%s", **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce n'est pas votre mot de passe."))
        return password


def delete_account(user) -> dict:
    """Erases the citizen's side of their requests (cases.actions.erase_citizen), then the
    account itself; one transaction."""
    with transaction.atomic():
        counts = erase_citizen(citizen=user)
        user.delete()
    return counts
