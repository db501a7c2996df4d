"""The checks a form passes before it is published (docs/procedures.md, `fields`)."""

import datetime
import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guichet.lib.sizes import human_size

from ..conditions import OPERATORS
from .bounds import bound_errors
from .types import (
    ALLOWED_UPLOAD_EXTENSIONS,
    CHOICE_WIDGETS,
    FIELD_TYPES,
    ID_PATTERN,
    MAX_CHOICES,
    MAX_FILES_PER_FIELD,
    MAX_PATTERN_LENGTH,
    NUMBER_LIMIT,
    TEXT_LIMIT,
    TEXTAREA_LIMIT,
    is_answer,
    item_type,
)

# What each operator may compare, by the type of the field it reads.
ORDERED_TYPES = ("number", "date")
CONTAINS_TYPES = ("text", "textarea", "email", "multichoice")
MAX_CONDITION_DEPTH = 10


def _is_number(value) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) < NUMBER_LIMIT
    )


def _iso_date(value) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class _Checker:
    def __init__(self):
        self.errors: list[str] = []

    def add(self, message: str, **values) -> None:
        self.errors.append(message % values if values else message)


def _check_condition(checker, where: str, condition, earlier: dict, depth: int = 0) -> None:
    """`earlier`: the answer fields before the item, by id (conditions may read only these)."""
    if not isinstance(condition, dict) or not condition:
        checker.add(_("%(where)s : la condition doit être un objet."), where=where)
        return
    if depth > MAX_CONDITION_DEPTH:
        checker.add(_("%(where)s : la condition est imbriquée trop profondément."), where=where)
        return
    for group in ("all", "any"):
        if group in condition:
            items = condition[group]
            if len(condition) > 1:
                checker.add(
                    _("%(where)s : un groupe « %(group)s » ne contient rien d'autre."),
                    where=where,
                    group=group,
                )
            if not isinstance(items, list) or not items:
                checker.add(
                    _("%(where)s : « %(group)s » doit être une liste de conditions non vide."),
                    where=where,
                    group=group,
                )
                return
            for item in items:
                _check_condition(checker, where, item, earlier, depth + 1)
            return
    unknown = set(condition) - {"field", "op", "value"}
    if unknown:
        checker.add(
            _("%(where)s : clé inconnue « %(key)s » dans la condition."),
            where=where,
            key=sorted(map(str, unknown))[0],
        )
    field_id, op = condition.get("field"), condition.get("op")
    target = earlier.get(field_id) if isinstance(field_id, str) else None
    if target is None:
        if getattr(checker, "whole_form", False):
            message = _(
                "%(where)s : la condition porte sur le champ « %(field)s », absent du formulaire."
            )
        else:
            message = _(
                "%(where)s : la condition porte sur « %(field)s », qui n'est pas un champ "
                "placé avant dans le formulaire."
            )
        checker.add(message, where=where, field=field_id)
        return
    kind = item_type(target)
    if kind == "file":
        checker.add(
            _("%(where)s : une condition ne peut pas porter sur une pièce jointe (« %(field)s »)."),
            where=where,
            field=field_id,
        )
        return
    if op not in OPERATORS:
        checker.add(
            _("%(where)s : opérateur inconnu « %(op)s » (attendu : %(ops)s)."),
            where=where,
            op=op,
            ops=", ".join(OPERATORS),
        )
        return
    if op in ("empty", "not_empty"):
        return
    if "value" not in condition:
        checker.add(
            _("%(where)s : la condition sur « %(field)s » n'a pas de valeur à comparer."),
            where=where,
            field=field_id,
        )
        return
    value = condition["value"]
    if op in ("gt", "lt"):
        if kind not in ORDERED_TYPES:
            checker.add(
                _("%(where)s : « %(op)s » compare des nombres ou des dates, pas « %(field)s »."),
                where=where,
                op=op,
                field=field_id,
            )
        elif kind == "number" and not _is_number(value):
            checker.add(_("%(where)s : la valeur à comparer doit être un nombre."), where=where)
        elif kind == "date" and _iso_date(value) is None:
            checker.add(
                _("%(where)s : la valeur à comparer doit être une date (AAAA-MM-JJ)."), where=where
            )
        return
    if op == "contains" and kind not in CONTAINS_TYPES:
        checker.add(
            _("%(where)s : « contains » s'applique à un texte ou à un choix multiple."),
            where=where,
        )
        return
    if op == "in":
        if not isinstance(value, list) or not value:
            checker.add(
                _("%(where)s : « in » compare à une liste de valeurs non vide."), where=where
            )
            return
        for each in value:
            _check_value(checker, where, target, field_id, each)
        return
    _check_value(checker, where, target, field_id, value)


