"""Word documents: sections at Heading 1–3 paragraphs (English or Korean style names), tables included."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.models import LoadedSource
from ingestion.loaders.common import SourceDefaults, document_source, ingest_failed
from ingestion.loaders.metadata import DocumentMetadata, read_sidecar
from ingestion.loaders.sections import Block, sections_from_blocks

# Korean Word names the built-in heading styles "제목 1", "제목 2", ...
_HEADING_STYLE = re.compile(r"^(?:Heading|제목)\s*(\d)?\s*$", re.IGNORECASE)
_MAX_SECTION_LEVEL = 3


def load_docx(path: Path, root: Path, defaults: SourceDefaults) -> LoadedSource:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ingest_failed(path, f"corrupt or unreadable DOCX ({type(error).__name__})") from error
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                blocks.append(Block(text, _heading_level(item)))
        elif isinstance(item, Table):
            table_text = _table_text(item)
            if table_text:
                blocks.append(Block(table_text))
    first_h1 = next((block.text for block in blocks if block.heading_level == 1), None)
    title = (document.core_properties.title or "").strip() or first_h1
    metadata = DocumentMetadata().overridden_by(read_sidecar(path))
    sections = sections_from_blocks(blocks, metadata.title or title)
    return document_source(path, root, defaults, metadata, sections, title)


def _heading_level(paragraph: Paragraph) -> int:
    style_name = paragraph.style.name if paragraph.style is not None and paragraph.style.name else ""
    match = _HEADING_STYLE.match(style_name)
    if match is None:
        return 0
    level = int(match.group(1) or 1)
    return level if level <= _MAX_SECTION_LEVEL else 0


def _table_text(table: Table) -> str:
    """One line per row, cells joined by ' | '; merged cells repeat in python-docx, so dedupe them."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)
