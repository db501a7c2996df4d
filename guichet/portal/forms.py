"""The citizen's forms. They parse input; the domain actions validate it and decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guichet.catalog.formschema import form_field, upload_limits, upload_rules, validate_upload
from guichet.core.widgets import AddressSearchInput
from guichet.lib.geo import location_error

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


class QuietMixin:
    """A form that shows what was typed without judging it: `quiet=True` skips validation
    (a saved draft shown again, input kept when going back); errors come only from
    add_domain_errors."""

    def __init__(self, *args, quiet=False, **kwargs):
        self.quiet = quiet
        super().__init__(*args, **kwargs)

    def full_clean(self):
        if not self.quiet:
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}


class AnswersForm(QuietMixin, DomainErrorsMixin, forms.Form):
    """Some of a procedure's fields, named "answer-<id>". The form engine validates them
    (catalog.formschema.clean_page, then submit_case): this form renders them and carries
    the engine's errors, it never judges on its own."""

    def __init__(self, data=None, files=None, *, items):
        super().__init__(data, files, quiet=True)
        today = timezone.localdate()  # the citizen files today: the date pickers start there
        self.fields = {ANSWER_PREFIX + item["id"]: form_field(item, today=today) for item in items}


def answer_names(item_ids, data) -> list[str]:
    """The names in `data` (a POST or a draft) that belong to these fields: "answer-<id>",
    and "answer-<id>.<part>" for composite fields."""
    prefixes = {ANSWER_PREFIX + item_id for item_id in item_ids}
    return [name for name in data if name in prefixes or name.partition(".")[0] in prefixes]


class ContactForm(QuietMixin, DomainErrorsMixin, forms.Form):
    """The citizen's contact details and, if the procedure asks for one, a location."""

    error_fields = {"location": "latitude"}
    names = CONTACT_FIELDS + LOCATION_FIELDS

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
        widget=AddressSearchInput(),
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
        if not procedure.asks_location:
            for name in LOCATION_FIELDS:
                del self.fields[name]

    def clean(self):
        # The same rules as submit_case, so that the citizen fixes them on this step rather
        # than on the last one; the action stays the judge.
        cleaned = super().clean()
        reachable = cleaned.get("contact_email") or cleaned.get("contact_phone")
        if not reachable and "contact_email" not in self.errors:
            self.add_error(
                "contact_email",
                _(
                    "Indiquez une adresse e-mail ou un téléphone pour que nous puissions "
                    "vous répondre."
                ),
            )
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        typed = "latitude" not in self.errors and "longitude" not in self.errors
        if "latitude" in self.fields and typed:
            message = location_error(latitude, longitude, self.procedure.organization.territory())
            if message:
                self.add_error("latitude", message)
        return cleaned

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

    def contact_fields(self):
        return [self[name] for name in CONTACT_FIELDS]

    def location_fields(self):
        return [self[name] for name in LOCATION_FIELDS if name in self.fields]

    def submission(self) -> dict:
        """The contact and location keyword arguments of submit_case, from a valid form."""
        cleaned = self.cleaned_data
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        return {
            "contact_name": cleaned["contact_name"],
            "contact_email": cleaned["contact_email"],
            "contact_phone": cleaned["contact_phone"],
            "address": cleaned.get("address", ""),
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
        }


class DraftLinkForm(forms.Form):
    """The address where an anonymous citizen receives the link to resume their form."""

    # Not marked required: the field sits in every step's form, and "Next" ignores it.
    draft_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_draft_email(self):
        email = self.cleaned_data["draft_email"]
        if not email:
            raise ValidationError(_("Indiquez l'adresse e-mail où recevoir le lien."))
        return email


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
        label=_("Pièce jointe"), required=False, validators=[validate_upload]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same rules, in the same words, as a form's file field.
        self.fields["attachment"].help_text = (
            gettext("Facultatif.") + " " + upload_rules(*upload_limits())
        )

    def uploads(self) -> list:
        attachment = self.cleaned_data.get("attachment")
        return [attachment] if attachment else []
