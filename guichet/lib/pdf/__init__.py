"""PDF documents that archivists and screen readers can keep: PDF/A-2a and PDF/UA-1, tagged
(structure tree, language, title), with embedded free fonts (the ones Typst ships in its
wheel), typeset by Typst from `letter.typ`.

Knows nothing of Django models: callers pass plain strings. The text is handed to Typst as
JSON data, never spliced into its markup, so no answer or comment can change the document.
"""

import datetime
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import typst

TEMPLATE = Path(__file__).with_name("letter.typ")
# PDF/A-2 level A (accessible) and PDF/UA-1: for archiving and for screen readers.
STANDARDS = ["a-2a", "ua-1"]
LOGO_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


@dataclass
class Table:
    """A table of text cells with its caption and a header row (tagged as header cells, so
    that a screen reader names each cell's column)."""

    caption: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Chart:
    """A horizontal bar chart: one bar per (label, value, value as written), with its
    caption. The bars are drawn shapes (artifacts for a screen reader); the labels and
    values stay text, and `alt` says the whole chart in words."""

    caption: str
    bars: list[tuple[str, float, str]] = field(default_factory=list)
    alt: str = ""


@dataclass
class Section:
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Drawn before the tables.
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Letter:
    """A document: the organization's letterhead (`organization`, then its address and
    contact `lines`), small `meta` lines (date, reference), a title, sections, a footer.

    With `recipient` lines (a name, then a postal address), it is a letter to post: the
    address sits where a French window envelope (DL, window on the right) shows it, under a
    small `sender` line, the return address."""

    title: str
    language: str
    organization: str
    organization_lines: list[str] = field(default_factory=list)
    meta: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    footer: str = ""
    logo: bytes = b""
    logo_suffix: str = ""
    recipient: list[str] = field(default_factory=list)
    sender: str = ""


def _clean(text: str) -> str:
    # Typst's text takes no control characters but newlines; tabs become spaces.
    return "".join(c if c >= " " or c == "\n" else " " for c in str(text or ""))


def _table(table: Table) -> dict:
    width = len(table.headers)
    rows = [[_clean(cell) for cell in row][:width] for row in table.rows]
    return {
        "caption": _clean(table.caption),
        "headers": [_clean(header) for header in table.headers],
        "rows": [row + [""] * (width - len(row)) for row in rows],
    }


def _chart(chart: Chart) -> dict:
    bars = [
        {"label": _clean(label), "value": max(0.0, float(value)), "text": _clean(text)}
        for label, value, text in chart.bars
    ]
    alt = chart.alt or "; ".join(f"{bar['label']} : {bar['text']}" for bar in bars)
    return {
        "caption": _clean(chart.caption),
        "alt": _clean(f"{chart.caption}. {alt}" if alt else chart.caption),
        "bars": bars,
        "max": max((bar["value"] for bar in bars), default=0.0),
    }


def render_pdf(letter: Letter, *, at: datetime.datetime) -> bytes:
    """The letter as PDF bytes; the same letter at the same moment gives the same bytes
    (the document is reproducible from the journal)."""
    with tempfile.TemporaryDirectory(prefix="guichet-pdf-") as folder:
        root = Path(folder)
        shutil.copyfile(TEMPLATE, root / "letter.typ")
        logo = ""
        suffix = (letter.logo_suffix or "").lower()
        if letter.logo and suffix in LOGO_SUFFIXES:
            logo = "logo" + suffix
            (root / logo).write_bytes(letter.logo)
        data = {
            "title": _clean(letter.title),
            "language": (letter.language or "fr")[:2],
            "organization": {
                "name": _clean(letter.organization),
                "lines": [_clean(line) for line in letter.organization_lines if line],
            },
            "meta": [_clean(line) for line in letter.meta if line],
            "sections": [
                {
                    "heading": _clean(section.heading),
                    "paragraphs": [_clean(p) for p in section.paragraphs if str(p).strip()],
                    "tables": [_table(table) for table in section.tables],
                    "charts": [_chart(chart) for chart in section.charts if chart.bars],
                }
                for section in letter.sections
            ],
            "footer": _clean(letter.footer),
            "recipient": [_clean(line) for line in letter.recipient if str(line).strip()],
            "sender": _clean(letter.sender),
            "logo": logo,
        }
        return typst.compile(
            str(root / "letter.typ"),
            root=str(root),
            sys_inputs={"data": json.dumps(data)},
            pdf_standards=STANDARDS,
            ignore_system_fonts=True,
            timestamp=int(at.timestamp()),
        )
