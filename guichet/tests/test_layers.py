"""The import direction between our apps, enforced: a layer imports only the layers under
it, never a door and never its own level. docs/architecture.md explains the layers."""

import ast
import pathlib

import guichet

# Lower numbers sit lower. Apps of one level never import each other.
LAYERS = {
    "lib": 0,
    "core": 0.5,
    "organization": 1,
    "catalog": 2,
    "cases": 3,
    "notify": 4,
    "accounts": 5,
    "appointments": 5,
    "stats": 5.5,
    "portal": 6,
    "backoffice": 6,
    "api": 6,
    "demo": 7,
}
ROOT = pathlib.Path(guichet.__file__).parent


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "guichet" and len(parts) > 1:
                yield parts[1], node.lineno


def production_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if len(relative.parts) < 2 or relative.parts[0] in ("tests", "locale"):
            continue
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield relative.parts[0], path


def test_every_app_has_a_layer():
    apps = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in ("tests",)
    }
    assert apps - set(LAYERS) == set(), "give the new app a level in LAYERS and the docs"


def test_imports_point_down():
    wrong = []
    for app, path in production_modules():
        for target, line in imported_apps(path):
            if target == app or target not in LAYERS:
                continue
            if LAYERS[target] >= LAYERS[app]:
                wrong.append(f"{path.relative_to(ROOT.parent)}:{line} {app} -> {target}")
    assert wrong == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from guichet.backoffice import views\nimport guichet.portal.views\n")
    assert list(imported_apps(module)) == [("backoffice", 1), ("portal", 2)]
