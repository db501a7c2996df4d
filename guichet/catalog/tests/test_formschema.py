import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from guichet.catalog.formschema import (
    ANSWER_TYPES,
    FIELD_TYPES,
    LAYOUT_TYPES,
    clean_answers,
    display_answers,
    form_fields,
)
from guichet.conftest import image_bytes

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
    {"id": "place", "type": "address", "label": "Lieu"},
    {"id": "company", "type": "siret", "label": "SIRET"},
    {"id": "town", "type": "postal_commune", "label": "Commune"},
    {"id": "slot", "type": "slot", "label": "Rendez-vous", "meeting_type": 1},
]
LAYOUT = [
    {"id": "start", "type": "page", "label": "Début"},
    {"id": "part", "type": "section", "label": "Partie"},
    {"id": "note", "type": "info", "help": "À lire."},
]


def pdf(name="plan.pdf", size=8):
    return SimpleUploadedFile(name, b"%PDF-1.4"[:size].ljust(size, b"x"), "application/pdf")


def test_the_schema_covers_every_field_type():
    assert {field["type"] for field in FIELDS + LAYOUT} == set(FIELD_TYPES)
    assert set(ANSWER_TYPES) | set(LAYOUT_TYPES) == set(FIELD_TYPES)


def test_layout_items_have_no_form_field():
    assert set(form_fields(LAYOUT + FIELDS[:1])) == {"name"}


def test_good_answers_come_back_as_json_values():
    answers, uploads = clean_answers(
        FIELDS,
        {
            "name": "Alice",
            "mail": "A@Example.TEST",
            "tel": "+33 1 23 45 67 89",
            "count": "3",
            "day": "2026-12-25",
            "size": "M",
            "tags": ["a", "c"],
            "ok": "yes",
            "place": {"address": "3 rue des Écoles", "lat": "48.8566", "lng": 2.3522},
            "company": "732 829 320 00074",
            "town": {"postal_code": "20 000", "commune": " Ajaccio "},
        },
        {"doc": pdf()},
    )
    assert answers == {
        "name": "Alice",
        "mail": "a@example.test",
        "tel": "+33123456789",
        "count": 3,
        "day": "2026-12-25",
        "size": "M",
        "tags": ["a", "c"],
        "ok": True,
        "place": {"address": "3 rue des Écoles", "lat": 48.8566, "lng": 2.3522},
        "company": "73282932000074",
        "town": {"postal_code": "20000", "commune": "Ajaccio"},
    }
    assert [field_id for field_id, _upload in uploads] == ["doc"]


def test_form_input_is_read_as_the_widgets_post_it():
    data = MultiValueDict(
        {
            "name": ["Alice"],
            "tags": ["a", "b"],
            "place.address": ["Mairie"],
            "place.lat": [""],
            "place.lng": [""],
            "town.postal_code": ["75001"],
            "town.commune": ["Paris"],
        }
    )
    answers, _ = clean_answers(FIELDS, data)
    assert answers == {
        "name": "Alice",
        "tags": ["a", "b"],
        "place": {"address": "Mairie"},
        "town": {"postal_code": "75001", "commune": "Paris"},
    }


def test_stored_answers_validate_again():
    answers, _ = clean_answers(
        FIELDS,
        {
            "name": "Alice",
            "ok": False,
            "count": 2,
            "tel": "+32 2 123 45 67",
            "place": {"address": "Ici", "lat": 48.1, "lng": -1.5},
            "town": {"postal_code": "97400", "commune": "Saint-Denis"},
        },
    )
    assert clean_answers(FIELDS, answers)[0] == answers
    assert answers["tel"] == "+3221234567"


