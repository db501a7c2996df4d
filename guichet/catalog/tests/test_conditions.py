"""The conditions routing rules read (docs/procedures.md, "Conditions")."""

import pytest

from guichet.catalog.conditions import evaluate_condition

ANSWERS = {
    "kind": "Éclairage",
    "notes": "Lampadaire éteint depuis lundi",
    "count": 4,
    "day": "2025-03-14",
    "urgent": False,
    "tags": ["nuit", "carrefour"],
    "blank": "",
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "kind", "op": "equals", "value": "Éclairage"}, True),
        ({"field": "kind", "op": "equals", "value": "éclairage"}, False),
        ({"field": "kind", "op": "differs", "value": "Voirie"}, True),
        ({"field": "count", "op": "equals", "value": 4}, True),
        ({"field": "count", "op": "equals", "value": "4"}, True),
        ({"field": "urgent", "op": "equals", "value": False}, True),
        ({"field": "urgent", "op": "equals", "value": 0}, False),
        ({"field": "notes", "op": "contains", "value": "éteint"}, True),
        ({"field": "tags", "op": "contains", "value": "nuit"}, True),
        ({"field": "tags", "op": "contains", "value": "jour"}, False),
        ({"field": "count", "op": "gt", "value": 3}, True),
        ({"field": "count", "op": "lt", "value": 3}, False),
        ({"field": "day", "op": "gt", "value": "2025-01-01"}, True),
        ({"field": "day", "op": "lt", "value": "2025-01-01"}, False),
        ({"field": "kind", "op": "gt", "value": 3}, False),
        ({"field": "count", "op": "contains", "value": 4}, False),
        ({"field": "blank", "op": "empty"}, True),
        ({"field": "missing", "op": "empty"}, True),
        ({"field": "tags", "op": "not_empty"}, True),
        ({"field": "missing", "op": "equals", "value": None}, True),
        ({"field": "kind", "op": "unknown", "value": 1}, False),
        ({"all": []}, True),
        ({"any": []}, False),
        (
            {
                "any": [
                    {"field": "kind", "op": "equals", "value": "Voirie"},
                    {
                        "all": [
                            {"field": "count", "op": "gt", "value": 3},
                            {"field": "notes", "op": "not_empty"},
                        ]
                    },
                ]
            },
            True,
        ),
        (
            {
                "all": [
                    {"field": "count", "op": "gt", "value": 3},
                    {"field": "urgent", "op": "equals", "value": True},
                ]
            },
            False,
        ),
        (None, True),
        ("kind", False),
        ({"all": "kind"}, False),
        # A field named by something else than a text (found by the fuzzer): read as missing.
        ({"field": [], "op": "empty"}, True),
        ({"field": {"a": 1}, "op": "equals", "value": 1}, False),
    ],
)
def test_conditions(condition, expected):
    assert evaluate_condition(condition, ANSWERS) is expected
