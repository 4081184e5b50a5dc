"""What is indexed, as the asking user may see it (for `GET /api/sources` and `cityqa sources`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.access import visible_to
from assistant.models import Chunk, Classification, SourceKind, User
from assistant.stores.keyword_index import BM25KeywordIndex


class SourceSummary(BaseModel):
    source_id: str
    kind: SourceKind
    title: str
    url: str | None = None
    as_of: str | None = None
    classification: Classification
    departments: list[str] = Field(default_factory=list)
    chunks: int


class SourceSection(BaseModel):
    chunk_id: str
    locator: str
    text: str


class SourceDetail(SourceSummary):
    sections: list[SourceSection]


class SourceCatalog:
    """Reads the keyword index's chunk copy: it holds every chunk with its metadata."""

    def __init__(self, keyword_index: BM25KeywordIndex) -> None:
        self.keyword_index = keyword_index

    def _grouped(self, user: User) -> dict[str, list[Chunk]]:
        grouped: dict[str, list[Chunk]] = {}
        for chunk in self.keyword_index.chunks():
            if visible_to(user, chunk):
                grouped.setdefault(chunk.source_id, []).append(chunk)
        return grouped

    def list_for_user(self, user: User, kind: SourceKind | None = None) -> list[SourceSummary]:
        summaries = [_summary(chunks) for chunks in self._grouped(user).values()]
        if kind is not None:
            summaries = [summary for summary in summaries if summary.kind == kind]
        return sorted(summaries, key=lambda summary: (summary.kind.value, summary.source_id))

    def get_for_user(self, source_id: str, user: User) -> SourceDetail | None:
        """The source with its sections, or None when it does not exist or the user may not see it."""
        chunks = [c for c in self.keyword_index.chunks() if c.source_id == source_id and visible_to(user, c)]
        if not chunks:
            return None
        chunks.sort(key=lambda chunk: int(chunk.chunk_id.rpartition("#")[2] or 0))
        sections = [SourceSection(chunk_id=c.chunk_id, locator=c.locator, text=c.text) for c in chunks]
        return SourceDetail(**_summary(chunks).model_dump(), sections=sections)

    def all_source_ids(self) -> set[str]:
        return {chunk.source_id for chunk in self.keyword_index.chunks()}


def _summary(chunks: list[Chunk]) -> SourceSummary:
    first = chunks[0]
    return SourceSummary(
        source_id=first.source_id,
        kind=first.kind,
        title=first.title,
        url=first.url,
        as_of=first.as_of,
        classification=first.classification,
        departments=first.departments,
        chunks=len(chunks),
    )
