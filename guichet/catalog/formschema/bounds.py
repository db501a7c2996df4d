"""Bounds of a date or a number answer that depend on another answer or on the day of
filing (docs/procedures.md, "Date bounds" and "Number bounds").

A `date` field may hold `after` and `before`, each one bound:

    "after": {"field": "date_debut"}                 # not before the answer to date_debut
    "after": {"days_from_today": 0}                   # today or later
    "before": {"days_from_today": 365, "message": "Réservez au plus un an à l'avance."}

A bound names exactly one reference: `field`, the id of a `date` field placed earlier in the
form, or `days_from_today`, a whole number of days added to the day of filing (negative for
the past). The same day is accepted unless `strict` is true. `message`, a text, replaces the
default error message. A bound whose field is hidden or unanswered does not apply.

"Today" is the day of filing: a case filed in March and corrected by an agent in June is
judged again against March, not June.

A `number` field may hold `at_least` and `at_most`, each naming a `number` field placed
earlier (`{"field": "places_min"}`), with the same `strict` and `message`: a number between
two others. Its fixed limits stay `min` and `max`.

Every channel gets these bounds through the form engine.
"""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .types import item_type

BOUND_DIRECTIONS = ("after", "before")
NUMBER_DIRECTIONS = ("at_least", "at_most")
ALL_DIRECTIONS = BOUND_DIRECTIONS + NUMBER_DIRECTIONS
# The directions of each bounded type, and the references a bound of it may name.
DIRECTIONS = {"date": BOUND_DIRECTIONS, "number": NUMBER_DIRECTIONS}
REFERENCES = {"date": ("field", "days_from_today"), "number": ("field",)}
BOUND_KEYS = ("field", "days_from_today", "strict", "message")
REFERENCE_KEYS = ("field", "days_from_today")
# Ten years either way: beyond that a bound is a typing mistake.
MAX_DAYS_FROM_TODAY = 3660
MAX_MESSAGE_LENGTH = 500


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def bound_errors(item: dict, where: str, earlier: dict) -> list[str]:
    """What is wrong with the bounds of `item` (`after` / `before` of a date, `at_least` /
    `at_most` of a number); `earlier` holds the answer fields placed before it, by id (a
    bound may read only these, like a condition)."""
    errors = []
    kind = item_type(item)
    for direction in ALL_DIRECTIONS:
        if direction not in item:
            continue
        bound = item[direction]
        name = {"where": where, "key": direction}
        if direction not in DIRECTIONS.get(kind, ()):
            if direction in BOUND_DIRECTIONS:
                message = _("%(where)s : « %(key)s » ne s'applique qu'à un champ de type date.")
            else:
                message = _("%(where)s : « %(key)s » ne s'applique qu'à un champ de type nombre.")
            errors.append(message % name)
            continue
        references = REFERENCES[kind]
        if not isinstance(bound, dict):
            if kind == "date":
                message = _(
                    "%(where)s : « %(key)s » est un objet, par exemple "
                    '{"field": "date_debut"} ou {"days_from_today": 0}.'
                )
            else:
                message = _(
                    '%(where)s : « %(key)s » est un objet, par exemple {"field": "places_min"}.'
                )
            errors.append(message % name)
            continue
        allowed = [key for key in BOUND_KEYS if key in references or key not in REFERENCE_KEYS]
        unknown = sorted(str(key) for key in set(bound) - set(allowed))
        if unknown:
            errors.append(
                _("%(where)s : clé inconnue « %(unknown)s » dans « %(key)s ».")
                % {**name, "unknown": unknown[0]}
            )
        named = [key for key in references if key in bound]
        if len(named) != 1:
            if kind == "date":
                message = _(
                    "%(where)s : « %(key)s » indique soit un champ (« field »), soit un nombre "
                    "de jours à partir d'aujourd'hui (« days_from_today »)."
                )
            else:
                message = _("%(where)s : « %(key)s » indique un champ nombre (« field »).")
            errors.append(message % name)
        elif named[0] == "field":
            target = earlier.get(bound["field"]) if isinstance(bound["field"], str) else None
            if target is None:
                errors.append(
                    _(
                        "%(where)s : « %(key)s » porte sur « %(field)s », qui n'est pas un "
                        "champ placé avant dans le formulaire."
                    )
                    % {**name, "field": bound["field"]}
                )
            elif item_type(target) != kind:
                if kind == "date":
                    message = _(
                        "%(where)s : « %(key)s » porte sur « %(field)s », qui n'est pas une date."
                    )
                else:
                    message = _(
                        "%(where)s : « %(key)s » porte sur « %(field)s », qui n'est pas un nombre."
                    )
                errors.append(message % {**name, "field": bound["field"]})
        else:
            days = bound["days_from_today"]
            if not _is_whole(days) or abs(days) > MAX_DAYS_FROM_TODAY:
                errors.append(
                    _(
                        "%(where)s : « days_from_today » est un nombre entier de jours, "
                        "de -%(max)s à %(max)s."
                    )
                    % {"where": where, "max": MAX_DAYS_FROM_TODAY}
                )
        if "strict" in bound and not isinstance(bound["strict"], bool):
            errors.append(_("%(where)s : « strict » vaut true ou false.") % {"where": where})
        message = bound.get("message")
        if "message" in bound and (
            not isinstance(message, str) or not message.strip() or len(message) > MAX_MESSAGE_LENGTH
        ):
            errors.append(
                _("%(where)s : « message » est un texte de %(max)s caractères au plus.")
                % {"where": where, "max": MAX_MESSAGE_LENGTH}
            )
    return errors