def _check_value(checker, where: str, target: dict, field_id: str, value) -> None:
    """One value an `equals`, `differs`, `contains` or `in` rule compares the answer with."""
    kind = item_type(target)
    choices = target.get("choices") if kind in ("choice", "multichoice") else None
    if isinstance(choices, list) and value not in choices:
        checker.add(
            _("%(where)s : « %(value)s » n'est pas un des choix de « %(field)s »."),
            where=where,
            value=value,
            field=field_id,
        )
    elif kind == "yesno" and not isinstance(value, bool):
        checker.add(_("%(where)s : la valeur à comparer doit être true ou false."), where=where)
    elif kind == "number" and not _is_number(value):
        checker.add(_("%(where)s : la valeur à comparer doit être un nombre."), where=where)
    elif kind == "date" and _iso_date(value) is None:
        checker.add(
            _("%(where)s : la valeur à comparer doit être une date (AAAA-MM-JJ)."), where=where
        )


def _check_answer_item(checker, where: str, item: dict) -> None:
    kind = item_type(item)
    for key in ("label", "help", "placeholder", "pattern_message"):
        if key in item and not isinstance(item[key], str):
            checker.add(_("%(where)s : « %(key)s » doit être un texte."), where=where, key=key)
    if "required" in item and not isinstance(item["required"], bool):
        checker.add(_("%(where)s : « required » vaut true ou false."), where=where)
    if kind in ("text", "textarea") and "max_length" in item:
        limit = TEXT_LIMIT if kind == "text" else TEXTAREA_LIMIT
        value = item["max_length"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
            checker.add(
                _("%(where)s : « max_length » est un nombre entier de 1 à %(limit)s."),
                where=where,
                limit=limit,
            )
    if kind == "text" and item.get("pattern") not in (None, ""):
        pattern = item["pattern"]
        if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN_LENGTH:
            checker.add(_("%(where)s : le motif (« pattern ») est trop long."), where=where)
        else:
            try:
                re.compile(pattern)
            except re.error as error:
                checker.add(
                    _("%(where)s : le motif (« pattern ») est invalide : %(e)s."),
                    where=where,
                    e=error,
                )
    if kind == "number":
        if "integer" in item and not isinstance(item["integer"], bool):
            checker.add(_("%(where)s : « integer » vaut true ou false."), where=where)
        bounds = {key: item[key] for key in ("min", "max") if item.get(key) is not None}
        for key, value in bounds.items():
            if not _is_number(value):
                checker.add(_("%(where)s : « %(key)s » doit être un nombre."), where=where, key=key)
        numbers = len(bounds) == 2 and all(map(_is_number, bounds.values()))
        if numbers and bounds["min"] > bounds["max"]:
            checker.add(_("%(where)s : le minimum dépasse le maximum."), where=where)
    if kind == "date":
        bounds = {key: item[key] for key in ("min", "max") if item.get(key) not in (None, "")}
        dates = {key: _iso_date(value) for key, value in bounds.items()}
        for key, value in dates.items():
            if value is None:
                checker.add(
                    _("%(where)s : « %(key)s » doit être une date (AAAA-MM-JJ)."),
                    where=where,
                    key=key,
                )
        if len(dates) == 2 and None not in dates.values() and dates["min"] > dates["max"]:
            checker.add(_("%(where)s : la date minimale dépasse la date maximale."), where=where)
    if kind in ("choice", "multichoice"):
        choices = item.get("choices")
        if not isinstance(choices, list) or not choices:
            checker.add(_("%(where)s : aucun choix proposé."), where=where)
        elif len(choices) > MAX_CHOICES:
            checker.add(_("%(where)s : %(max)s choix au plus."), where=where, max=MAX_CHOICES)
        elif not all(isinstance(choice, str) and choice.strip() for choice in choices):
            checker.add(_("%(where)s : chaque choix est un texte non vide."), where=where)
        elif len(set(choices)) != len(choices):
            checker.add(_("%(where)s : un choix est proposé deux fois."), where=where)
    if kind == "slot":
        meeting_type = item.get("meeting_type")
        if not isinstance(meeting_type, int) or isinstance(meeting_type, bool) or meeting_type < 1:
            checker.add(
                _("%(where)s : « meeting_type » est le numéro d'un type de rendez-vous."),
                where=where,
            )
    if kind == "choice" and item.get("widget") not in (None, *CHOICE_WIDGETS):
        checker.add(
            _("%(where)s : « widget » vaut « select » (liste) ou « radio » (boutons)."),
            where=where,
        )
    if kind == "file":
        extensions = item.get("extensions")
        if extensions is not None and (
            not isinstance(extensions, list)
            or not extensions
            or not all(isinstance(ext, str) for ext in extensions)
        ):
            checker.add(_("%(where)s : « extensions » est une liste d'extensions."), where=where)
        elif extensions:
            refused = [
                ext
                for ext in extensions
                if ext.lower().lstrip(".") not in ALLOWED_UPLOAD_EXTENSIONS
            ]
            if refused:
                checker.add(
                    _("%(where)s : extension non admise « %(ext)s » (admises : %(allowed)s)."),
                    where=where,
                    ext=refused[0],
                    allowed=", ".join(ALLOWED_UPLOAD_EXTENSIONS),
                )
        if "max_size" in item:
            value, limit = item["max_size"], settings.GUICHET_MAX_UPLOAD_SIZE
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
                checker.add(
                    _("%(where)s : « max_size » est une taille en octets, %(max)s au plus."),
                    where=where,
                    max=human_size(limit),
                )
        if "max_count" in item:
            value = item["max_count"]
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 1 <= value <= MAX_FILES_PER_FIELD
            ):
                checker.add(
                    _("%(where)s : « max_count » est un nombre de fichiers de 1 à %(max)s."),
                    where=where,
                    max=MAX_FILES_PER_FIELD,
                )


