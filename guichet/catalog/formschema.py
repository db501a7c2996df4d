"""Procedure forms as data: a list of typed fields, turned into Django form fields.

A field is a dict: {"id": "...", "type": "...", "label": "...", "required": bool,
"help": "...", "choices": [...]}. The id is stable: answers are stored under it.

The same definitions validate every channel's input (portal, back office, API), so that a
case's answers are clean whatever door they came through.
"""

import datetime
import decimal
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_TYPES = {
    "text": gettext_lazy("Texte court"),
    "textarea": gettext_lazy("Texte long"),
    "email": gettext_lazy("Adresse e-mail"),
    "phone": gettext_lazy("Téléphone"),
    "number": gettext_lazy("Nombre"),
    "date": gettext_lazy("Date"),
    "choice": gettext_lazy("Choix unique"),
    "multichoice": gettext_lazy("Choix multiple"),
    "yesno": gettext_lazy("Oui / non"),
    "file": gettext_lazy("Pièce jointe"),
}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
ALLOWED_UPLOAD_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "odt", "docx"]

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,20}$", gettext_lazy("Saisissez un numéro de téléphone valide.")
)


def validate_upload(upload) -> None:
    """Refuses files that are too large or of a type agents cannot safely open."""
    FileExtensionValidator(ALLOWED_UPLOAD_EXTENSIONS)(upload)
    if upload.size > settings.GUICHET_MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)s.")
            % {"size": filesizeformat(settings.GUICHET_MAX_UPLOAD_SIZE)}
        )


def _choices(field: dict) -> list[tuple[str, str]]:
    return [(str(choice), str(choice)) for choice in field.get("choices", [])]


def form_field(field: dict) -> forms.Field:
    """The Django form field for one field definition."""
    kind = field.get("type", "text")
    common = {
        "label": field.get("label", field["id"]),
        "required": bool(field.get("required")),
        "help_text": field.get("help", ""),
    }
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10000, **common)
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "phone":
        return forms.CharField(
            max_length=32,
            validators=[phone_validator],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **common,
        )
    if kind == "number":
        return forms.DecimalField(
            min_value=field.get("min"), max_value=field.get("max"), decimal_places=4, **common
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "choice":
        return forms.ChoiceField(
            choices=[("", "---------")] + _choices(field), widget=forms.Select, **common
        )
    if kind == "multichoice":
        return forms.MultipleChoiceField(
            choices=_choices(field), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "yesno":
        return forms.TypedChoiceField(
            choices=[("yes", _("Oui")), ("no", _("Non"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == "file":
        return forms.FileField(validators=[validate_upload], **common)
    return forms.CharField(max_length=500, **common)


def validate_fields(fields: list[dict]) -> None:
    """Checks the definitions themselves: ids unique and well formed, types known."""
    errors, seen = [], set()
    for position, field in enumerate(fields, start=1):
        field_id = field.get("id") if isinstance(field, dict) else None
        if not isinstance(field_id, str) or not ID_PATTERN.match(field_id):
            errors.append(_("Champ n° %(n)s : identifiant invalide.") % {"n": position})
            continue
        if field_id in seen:
            errors.append(_("L'identifiant « %(id)s » est utilisé deux fois.") % {"id": field_id})
        seen.add(field_id)
        if field.get("type", "text") not in FIELD_TYPES:
            errors.append(_("Champ « %(id)s » : type inconnu.") % {"id": field_id})
        if field.get("type") in ("choice", "multichoice") and not field.get("choices"):
            errors.append(_("Champ « %(id)s » : aucun choix proposé.") % {"id": field_id})
    if errors:
        raise ValidationError(errors)


def form_fields(fields: list[dict]) -> dict[str, forms.Field]:
    return {field["id"]: form_field(field) for field in fields}


def _to_json(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def clean_answers(fields: list[dict], data: dict, files: dict | None = None):
    """Validates `data` (and uploaded `files`) against the field definitions.

    Returns (answers, uploads): answers as JSON-ready values keyed by field id, and the list
    of (field id, uploaded file). Raises ValidationError with a message per field id.
    """
    kinds = {field["id"]: field.get("type") for field in fields}
    # JSON clients (and stored answers) give yes/no as booleans, forms as "yes" / "no".
    data = {
        key: ("yes" if value else "no")
        if kinds.get(key) == "yesno" and isinstance(value, bool)
        else value
        for key, value in data.items()
    }
    form = forms.Form(data=data, files=files or {})
    form.fields = form_fields(fields)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    answers, uploads = {}, []
    for field in fields:
        value = form.cleaned_data.get(field["id"])
        if field.get("type") == "file":
            if value:
                uploads.append((field["id"], value))
            continue
        if value in (None, "", []):
            continue
        answers[field["id"]] = _to_json(value)
    return answers, uploads


def display_value(field: dict, value) -> str:
    kind = field.get("type")
    if kind == "yesno":
        return _("Oui") if value else _("Non")
    if kind == "multichoice" and isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if kind == "date" and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def display_answers(fields: list[dict], answers: dict) -> list[tuple[str, str]]:
    """(label, value) pairs in form order, then answers to fields no longer in the form."""
    rows = []
    known = set()
    for field in fields:
        known.add(field["id"])
        if field.get("type") == "file" or field["id"] not in answers:
            continue
        rows.append((field.get("label", field["id"]), display_value(field, answers[field["id"]])))
    for key, value in answers.items():
        if key not in known:
            rows.append((key, str(value)))
    return rows
