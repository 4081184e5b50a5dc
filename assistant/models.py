"""Pydantic models shared by ingestion, the assistant, the API and the evaluation harness.

These are the boundaries of the system: everything that crosses a seam is one of these.
"""

from __future__ import annotations

import enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Classification(enum.StrEnum):
    """How sensitive a source is. Ordered: public < internal < restricted."""

    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"

    @property
    def level(self) -> int:
        return _CLASSIFICATION_LEVELS[self]


_CLASSIFICATION_LEVELS = {
    Classification.PUBLIC: 0,
    Classification.INTERNAL: 1,
    Classification.RESTRICTED: 2,
}


class SourceKind(enum.StrEnum):
    DOCUMENT = "document"
    CATALOG = "catalog"
    TABLE = "table"


class User(BaseModel):
    """Who is asking. Anonymous users get public clearance (when anonymous access is allowed)."""

    model_config = ConfigDict(frozen=True)

    key_id: str = Field("anonymous", description="Stable id of the API key (never the secret itself).")
    name: str = "anonymous"
    department: str | None = None
    clearance: Classification = Classification.PUBLIC
    admin: bool = Field(False, description="May use the admin routes (ingest over the API).")

    def may_see(self, classification: Classification, departments: list[str] | tuple[str, ...]) -> bool:
        """The one access rule: clearance must cover the classification, and a restricted source
        that names owning departments is visible only to those departments."""
        if classification.level > self.clearance.level:
            return False
        if classification == Classification.RESTRICTED and departments:
            return self.department in departments
        return True


class Source(BaseModel):
    """One indexed thing a citation can point to: a document, a catalog entry or a table."""

    source_id: str
    kind: SourceKind
    title: str
    url: str | None = None
    classification: Classification = Classification.PUBLIC
    departments: list[str] = Field(default_factory=list)
    as_of: str | None = None
    origin: str = Field("", description="File the source was loaded from (relative path).")
    language: str | None = None
    extra: dict[str, str] = Field(default_factory=dict, description="Kind-specific metadata.")


class Section(BaseModel):
    """A located piece of a source before chunking: a page, a heading's section or a catalog row."""

    text: str
    locator: str = Field(
        "", description="Where in the source: 'p. 3', '§ Request procedure', 'row 15037510'."
    )


class LoadedSource(BaseModel):
    source: Source
    sections: list[Section]


class Chunk(BaseModel):
    """What is indexed and retrieved. Carries its source's metadata so filters need no join."""

    chunk_id: str
    source_id: str
    kind: SourceKind
    title: str
    text: str
    locator: str = ""
    url: str | None = None
    classification: Classification = Classification.PUBLIC
    departments: list[str] = Field(default_factory=list)
    as_of: str | None = None
    index_text: str = Field("", description="Text given to the indexes (text plus glossary expansion).")


class Passage(BaseModel):
    """A retrieved chunk with its scores."""

    chunk: Chunk
    score: float = Field(description="Fused rank score (reciprocal rank fusion).")
    dense_similarity: float | None = None
    keyword_score: float | None = None
    relevance: float = Field(0.0, description="Share of the question's key terms the passage covers (0..1).")


class Citation(BaseModel):
    n: int
    source_id: str
    kind: SourceKind
    title: str
    locator: str = ""
    url: str | None = None
    snippet: str = ""
    as_of: str | None = None


class SqlResult(BaseModel):
    query: str
    dialect: str = "duckdb"
    tables: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    row_count: int = 0
    truncated: bool = False


class Suggestion(BaseModel):
    """A dataset that might hold the answer, offered when nothing was found."""

    source_id: str
    title: str
    url: str | None = None


Confidence = Literal["high", "medium", "low", "none"]


class Answer(BaseModel):
    answer_id: str
    conversation_id: str
    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    sql: SqlResult | None = None
    confidence: Confidence = "none"
    suggestions: list[Suggestion] = Field(default_factory=list)
    retrieved_source_ids: list[str] = Field(
        default_factory=list,
        description="Sources retrieved for this user, best first (for retrieval metrics).",
    )
    notes: list[str] = Field(
        default_factory=list, description="Why confidence was lowered, what was unmapped."
    )
    prompt: str | None = Field(None, description="name@version of the prompt used, if any.")
    timings_ms: dict[str, float] = Field(default_factory=dict)


class Turn(BaseModel):
    """One earlier exchange of a conversation (used to rewrite follow-up questions)."""

    question: str
    answer: str = ""
    slots: dict[str, Any] = Field(default_factory=dict, description="SQL slots reused by follow-ups.")
