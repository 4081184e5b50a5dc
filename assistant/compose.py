"""The offline answer composer: a short answer made of the best sentences of the best passages.

No LLM is involved, so nothing can be invented: every sentence is copied from a passage (or, for a
catalog entry, assembled from its fields) and carries that passage's [n].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from assistant.models import Citation, Passage, SourceKind
from assistant.retrieval import QueryTerms
from assistant.tokens import is_korean, search_tokens

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。])\s+|\n+")
_MIN_SENTENCE_CHARS = 15
_MAX_SENTENCE_CHARS = 400
_SNIPPET_CHARS = 240


@dataclass
class Composition:
    """Answer text with [n] markers, and the citations for every passage given to the composer."""

    text: str
    provided: dict[int, Citation] = field(default_factory=dict)


@dataclass
class StatisticsPart:
    """A computed statistic to state first, with the tables it came from (numbered from 1)."""

    sentence: str
    citations: list[Citation]


class AnswerComposer(Protocol):
    def compose(
        self, question: str, passages: list[Passage], terms: QueryTerms, statistics: StatisticsPart | None
    ) -> Composition: ...


def citation_for(passage: Passage, n: int, snippet: str | None = None) -> Citation:
    chunk = passage.chunk
    return Citation(
        n=n,
        source_id=chunk.source_id,
        kind=chunk.kind,
        title=chunk.title,
        locator=chunk.locator,
        url=chunk.url,
        snippet=_shorten(snippet or chunk.text, _SNIPPET_CHARS),
        as_of=chunk.as_of,
    )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sentences(text: str) -> list[str]:
    pieces = (piece.strip(" -*#>\t") for piece in _SENTENCE_SPLIT.split(text))
    return [piece for piece in pieces if len(piece) >= _MIN_SENTENCE_CHARS]


def _field(text: str, label: str) -> str | None:
    match = re.search(rf"^{re.escape(label)}\s*:\s*(.+)$", text, flags=re.MULTILINE)
    return match.group(1).strip() if match else None


class ExtractiveComposer:
    """Picks up to `max_passages` passages and the sentence of each that best covers the question."""

    def __init__(self, max_passages: int = 3) -> None:
        self.max_passages = max_passages

    def compose(
        self, question: str, passages: list[Passage], terms: QueryTerms, statistics: StatisticsPart | None
    ) -> Composition:
        korean = is_korean(question)
        composition = Composition(text="")
        sentences: list[str] = []
        if statistics is not None:
            for citation in statistics.citations:
                composition.provided[citation.n] = citation
            markers = "".join(f"[{citation.n}]" for citation in statistics.citations)
            sentences.append(f"{statistics.sentence} {markers}")
        used_sources: set[str] = set()
        for passage in passages:
            if len(sentences) >= self.max_passages + (statistics is not None):
                break
            if passage.chunk.source_id in used_sources:
                continue
            sentence = self._sentence_for(passage, terms, korean)
            if sentence is None:
                continue
            n = len(composition.provided) + 1
            composition.provided[n] = citation_for(passage, n, snippet=sentence)
            used_sources.add(passage.chunk.source_id)
            sentences.append(f"{sentence} [{n}]")
        composition.text = " ".join(sentences)
        return composition

    def _sentence_for(self, passage: Passage, terms: QueryTerms, korean: bool) -> str | None:
        chunk = passage.chunk
        if chunk.kind == SourceKind.CATALOG:
            return self._catalog_sentence(passage, korean)
        candidates = _sentences(chunk.text)
        if not candidates:
            return None
        best = max(candidates, key=lambda sentence: terms.coverage(set(search_tokens(sentence))))
        best = _shorten(best, _MAX_SENTENCE_CHARS)
        if chunk.kind == SourceKind.TABLE:
            prefix = "통계표" if korean else "The table"
            return f"{prefix} “{chunk.title}”: {best}"
        return best if best.endswith((".", "다", "요", "!", "?")) else best + "."

    @staticmethod
    def _catalog_sentence(passage: Passage, korean: bool) -> str:
        chunk = passage.chunk
        publisher = _field(chunk.text, "제공기관 publisher")
        description = _field(chunk.text, "설명 description")
        parts = [f"“{chunk.title}”"]
        if korean:
            sentence = f"데이터셋 “{chunk.title}”" + (f"({publisher})" if publisher else "")
            sentence += f": {_shorten(description, 200)}" if description else "을(를) 참고하세요."
        else:
            sentence = "The dataset " + " ".join(parts) + (f" published by {publisher}" if publisher else "")
            sentence += f" covers this: {_shorten(description, 200)}" if description else "."
        if chunk.url:
            sentence += f" ({chunk.url})"
        return sentence
