"""Split located sections into chunks small enough to embed, keeping every chunk citable.

A chunk never crosses a section, so its locator ("p. 3", "§ 제27조 ...") stays exact. Long sections
are cut at the largest natural boundary that fits: paragraph, then line, then sentence, then word;
only a single word longer than `max_chars` is cut mid-word. Overlap repeats the tail of the previous
chunk of the same section so a sentence split across chunks can still be found from either side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Chunk, LoadedSource

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
# Sentence ends: . ! ? and their CJK forms followed by space; Korean endings 다. / 요. also when the next
# sentence follows without a space, as happens in copied administrative text.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[다요]\.)(?=[\uac00-\ud7a3])")
_WORD_BREAK = re.compile(r"\s+")
_SPLITTERS = ((_PARAGRAPH_BREAK, "\n\n"), (_LINE_BREAK, "\n"), (_SENTENCE_END, " "), (_WORD_BREAK, " "))


@dataclass(frozen=True)
class _Piece:
    """An unbreakable run of text and the separator that joins it to the piece before it."""

    text: str
    joiner: str


def chunk_source(loaded: LoadedSource, max_chars: int, overlap: int) -> list[Chunk]:
    """Chunks with ids f"{source_id}#{i}" in document order, each carrying the source's metadata and
    its section's locator. `index_text` is left empty for the indexer to fill."""
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    if not 0 <= overlap < max_chars:
        raise ValueError(f"overlap must be in [0, max_chars), got {overlap} with max_chars={max_chars}")
    source = loaded.source
    chunks: list[Chunk] = []
    for section in loaded.sections:
        for text in split_text(section.text, max_chars, overlap):
            chunks.append(
                Chunk(
                    chunk_id=f"{source.source_id}#{len(chunks)}",
                    source_id=source.source_id,
                    kind=source.kind,
                    title=source.title,
                    text=text,
                    locator=section.locator,
                    url=source.url,
                    classification=source.classification,
                    departments=list(source.departments),
                    as_of=source.as_of,
                    index_text="",
                )
            )
    return chunks


def split_text(text: str, max_chars: int, overlap: int = 0) -> list[str]:
    """Texts of at most `max_chars` characters (overlap included), none empty."""
    text = text.strip()
    if not text:
        return []
    if len(text) <= max_chars:
        return [text]
    pieces = _pieces(text, max_chars, 0)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{piece.joiner}{piece.text}" if current else piece.text
        if len(candidate) <= max_chars:
            current = candidate
            continue
        chunks.append(current)
        tail = _tail(current, min(overlap, max_chars - len(piece.text) - 1))
        current = f"{tail} {piece.text}" if tail else piece.text
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, max_chars: int, level: int) -> list[_Piece]:
    """Split at the coarsest boundary first and recurse only into parts that are still too long."""
    if len(text) <= max_chars:
        return [_Piece(text, "")]
    if level == len(_SPLITTERS):
        # A single "word" longer than a chunk (a URL, a run of digits): cutting it is the only option.
        return [_Piece(text[start : start + max_chars], "") for start in range(0, len(text), max_chars)]
    pattern, joiner = _SPLITTERS[level]
    parts = [part for part in pattern.split(text) if part.strip()]
    if len(parts) == 1:
        return _pieces(text, max_chars, level + 1)
    pieces: list[_Piece] = []
    for number, part in enumerate(parts):
        sub_pieces = _pieces(part.strip(), max_chars, level + 1)
        first = sub_pieces[0]
        pieces.append(_Piece(first.text, joiner if number else first.joiner))
        pieces.extend(sub_pieces[1:])
    return pieces


def _tail(text: str, size: int) -> str:
    """The last `size` characters of `text`, starting at a word boundary so overlap has no half-words."""
    if size <= 0:
        return ""
    if len(text) <= size:
        return text
    cut = len(text) - size
    if text[cut - 1].isspace():
        return text[cut:].strip()
    boundary = _WORD_BREAK.search(text, cut)
    return text[boundary.end() :].strip() if boundary else ""
