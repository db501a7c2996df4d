"""Conditions on a case's answers (docs/procedures.md, "Conditions"): which fields a form
shows (catalog/formschema) and which routing rules match (catalog/routing.py).

A condition is a rule {"field", "op", "value"} or a group {"all": [...]} / {"any": [...]}.
Evaluating never raises: a rule that does not make sense for the answer it reads (a number
compared with a text, say) is false.
"""

import datetime
import re
from numbers import Real

OPERATORS = ("equals", "differs", "contains", "gt", "lt", "empty", "not_empty")
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
    answer = answers.get(rule.get("field"))
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
