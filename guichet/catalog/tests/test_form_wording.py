"""The wording of the citizens' forms: file sizes in Mo / Ko, the rules of a file field
stated once, "Choisir…" as the empty choice."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from guichet.catalog import formschema
from guichet.catalog.formschema import form_field, validate_upload
from guichet.demo import data as demo
from guichet.portal.forms import MessageForm


@pytest.mark.parametrize(
    ("size", "french", "english"),
    [
        (10 * 1024 * 1024, "10 Mo", "10 MB"),
        (1536 * 1024, "1,5 Mo", "1.5 MB"),
        (500 * 1024, "500 Ko", "500 KB"),
        (900, "900 octets", "900 bytes"),
        (1, "1 octet", "1 byte"),
        (2 * 1024**3, "2 Go", "2 GB"),
    ],
)
def test_file_sizes_read_as_people_write_them(size, french, english):
    from guichet.lib.sizes import human_size

    with translation.override("fr"):
        assert human_size(size) == french
    with translation.override("en"):
        assert human_size(size) == english


def test_a_file_field_states_its_rules_once_in_french_units(settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    with translation.override("fr"):
        help_text = form_field({"id": "doc", "type": "file", "extensions": ["pdf", "jpg", "jpeg"]})
        help_text = help_text.help_text
    assert help_text == "Formats acceptés : PDF, JPEG. 10 Mo au plus par fichier."


def test_the_size_error_uses_the_same_units(settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    upload = SimpleUploadedFile("plan.pdf", b"x" * 2048, "application/pdf")
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        validate_upload(upload, max_size=1024)
    assert caught.value.messages == ["Le fichier dépasse la taille maximale de 1 Ko."]


def test_the_demo_file_fields_state_their_rules_only_once():
    for kind, fields in demo.FIELDS.items():
        for item in fields:
            if item.get("type") != "file":
                continue
            with translation.override("fr"):
                text = str(form_field(item).help_text)
            assert text.count("Mo") == 1, (kind, text)
            assert "Mio" not in text
            assert text.count("PNG") <= 1, (kind, text)


def test_the_message_attachment_states_the_same_rules_as_the_forms(settings):
    with translation.override("fr"):
        assert MessageForm().fields["attachment"].help_text == (
            "Facultatif. " + formschema.upload_rules(*formschema.upload_limits())
        )
        assert "Mio" not in MessageForm().fields["attachment"].help_text


def test_an_empty_list_says_choose():
    item = {"id": "size", "type": "choice", "label": "Taille", "choices": ["S", "M"]}
    with translation.override("fr"):
        html = form_field(item).widget.render("size", None)
    assert '<option value="" selected>Choisir…</option>' in html
    assert "---------" not in html
    with translation.override("en"):
        assert "Choose…" in form_field(item).widget.render("size", None)
