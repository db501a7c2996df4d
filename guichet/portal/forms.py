"""The citizen's forms. They parse input; the domain actions validate it and decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from guichet.catalog.formschema import form_fields, validate_upload

# The procedure's own fields are named "answer-<id>" in the HTML form, so that no field id an
# administrator chooses can collide with the contact and location fields below.
ANSWER_PREFIX = "answer-"
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
LOCATION_FIELDS = ("address", "latitude", "longitude")


class DomainErrorsMixin:
    """Puts a ValidationError raised by a domain action on the form's fields."""

    # Keys of the action's errors that belong to a field of another name.
    error_fields: dict[str, str] = {}

    def field_for_error(self, key: str) -> str | None:
        for name in (ANSWER_PREFIX + key, self.error_fields.get(key, key)):
            if name in self.fields:
                return name
        return None

    def add_domain_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            self.add_error(self.field_for_error(key), errors)


class ProcedureForm(DomainErrorsMixin, forms.Form):
    """A procedure's fields, the citizen's contact details and, if asked, a location."""

    error_fields = {"location": "latitude"}

    contact_name = forms.CharField(
        label=_("Nom et prénom"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Adresse e-mail"),
        required=False,
        max_length=254,
        help_text=_("Nous vous y envoyons l'accusé de réception et les réponses."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=32,
        help_text=_("Indiquez au moins une adresse e-mail ou un numéro de téléphone."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Adresse ou lieu"),
        required=False,
        max_length=300,
        help_text=_("Numéro, rue et commune, ou un lieu-dit."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        help_text=_("Facultatif. En degrés décimaux, par exemple 48.8566."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        help_text=_("Facultatif. En degrés décimaux, par exemple 2.3522."),
    )

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        answers = {
            ANSWER_PREFIX + field_id: field
            for field_id, field in form_fields(procedure.current_version.fields).items()
        }
        if not procedure.asks_location:
            for name in LOCATION_FIELDS:
                del self.fields[name]
        self.fields = {**answers, **self.fields}

    @classmethod
    def initial_for(cls, user) -> dict:
        """The contact details of a signed-in citizen."""
        if not user.is_authenticated:
            return {}
        return {
            "contact_name": user.get_full_name(),
            "contact_email": user.email,
            "contact_phone": user.phone,
        }

    def answer_fields(self):
        return [self[name] for name in self.fields if name.startswith(ANSWER_PREFIX)]

    def contact_fields(self):
        return [self[name] for name in CONTACT_FIELDS]

    def location_fields(self):
        return [self[name] for name in LOCATION_FIELDS if name in self.fields]

    def submission(self) -> dict:
        """The keyword arguments of submit_case, from a valid form.

        The answers go to the action as typed (keyed by field id): it validates them against
        the procedure's form itself, as it does for every channel.
        """
        data, files = MultiValueDict(), MultiValueDict()
        for name in self.fields:
            if name.startswith(ANSWER_PREFIX):
                field_id = name.removeprefix(ANSWER_PREFIX)
                if name in self.data:
                    data.setlist(field_id, self.data.getlist(name))
                if name in self.files:
                    files.setlist(field_id, self.files.getlist(name))
        cleaned = self.cleaned_data
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        return {
            "data": data,
            "files": files,
            "contact_name": cleaned["contact_name"],
            "contact_email": cleaned["contact_email"],
            "contact_phone": cleaned["contact_phone"],
            "address": cleaned.get("address", ""),
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
        }


class TrackingLookupForm(forms.Form):
    """The reference and the tracking code from the acknowledgement of receipt."""

    reference = forms.CharField(
        label=_("Référence de la demande"),
        max_length=32,
        help_text=_("Elle figure dans l'accusé de réception, par exemple DV-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Code de suivi"),
        max_length=40,
        help_text=_("Les 16 caractères reçus avec l'accusé de réception, avec ou sans tirets."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class MessageForm(DomainErrorsMixin, forms.Form):
    """A message from the citizen to the service, with an optional attachment."""

    body = forms.CharField(
        label=_("Votre message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        validators=[validate_upload],
        help_text=_("Facultatif. PDF, image ou document texte."),
    )

    def uploads(self) -> list:
        attachment = self.cleaned_data.get("attachment")
        return [attachment] if attachment else []
