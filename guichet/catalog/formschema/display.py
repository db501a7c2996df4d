"""Answers for reading: the citizen's summary and tracking page, the agent's case page."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from guichet.lib.phone import format_phone
from guichet.lib.siret import format_siret

from .types import is_answer, item_type


def _number(value) -> str:
    if isinstance(value, float):
        return number_format(value, use_l10n=True)
    return str(value)


def display_value(field: dict, value) -> str:
    """One answer as a person reads it."""
    kind = item_type(field)
    if kind == "yesno":
        return _("Oui") if value else _("Non")
    # A choice shows in the language of the fields given (catalog.translations).
    labels = field.get("choice_labels") if isinstance(field.get("choice_labels"), dict) else {}
    if kind == "multichoice" and isinstance(value, list):
        return ", ".join(str(labels.get(item) or item) for item in value)
    if kind == "choice" and isinstance(value, str):
        return labels.get(value) or value
    if kind == "date" and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if kind == "slot" and isinstance(value, str):
        try:
            start = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(start):
            start = timezone.localtime(start)
        return date_format(start, "l j F Y, H:i")
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value)
    if kind == "phone" and isinstance(value, str):
        return format_phone(value)
    if kind == "siret" and isinstance(value, str):
        return format_siret(value)
    if kind == "address" and isinstance(value, dict):
        text = str(value.get("address", ""))
        if value.get("lat") is not None and value.get("lng") is not None:
            point = _("latitude %(lat)s, longitude %(lng)s") % {
                "lat": value["lat"],
                "lng": value["lng"],
            }
            text = f"{text} ({point})"
        return text
    if kind == "postal_commune" and isinstance(value, dict):
        return f"{value.get('postal_code', '')} {value.get('commune', '')}".strip()
    return str(value)


def display_answers(fields: list[dict], answers: dict) -> list[tuple[str, str]]:
    """(label, value) pairs in form order, then answers to fields no longer in the form."""
    rows = []
    known = set()
    for field in fields:
        if not isinstance(field, dict) or "id" not in field:
            continue
        known.add(field["id"])
        if not is_answer(field) or item_type(field) == "file" or field["id"] not in answers:
            continue
        rows.append((field.get("label") or field["id"], display_value(field, answers[field["id"]])))
    for key, value in answers.items():
        if key not in known:
            rows.append((key, str(value)))
    return rows
