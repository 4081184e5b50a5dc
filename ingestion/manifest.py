"""The ingest manifest: which file produced which sources, and the content hash it had then.

Re-ingesting compares hashes: unchanged files are skipped, changed files replace their sources,
and files that disappeared can be pruned. The manifest is rewritten atomically after each run.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from ingestion.loaders.common import SourceDefaults


class ManifestEntry(BaseModel):
    sha256: str
    source_ids: list[str]
    kind: str = Field(description="document, catalog or table")
    chunks: int = 0
    indexed_at: str = ""
    skipped_parts: list[str] = Field(
        default_factory=list,
        description="parts of the file left out when it was indexed (e.g. malformed catalog rows), "
        "reported again on every run that finds the file unchanged",
    )
    source_digests: dict[str, str] = Field(
        default_factory=dict,
        description="each source's digest when indexed (`ingestion.source_sync`): a changed file "
        "re-chunks and re-embeds only the sources whose digest changed",
    )
    deferred: dict[str, str] = Field(
        default_factory=dict,
        description="catalog rows of this file left to another file that already provided the same "
        "source id: source id -> that file's key (taken over when that file stops providing it)",
    )
    defaults: SourceDefaults | None = Field(
        None, description="the ingest defaults of a file with deferred rows, to read it again with them"
    )


class Manifest(BaseModel):
    files: dict[str, ManifestEntry] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        return cls.model_validate_json(path.read_text(encoding="utf-8"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        temporary.replace(path)

    def record(
        self,
        key: str,
        sha256: str,
        source_ids: list[str],
        kind: str,
        chunks: int,
        skipped_parts: list[str] | None = None,
        source_digests: dict[str, str] | None = None,
        deferred: dict[str, str] | None = None,
        defaults: SourceDefaults | None = None,
    ) -> None:
        self.files[key] = ManifestEntry(
            sha256=sha256,
            source_ids=source_ids,
            kind=kind,
            chunks=chunks,
            indexed_at=datetime.now(UTC).isoformat(timespec="seconds"),
            skipped_parts=skipped_parts or [],
            source_digests=source_digests or {},
            deferred=deferred or {},
            defaults=defaults,
        )

    def owner_of(self, source_id: str) -> str | None:
        """The file key that currently provides a source id (to refuse silent duplicates)."""
        for key, entry in self.files.items():
            if source_id in entry.source_ids:
                return key
        return None

    def owners(self) -> dict[str, str]:
        """Every provided source id with the key of the file providing it (one pass over all files:
        for checking many sources, where `owner_of` per source would be quadratic)."""
        return {source_id: key for key, entry in self.files.items() for source_id in entry.source_ids}


def content_hash(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def file_key(path: Path) -> str:
    """The resolved path, JSON-escaped: non-ASCII and undecodable name bytes become `\\uXXXX`, so any
    file name can be stored in the UTF-8 manifest."""
    return json.dumps(str(path.resolve()))[1:-1]


def path_of_key(key: str) -> Path:
    """The path a `file_key` was made from (the escapes undone, or a Korean name would look deleted)."""
    return Path(json.loads(f'"{key}"'))
