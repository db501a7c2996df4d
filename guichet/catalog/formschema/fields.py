"""One field definition -> one Django form field, which renders it and cleans its input.

Composite answers (address, postal code and commune) use widgets whose parts are named
`<id>.<part>` (`place.address`, `place.lat`): a dot never appears in an id, so no part can
collide with another field.
"""

import datetime
import decimal
import math
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.core.widgets import AddressSearchInput
from guichet.lib.filetypes import detect, type_for_extension
from guichet.lib.phone import normalize_phone
from guichet.lib.postal import clean_postal_code, is_valid_postal_code
from guichet.lib.siret import clean_siret, is_valid_siret
from guichet.lib.sizes import human_size

from .bounds import today_limits
from .types import (
    ADDRESS_MAX_LENGTH,
    ALLOWED_UPLOAD_EXTENSIONS,
    COMMUNE_MAX_LENGTH,
    NUMBER_LIMIT,
    TEXT_MAX_LENGTH,
    TEXTAREA_MAX_LENGTH,
    is_answer,
    item_type,
)

PART_SEPARATOR = "."


# --- Files ----------------------------------------------------------------------------------


def upload_limits(field: dict | None = None) -> tuple[list[str], int]:
    """The extensions and the largest size a file field accepts: its own, within the
    instance's (ALLOWED_UPLOAD_EXTENSIONS, GUICHET_MAX_UPLOAD_SIZE)."""
    field = field or {}
    extensions = [
        str(ext).lower().lstrip(".")
        for ext in field.get("extensions") or ALLOWED_UPLOAD_EXTENSIONS
        if str(ext).lower().lstrip(".") in ALLOWED_UPLOAD_EXTENSIONS
    ] or ALLOWED_UPLOAD_EXTENSIONS
    max_size = settings.GUICHET_MAX_UPLOAD_SIZE
    own = field.get("max_size")
    if isinstance(own, int) and not isinstance(own, bool) and 0 < own < max_size:
        max_size = own
    return extensions, max_size


