"""Turn a document's flat list of headings and paragraphs into located sections.

Markdown, HTML and DOCX all reduce to the same `Block` list, so the heading-path locators
("§ 제4장 공공데이터의 제공절차 등 > 제27조 (...)") are built in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.models import Section

# A locator shows the last two heading levels: enough to find the place, short enough for a citation.
_LOCATOR_DEPTH = 2


@dataclass(frozen=True)
class Block:
    """A heading (level 1–6) or a paragraph (level 0), with its line span when the format has lines."""

    text: str
    heading_level: int = 0
    first_line: int | None = None
    last_line: int | None = None


def heading_locator(path: list[str]) -> str:
    return "§ " + " > ".join(path[-_LOCATOR_DEPTH:]) if path else ""


def sections_from_blocks(blocks: list[Block], document_title: str | None = None) -> list[Section]:
    """One section per heading with body text; the heading's own text opens the section so a chunk
    says what it is about. Headings with no body of their own (a chapter title directly followed by
    its first article) yield no section; they still appear in their children's locators. A heading
    that repeats the document title is left out of deeper locators: the citation already names it."""
    sections: list[Section] = []
    heading_path: list[tuple[int, str]] = []
    body: list[Block] = []

    def flush() -> None:
        paragraphs = [block.text.strip() for block in body if block.text.strip()]
        if paragraphs:
            if heading_path:
                text = "\n\n".join([heading_path[-1][1], *paragraphs])
                titles = [title for _, title in heading_path]
                locator = heading_locator([title for title in titles if title != document_title] or titles)
            else:
                text = "\n\n".join(paragraphs)
                locator = _line_locator(body)
            sections.append(Section(text=text, locator=locator))
        body.clear()

    for block in blocks:
        if block.heading_level > 0:
            flush()
            title = " ".join(block.text.split())
            while heading_path and heading_path[-1][0] >= block.heading_level:
                heading_path.pop()
            heading_path.append((block.heading_level, title))
        else:
            body.append(block)
    flush()
    return sections


def _line_locator(blocks: list[Block]) -> str:
    """'lines a–b' for text before the first heading, when line numbers are known."""
    first = [block.first_line for block in blocks if block.first_line is not None]
    last = [block.last_line for block in blocks if block.last_line is not None]
    if not first or not last:
        return ""
    return f"lines {min(first)}–{max(last)}"
