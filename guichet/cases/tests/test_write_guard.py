"""Proof that case rows are written by the domain actions only (see guichet/conftest.py)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
GUARDED = {"Case", "CaseEvent", "Message", "Attachment", "ExternalDemand", "ExternalDemandUpdate"}
WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create"}
WRITES |= {"update_or_create", "save"}


def _root_name(node):
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _modules_outside_the_domain():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        parts = relative.parts
        if parts[0] == "cases" or "migrations" in parts or "tests" in parts:
            continue
        if relative.name == "conftest.py":
            continue
        yield relative, path


def test_no_module_outside_the_domain_writes_case_rows_through_a_manager():
    offenders = []
    for relative, path in _modules_outside_the_domain():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
                and _root_name(node.func.value) in GUARDED
            ):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_the_scan_sees_the_files_it_must_check():
    scanned = {str(relative) for relative, _path in _modules_outside_the_domain()}
    assert "notify/handlers.py" in scanned and "settings.py" in scanned


@pytest.mark.django_db
def test_a_save_outside_the_actions_is_caught(case_a):
    case_a.state = "accepted"
    with pytest.raises(AssertionError, match=r"outside the domain actions \(guichet/cases/\)"):
        case_a.save()
