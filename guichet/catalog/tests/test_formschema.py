import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.catalog.formschema import FIELD_TYPES, clean_answers, display_answers

FIELDS = [
    {"id": "name", "type": "text", "label": "Nom", "required": True},
    {"id": "story", "type": "textarea", "label": "Récit"},
    {"id": "mail", "type": "email", "label": "E-mail"},
    {"id": "tel", "type": "phone", "label": "Téléphone"},
    {"id": "count", "type": "number", "label": "Nombre", "min": 1, "max": 5},
    {"id": "day", "type": "date", "label": "Jour"},
    {"id": "size", "type": "choice", "label": "Taille", "choices": ["S", "M"]},
    {"id": "tags", "type": "multichoice", "label": "Étiquettes", "choices": ["a", "b", "c"]},
    {"id": "ok", "type": "yesno", "label": "D'accord ?"},
    {"id": "doc", "type": "file", "label": "Document"},
]


def test_the_schema_covers_every_field_type():
    assert {field["type"] for field in FIELDS} == set(FIELD_TYPES)


def test_good_answers_come_back_as_json_values():
    answers, uploads = clean_answers(
        FIELDS,
        {
            "name": "Alice",
            "mail": "a@example.test",
            "tel": "+33 1 23 45 67 89",
            "count": "3",
            "day": "2026-12-25",
            "size": "M",
            "tags": ["a", "c"],
            "ok": "yes",
        },
        {"doc": SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )
    assert answers == {
        "name": "Alice",
        "mail": "a@example.test",
        "tel": "+33 1 23 45 67 89",
        "count": 3,
        "day": "2026-12-25",
        "size": "M",
        "tags": ["a", "c"],
        "ok": True,
    }
    assert [field_id for field_id, _upload in uploads] == ["doc"]


def test_stored_answers_validate_again():
    answers, _ = clean_answers(FIELDS, {"name": "Alice", "ok": False, "count": 2})
    assert (
        clean_answers(FIELDS, answers)[0] == answers == {"name": "Alice", "ok": False, "count": 2}
    )


@pytest.mark.parametrize(
    "field_id, value",
    [
        ("name", ""),
        ("mail", "not-an-address"),
        ("tel", "call me"),
        ("count", "9"),
        ("count", "three"),
        ("day", "2026-13-40"),
        ("size", "XL"),
        ("tags", ["z"]),
        ("ok", "maybe"),
    ],
)
def test_bad_answers_are_refused_on_their_field(field_id, value):
    data = {"name": "Alice", field_id: value}
    with pytest.raises(ValidationError) as error:
        clean_answers(FIELDS, data)
    assert field_id in error.value.message_dict


@pytest.mark.parametrize("name", ["virus.exe", "page.html"])
def test_dangerous_files_are_refused(name):
    upload = SimpleUploadedFile(name, b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as error:
        clean_answers(FIELDS, {"name": "Alice"}, {"doc": upload})
    assert "doc" in error.value.message_dict


def test_too_large_files_are_refused(settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 10
    upload = SimpleUploadedFile("scan.pdf", b"x" * 11, content_type="application/pdf")
    with pytest.raises(ValidationError):
        clean_answers(FIELDS, {"name": "Alice"}, {"doc": upload})


def test_display_answers_in_form_order_with_readable_values():
    rows = display_answers(FIELDS, {"ok": True, "name": "Alice", "tags": ["a", "b"], "gone": 1})
    assert rows == [("Nom", "Alice"), ("Étiquettes", "a, b"), ("D'accord ?", "Oui"), ("gone", "1")]
