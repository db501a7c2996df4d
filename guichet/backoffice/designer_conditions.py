"""The conditions editor: "show only when" on an item of the form (a field, a section, a
step or a text), built from pickers instead of typed JSON.

Each clause picks a field placed earlier, an operator suited to that field's type and a
value — one of the field's choices, or typed with the field's own input (a date picker for a
date, a number for a number); the clauses are combined with "and" or "or". It works without
JavaScript: adding or removing a clause, and "Actualiser" after choosing another field (its
operators and input change), are submit buttons that redisplay the page with what was typed.
What it saves is the condition format the form engine evaluates (docs/procedures.md,
"Conditions"), through the same catalog action as the item's own form; a condition the
editor cannot show (groups inside groups) is left to the JSON of the item's form.
"""

import datetime
import decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guichet.catalog import actions
from guichet.catalog.conditions import DATE_OPERATOR_WORDS, OPERATOR_WORDS, condition_sentence
from guichet.catalog.formschema import LAYOUT_TYPES, form_field, item_type
from guichet.catalog.formschema.checks import CONTAINS_TYPES

from .decorators import admin_required
from .designer import get_procedure_for_admin, render_section, see_section

MAX_CLAUSES = 20
VALUELESS = ("empty", "not_empty")
# The operators offered for each type of field, in the order shown.
TYPE_OPERATORS = {
    "choice": ("equals", "differs", "in", "empty", "not_empty"),
    "multichoice": ("contains", "in", "empty", "not_empty"),
    "yesno": ("equals", "differs", "empty", "not_empty"),
    "number": ("equals", "differs", "gt", "lt", "empty", "not_empty"),
    "date": ("equals", "differs", "gt", "lt", "empty", "not_empty"),
    "text": ("equals", "differs", "contains", "empty", "not_empty"),
    "textarea": ("contains", "empty", "not_empty"),
    "email": ("equals", "differs", "contains", "empty", "not_empty"),
    "phone": ("equals", "differs", "empty", "not_empty"),
    "siret": ("equals", "differs", "empty", "not_empty"),
}
OTHER_OPERATORS = ("empty", "not_empty")  # addresses, postal code and commune
JOIN_CHOICES = [
    ("all", gettext_lazy("toutes les règles sont vraies (et)")),
    ("any", gettext_lazy("au moins une règle est vraie (ou)")),
]


def operators_for(item: dict | None) -> tuple[str, ...]:
    if item is None:
        return ()
    kind = item_type(item)
    ops = TYPE_OPERATORS.get(kind, OTHER_OPERATORS)
    return tuple(op for op in ops if op != "contains" or kind in CONTAINS_TYPES)


