"""Pieces every loader shares: CLI defaults, origins, and building a document's Source."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification, LoadedSource, Section, Source, SourceKind
from ingestion.file_names import readable_name, safe_name
from ingestion.loaders.metadata import DocumentMetadata, detect_language


class SourceDefaults(BaseModel):
    """Metadata given on the command line (`cityqa ingest PATH --classification X --department D`)."""

    classification: Classification = Classification.PUBLIC
    departments: list[str] = Field(default_factory=list)


@dataclass
class LoadedFile:
    """What one file yielded: its sources, and each part of it that was left out, with the reason
    (e.g. malformed catalog rows), so the pipeline can report them instead of dropping them."""

    sources: list[LoadedSource]
    skipped_parts: list[str] = field(default_factory=list)


def origin_of(path: Path, root: Path) -> str:
    """The file's path relative to the ingested root, in posix form; its name when outside the root.
    Bytes of the name that are not UTF-8 are percent-escaped: the origin becomes the source id."""
    try:
        return safe_name(path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return safe_name(path.name)


def ingest_failed(path: Path, reason: str) -> CityQAError:
    return CityQAError(ErrorCode.INGEST_FAILED, f"{readable_name(path.name)}: {reason}")


def document_source(
    path: Path,
    root: Path,
    defaults: SourceDefaults,
    metadata: DocumentMetadata,
    sections: list[Section],
    fallback_title: str | None = None,
) -> LoadedSource:
    """A document's LoadedSource: metadata over defaults, title falling back to `fallback_title` then
    the file stem, language detected from the text unless the metadata names it."""
    sections = [section for section in sections if section.text.strip()]
    if not sections:
        raise ingest_failed(path, "no text could be extracted")
    origin = origin_of(path, root)
    sample = "\n".join(section.text for section in sections[:20])
    source = Source(
        source_id=f"doc:{origin}",
        kind=SourceKind.DOCUMENT,
        title=metadata.title or fallback_title or readable_name(path.stem),
        url=metadata.url,
        classification=metadata.classification or defaults.classification,
        departments=metadata.departments if metadata.departments is not None else list(defaults.departments),
        as_of=metadata.as_of,
        origin=origin,
        language=metadata.language or detect_language(sample),
        extra=dict(metadata.extra),
    )
    return LoadedSource(source=source, sections=sections)
