"""A citizen's profile: the name and phone their forms start with, the language of the site
and of their e-mails."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.lib.phone import normalize_phone

from .adapter import provider_locked_fields
from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]
        labels = {"language": _("Langue du site et de vos e-mails")}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="profile_%s", **kwargs)
        # Names that came from an identity provider (FranceConnect) are the provider's.
        for name in provider_locked_fields(self.instance):
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Transmis par votre fournisseur d'identité.")

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        normalized = normalize_phone(phone)
        if normalized is None:
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78.")
            )
        return normalized
