"""HTML pages (and HTML embedded in Markdown) to readable paragraphs and headings."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag

from assistant.models import LoadedSource
from ingestion.encoding import read_text
from ingestion.loaders.common import SourceDefaults, document_source
from ingestion.loaders.metadata import DocumentMetadata, read_sidecar
from ingestion.loaders.sections import Block, sections_from_blocks

_DROPPED_TAGS = ("script", "style", "nav", "noscript", "template", "head")
_HEADING_TAGS = ("h1", "h2", "h3", "h4")
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "aside", "header", "footer", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "tr", "blockquote", "pre", "h5", "h6", "form", "fieldset", "figure", "figcaption", "address",
)  # fmt: skip
# Private-use markers survive get_text() and cannot occur in real documents' text.
_PARAGRAPH_BREAK = "\ue000"
_LINE_BREAK = "\ue001"
_HEADING_MARK = "\ue002"
_CELL_BREAK = "\ue003"
_WHITESPACE = re.compile(r"\s+")
# Policies pasted into Markdown as HTML rarely use <h1>–<h4>: their section titles are short
# paragraphs, numbered ("Section 5. Open Data Report and Policy Review.", "SEC. 22D.2. …"), set in
# bold, or in capitals. Taken as headings they become the locators of the text below them.
_HEADING_PARAGRAPH_CHARS = 100
_SECTION_NUMBER = re.compile(r"^(section|sec\.|article|art\.|§)\s*[\dIVXLC][\w.\-]*\.?\s+\S", re.IGNORECASE)
_EMPHASIS_TAGS = ("strong", "b", "u")
_SENTENCE_INSIDE = re.compile(r"[a-z가-힣)][.!?]\s+\S")


def parse_html(markup: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # A short fragment that looks like a file name is still markup to us, not a mistake.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "html.parser")


def html_to_blocks(markup: str, first_line: int | None = None, last_line: int | None = None) -> list[Block]:
    """Headings h1–h4 become heading blocks; every other block element becomes a paragraph."""
    soup = parse_html(markup)
    return _soup_to_blocks(soup, first_line, last_line)


def html_title(soup: BeautifulSoup) -> str | None:
    for tag_name in ("title", "h1"):
        tag = soup.find(tag_name)
        if isinstance(tag, Tag):
            text = " ".join(tag.get_text(" ").split())
            if text:
                return text
    return None


def load_html(path: Path, root: Path, defaults: SourceDefaults) -> LoadedSource:
    soup = parse_html(read_text(path))
    title = html_title(soup)
    metadata = _meta_tags(soup).overridden_by(read_sidecar(path))
    blocks = _soup_to_blocks(soup, None, None)
    sections = sections_from_blocks(blocks, metadata.title or title)
    return document_source(path, root, defaults, metadata, sections, title)


def _soup_to_blocks(soup: BeautifulSoup, first_line: int | None, last_line: int | None) -> list[Block]:
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(NavigableString(_LINE_BREAK))
    for cell in soup.find_all(("td", "th")):
        cell.append(NavigableString(_CELL_BREAK))
    for element in soup.find_all("p"):
        if _is_heading_paragraph(element):
            element.insert(0, NavigableString(f"{_PARAGRAPH_BREAK}{_HEADING_MARK}4"))
            element.append(NavigableString(_PARAGRAPH_BREAK))
    for heading in soup.find_all(_HEADING_TAGS):
        level = int(heading.name[1])
        heading.insert(0, NavigableString(f"{_PARAGRAPH_BREAK}{_HEADING_MARK}{level}"))
        heading.append(NavigableString(_PARAGRAPH_BREAK))
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert(0, NavigableString(_PARAGRAPH_BREAK))
        block.append(NavigableString(_PARAGRAPH_BREAK))
    # HTML whitespace is not meaningful: collapse it, then restore only the breaks we marked.
    text = _WHITESPACE.sub(" ", soup.get_text())
    blocks: list[Block] = []
    for raw in text.split(_PARAGRAPH_BREAK):
        raw = raw.replace(_CELL_BREAK, " | ").strip(" |")
        level = 0
        if raw.startswith(_HEADING_MARK):
            level, raw = int(raw[1]), raw[2:]
        lines = [line.strip() for line in raw.split(_LINE_BREAK)]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            blocks.append(Block(paragraph, level, first_line, last_line))
    return blocks


def _is_heading_paragraph(paragraph: Tag) -> bool:
    """A short paragraph of one line that is numbered as a section, all in bold, or in capitals."""
    text = " ".join(paragraph.get_text(" ").split())
    if not 3 <= len(text) <= _HEADING_PARAGRAPH_CHARS or _SENTENCE_INSIDE.search(text):
        return False  # empty, long, or a sentence ends inside it: text, not a title
    if _SECTION_NUMBER.match(text):
        return True
    strings = [piece for piece in paragraph.find_all(string=True) if piece.strip()]
    if strings and all(piece.find_parent(_EMPHASIS_TAGS) is not None for piece in strings):
        return True
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 4 and all(char.isascii() and char.isupper() for char in letters)


def _meta_tags(soup: BeautifulSoup) -> DocumentMetadata:
    """An HTML page may state its canonical URL; that is what a citation should link to."""
    canonical = soup.find("link", rel="canonical")
    url = canonical.get("href") if isinstance(canonical, Tag) else None
    return DocumentMetadata(url=url if isinstance(url, str) else None)
