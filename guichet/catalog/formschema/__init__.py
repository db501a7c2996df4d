"""Procedure forms as data (docs/procedures.md, `fields`).

A form is an ordered list of items: answer fields with a stable id (answers are stored
under it) and layout items (`page`, `section`, `info`). This package turns them into Django
form fields (`fields`), walks them with a set of answers — steps, conditions, validation
(`engine`) —, checks them before publication (`checks`) and shows answers (`display`).

The same definitions validate every channel's input (portal, back office, API), so that a
case's answers are clean whatever door they came through.
"""

from .bounds import BOUND_DIRECTIONS, today_limits
from .checks import condition_errors, validate_fields
from .display import display_answers, display_value
from .engine import (
    FormState,
    Page,
    clean_answers,
    clean_page,
    evaluate_form,
    form_data,
    pages,
    visible_fields,
)
from .fields import (
    PART_SEPARATOR,
    form_field,
    form_fields,
    upload_limits,
    upload_rules,
    validate_upload,
)
from .types import (
    ALLOWED_UPLOAD_EXTENSIONS,
    ANSWER_TYPES,
    FIELD_TYPES,
    ID_PATTERN,
    LAYOUT_TYPES,
    TYPE_KEYS,
    is_answer,
    item_type,
)

__all__ = [
    "BOUND_DIRECTIONS",
    "today_limits",
    "condition_errors",
    "ALLOWED_UPLOAD_EXTENSIONS",
    "ANSWER_TYPES",
    "FIELD_TYPES",
    "ID_PATTERN",
    "LAYOUT_TYPES",
    "PART_SEPARATOR",
    "TYPE_KEYS",
    "FormState",
    "Page",
    "clean_answers",
    "clean_page",
    "display_answers",
    "display_value",
    "evaluate_form",
    "form_data",
    "form_field",
    "form_fields",
    "is_answer",
    "item_type",
    "pages",
    "upload_limits",
    "upload_rules",
    "validate_fields",
    "validate_upload",
    "visible_fields",
]
