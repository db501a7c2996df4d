"""Reads a PDF back for the tests: its text, and what makes it an archivable, tagged
document (PDF/A identification in the XMP metadata, structure tree, language, title)."""

import io
import re

import pypdf


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    # One space for any run of whitespace: a line break may fall inside a sentence.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def assert_archivable_and_tagged(content: bytes, *, title: str, language: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert "/StructTreeRoot" in root and root["/StructTreeRoot"].get_object()["/K"]
    assert root["/Lang"] == language
    assert reader.metadata.title == title
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xmp)
    assert re.search(r"<pdfaid:conformance>A</pdfaid:conformance>", xmp)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp.replace("&apos;", "'")
    # PDF/A wants every font embedded.
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            if descendant is not None:
                font = descendant[0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def structure_alternatives(content: bytes) -> list[tuple[str, str]]:
    """The (structure type, alternative text) of every element of the structure tree that
    has an /Alt: what a screen reader says for a figure."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if isinstance(node, pypdf.generic.IndirectObject):
            node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        if "/Alt" in node:
            found.append((str(node.get("/S", "")), str(node["/Alt"])))
        if "/K" in node:
            stack.append(node["/K"])
    return found
