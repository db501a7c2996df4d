"""The form at work: its steps, which items the answers show, and the answers' validation.

Items are read in order. A field is shown when its own condition holds, its page's and its
section's too, and none of these conditions reads a hidden field (a field depending on a
hidden field is hidden, even if the rule would hold on an empty answer). Conditions read
earlier fields only (publication checks it), so one pass in order settles everything: when
an item is reached, every answer it may depend on is known.

A hidden field is neither validated nor stored, whatever was posted for it.

Two facts from outside the form take part in the validation: `today`, the day of filing, for
the date bounds that count from it (`bounds`), and `area`, the territory of the organization
(GeoJSON), outside which no point placed on a map is accepted.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from guichet.lib.geo import location_error

from ..conditions import evaluate_condition, referenced_fields
from .bounds import check_bounds, check_number_bounds
from .fields import PART_SEPARATOR, form_field
from .types import is_answer, item_type

COMPOSITE_PARTS = {
    "address": ("address", "lat", "lng"),
    "postal_commune": ("postal_code", "commune"),
}


@dataclass
class Page:
    """One step of the form: the items from a `page` item (or the start) to the next."""

    index: int
    title: str = ""
    id: str | None = None
    condition: dict | None = None
    items: list[dict] = field(default_factory=list)


def pages(fields: list[dict]) -> list[Page]:
    """The steps of the form, each with its items. Items before the first `page` form step
    1; a form without `page` items has one step; an empty form has none."""
    result: list[Page] = []
    for item in fields or []:
        if not isinstance(item, dict):
            continue
        if item_type(item) == "page":
            result.append(
                Page(
                    index=len(result),
                    title=str(item.get("label") or ""),
                    id=item.get("id"),
                    condition=item.get("condition") or None,
                )
            )
        else:
            if not result:
                result.append(Page(index=0))
            result[-1].items.append(item)
    return result


@dataclass
class FormState:
    """What a set of answers makes of the form.

    `answers`: the valid answers of the visible fields, JSON-ready, by id; `uploads`:
    (field id, file) pairs; `errors`: ValidationErrors by field id; `visible`: the ids of
    the visible items (pages, sections and texts included); `page_of`: each item's step.
    """

    answers: dict = field(default_factory=dict)
    uploads: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    visible: set = field(default_factory=set)
    page_of: dict = field(default_factory=dict)
    visible_pages: list = field(default_factory=list)

    def answers_on(self, index: int) -> dict:
        return {key: value for key, value in self.answers.items() if self.page_of[key] == index}

    def errors_on(self, index: int) -> dict:
        return {key: value for key, value in self.errors.items() if self.page_of[key] == index}


def _to_json(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    return str(value)


def form_data(fields: list[dict], data) -> tuple[MultiValueDict, dict]:
    """`data` as the fields' widgets read it, and the errors of values of the wrong shape.

    `data` is what a form posts (a QueryDict, keys like `kind`, `tags` (a list),
    `place.address`) or JSON (a dict: booleans for yes/no, numbers, lists,
    `{"address": ..., "lat": ..., "lng": ...}` for an address): stored answers validate
    again as they are.
    """
    result, errors = MultiValueDict(), {}
    if data is None:
        return result, errors
    kinds = {
        item["id"]: item_type(item)
        for item in fields
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }
    pairs = data.lists() if hasattr(data, "lists") else data.items()
    for key, value in pairs:
        key = str(key)
        kind = kinds.get(key)
        values = value if hasattr(data, "lists") else None
        if kind in COMPOSITE_PARTS:
            value = values[-1] if values else value
            if isinstance(value, str):
                value = {COMPOSITE_PARTS[kind][0]: value} if kind == "address" else {}
            if not isinstance(value, dict):
                errors[key] = [ValidationError(_("Réponse illisible."))]
                continue
            for part in COMPOSITE_PARTS[kind]:
                result.setlist(key + PART_SEPARATOR + part, [_scalar(value.get(part))])
            continue
        if values is None:
            if isinstance(value, dict):
                errors[key] = [ValidationError(_("Réponse illisible."))]
                continue
            values = value if isinstance(value, list | tuple) else [value]
        result.setlist(key, [item if hasattr(item, "read") else _scalar(item) for item in values])
    return result, errors


def _shows(item: dict, answers: dict, hidden: set) -> bool:
    condition = item.get("condition")
    if not condition:
        return True
    if referenced_fields(condition) & hidden:
        return False
    return evaluate_condition(condition, answers)


def _clean_field(item: dict, data, files):
    django_field = form_field(item)
    value = django_field.widget.value_from_datadict(data, files or MultiValueDict(), item["id"])
    return django_field.clean(value)


def point_errors(value, area) -> list[ValidationError]:
    """A point placed outside the organization's area (when it has one) is refused."""
    if not area or not isinstance(value, dict) or value.get("lat") is None:
        return []
    message = location_error(value["lat"], value["lng"], area)
    return [ValidationError(message, code="location")] if message else []