def today_limits(item: dict, today: datetime.date) -> tuple:
    """The earliest and latest dates the bounds on today allow (None when there is none):
    for the date picker's min and max."""
    limits = []
    for direction in BOUND_DIRECTIONS:
        bound = item.get(direction)
        days = bound.get("days_from_today") if isinstance(bound, dict) else None
        if not _is_whole(days) or abs(days) > MAX_DAYS_FROM_TODAY:
            limits.append(None)
            continue
        shift = 1 if bound.get("strict") is True else 0
        shift = shift if direction == "after" else -shift
        limits.append(today + datetime.timedelta(days=days + shift))
    return tuple(limits)


def _iso(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _field_message(direction: str, strict: bool) -> str:
    if direction == "after":
        if strict:
            return _("Indiquez une date postérieure à « %(label)s » (%(date)s).")
        return _("Cette date ne peut pas précéder « %(label)s » (%(date)s).")
    if strict:
        return _("Indiquez une date antérieure à « %(label)s » (%(date)s).")
    return _("Cette date ne peut pas suivre « %(label)s » (%(date)s).")


def check_bounds(
    item: dict, value: datetime.date, answers: dict, items: dict, today: datetime.date
) -> list[ValidationError]:
    """The errors of a date answer `value` against its bounds. `answers` are the valid
    answers so far (ISO dates), `items` the form's fields by id."""
    errors = []
    earliest, latest = today_limits(item, today)
    for direction in BOUND_DIRECTIONS:
        bound = item.get(direction)
        if not isinstance(bound, dict):
            continue
        strict = bound.get("strict") is True
        custom = bound.get("message") if isinstance(bound.get("message"), str) else ""
        if "field" in bound:
            reference = (
                _iso(answers.get(bound["field"])) if isinstance(bound["field"], str) else None
            )
            if reference is None:
                continue
            if direction == "after":
                wrong = value <= reference if strict else value < reference
            else:
                wrong = value >= reference if strict else value > reference
            if wrong:
                target = items.get(bound["field"]) or {}
                message = custom or _field_message(direction, strict) % {
                    "label": target.get("label") or bound["field"],
                    "date": date_format(reference, "DATE_FORMAT"),
                }
                errors.append(ValidationError(message, code=direction))
            continue
        limit = earliest if direction == "after" else latest
        if limit is None:
            continue
        if direction == "after" and value < limit:
            message = custom or _("Indiquez une date à partir du %(date)s.") % {
                "date": date_format(limit, "DATE_FORMAT")
            }
            errors.append(ValidationError(message, code=direction))
        elif direction == "before" and value > limit:
            message = custom or _("Indiquez une date jusqu'au %(date)s au plus tard.") % {
                "date": date_format(limit, "DATE_FORMAT")
            }
            errors.append(ValidationError(message, code=direction))
    return errors


def _number(value) -> decimal.Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return decimal.Decimal(str(value))


def _number_message(direction: str, strict: bool) -> str:
    if direction == "at_least":
        if strict:
            return _("Indiquez un nombre supérieur à « %(label)s » (%(value)s).")
        return _("Ce nombre ne peut pas être inférieur à « %(label)s » (%(value)s).")
    if strict:
        return _("Indiquez un nombre inférieur à « %(label)s » (%(value)s).")
    return _("Ce nombre ne peut pas dépasser « %(label)s » (%(value)s).")


def check_number_bounds(
    item: dict, value: decimal.Decimal, answers: dict, items: dict
) -> list[ValidationError]:
    """The errors of a number answer `value` against the answers its bounds name."""
    errors = []
    for direction in NUMBER_DIRECTIONS:
        bound = item.get(direction)
        if not isinstance(bound, dict) or not isinstance(bound.get("field"), str):
            continue
        answer = answers.get(bound["field"])
        reference = _number(answer)
        if reference is None:
            continue  # hidden or unanswered: the bound does not apply
        strict = bound.get("strict") is True
        if direction == "at_least":
            wrong = value <= reference if strict else value < reference
        else:
            wrong = value >= reference if strict else value > reference
        if wrong:
            custom = bound.get("message") if isinstance(bound.get("message"), str) else ""
            target = items.get(bound["field"]) or {}
            message = custom or _number_message(direction, strict) % {
                "label": target.get("label") or bound["field"],
                "value": number_format(answer, use_l10n=True),
            }
            errors.append(ValidationError(message, code=direction))
    return errors
