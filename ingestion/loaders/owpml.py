"""Hancom documents (HWPX, and HWP 5 converted to the same model) as located sections.

python-hwpx gives both formats one model: OWPML (KS X 6101), the XML inside an HWPX package, into
which it converts an HWP 5 file's records on opening. This module only reads that model:

- one OWPML section (`Contents/sectionN.xml`, HWP 5's `BodyText/SectionN`, Hancom's 구역) after
  another, located as "section N" (counted from 1, as Hancom's status bar does);
- headings: paragraphs whose paragraph shape is an outline level (개요 1–3) or whose style is named
  as one, and Korean statute divisions written as plain text (`statute_headings`). The section is
  the root of the heading path, "§ section 1 > 제2장 제공 절차 > 제5조(제공 기한)", so the locator
  keeps the shape every document locator has ("§ " + path, its last part the heading, which the
  composer reads). Each section starts a new path: Hancom users start one for an annex (별표) or a
  landscape table more often than in the middle of an article, so text before a section's first
  heading is located as just "section N" rather than under the previous section's last article;
- tables as one line per row, cells joined by " | "; text boxes and foot/endnotes after their
  paragraph; page headers and footers left out (they repeat on every page).

No page numbers: neither format records which page a paragraph is on. `pageBreak="1"` marks only the
breaks the author forced, not the ones the layout makes, and the line layout some files carry is a
cache that other writers fill with estimates. A "p. N" computed from either would often be wrong.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from assistant.models import LoadedSource, Section
from ingestion.loaders.common import SourceDefaults, document_source
from ingestion.loaders.metadata import DocumentMetadata, read_sidecar
from ingestion.loaders.sections import Block, sections_from_blocks
from ingestion.loaders.statute_headings import ARTICLE_LEVEL, statute_heading

if TYPE_CHECKING:
    from hwpx import HwpxDocument

# Outline levels deeper than this are list items in practice (개조식 □ ○ - bullets), not sections.
_MAX_OUTLINE_LEVEL = 3
_OUTLINE_STYLE = re.compile(r"^(?:개요|outline|제목|heading)\s*(\d{1,2})$", re.IGNORECASE)
# An outline paragraph that reads as a sentence is body text set in an outline style.
_HEADING_MAX_CHARS = 100
_SENTENCE = re.compile(r"[가-힣A-Za-z)][.!?](?:\s|$)")
# Objects whose text is not part of the body: page headers/footers, the section's page setup.
_SKIPPED_OBJECTS = {"header", "footer", "secPr", "masterPage"}
_INLINE_TEXT = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}


def document_title(document: HwpxDocument) -> str | None:
    """The title in the package metadata (an HWP file's summary information is converted into it)."""
    metadata = document.parts.metadata
    title = (metadata.title or "").strip() if metadata is not None else ""
    return title or None


def section_blocks(document: HwpxDocument) -> list[list[Block]]:
    """Headings and paragraphs of each OWPML section, in document order."""
    levels = _HeadingLevels(document)
    return [_blocks_of_section(section.element, levels) for section in document.sections]


def hancom_document_source(
    path: Path, root: Path, defaults: SourceDefaults, package_title: str | None, blocks: list[list[Block]]
) -> LoadedSource:
    """The document's source: sidecar metadata over the package's; without a title in either, a level-1
    heading that opens the document, then the file name. (A later level-1 heading, such as an annex,
    names a part of the document, not the whole; a chapter 제1장 is not level 1.)"""
    metadata = DocumentMetadata().overridden_by(read_sidecar(path))
    first = next((block for section in blocks for block in section), None)
    title = package_title or (first.text if first is not None and first.heading_level == 1 else None)
    sections = located_sections(blocks, metadata.title or title)
    return document_source(path, root, defaults, metadata, sections, title)


def located_sections(blocks_by_section: list[list[Block]], title: str | None) -> list[Section]:
    located: list[Section] = []
    for number, blocks in enumerate(blocks_by_section, start=1):
        for section in sections_from_blocks(blocks, title):
            path = section.locator.removeprefix("§ ")
            locator = f"§ section {number} > {path}" if path else f"section {number}"
            located.append(Section(text=section.text, locator=locator))
    return located


class _HeadingLevels:
    """Outline levels by paragraph shape and by style id, read once from the document's header."""

    def __init__(self, document: HwpxDocument) -> None:
        self.by_paragraph_shape: dict[str, int] = {}
        self.by_style: dict[str, int] = {}
        headers = document.parts.headers
        if not headers:
            return
        for key, shape in headers[0].paragraph_properties.items():
            heading = shape.heading
            if heading is not None and heading.type == "OUTLINE" and heading.level is not None:
                self.by_paragraph_shape[key] = heading.level + 1  # OWPML counts outline levels from 0
        for key, style in headers[0].styles.items():
            for name in (style.name, style.eng_name):
                match = _OUTLINE_STYLE.match((name or "").strip())
                if match:
                    self.by_style[key] = int(match.group(1))

    def of(self, paragraph: Any) -> int:
        level = self.by_paragraph_shape.get(paragraph.get("paraPrIDRef") or "") or self.by_style.get(
            paragraph.get("styleIDRef") or "", 0
        )
        return level if level <= _MAX_OUTLINE_LEVEL else 0


def _blocks_of_section(section: Any, levels: _HeadingLevels) -> list[Block]:
    blocks: list[Block] = []
    in_article = False
    for paragraph in _children(section, "p"):
        # Inside a statute article, outline-styled paragraphs are its numbered clauses (1. 가. 1)),
        # not sections; the next chapter (or the next OWPML section, where annexes usually start) ends it.
        for block in _paragraph_blocks(paragraph, levels, outline_headings=not in_article):
            blocks.append(block)
            if block.heading_level:
                in_article = block.heading_level == ARTICLE_LEVEL
    return blocks


def _paragraph_blocks(paragraph: Any, levels: _HeadingLevels, outline_headings: bool = True) -> list[Block]:
    """The paragraph's own text (as a heading or body), then the text of what it holds."""
    pieces: list[str] = []
    held: list[Block] = []
    for run in _children(paragraph, "run"):
        for child in run:
            if _name(child) == "t":
                pieces.append(_text_of(child))
            else:
                held.extend(_object_blocks(child, levels))
    text = "\n".join(line.strip() for line in "".join(pieces).splitlines() if line.strip())
    if not text:
        return held
    if statute := statute_heading(text):
        heading = [Block(statute.heading, statute.level)]
        return [*heading, Block(statute.rest), *held] if statute.rest else [*heading, *held]
    level = levels.of(paragraph) if outline_headings else 0
    if level and len(text) <= _HEADING_MAX_CHARS and "\n" not in text and not _SENTENCE.search(text):
        return [Block(text, level), *held]
    return [Block(text), *held]


def _object_blocks(element: Any, levels: _HeadingLevels) -> list[Block]:
    """Text held by an object in a run: a table, or the paragraphs of a text box or note."""
    name = _name(element)
    if name in _SKIPPED_OBJECTS:
        return []
    if name == "tbl":
        table = _table_text(element, levels)
        return [Block(table)] if table else []
    if name == "subList":
        return [
            Block(block.text)  # a heading inside a box or note does not open a document section
            for paragraph in _children(element, "p")
            for block in _paragraph_blocks(paragraph, levels)
        ]
    return [block for child in element for block in _object_blocks(child, levels)]


def _table_text(table: Any, levels: _HeadingLevels) -> str:
    """One line per row, cells joined by ' | '; a merged cell appears once, in its first row."""
    lines = []
    for row in _children(table, "tr"):
        cells = []
        for cell in _children(row, "tc"):
            held = [block for part in _children(cell, "subList") for block in _object_blocks(part, levels)]
            text = " ".join(" ".join(block.text for block in held).replace("|", " ").split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _text_of(element: Any) -> str:
    """An `hp:t`'s characters, with its inline tabs and line breaks. Text deleted under track changes
    is still in the XML between its marks, and is read like the rest."""
    parts = [element.text or ""]
    for child in element:
        parts.append(_INLINE_TEXT.get(_name(child), ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _name(child) == name]


def _name(element: Any) -> str:
    # Comments and processing instructions have a non-string tag; OWPML namespaces differ by version
    # (Hancom's 2011 URIs, the standard's 2024 ones), so elements are matched by local name.
    return etree.QName(element).localname if isinstance(element.tag, str) else ""