def validate_fields(fields: list[dict]) -> None:
    """Checks a form's items before publication; ValidationError lists what is wrong.

    Ids well formed and unique, types and keys known, each type's options sound (choices,
    patterns that compile, min <= max, file limits within the instance's), no empty step,
    date bounds (`after`, `before`) on earlier date fields, number bounds (`at_least`,
    `at_most`) on earlier number fields, and conditions on **earlier**
    answer fields only: a condition never reads its own item,
    a later one, a layout item or a file. Reading earlier fields only keeps the form free of
    cycles and lets every step be settled before the next one.
    """
    checker = _Checker()
    if not isinstance(fields, list):
        raise ValidationError(_("Le formulaire doit être une liste d'éléments."))
    seen: set[str] = set()
    earlier: dict[str, dict] = {}
    page_items: list[int] = []  # the number of items of each step opened by a `page`
    page_labels: list[str] = []
    for position, item in enumerate(fields, start=1):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            checker.add(_("Élément n° %(n)s : identifiant invalide."), n=position)
            continue
        where = _("Champ « %(id)s »") % {"id": item_id}
        if item_id in seen:
            checker.add(_("L'identifiant « %(id)s » est utilisé deux fois."), id=item_id)
        seen.add(item_id)
        kind = item_type(item)
        if kind not in FIELD_TYPES:
            checker.add(_("%(where)s : type inconnu « %(type)s »."), where=where, type=kind)
            continue
        if item.get("condition") not in (None, {}):
            _check_condition(checker, where, item["condition"], earlier)
        if kind == "page":
            page_items.append(0)
            page_labels.append(item.get("label") or item_id)
            if "label" in item and not isinstance(item["label"], str):
                checker.add(_("%(where)s : « label » doit être un texte."), where=where)
            continue
        if page_items:
            page_items[-1] += 1
        if kind in ("section", "info"):
            for key in ("label", "help"):
                if key in item and not isinstance(item[key], str):
                    checker.add(
                        _("%(where)s : « %(key)s » doit être un texte."), where=where, key=key
                    )
            continue
        _check_answer_item(checker, where, item)
        checker.errors += bound_errors(item, where, earlier)
        earlier[item_id] = item
    for label, count in zip(page_labels, page_items, strict=True):
        if count == 0:
            checker.add(_("L'étape « %(label)s » ne contient aucun élément."), label=label)
    if checker.errors:
        raise ValidationError(checker.errors)


def condition_errors(condition, fields, where: str) -> list[str]:
    """What is wrong with a condition that may read any answer field of `fields` (a routing
    rule's `when`), with the same rules as the conditions inside a form."""
    checker = _Checker()
    checker.whole_form = True
    answers = {
        item["id"]: item
        for item in (fields if isinstance(fields, list) else [])
        if isinstance(item, dict) and isinstance(item.get("id"), str) and is_answer(item)
    }
    _check_condition(checker, where, condition, answers)
    return checker.errors
