"""A citizen's profile: the name and phone their forms start with, the language of the site
and of their e-mails, and how they hear of their requests' progress (e-mail, SMS)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.lib.phone import can_receive_sms, normalize_phone
from guichet.notify.sms import sms_enabled

from .adapter import provider_locked_fields
from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language", "notify_email", "notify_sms"]
        labels = {
            "language": _("Langue du site et de vos e-mails"),
            "notify_email": _("Par e-mail"),
            "notify_sms": _("Par SMS, au numéro de téléphone ci-dessus"),
        }
        help_texts = {
            "notify_sms": _("Un numéro de mobile (06 ou 07 en France) est nécessaire."),
        }
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
        if not sms_enabled():  # the service sends no SMS: not offered
            del self.fields["notify_sms"]

    # The contact preferences, shown together under their own heading.
    PREFERENCES = ("notify_email", "notify_sms")

    def identity_fields(self):
        return [self[name] for name in self.fields if name not in self.PREFERENCES]

    def preference_fields(self):
        return [self[name] for name in self.fields if name in self.PREFERENCES]

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

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if cleaned.get("notify_sms") and "phone" not in self.errors:
            if not phone:
                self.add_error(
                    "notify_sms", _("Indiquez votre numéro de mobile pour recevoir des SMS.")
                )
            elif not can_receive_sms(phone):
                self.add_error(
                    "notify_sms",
                    _("Ce numéro ne peut pas recevoir de SMS : indiquez un numéro de mobile."),
                )
        return cleaned
