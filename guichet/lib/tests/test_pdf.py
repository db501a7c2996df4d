"""PDF documents: archivable (PDF/A-2a), tagged (PDF/UA-1), the letterhead, the text safe."""

import base64
import datetime
import io

import pypdf

from guichet.lib.pdf import Letter, Section, Table, render_pdf
from guichet.lib.tests.pdfcheck import assert_archivable_and_tagged, pdf_text

AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def letter(**changes) -> Letter:
    values = {
        "title": "Accusé de réception",
        "language": "fr",
        "organization": "Ville de Démoville",
        "organization_lines": ["1 place de la Mairie", "12345 Démoville"],
        "meta": ["Le 2 mars 2026"],
        "sections": [Section("Délai", ["Votre demande a été reçue."])],
        "footer": "Ville de Démoville · mairie@example.test",
    }
    return Letter(**{**values, **changes})


def test_it_is_archivable_and_tagged_with_its_language_and_title():
    content = render_pdf(letter(), at=AT)
    assert content.startswith(b"%PDF-")
    assert_archivable_and_tagged(content, title="Accusé de réception", language="fr")
    english = render_pdf(letter(title="Acknowledgement of receipt", language="en"), at=AT)
    assert_archivable_and_tagged(english, title="Acknowledgement of receipt", language="en")


def test_it_carries_the_letterhead_the_sections_and_the_footer():
    text = pdf_text(render_pdf(letter(), at=AT))
    for expected in (
        "Ville de Démoville",
        "1 place de la Mairie",
        "12345 Démoville",
        "Le 2 mars 2026",
        "Délai",
        "Votre demande a été reçue.",
        "Ville de Démoville · mairie@example.test",
    ):
        assert expected in text


def test_the_logo_has_the_organization_name_as_its_alternative_text():
    content = render_pdf(letter(logo=PNG, logo_suffix=".png"), at=AT)
    assert_archivable_and_tagged(content, title="Accusé de réception", language="fr")
    reader = pypdf.PdfReader(io.BytesIO(content))
    figures = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure":
                figures.append(node.get("/Alt"))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert figures == ["Ville de Démoville"]


def test_words_are_text_never_markup():
    content = render_pdf(
        letter(sections=[Section("", ["#strong[x] *y* $z$ <a> @b", "tab\there\x07"])]), at=AT
    )
    text = pdf_text(content)
    assert "#strong[x] *y* $z$ <a> @b" in text and "tab here" in text


def test_the_same_letter_at_the_same_moment_gives_the_same_bytes():
    assert render_pdf(letter(), at=AT) == render_pdf(letter(), at=AT)


def structure_types(content: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_tables_are_tagged_with_their_header_cells_and_caption():
    table = Table("Chiffres clés", ["Indicateur", "Juin", "Mai"], [["Reçues", "12", "9"], ["x"]])
    content = render_pdf(letter(sections=[Section("Chiffres", [], [table])]), at=AT)
    assert_archivable_and_tagged(content, title="Accusé de réception", language="fr")
    text = pdf_text(content)
    assert "Chiffres clés" in text and "Indicateur Juin Mai Reçues 12 9" in text
    kinds = structure_types(content)
    assert "/Table" in kinds and kinds.count("/TH") == 3 and "/Caption" in kinds