def earlier_answer_items(fields: list[dict], item: dict) -> list[dict]:
    """The fields a condition on `item` may read: the answer items before it, files aside."""
    earlier = []
    for other in fields:
        if other is item:
            break
        if item_type(other) not in (*LAYOUT_TYPES, "file"):
            earlier.append(other)
    return earlier


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _raw_value(value, kind: str):
    """A stored value as the value input shows it."""
    if kind == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class ClauseForm(forms.Form):
    """One rule: a field, an operator, a value. `items` are the fields it may read."""

    def __init__(self, data=None, *, prefix, items, later=(), initial=None):
        super().__init__(data, prefix=prefix, initial=initial, auto_id="cond_%s")
        self.items = {item["id"]: item for item in items}
        self.later = {item.get("id"): item for item in later}
        self.fields["field"] = forms.ChoiceField(
            label=_("Champ"),
            choices=[("", _("Choisir un champ…"))]
            + [(item["id"], item.get("label") or item["id"]) for item in items],
            error_messages={"invalid_choice": _("Choisissez un champ placé avant cet élément.")},
        )
        chosen = self.items.get(self._raw("field"))
        ops = operators_for(chosen) or TYPE_OPERATORS["text"]
        kind = item_type(chosen) if chosen else ""
        self.fields["op"] = forms.ChoiceField(
            label=_("Opérateur"),
            choices=[
                (
                    op,
                    str(
                        (DATE_OPERATOR_WORDS.get(op) if kind == "date" else None)
                        or OPERATOR_WORDS[op]
                    ),
                )
                for op in ops
            ],
            error_messages={
                "invalid_choice": _("Cet opérateur ne s'applique pas à ce type de champ.")
            },
        )
        self.chosen = chosen
        op = self._raw("op")
        if chosen is not None and op not in VALUELESS:
            self.fields["value"] = self._value_field(chosen, op if op in ops else ops[0])

    def _raw(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return (self.initial or {}).get(name)

    def _value_field(self, item: dict, op: str) -> forms.Field:
        """The value's input: the field's own, without its own rules (bounds, pattern)."""
        kind = item_type(item)
        choices = [(str(choice), str(choice)) for choice in item.get("choices") or []]
        label = _("Valeur")
        if op == "in":
            return forms.MultipleChoiceField(
                label=_("Valeurs (au moins une)"),
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Choisissez parmi les choix du champ.")},
            )
        if kind in ("choice", "multichoice"):
            return forms.ChoiceField(
                label=label,
                choices=[("", _("Choisir…"))] + choices,
                error_messages={"invalid_choice": _("Choisissez parmi les choix du champ.")},
            )
        plain = {"id": item["id"], "type": kind, "label": label, "required": True}
        if kind == "number" and item.get("integer"):
            plain["integer"] = True
        field = form_field(plain)
        field.label = label
        field.help_text = ""
        return field

    def clean(self):
        cleaned = super().clean()
        field_id = self._raw("field")
        if field_id and field_id in self.later and "field" in self.errors:
            del self.errors["field"]
            self.add_error(
                "field",
                _(
                    "« %(label)s » est placé après cet élément : une condition ne lit que les "
                    "réponses données avant."
                )
                % {"label": self.later[field_id].get("label") or field_id},
            )
        return cleaned

    def rule(self) -> dict:
        cleaned = self.cleaned_data
        rule = {"field": cleaned["field"], "op": cleaned["op"]}
        if "value" in self.fields:
            rule["value"] = _json_value(cleaned.get("value"))
            if cleaned["op"] == "in":
                rule["value"] = list(cleaned.get("value") or [])
        return rule


def clauses_of(condition) -> tuple[str, list[dict]] | None:
    """(join, rules) of a condition the editor can show; None for one it cannot."""
    if not condition:
        return "all", []
    if not isinstance(condition, dict):
        return None
    for join in ("all", "any"):
        if join in condition:
            rules = condition[join]
            if not isinstance(rules, list) or any(
                not isinstance(rule, dict) or "all" in rule or "any" in rule for rule in rules
            ):
                return None
            return join, rules
    return "all", [condition]


def condition_of(join: str, rules: list[dict]) -> dict | None:
    if not rules:
        return None
    if len(rules) == 1:
        return rules[0]
    return {join: rules}


def _initial_of(rule: dict, items: dict) -> dict:
    item = items.get(rule.get("field"))
    kind = item_type(item) if item else ""
    value = rule.get("value")
    if isinstance(value, list):
        value = [_raw_value(v, kind) for v in value]
    else:
        value = _raw_value(value, kind)
    return {"field": rule.get("field"), "op": rule.get("op"), "value": value}


def _bound_data(rules, items, prefixes) -> dict:
    """A stored condition as posted data, so that its faults show as the form's errors."""
    data = {}
    for prefix, rule in zip(prefixes, rules, strict=True):
        initial = _initial_of(rule, items)
        for name, value in initial.items():
            if value is None:
                continue
            key = f"{prefix}-{name}"
            data[key] = value if isinstance(value, list) else str(value)
    return data


class _Data(dict):
    """A dict that answers getlist like a QueryDict (for bound forms built from a condition)."""

    def getlist(self, key, default=None):
        value = self.get(key, default)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def field_condition(request, pk, field_id):
    procedure = get_procedure_for_admin(request, pk)
    fields = procedure.fields
    item = next((i for i in fields if isinstance(i, dict) and i.get("id") == field_id), None)
    if item is None:
        raise Http404
    earlier = earlier_answer_items(fields, item)
    later = [
        other
        for other in fields
        if other not in earlier and item_type(other) not in (*LAYOUT_TYPES, "file")
    ]
    by_id = {other.get("id"): other for other in fields if isinstance(other, dict)}
    label = item.get("label") or field_id
    context = {
        "item": item,
        "item_label": label,
        "earlier": earlier,
        "sentence": condition_sentence(item.get("condition"), fields),
    }
    status = 200
    stored = clauses_of(item.get("condition"))
    if stored is None:
        # Nested groups: kept as they are, or removed to compose a simpler rule.
        if request.method == "POST" and request.POST.get("do") == "clear":
            return _save(request, procedure, item, None)
        context["too_complex"] = True
        return render_section(request, "condition.html", procedure, "procedure_fields", context)

    def make(data, count):
        return [
            ClauseForm(data, prefix=f"c{index}", items=earlier, later=later)
            for index in range(count)
        ]

    if request.method == "POST":
        do = request.POST.get("do", "save")
        try:
            count = max(0, min(MAX_CLAUSES, int(request.POST.get("count", "0"))))
        except ValueError:
            count = 0
        join = request.POST.get("join") if request.POST.get("join") in ("all", "any") else "all"
        if do == "clear":
            return _save(request, procedure, item, None)
        if do == "save":
            clauses = make(request.POST, count)
            if all(clause.is_valid() for clause in clauses):
                condition = condition_of(join, [clause.rule() for clause in clauses])
                response = _save(request, procedure, item, condition, context=context)
                if response is not None:
                    return response
            status = 400
        else:
            # Add, remove or refresh: the page again with what was typed, no error yet.
            rows = []
            for index in range(count):
                row = {name: request.POST.get(f"c{index}-{name}") for name in ("field", "op")}
                values = request.POST.getlist(f"c{index}-value")
                row["value"] = values if row["op"] == "in" else (values[-1] if values else None)
                rows.append(row)
            if do == "add" and count < MAX_CLAUSES:
                rows.append({})
            elif do.startswith("remove-"):
                index = do.removeprefix("remove-")
                if index.isdigit() and int(index) < len(rows):
                    del rows[int(index)]
            clauses = [
                ClauseForm(None, prefix=f"c{index}", items=earlier, later=later, initial=row)
                for index, row in enumerate(rows)
            ]
    else:
        join, rules = stored
        if rules:
            prefixes = [f"c{index}" for index in range(len(rules))]
            clauses = make(_Data(_bound_data(rules, by_id, prefixes)), len(rules))
            for clause in clauses:
                clause.is_valid()  # a stored fault shows beside its control
        else:
            clauses = make(None, 1) if earlier else []
    context.update(
        {
            "join_choices": JOIN_CHOICES,
            "join": join,
            "clauses": clauses,
            "count": len(clauses),
            "can_add": len(clauses) < MAX_CLAUSES and bool(earlier),
            "draft_sentence": _draft_sentence(clauses, join, fields),
            "editor_errors": context.get("editor_errors", []),
        }
    )
    return render_section(
        request, "condition.html", procedure, "procedure_fields", context, status=status
    )


def _draft_sentence(clauses, join, fields) -> str:
    """The rule being edited, in words, from the clauses complete enough to say it."""
    rules = []
    for clause in clauses:
        raw = {name: clause._raw(name) for name in ("field", "op", "value")}
        if clause.is_bound and hasattr(clause, "cleaned_data") and not clause.errors:
            rules.append(clause.rule())
        elif raw["field"] and raw["op"]:
            item = clause.items.get(raw["field"])
            value = raw["value"]
            if item is not None and item_type(item) == "yesno" and value in ("yes", "no"):
                value = value == "yes"
            rule = {"field": raw["field"], "op": raw["op"]}
            if raw["op"] not in VALUELESS:
                rule["value"] = value if value is not None else ""
            rules.append(rule)
    return condition_sentence(condition_of(join, rules), fields) if rules else ""


def _save(request, procedure, item, condition, *, context=None):
    """Writes the item with its new condition; None (and the error in `context`) when the
    catalog refuses it."""
    field = dict(item)
    if condition is None:
        field.pop("condition", None)
    else:
        field["condition"] = condition
    try:
        actions.change_procedure_field(
            procedure=procedure, field_id=item["id"], field=field, actor=request.user
        )
    except ValidationError as error:
        if context is not None:
            context["editor_errors"] = error.messages
        return None
    label = item.get("label") or item["id"]
    if condition is None:
        text = _("« %(label)s » est toujours affiché.")
    else:
        text = _("La condition d'affichage de « %(label)s » est enregistrée.")
    messages.success(request, text % {"label": label})
    return see_section("procedure_fields", procedure.pk, fragment=f"#item-{item['id']}")
