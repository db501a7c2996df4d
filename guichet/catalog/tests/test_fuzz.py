"""Property-based tests (hypothesis) of what reads procedures as data: the form schema's
checks and validation of answers, the conditions and the workflow engine. Whatever the
input, they answer or raise ValidationError, never anything else (which a view would turn
into a 500)."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from guichet.catalog.actions import update_procedure_workflow
from guichet.catalog.conditions import OPERATORS, evaluate_condition, referenced_fields
from guichet.catalog.formschema import (
    FIELD_TYPES,
    clean_answers,
    clean_page,
    condition_errors,
    display_answers,
    validate_fields,
    visible_fields,
)
from guichet.catalog.workflow import Workflow, default_workflow
from guichet.conftest import CERTIFICATE_FIELDS, ROAD_FIELDS
from guichet.tests.fuzzing import JSON, TEXT

# Items that look like form items: known keys with values of any shape.
ITEM = st.fixed_dictionaries(
    {"id": st.one_of(st.sampled_from(["a", "b", "c", "kind"]), TEXT)},
    optional={
        "type": st.one_of(st.sampled_from(list(FIELD_TYPES)), TEXT),
        "label": TEXT,
        "required": st.one_of(st.booleans(), JSON),
        "choices": st.one_of(st.lists(TEXT, max_size=4), JSON),
        "min": JSON,
        "max": JSON,
        "max_length": JSON,
        "pattern": st.one_of(st.sampled_from(["^[0-9]+$", "(", "(a+)+$", "[", "\\"]), TEXT),
        "integer": JSON,
        "extensions": JSON,
        "max_size": JSON,
        "max_count": JSON,
        "widget": JSON,
        "condition": JSON,
    },
)
FIELDS = st.one_of(st.lists(ITEM, max_size=5), JSON)

RULE = st.fixed_dictionaries(
    {},
    optional={
        "field": st.one_of(st.sampled_from(["kind", "copies", "event_date", "a"]), JSON),
        "op": st.one_of(st.sampled_from(OPERATORS), TEXT),
        "value": JSON,
    },
)
CONDITION = st.recursive(
    st.one_of(RULE, JSON),
    lambda children: (
        st.fixed_dictionaries({"all": st.lists(children, max_size=3)})
        | st.fixed_dictionaries({"any": st.lists(children, max_size=3)})
        | st.fixed_dictionaries({"all": JSON})
    ),
    max_leaves=8,
)
ANSWERS = st.dictionaries(st.sampled_from(["kind", "copies", "event_date", "a"]), JSON)

# Posted data: the fields' names (and their parts, "name_0"), any strings, one or several.
KNOWN_NAMES = [item["id"] for item in ROAD_FIELDS + CERTIFICATE_FIELDS] + ["kind_0", "kind_1", "x"]
POSTED = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN_NAMES), TEXT), st.one_of(TEXT, st.lists(TEXT, max_size=3))
)


def _only_validation_errors(call):
    with contextlib.suppress(ValidationError):
        call()


@given(fields=FIELDS)
def test_checking_any_form_raises_nothing_but_validation_errors(fields):
    _only_validation_errors(lambda: validate_fields(fields))


@given(fields=st.lists(ITEM, max_size=5), data=POSTED)
def test_a_form_that_passes_the_checks_validates_any_answers(fields, data):
    try:
        validate_fields(fields)
    except ValidationError:
        return
    _only_validation_errors(lambda: clean_answers(fields, data))
    _only_validation_errors(lambda: clean_page(fields, 0, data))


@pytest.mark.parametrize("fields", [ROAD_FIELDS, CERTIFICATE_FIELDS], ids=["road", "certificate"])
@given(data=POSTED)
def test_the_casts_forms_validate_any_answers(fields, data):
    try:
        answers, _uploads = clean_answers(fields, data)
    except ValidationError:
        return
    # What validation accepts, the rest of the schema reads.
    assert all(key in {item["id"] for item in fields} for key in answers)
    display_answers(fields, answers)
    visible_fields(fields, answers)


@given(condition=CONDITION, answers=ANSWERS)
def test_a_condition_always_evaluates_to_a_boolean(condition, answers):
    assert evaluate_condition(condition, answers) in (True, False)
    fields = referenced_fields(condition)
    assert all(isinstance(field, str) for field in fields)


@given(condition=CONDITION)
def test_checking_any_condition_gives_a_list_of_messages(condition):
    errors = condition_errors(condition, CERTIFICATE_FIELDS, "Champ « x »")
    assert isinstance(errors, list) and all(isinstance(error, str) for error in errors)


@given(state=TEXT, role=st.one_of(st.none(), TEXT, st.sampled_from(["agent", "admin"])))
def test_the_default_workflow_answers_for_any_state_and_role(state, role):
    workflow = Workflow(default_workflow())
    assert workflow.state(state).code == state
    for transition in workflow.transitions_for(state, role):
        assert workflow.transition(state, transition.code) is transition


WORKFLOW = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {},
        optional={
            "initial": st.one_of(st.sampled_from(["new", "x"]), JSON),
            "states": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "code": st.one_of(st.sampled_from(["new", "done"]), JSON),
                            "label": JSON,
                            "category": st.one_of(
                                st.sampled_from(["new", "open", "waiting", "closed"]), JSON
                            ),
                            "colour": JSON,
                        },
                    ),
                    max_size=3,
                ),
                JSON,
            ),
            "transitions": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "code": JSON,
                            "from": st.one_of(st.just("*"), st.lists(TEXT, max_size=2), JSON),
                            "to": st.one_of(st.sampled_from(["new", "done"]), JSON),
                            "label": JSON,
                            "roles": JSON,
                            "comment_required": JSON,
                            "actions": JSON,
                        },
                    ),
                    max_size=3,
                ),
                JSON,
            ),
        },
    ),
)


@pytest.mark.django_db
@given(document=WORKFLOW)
def test_saving_any_workflow_raises_nothing_but_validation_errors(procedure_a, document):
    _only_validation_errors(
        lambda: update_procedure_workflow(procedure=procedure_a, workflow=document)
    )
