"""Writes of the routing editor: one rule of a draft's routing at a time.

Each locks the procedure's row, changes a copy of its rules and hands the whole list to
`update_procedure_routing`, which checks it (routing_errors) before saving: the editor and the
JSON document go through the same judge. Rules are numbered from 0 here, as in the journal's
`routing` entry; the screens count from 1.
"""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .actions import update_procedure_routing
from .models import Procedure


def _locked_rules(procedure: Procedure) -> tuple[Procedure, list]:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    rules = procedure.routing if isinstance(procedure.routing, list) else []
    return procedure, copy.deepcopy(rules)


def _check_index(rules: list, index: int) -> None:
    if not isinstance(index, int) or not 0 <= index < len(rules):
        raise ValidationError(_("Cette règle n'existe plus : la liste a changé entre-temps."))


@transaction.atomic
def add_routing_rule(*, procedure: Procedure, rule: dict, actor=None) -> Procedure:
    """Adds `rule` at the end of the draft's routing rules."""
    procedure, rules = _locked_rules(procedure)
    rules.append(copy.deepcopy(rule))
    return update_procedure_routing(procedure=procedure, routing=rules, actor=actor)


@transaction.atomic
def change_routing_rule(*, procedure: Procedure, index: int, rule: dict, actor=None) -> Procedure:
    """Replaces the rule at `index`."""
    procedure, rules = _locked_rules(procedure)
    _check_index(rules, index)
    rules[index] = copy.deepcopy(rule)
    return update_procedure_routing(procedure=procedure, routing=rules, actor=actor)


@transaction.atomic
def move_routing_rule(*, procedure: Procedure, index: int, offset: int, actor=None) -> Procedure:
    """Moves the rule at `index` by `offset` places (-1: read one place earlier)."""
    procedure, rules = _locked_rules(procedure)
    _check_index(rules, index)
    target = max(0, min(len(rules) - 1, index + offset))
    rules.insert(target, rules.pop(index))
    return update_procedure_routing(procedure=procedure, routing=rules, actor=actor)


@transaction.atomic
def remove_routing_rule(*, procedure: Procedure, index: int, actor=None) -> Procedure:
    """Removes the rule at `index`; published versions keep theirs."""
    procedure, rules = _locked_rules(procedure)
    _check_index(rules, index)
    del rules[index]
    return update_procedure_routing(procedure=procedure, routing=rules, actor=actor)