@pytest.mark.parametrize(
    "field_id, value",
    [
        ("name", ""),
        ("name", "x" * 501),
        ("mail", "not-an-address"),
        ("tel", "call me"),
        ("tel", "06 12 34 56 7"),
        ("tel", "+999 12345"),
        ("count", "9"),
        ("count", "0"),
        ("count", "three"),
        ("count", "1e999999"),
        ("count", "NaN"),
        ("day", "2026-13-40"),
        ("size", "XL"),
        ("tags", ["z"]),
        ("ok", "maybe"),
        ("place", {"address": "", "lat": 1, "lng": 2}),
        ("place", {"address": "Ici", "lat": 48}),
        ("place", {"address": "Ici", "lat": 91, "lng": 2}),
        ("place", {"address": "Ici", "lat": 45, "lng": 181}),
        ("place", {"address": "Ici", "lat": "nord", "lng": 2}),
        ("place", ["not", "an", "address"]),
        ("company", "73282932000075"),
        ("company", "7328293200007"),
        ("company", "ABCDEFGHIJKLMN"),
        ("company", "35600000010001"),
        ("town", {"postal_code": "7500", "commune": "Paris"}),
        ("town", {"postal_code": "00100", "commune": "Nulle part"}),
        ("town", {"postal_code": "99000", "commune": "Nulle part"}),
        ("town", {"postal_code": "2A000", "commune": "Ajaccio"}),
        ("town", {"postal_code": "75001", "commune": ""}),
        ("name", {"a": 1}),
    ],
)
def test_bad_answers_are_refused_on_their_field(field_id, value):
    data = {"name": "Alice", field_id: value}
    with pytest.raises(ValidationError) as error:
        clean_answers(FIELDS, data)
    assert list(error.value.message_dict) == [field_id]


