"""The interface is written in French (the msgids); the English catalogue must be complete, and
the French one must give every plural message its French forms (singular for 0 and 1)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
FRENCH = PACKAGE / "locale" / "fr" / "LC_MESSAGES"


def _entries(po_text: str) -> list[dict]:
    """Parses a .po file into entries (msgctxt, msgid, msgstr[...], flags)."""
    entries, current, field = [], None, None
    for line in po_text.splitlines() + [""]:
        if not line.strip():
            if current is not None:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"flags": "", "msgctxt": "", "msgid": "", "msgid_plural": "", "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) "(.*)"$', line)
            if match:
                key, index, text = match.groups()
                field = ("msgstr", int(index or 0)) if key.startswith("msgstr") else (key, None)
            else:
                text = re.match(r'^"(.*)"$', line).group(1)
            name, index = field
            if name == "msgstr":
                current["msgstr"][index] = current["msgstr"].get(index, "") + text
            else:
                current[name] += text
    return [entry for entry in entries if entry["msgid"]]


def _catalogue(name: str) -> list[dict]:
    return _entries((CATALOGUE / name).read_text())


def _need_gettext():
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return
    if os.environ.get("CI"):
        pytest.fail("GNU gettext is required in CI (apt-get install gettext)")
    pytest.skip("GNU gettext is not installed (apt-get install gettext)")


def test_every_english_entry_is_translated():
    untranslated = [
        entry["msgid"]
        for entry in _catalogue("django.po")
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"].values()) or not entry["msgstr"]
    ]
    assert untranslated == []


def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extracts the strings of the current code and checks the committed catalogue has them."""
    _need_gettext()
    copy = tmp_path / "guichet"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests", "node_modules")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "en",
            "--no-obsolete",
            "--ignore",
            "tests/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "PYTHONPATH": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "guichet.settings",
        },
    )
    extracted = _entries((copy / "locale/en/LC_MESSAGES/django.po").read_text())
    committed = {(entry["msgctxt"], entry["msgid"]) for entry in _catalogue("django.po")}
    missing = sorted(
        entry["msgid"] for entry in extracted if (entry["msgctxt"], entry["msgid"]) not in committed
    )
    assert missing == [], "run `make messages` and translate the new strings"

    french = {
        (entry["msgctxt"], entry["msgid"]): entry
        for entry in _entries((FRENCH / "django.po").read_text())
    }
    plurals = [entry for entry in extracted if entry["msgid_plural"]]
    assert plurals, "the code has plural messages"
    wrong = [
        entry["msgid"]
        for entry in plurals
        if french.get((entry["msgctxt"], entry["msgid"]), {}).get("msgstr")
        != {0: entry["msgid"], 1: entry["msgid_plural"]}
    ]
    assert wrong == [], "run `make messages`: the French catalogue lacks these plurals"


@pytest.mark.parametrize("folder", [CATALOGUE, FRENCH], ids=["en", "fr"])
def test_the_compiled_catalogue_is_up_to_date(tmp_path, folder):
    _need_gettext()
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(folder / "django.po")], check=True
    )
    assert compiled.read_bytes() == (folder / "django.mo").read_bytes(), "run `make messages`"


def test_the_french_catalogue_holds_plurals_only():
    entries = _entries((FRENCH / "django.po").read_text())
    assert entries and all(entry["msgid_plural"] for entry in entries)
    header = (FRENCH / "django.po").read_text()
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in header


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 usager trouvé"), (1, "1 usager trouvé"), (2, "2 usagers trouvés")],
)
def test_french_takes_the_singular_for_zero_and_one(count, expected):
    from django.template import engines
    from django.utils import translation

    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate count counter=n trimmed %}{{ counter }} usager trouvé"
        "{% plural %}{{ counter }} usagers trouvés{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert template.render({"n": count}) == expected
    with translation.override("en"):
        assert template.render({"n": 0}) == "0 citizens found"  # English: plural for 0