def evaluate_form(
    fields: list[dict],
    data=None,
    files=None,
    *,
    answers: dict | None = None,
    clean: set[int] | None = None,
    with_files: bool = True,
    today: datetime.date | None = None,
    area: dict | None = None,
) -> FormState:
    """Walks the form with the given answers.

    The fields of the steps in `clean` (all of them when None) are validated from `data`
    and `files`; those of the other steps take their value from `answers` (answers already
    validated). `with_files=False` leaves file fields aside (neither checked nor required).
    `today` (the day of filing, today when None) and `area` (the organization's territory)
    are the facts from outside the form described in the module's docstring.
    """
    data, shape_errors = form_data(fields, data)
    today = today or timezone.localdate()
    items = {item["id"]: item for item in fields or [] if isinstance(item, dict) and "id" in item}
    known = answers or {}
    state = FormState()
    hidden: set[str] = set()
    page_index, page_shown, section_shown = -1, True, True
    for item in fields or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        kind, item_id = item_type(item), item["id"]
        if kind == "page" or page_index < 0:
            page_index += 1
            page_shown, section_shown = True, True
            if kind == "page":
                page_shown = _shows(item, state.answers, hidden)
                state.page_of[item_id] = page_index
                if page_shown:
                    state.visible.add(item_id)
                    state.visible_pages.append(page_index)
                continue
            state.visible_pages.append(page_index)
        state.page_of[item_id] = page_index
        if kind == "section":
            section_shown = page_shown and _shows(item, state.answers, hidden)
            if section_shown:
                state.visible.add(item_id)
            continue
        shown = page_shown and section_shown and _shows(item, state.answers, hidden)
        if not shown:
            if is_answer(item):
                hidden.add(item_id)
            continue
        state.visible.add(item_id)
        if not is_answer(item):
            continue
        if clean is not None and page_index not in clean:
            if kind != "file" and item_id in known:
                state.answers[item_id] = known[item_id]
            continue
        if kind == "file" and not with_files:
            continue
        if item_id in shape_errors:
            state.errors[item_id] = shape_errors[item_id]
            continue
        try:
            value = _clean_field(item, data, files)
        except ValidationError as error:
            state.errors[item_id] = error.error_list
            continue
        if kind == "date" and value:
            errors = check_bounds(item, value, state.answers, items, today)
        elif kind == "number" and value is not None:
            errors = check_number_bounds(item, value, state.answers, items)
        elif kind == "address":
            errors = point_errors(value, area)
        else:
            errors = []
        if errors:
            state.errors[item_id] = errors
            continue
        if kind == "file":
            state.uploads.extend((item_id, upload) for upload in value)
        elif value not in (None, "", []):
            state.answers[item_id] = _to_json(value)
    return state


def clean_answers(
    fields: list[dict], data, files=None, *, today=None, area=None
) -> tuple[dict, list]:
    """Validates every visible field's answer in `data` (and uploaded `files`).

    Returns (answers, uploads): answers as JSON-ready values keyed by field id, hidden
    fields left out even if posted; uploads as (field id, file) pairs. Raises
    ValidationError with messages by field id. `today` and `area`: see evaluate_form.
    """
    state = evaluate_form(fields, data, files, today=today, area=area)
    if state.errors:
        raise ValidationError(state.errors)
    return state.answers, state.uploads


def clean_page(
    fields: list[dict],
    index: int,
    data,
    files=None,
    answers_so_far: dict | None = None,
    *,
    with_files: bool = True,
    today=None,
    area=None,
) -> tuple[dict, list]:
    """Validates the step `index` (from 0) alone: its visible fields' answers in `data`,
    knowing the answers of the steps before (`answers_so_far`, as returned by earlier calls).

    Returns (answers, uploads) of that step; raises ValidationError by field id. A hidden
    step gives no answers. The domain action validates everything again at submission.
    """
    state = evaluate_form(
        fields,
        data,
        files,
        answers=answers_so_far,
        clean={index},
        with_files=with_files,
        today=today,
        area=area,
    )
    errors = state.errors_on(index)
    if errors:
        raise ValidationError(errors)
    return state.answers_on(index), [
        pair for pair in state.uploads if state.page_of[pair[0]] == index
    ]


def visible_fields(fields: list[dict], answers: dict) -> list[dict]:
    """The answer items that `answers` (valid ones) show, in form order."""
    state = evaluate_form(fields, answers=answers, clean=set())
    return [
        item
        for item in fields
        if isinstance(item, dict) and is_answer(item) and item.get("id") in state.visible
    ]