@pytest.mark.parametrize(
    "value, stored",
    [
        ("01 23 45 67 89", "+33123456789"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("06.39.98.12.34", "+33639981234"),  # ARCEP's fiction range: possible, not allocated
        ("+44 20 7946 0958", "+442079460958"),
        ("+590 590 12 34 56", "+590590123456"),
    ],
)
def test_phone_numbers_are_stored_in_e164(value, stored):
    fields = [{"id": "tel", "type": "phone"}]
    assert clean_answers(fields, {"tel": value})[0] == {"tel": stored}


@pytest.mark.parametrize(
    "siret",
    ["73282932000074", "356 000 000 00048", "35600000010000"],  # the last: La Poste's rule
)
def test_sirets_with_their_checksum_are_accepted(siret):
    assert clean_answers([{"id": "s", "type": "siret"}], {"s": siret})[0]["s"].isdigit()


def test_number_options():
    fields = [
        {"id": "whole", "type": "number", "integer": True, "min": -3},
        {"id": "part", "type": "number", "max": 2.5},
    ]
    assert clean_answers(fields, {"whole": "-2", "part": "2,5"})[0] == {"whole": -2, "part": 2.5}
    assert clean_answers(fields, {"whole": "1 000"})[0] == {"whole": 1000}
    for data in ({"whole": "1.5"}, {"whole": "-4"}, {"part": "2.6"}):
        with pytest.raises(ValidationError):
            clean_answers(fields, data)


def test_date_bounds():
    fields = [{"id": "day", "type": "date", "min": "2026-01-01", "max": "2026-12-31"}]
    assert clean_answers(fields, {"day": "2026-06-30"})[0] == {"day": "2026-06-30"}
    assert clean_answers(fields, {"day": "30/06/2026"})[0] == {"day": "2026-06-30"}
    for day in ("2025-12-31", "2027-01-01"):
        with pytest.raises(ValidationError) as error:
            clean_answers(fields, {"day": day})
        assert "2026" in error.value.messages[0]


def test_text_options():
    fields = [
        {
            "id": "plate",
            "type": "text",
            "max_length": 9,
            "pattern": "[A-Z]{2}-[0-9]{3}-[A-Z]{2}",
            "pattern_message": "Une immatriculation comme AB-123-CD.",
            "placeholder": "AB-123-CD",
        }
    ]
    assert clean_answers(fields, {"plate": "AB-123-CD"})[0] == {"plate": "AB-123-CD"}
    for value in ("AB-123-CDX", "xAB-123-CD", "ab-123-cd"):
        with pytest.raises(ValidationError) as error:
            clean_answers(fields, {"plate": value})
    assert error.value.message_dict == {"plate": ["Une immatriculation comme AB-123-CD."]}
    with pytest.raises(ValidationError):
        clean_answers([{"id": "t", "type": "textarea", "max_length": 5}], {"t": "123456"})
    widget = form_fields(fields)["plate"].widget
    assert widget.attrs["placeholder"] == "AB-123-CD"


def test_a_choice_may_be_radio_buttons():
    radio = form_fields([{"id": "c", "type": "choice", "choices": ["x"], "widget": "radio"}])
    select = form_fields([{"id": "c", "type": "choice", "choices": ["x"]}])
    assert radio["c"].widget.input_type == "radio"
    assert select["c"].widget.input_type == "select"


def test_the_address_point_is_optional_and_the_address_required_when_the_field_is():
    fields = [{"id": "place", "type": "address", "required": True}]
    assert clean_answers(fields, {"place": "Place de la Mairie"})[0] == {
        "place": {"address": "Place de la Mairie"}
    }
    with pytest.raises(ValidationError):
        clean_answers(fields, {"place": {"address": "", "lat": "", "lng": ""}})


# --- Files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["virus.exe", "page.html"])
def test_dangerous_files_are_refused(name):
    upload = SimpleUploadedFile(name, b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as error:
        clean_answers(FIELDS, {"name": "Alice"}, {"doc": upload})
    assert "doc" in error.value.message_dict


def test_too_large_files_are_refused(settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 10
    with pytest.raises(ValidationError):
        clean_answers(FIELDS, {"name": "Alice"}, {"doc": pdf(size=11)})


def test_a_file_field_narrows_the_extensions_the_size_and_counts_the_files():
    fields = [
        {"id": "photos", "type": "file", "extensions": ["jpg", "png"], "max_size": 5000},
        {"id": "scans", "type": "file", "max_count": 2, "required": True},
    ]
    photo = SimpleUploadedFile("a.jpg", image_bytes("JPEG"), "image/jpeg")
    files = MultiValueDict({"photos": [photo], "scans": [pdf("1.pdf"), pdf("2.pdf")]})
    _answers, uploads = clean_answers(fields, {}, files)
    assert [(field_id, upload.name) for field_id, upload in uploads] == [
        ("photos", "a.jpg"),
        ("scans", "1.pdf"),
        ("scans", "2.pdf"),
    ]
    bad = [
        ({"photos": [pdf()], "scans": [pdf()]}, "photos"),  # pdf not allowed here
        ({"photos": [SimpleUploadedFile("b.png", b"x" * 5001)], "scans": [pdf()]}, "photos"),
        ({"scans": [pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf")]}, "scans"),  # three files
        ({}, "scans"),  # required
    ]
    for posted, field_id in bad:
        with pytest.raises(ValidationError) as error:
            clean_answers(fields, {}, MultiValueDict(posted))
        assert list(error.value.message_dict) == [field_id]
    widget = form_fields(fields)["scans"].widget
    assert widget.attrs["multiple"] and widget.attrs["accept"].startswith(".pdf,")


# --- Display -------------------------------------------------------------------------------


def test_display_answers_in_form_order_with_readable_values():
    rows = display_answers(FIELDS, {"ok": True, "name": "Alice", "tags": ["a", "b"], "gone": 1})
    assert rows == [("Nom", "Alice"), ("Étiquettes", "a, b"), ("D'accord ?", "Oui"), ("gone", "1")]


def test_display_answers_of_every_type():
    answers = {
        "tel": "+33123456789",
        "count": 2.5,
        "day": "2026-12-25",
        "place": {"address": "3 rue des Écoles", "lat": 48.8566, "lng": 2.3522},
        "company": "73282932000074",
        "town": {"postal_code": "20000", "commune": "Ajaccio"},
    }
    assert dict(display_answers(FIELDS + LAYOUT, answers)) == {
        "Téléphone": "01 23 45 67 89",
        "Nombre": "2,5",
        "Jour": "25 décembre 2026",
        "Lieu": "3 rue des Écoles (latitude 48.8566, longitude 2.3522)",
        "SIRET": "732 829 320 00074",
        "Commune": "20000 Ajaccio",
    }
    foreign = display_answers(FIELDS, {"tel": "+442079460958", "place": {"address": "Ici"}})
    assert foreign == [("Téléphone", "+44 20 7946 0958"), ("Lieu", "Ici")]


def test_composite_fields_say_which_part_is_missing():
    fields = [
        {"id": "place", "type": "address", "required": True},
        {"id": "town", "type": "postal_commune", "required": True},
    ]
    data = {"place": {"lat": 48.1, "lng": 2.3}, "town": {"postal_code": "75001"}}
    with pytest.raises(ValidationError) as error:
        clean_answers(fields, data)
    assert error.value.message_dict == {
        "place": ["Indiquez l'adresse."],
        "town": ["Indiquez le nom de la commune."],
    }
