"""Plain text files: paragraphs grouped into sections located by line numbers."""

from __future__ import annotations

from pathlib import Path

from assistant.models import LoadedSource, Section
from ingestion.encoding import read_text
from ingestion.loaders.common import SourceDefaults, document_source
from ingestion.loaders.metadata import read_sidecar, split_front_matter

# Paragraphs are grouped up to about this many characters so a section is a readable passage,
# not one line; chunking splits further when the index wants smaller pieces.
SECTION_TARGET_CHARS = 1500


def load_text(path: Path, root: Path, defaults: SourceDefaults) -> LoadedSource:
    text = read_text(path)
    front_matter, body = split_front_matter(text, path.name)
    body_offset = text[: len(text) - len(body)].count("\n")
    metadata = front_matter.overridden_by(read_sidecar(path))
    return document_source(path, root, defaults, metadata, text_sections(body, body_offset))


def text_sections(body: str, line_offset: int = 0) -> list[Section]:
    paragraphs: list[tuple[int, int, str]] = []
    current: list[str] = []
    start = 0
    lines = body.splitlines()
    for number, line in enumerate([*lines, ""], start=line_offset + 1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            paragraphs.append((start, number - 1, "\n".join(current)))
            current = []
    sections: list[Section] = []
    group: list[tuple[int, int, str]] = []
    for paragraph in paragraphs:
        size = sum(len(text) + 2 for _, _, text in group)
        if group and size + len(paragraph[2]) > SECTION_TARGET_CHARS:
            sections.append(_section(group))
            group = []
        group.append(paragraph)
    if group:
        sections.append(_section(group))
    return sections


def _section(group: list[tuple[int, int, str]]) -> Section:
    return Section(
        text="\n\n".join(text for _, _, text in group), locator=f"lines {group[0][0]}–{group[-1][1]}"
    )