def validate_upload(upload, *, extensions=None, max_size=None) -> None:
    """Refuses files that are too large or of a type agents cannot safely open."""
    default_extensions, default_size = upload_limits()
    FileExtensionValidator(extensions or default_extensions)(upload)
    max_size = max_size or default_size
    if upload.size > max_size:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)s.") % {"size": human_size(max_size)}
        )
    # The name says what the file claims to be; its first bytes say what it is.
    extension = upload.name.rpartition(".")[2].lower()
    expected = type_for_extension(extension)
    if expected is None or detect(upload) != expected:
        raise ValidationError(
            _("Le contenu de ce fichier ne correspond pas à son extension (.%(extension)s).")
            % {"extension": extension}
        )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """One or more uploaded files; cleans to a list (empty when none was sent)."""

    def __init__(self, *, extensions, max_size, max_count, **kwargs):
        self.extensions, self.max_size, self.max_count = extensions, max_size, max_count
        accept = ",".join(f".{ext}" for ext in extensions)
        widget = (MultipleFileInput if max_count > 1 else forms.FileInput)(attrs={"accept": accept})
        super().__init__(widget=widget, **kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_count:
            raise ValidationError(
                _("Joignez au plus %(count)s fichiers.") % {"count": self.max_count}
            )
        single = super().clean
        cleaned = [single(upload) for upload in uploads]
        for upload in cleaned:
            validate_upload(upload, extensions=self.extensions, max_size=self.max_size)
        return cleaned


# How the public names a file type; both extensions of JPEG name one format.
FORMAT_NAMES = {"jpg": "JPEG", "jpeg": "JPEG"}


def upload_rules(extensions, max_size, max_count: int = 1) -> str:
    """The rules of a file input, in one sentence the citizen reads once: the formats, the
    size and how many files (the field's help text states no other)."""
    names = dict.fromkeys(FORMAT_NAMES.get(ext, ext.upper()) for ext in extensions)
    text = _("Formats acceptés : %(formats)s. %(size)s au plus par fichier.") % {
        "formats": ", ".join(names),
        "size": human_size(max_size),
    }
    if max_count > 1:
        text += " " + _("Jusqu'à %(count)s fichiers.") % {"count": max_count}
    return text


# --- Texts, numbers, dates --------------------------------------------------------------------


class PhoneField(forms.CharField):
    """A telephone number, cleaned to E.164 (French numbers may be typed nationally)."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Saisissez un numéro de téléphone valide : 10 chiffres pour un numéro français "
            "(01 23 45 67 89), ou l'indicatif du pays précédé de « + » (+32 2 123 45 67)."
        )
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        number = normalize_phone(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class EmailAnswerField(forms.EmailField):
    def to_python(self, value):
        return super().to_python(value).lower()


class NumberField(forms.DecimalField):
    """A number as people type it: "2,5", "1 000"; an integer when the field says so."""

    default_error_messages = {
        "invalid": gettext_lazy("Saisissez un nombre."),
        "integer": gettext_lazy("Saisissez un nombre entier."),
        "too_large": gettext_lazy("Ce nombre est trop grand."),
    }

    def __init__(self, *, integer=False, **kwargs):
        self.integer = integer
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", ".")
        value = super().to_python(value)
        if value is None:
            return None
        if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        if self.integer and value != value.to_integral_value():
            raise ValidationError(self.error_messages["integer"], code="integer")
        return value

    def widget_attrs(self, widget):
        # A text input: type="number" refuses the comma of French decimals in some browsers.
        return {"inputmode": "numeric" if self.integer else "decimal"}


def _iso_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class DateAnswerField(forms.DateField):
    """A date within the field's fixed `min` and `max`. `picker_limits` narrow the date
    picker only (the bounds on today, which the form engine checks: formschema.bounds)."""

    def __init__(self, *, min_date=None, max_date=None, picker_limits=(None, None), **kwargs):
        self.min_date, self.max_date = min_date, max_date
        attrs = {"type": "date"}
        earliest = max(filter(None, (min_date, picker_limits[0])), default=None)
        latest = min(filter(None, (max_date, picker_limits[1])), default=None)
        if earliest:
            attrs["min"] = earliest.isoformat()
        if latest:
            attrs["max"] = latest.isoformat()
        super().__init__(widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"), **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and self.min_date and value < self.min_date:
            raise ValidationError(
                _("Indiquez une date à partir du %(date)s.")
                % {"date": date_format(self.min_date, "DATE_FORMAT")}
            )
        if value and self.max_date and value > self.max_date:
            raise ValidationError(
                _("Indiquez une date jusqu'au %(date)s au plus tard.")
                % {"date": date_format(self.max_date, "DATE_FORMAT")}
            )


class SiretField(forms.CharField):
    default_error_messages = {
        "invalid": gettext_lazy(
            "Saisissez un numéro SIRET valide : 14 chiffres, tels qu'ils figurent sur l'avis "
            "de situation au répertoire SIRENE."
        )
    }

    def to_python(self, value):
        value = clean_siret(super().to_python(value))
        if value in self.empty_values:
            return value
        if not is_valid_siret(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


# --- Composite answers ----------------------------------------------------------------------


class PartsWidget(forms.MultiWidget):
    """Inputs that each have a label of their own, in a fieldset whose legend is the field's
    label. Parts are named `<name>.<part>`."""

    template_name = "catalog/widgets/parts.html"

    def __init__(self, parts: dict, labels: dict, optional=(), attrs=None, map_parts=None):
        super().__init__(parts, attrs)
        # (latitude part, longitude part): a map where the citizen places the point.
        self.map_parts = map_parts
        self.part_names = list(parts)
        self.widgets_names = [PART_SEPARATOR + name for name in parts]
        self.labels = labels
        self.optional = set(optional)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for part, subwidget in zip(self.part_names, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = self.labels[part]
            subwidget["optional"] = part in self.optional
            if part in self.optional:
                subwidget["attrs"].pop("required", None)
        if self.map_parts:
            ids = {
                part: sub["attrs"].get("id")
                for part, sub in zip(self.part_names, context["widget"]["subwidgets"], strict=True)
            }
            context["widget"]["map"] = {
                "lat": ids[self.map_parts[0]],
                "lng": ids[self.map_parts[1]],
            }
        return context

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get(part) for part in self.part_names]
        return [None] * len(self.part_names)


class AddressField(forms.MultiValueField):
    """An address, and the point on the map if the citizen gives one:
    {"address": "...", "lat": 48.85, "lng": 2.35}."""

    def __init__(self, **kwargs):
        coordinate = {"required": False, "localize": False}
        fields = (
            forms.CharField(max_length=ADDRESS_MAX_LENGTH, required=False),
            NumberField(**coordinate),
            NumberField(**coordinate),
        )
        widget = PartsWidget(
            {
                "address": AddressSearchInput(),
                "lat": forms.TextInput(attrs={"inputmode": "decimal"}),
                "lng": forms.TextInput(attrs={"inputmode": "decimal"}),
            },
            labels={
                "address": _("Adresse"),
                "lat": _("Latitude (facultatif, par exemple 48.8566)"),
                "lng": _("Longitude (facultatif, par exemple 2.3522)"),
            },
            optional=("lat", "lng"),
            map_parts=("lat", "lng"),
        )
        # The parts are checked together in compress(), with messages that name them.
        super().__init__(fields, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, values):
        if not values:
            return None
        address, lat, lng = (list(values) + [None, None, None])[:3]
        address = (address or "").strip()
        if not address and lat is None and lng is None:
            return None
        if not address:
            raise ValidationError(_("Indiquez l'adresse."), code="incomplete")
        if (lat is None) != (lng is None):
            raise ValidationError(_("Une position a besoin d'une latitude et d'une longitude."))
        result = {"address": address}
        if lat is not None:
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ValidationError(_("Cette position n'existe pas."))
            result["lat"], result["lng"] = float(lat), float(lng)
        return result


class PostalCommuneField(forms.MultiValueField):
    """A French postal code and the commune's name: {"postal_code": ..., "commune": ...}."""

    def __init__(self, **kwargs):
        fields = (
            forms.CharField(max_length=10, required=False),
            forms.CharField(max_length=COMMUNE_MAX_LENGTH, required=False),
        )
        widget = PartsWidget(
            {
                "postal_code": forms.TextInput(
                    attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
                ),
                "commune": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            },
            labels={"postal_code": _("Code postal"), "commune": _("Commune")},
        )
        super().__init__(fields, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, values):
        if not values:
            return None
        postal_code, commune = (list(values) + [None, None])[:2]
        postal_code = clean_postal_code(postal_code or "")
        commune = " ".join((commune or "").split())
        if not postal_code and not commune:
            return None
        if not is_valid_postal_code(postal_code):
            raise ValidationError(
                _("Saisissez un code postal français de 5 chiffres, par exemple 75001 ou 20000.")
            )
        if not commune:
            raise ValidationError(_("Indiquez le nom de la commune."))
        return {"postal_code": postal_code, "commune": commune}


# --- The table -------------------------------------------------------------------------------


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Oui")), ("no", _("Non"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )


def _choices(field: dict) -> list[tuple[str, str]]:
    # A choice's value is its French text; `choice_labels` shows it in another language
    # (catalog.translations.localized_fields).
    labels = field.get("choice_labels") if isinstance(field.get("choice_labels"), dict) else {}
    return [
        (str(choice), labels.get(choice) or str(choice)) for choice in field.get("choices") or []
    ]


# --- Appointment slots -----------------------------------------------------------------------


def slot_choices(meeting_type_id) -> list[tuple[str, str]]:
    """The free slots of a meeting type as (ISO start, label): read from the appointments
    app, above the catalog, through the function named in settings.GUICHET_SLOT_CHOICES."""
    from django.utils.module_loading import import_string

    path = getattr(settings, "GUICHET_SLOT_CHOICES", "")
    return list(import_string(path)(meeting_type_id)) if path else []


class SlotField(forms.ChoiceField):
    """One of the next free slots of a meeting type, as radio buttons (no JavaScript needed).
    The choices are read when the field is shown or judged, so a slot taken meanwhile is
    refused with a message and the next free ones. The booking itself is made with the
    filing (appointments.procedure.book_case_slots)."""

    def __init__(self, *, meeting_type, **kwargs):
        super().__init__(
            choices=lambda: slot_choices(meeting_type),
            widget=forms.RadioSelect(attrs={"class": "slot-choices"}),
            error_messages={
                "invalid_choice": _("Ce créneau n'est plus libre. Choisissez-en un autre.")
            },
            **kwargs,
        )
        if not self.help_text:
            self.help_text = _("Les prochains créneaux libres.")


def _positive(value, default: int, limit: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, limit)
    return default


def _number(value):
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return decimal.Decimal(str(value))
    return None


def _placeholder(field: dict, attrs: dict) -> dict:
    if isinstance(field.get("placeholder"), str) and field["placeholder"]:
        attrs["placeholder"] = field["placeholder"]
    return attrs


def form_field(field: dict, *, today=None) -> forms.Field:
    """The Django form field for one answer item. `today`, the day the form is being filled
    in, narrows a date picker to the days its bounds allow (a correction made later by an
    agent is judged against the day of filing: its picker stays open)."""
    kind = item_type(field)
    common = {
        "label": field.get("label") or field["id"],
        "required": bool(field.get("required")),
        "help_text": field.get("help", "") if isinstance(field.get("help"), str) else "",
    }
    if kind == "textarea":
        return forms.CharField(
            widget=forms.Textarea(attrs=_placeholder(field, {"rows": 5})),
            max_length=_positive(field.get("max_length"), TEXTAREA_MAX_LENGTH, 10000),
            **common,
        )
    if kind == "email":
        return EmailAnswerField(
            max_length=254,
            widget=forms.EmailInput(attrs=_placeholder(field, {"autocomplete": "email"})),
            **common,
        )
    if kind == "phone":
        return PhoneField(
            max_length=32,
            widget=forms.TextInput(
                attrs=_placeholder(field, {"type": "tel", "autocomplete": "tel"})
            ),
            **common,
        )
    if kind == "number":
        minimum, maximum = _number(field.get("min")), _number(field.get("max"))
        return NumberField(
            integer=bool(field.get("integer")),
            min_value=minimum,
            max_value=maximum,
            widget=forms.TextInput,
            **common,
        )
    if kind == "date":
        return DateAnswerField(
            min_date=_iso_date(field.get("min")),
            max_date=_iso_date(field.get("max")),
            picker_limits=today_limits(field, today) if today else (None, None),
            **common,
        )
    if kind == "choice":
        if field.get("widget") == "radio":
            return forms.ChoiceField(choices=_choices(field), widget=forms.RadioSelect, **common)
        return forms.ChoiceField(
            choices=[("", _("Choisir…"))] + _choices(field), widget=forms.Select, **common
        )
    if kind == "multichoice":
        return forms.MultipleChoiceField(
            choices=_choices(field), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "yesno":
        return YesNoField(**common)
    if kind == "file":
        extensions, max_size = upload_limits(field)
        max_count = _positive(field.get("max_count"), 1, 20)
        limits = upload_rules(extensions, max_size, max_count)
        common["help_text"] = f"{common['help_text']} {limits}".strip()
        return FilesField(extensions=extensions, max_size=max_size, max_count=max_count, **common)
    if kind == "address":
        return AddressField(**common)
    if kind == "postal_commune":
        return PostalCommuneField(**common)
    if kind == "slot":
        return SlotField(meeting_type=field.get("meeting_type"), **common)
    if kind == "siret":
        return SiretField(
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    validators = []
    pattern = field.get("pattern")
    if isinstance(pattern, str) and pattern:
        try:
            # The whole answer must match, not only a part of it.
            regex = re.compile(rf"\A(?:{pattern})\Z")
        except re.error:
            regex = None  # refused at publication; an old version keeps working
        if regex is not None:
            message = field.get("pattern_message") or _(
                "Le format de cette réponse n'est pas valide."
            )
            validators.append(RegexValidator(regex, message=message))
    return forms.CharField(
        max_length=_positive(field.get("max_length"), TEXT_MAX_LENGTH, 1000),
        validators=validators,
        widget=forms.TextInput(attrs=_placeholder(field, {})),
        **common,
    )


def form_fields(fields: list[dict]) -> dict[str, forms.Field]:
    """The Django form fields of the answer items of `fields`, by id (layout items have
    none)."""
    return {
        field["id"]: form_field(field)
        for field in fields
        if isinstance(field, dict) and "id" in field and is_answer(field)
    }
