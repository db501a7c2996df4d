"""The item types of a procedure's form and their keys (docs/procedures.md, `fields`)."""

import re

from django.utils.translation import gettext_lazy

# Every type an item may have, with the name the designer shows. The order is the designer's.
FIELD_TYPES = {
    "text": gettext_lazy("Texte court"),
    "textarea": gettext_lazy("Texte long"),
    "email": gettext_lazy("Adresse e-mail"),
    "phone": gettext_lazy("Téléphone"),
    "number": gettext_lazy("Nombre"),
    "date": gettext_lazy("Date"),
    "yesno": gettext_lazy("Oui / non"),
    "choice": gettext_lazy("Choix unique"),
    "multichoice": gettext_lazy("Choix multiple"),
    "file": gettext_lazy("Pièce jointe"),
    "address": gettext_lazy("Adresse"),
    "siret": gettext_lazy("Numéro SIRET"),
    "postal_commune": gettext_lazy("Code postal et commune"),
    "slot": gettext_lazy("Créneau de rendez-vous"),
    "page": gettext_lazy("Nouvelle étape"),
    "section": gettext_lazy("Section"),
    "info": gettext_lazy("Texte d'information"),
}
# Items that lay the form out and take no answer.
LAYOUT_TYPES = ("page", "section", "info")
ANSWER_TYPES = tuple(kind for kind in FIELD_TYPES if kind not in LAYOUT_TYPES)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

COMMON_KEYS = ("id", "type", "label", "help", "required", "condition")
# The keys of each type besides the common ones.
TYPE_KEYS = {
    "text": ("max_length", "pattern", "pattern_message", "placeholder"),
    "textarea": ("max_length", "placeholder"),
    "email": ("placeholder",),
    "phone": ("placeholder",),
    "number": ("integer", "min", "max", "at_least", "at_most"),
    "date": ("min", "max", "after", "before"),
    "yesno": (),
    "choice": ("choices", "widget"),
    "multichoice": ("choices",),
    "file": ("extensions", "max_size", "max_count"),
    "address": (),
    "siret": (),
    "postal_commune": (),
    # The id of an appointments meeting type of the organization; booked with the filing.
    "slot": ("meeting_type",),
}
LAYOUT_KEYS = {
    "page": ("id", "type", "label", "condition"),
    "section": ("id", "type", "label", "help", "condition"),
    "info": ("id", "type", "label", "help", "condition"),
}

# Files agents can open safely; a field may narrow the list, never widen it.
ALLOWED_UPLOAD_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "odt", "docx"]
CHOICE_WIDGETS = ("select", "radio")

# Lengths when the field says none, and the most a field may ask for.
TEXT_MAX_LENGTH = 500
TEXT_LIMIT = 1000
TEXTAREA_MAX_LENGTH = 10000
TEXTAREA_LIMIT = 10000
ADDRESS_MAX_LENGTH = 300
COMMUNE_MAX_LENGTH = 100
MAX_FILES_PER_FIELD = 20
MAX_CHOICES = 200
MAX_PATTERN_LENGTH = 500
# Numbers beyond this are typing mistakes, and would lose precision as JSON floats.
NUMBER_LIMIT = 10**15


def item_type(item: dict) -> str:
    """An item's type; items without one are short texts, as in the first forms."""
    return item.get("type") or "text"


def is_answer(item: dict) -> bool:
    return item_type(item) not in LAYOUT_TYPES
