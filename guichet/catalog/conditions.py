"""Conditions on a case's answers (docs/procedures.md, "Conditions"): which fields a form
shows (catalog/formschema) and which routing rules match (catalog/routing.py).

A condition is a rule {"field", "op", "value"} or a group {"all": [...]} / {"any": [...]}.
Evaluating never raises: a rule that does not make sense for the answer it reads (a number
compared with a text, say) is false. `condition_sentence` says a condition in words, for the
designer ("Affiché si « Plein air » vaut « Oui »").
"""

import datetime
import re
from numbers import Real

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# `in` ("is one of"): the value is a list; the answer is one of them (a multiple choice: it
# includes one of them).
OPERATORS = ("equals", "differs", "contains", "gt", "lt", "empty", "not_empty", "in")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(answer, value) -> bool:
    # Yes/no answers are booleans, and False is not the number 0.
    if isinstance(answer, bool) or isinstance(value, bool):
        return answer is value
    if answer == value:
        return True
    # A number typed as text in the designer ("3") still equals the answer 3.
    if isinstance(answer, Real) or isinstance(value, Real):
        return _number(answer) is not None and _number(answer) == _number(value)
    return False


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, Real):
        return value
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None


def _ordered(answer, value):
    """The two sides as comparable values (numbers, or dates), else None."""
    if isinstance(answer, str) and isinstance(value, str) and ISO_DATE.match(answer):
        try:
            return datetime.date.fromisoformat(answer), datetime.date.fromisoformat(value)
        except ValueError:
            return None
    left, right = _number(answer), _number(value)
    if left is None or right is None:
        return None
    return left, right


def _rule(rule: dict, answers: dict) -> bool:
    field = rule.get("field")
    answer = answers.get(field) if isinstance(field, str) else None
    op, value = rule.get("op"), rule.get("value")
    if op == "empty":
        return _is_empty(answer)
    if op == "not_empty":
        return not _is_empty(answer)
    if op == "equals":
        return _same(answer, value)
    if op == "differs":
        return not _same(answer, value)
    if op == "contains":
        if isinstance(answer, list):
            return any(_same(item, value) for item in answer)
        return isinstance(answer, str) and isinstance(value, str) and value in answer
    if op == "in":
        if not isinstance(value, list):
            return False
        given = answer if isinstance(answer, list) else [answer]
        return any(_same(item, choice) for item in given for choice in value)
    if op in ("gt", "lt"):
        pair = _ordered(answer, value)
        if pair is None:
            return False
        return pair[0] > pair[1] if op == "gt" else pair[0] < pair[1]
    return False


def evaluate_condition(condition, answers: dict) -> bool:
    """Whether `condition` holds for `answers` (a missing field reads as empty). No condition
    (None or {}) always holds."""
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    if "all" in condition:
        items = condition["all"]
        return isinstance(items, list) and all(evaluate_condition(c, answers) for c in items)
    if "any" in condition:
        items = condition["any"]
        return isinstance(items, list) and any(evaluate_condition(c, answers) for c in items)
    return _rule(condition, answers)


def referenced_fields(condition) -> set[str]:
    """The ids of the fields a condition reads, at any depth."""
    if not isinstance(condition, dict):
        return set()
    for group in ("all", "any"):
        if group in condition:
            items = condition[group]
            if not isinstance(items, list):
                return set()
            return set().union(*(referenced_fields(item) for item in items))
    field = condition.get("field")
    return {field} if isinstance(field, str) else set()


# --- In words ------------------------------------------------------------------------------

OPERATOR_WORDS = {
    "equals": gettext_lazy("vaut"),
    "differs": gettext_lazy("ne vaut pas"),
    "contains": gettext_lazy("contient"),
    "gt": gettext_lazy("est supérieur à"),
    "lt": gettext_lazy("est inférieur à"),
    "empty": gettext_lazy("est vide"),
    "not_empty": gettext_lazy("est rempli"),
    "in": gettext_lazy("est l'un de"),
}
# Dates read better as "is after" than "is greater than".
DATE_OPERATOR_WORDS = {
    "gt": gettext_lazy("est après le"),
    "lt": gettext_lazy("est avant le"),
}


def _value_words(value, kind: str) -> str:
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if kind == "date" and isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def describe_condition(condition, fields) -> str:
    """A condition in words, with the labels of `fields` (the form's items): « Type » vaut
    « Éclairage » et « Nombre » est supérieur à « 3 ». Groups inside groups are put in
    brackets. An empty condition says nothing ("")."""
    items = {item.get("id"): item for item in fields or () if isinstance(item, dict)}
    return _describe(condition, items, top=True)


def _describe(condition, items: dict, *, top: bool = False) -> str:
    if not isinstance(condition, dict) or not condition:
        return ""
    for group, word in (("all", _("et")), ("any", _("ou"))):
        if group in condition:
            members = condition[group] if isinstance(condition[group], list) else []
            parts = [text for text in (_describe(item, items) for item in members) if text]
            text = f" {word} ".join(parts)
            return f"({text})" if len(parts) > 1 and not top else text
    field_id, op = condition.get("field"), condition.get("op")
    item = items.get(field_id) if isinstance(field_id, str) else None
    kind = item.get("type", "text") if item else ""
    words = {
        "field": (item.get("label") or field_id) if item else field_id,
        "verb": (DATE_OPERATOR_WORDS.get(op) if kind == "date" else None)
        or OPERATOR_WORDS.get(op, op),
    }
    if op in ("empty", "not_empty"):
        return _("« %(field)s » %(verb)s") % words
    value = condition.get("value")
    if op == "in" and isinstance(value, list):
        shown = ", ".join(
            _("« %(value)s »") % {"value": _value_words(choice, kind)} for choice in value
        )
        return _("« %(field)s » %(verb)s %(values)s") % {**words, "values": shown}
    if kind == "date" and op in DATE_OPERATOR_WORDS:
        # "est après le 1 juin 2027": a date reads without quotes.
        return _("« %(field)s » %(verb)s %(values)s") % {
            **words,
            "values": _value_words(value, kind),
        }
    return _("« %(field)s » %(verb)s « %(value)s »") % {
        **words,
        "value": _value_words(value, kind),
    }


def condition_sentence(condition, fields) -> str:
    """The rule of an item's condition as the designer shows it: "Affiché si « Plein air »
    vaut « Oui »" (or "Toujours affiché" without a condition)."""
    text = describe_condition(condition, fields)
    if not text:
        return _("Toujours affiché")
    return _("Affiché si %(rule)s") % {"rule": text}
