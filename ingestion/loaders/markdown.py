"""Markdown documents: front matter, heading sections, and HTML bodies made readable.

Korean statutes exported from law.go.kr put articles under `#####` headings ("##### 제27조 (...)");
every heading level is a section boundary, and the locator keeps the last two levels of the path.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.models import LoadedSource
from ingestion.encoding import read_text
from ingestion.loaders.common import SourceDefaults, document_source
from ingestion.loaders.html import html_to_blocks
from ingestion.loaders.metadata import read_sidecar, split_front_matter
from ingestion.loaders.sections import Block, sections_from_blocks

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")


def load_markdown(path: Path, root: Path, defaults: SourceDefaults) -> LoadedSource:
    text = read_text(path)
    front_matter, body = split_front_matter(text, path.name)
    # Line numbers in locators count from the top of the file, front matter included.
    body_offset = text[: len(text) - len(body)].count("\n")
    blocks = markdown_blocks(body, body_offset)
    first_h1 = next((block.text for block in blocks if block.heading_level == 1), None)
    metadata = front_matter.overridden_by(read_sidecar(path))
    sections = sections_from_blocks(blocks, metadata.title or first_h1)
    return document_source(path, root, defaults, metadata, sections, first_h1)


def markdown_blocks(body: str, line_offset: int = 0) -> list[Block]:
    """Headings and blank-line separated paragraphs; paragraphs holding HTML go through BeautifulSoup."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_start = 0
    in_fence = False

    def flush(end_line: int) -> None:
        if paragraph:
            blocks.extend(_paragraph_blocks("\n".join(paragraph), paragraph_start, end_line))
            paragraph.clear()

    for number, line in enumerate(body.splitlines(), start=line_offset + 1):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            flush(number - 1)
            blocks.append(Block(_clean_inline(heading.group(2)), len(heading.group(1)), number, number))
        elif not line.strip() and not in_fence:
            flush(number - 1)
        else:
            if not paragraph:
                paragraph_start = number
            paragraph.append(line)
    flush(line_offset + len(body.splitlines()))
    return blocks


def _paragraph_blocks(text: str, first_line: int, last_line: int) -> list[Block]:
    if _HTML_TAG.search(text):
        return html_to_blocks(text, first_line, last_line)
    cleaned = "\n".join(_clean_inline(line.rstrip()) for line in text.splitlines())
    return [Block(cleaned.strip(), 0, first_line, last_line)]


def _clean_inline(text: str) -> str:
    """Drop the Markdown syntax a reader would not see: escapes (`1\\.`) and bold markers (`**①**`)."""
    return _ESCAPED.sub(r"\1", _BOLD.sub(r"\2", text)).strip()
