"""Ingest files into the stores: load → chunk → expand → embed → index, guided by the manifest.

Every file ends in exactly one bucket of the report: indexed, unchanged or failed (with a reason).
A failure never stops the run, and re-running is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings
from rich.progress import Progress

from assistant.errors import CityQAError, ErrorCode
from assistant.glossary import Glossary
from assistant.models import Chunk, LoadedSource
from assistant.sql.warehouse import DuckDBWarehouse
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore
from ingestion.chunking import chunk_source
from ingestion.loaders import SourceDefaults, load_file
from ingestion.manifest import Manifest, content_hash, file_key
from ingestion.tables import data_file_of, is_table_card, load_card, read_table_data, table_source

logger = logging.getLogger(__name__)

# Project files that live beside data but are not data (SQL examples are read by the semantic layer).
_SKIPPED_NAMES = {"README.md", "readme.md", "api_keys.toml", ".gitkeep", "examples.yaml"}


@dataclass
class IngestReport:
    indexed: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def chunks_indexed(self) -> int:
        return sum(count for _, count in self.indexed)


@dataclass
class IngestStores:
    embedder: Embeddings
    vector_store: ChromaVectorStore
    keyword_index: BM25KeywordIndex
    warehouse: DuckDBWarehouse
    glossary: Glossary
    manifest_path: Path


@dataclass
class ChunkingPolicy:
    max_chars: int = 900
    overlap: int = 120
    embedding_batch_size: int = 64


def discover_files(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) pairs under the given paths, sorted; data files of table cards are left to the card."""
    for given in paths:
        root = given if given.is_dir() else given.parent
        files = sorted(p for p in given.rglob("*") if p.is_file()) if given.is_dir() else [given]
        card_data = {data_file_of(load_card(p), p) for p in files if _safe_is_card(p)}
        for path in files:
            if path.name in _SKIPPED_NAMES or any(
                part.startswith(".") for part in path.relative_to(root).parts
            ):
                continue
            if path.name.endswith((".meta.yaml", ".meta.yml")) or path.resolve() in card_data:
                continue
            yield path, root


def _safe_is_card(path: Path) -> bool:
    try:
        return is_table_card(path) and bool(load_card(path))
    except CityQAError:
        return False  # reported as a failure when the file itself is ingested


class Ingestor:
    def __init__(self, stores: IngestStores, policy: ChunkingPolicy) -> None:
        self.stores = stores
        self.policy = policy

    def ingest(self, paths: list[Path], defaults: SourceDefaults, prune: bool = False) -> IngestReport:
        report = IngestReport()
        manifest = Manifest.load(self.stores.manifest_path)
        for missing in [path for path in paths if not path.exists()]:
            report.failed.append((str(missing), "no such file or folder"))
        files = list(discover_files([path for path in paths if path.exists()]))
        changed = False
        with Progress(transient=True, disable=not _is_terminal()) as progress:
            task = progress.add_task("Ingesting", total=len(files))
            for path, root in files:
                progress.update(task, description=f"Ingesting {path.name}")
                try:
                    changed |= self._ingest_file(path, root, defaults, manifest, report)
                except CityQAError as error:
                    report.failed.append((str(path), error.detail))
                except Exception as error:  # one bad file must not stop the run; the reason is kept
                    logger.exception("unexpected failure ingesting %s", path)
                    report.failed.append((str(path), f"unexpected error: {type(error).__name__}: {error}"))
                progress.advance(task)
        if prune:
            changed |= self._prune(manifest, report)
        if changed:
            self.stores.keyword_index.save()
            manifest.save(self.stores.manifest_path)
        return report

    def _ingest_file(
        self, path: Path, root: Path, defaults: SourceDefaults, manifest: Manifest, report: IngestReport
    ) -> bool:
        key = file_key(path)
        frame = None
        if is_table_card(path):
            card = load_card(path)
            data_path = data_file_of(card, path)
            digest = content_hash(path.read_bytes(), _bytes_or_empty(data_path))
            if _unchanged(manifest, key, digest):
                report.unchanged.append(str(path))
                return False
            frame = read_table_data(data_path)
            loaded = [table_source(card, _origin(path, root))]
            kind = "table"
        else:
            sidecar = path.with_name(path.name + ".meta.yaml")
            digest = content_hash(
                path.read_bytes(), _bytes_or_empty(sidecar), defaults.model_dump_json().encode("utf-8")
            )
            if _unchanged(manifest, key, digest):
                report.unchanged.append(str(path))
                return False
            loaded = load_file(path, root, defaults)
            kind = loaded[0].source.kind.value if loaded else "document"
            card = None
        self._check_no_duplicates(loaded, key, manifest)
        chunks = self._chunks(loaded)
        vectors = self._embed(chunks)
        # Everything that can fail has run: now replace the file's old sources with the new ones.
        new_ids = [item.source.source_id for item in loaded]
        previous = manifest.files.get(key)
        for source_id in previous.source_ids if previous else []:
            self._delete_source(source_id, drop_table=source_id not in new_ids)
        for source_id in new_ids:
            self._delete_source(source_id, drop_table=False)
        if card is not None and frame is not None:
            self.stores.warehouse.replace_table(card, frame)
        self.stores.vector_store.add_chunks(chunks, vectors)
        self.stores.keyword_index.add(chunks)
        manifest.record(key, digest, new_ids, kind, len(chunks))
        report.indexed.append((str(path), len(chunks)))
        return True

    def _chunks(self, loaded: list[LoadedSource]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for item in loaded:
            for chunk in chunk_source(item, self.policy.max_chars, self.policy.overlap):
                chunks.append(chunk.model_copy(update={"index_text": self.index_text(chunk)}))
        return chunks

    def index_text(self, chunk: Chunk) -> str:
        """What both indexes see: title, the other language's glossary words, locator, text.

        The expansion goes before the text because the embedding model truncates long inputs
        (256 word pieces, and Korean text spends them fast): the English words must survive."""
        expansion = " ".join(self.stores.glossary.expansion(f"{chunk.title}\n{chunk.text}"))
        return "\n".join(part for part in (chunk.title, expansion, chunk.locator, chunk.text) if part)

    def _embed(self, chunks: list[Chunk]) -> list[list[float]]:
        vectors: list[list[float]] = []
        size = self.policy.embedding_batch_size
        for start in range(0, len(chunks), size):
            batch = chunks[start : start + size]
            vectors.extend(self.stores.embedder.embed_documents([chunk.index_text for chunk in batch]))
        return vectors

    def _delete_source(self, source_id: str, drop_table: bool = True) -> None:
        self.stores.vector_store.delete_source(source_id)
        self.stores.keyword_index.delete_source(source_id)
        if drop_table and source_id.startswith("table:"):
            self.stores.warehouse.drop_table(source_id.removeprefix("table:"))

    @staticmethod
    def _check_no_duplicates(loaded: list[LoadedSource], key: str, manifest: Manifest) -> None:
        for item in loaded:
            owner = manifest.owner_of(item.source.source_id)
            if owner is not None and owner != key:
                raise CityQAError(
                    ErrorCode.INGEST_FAILED,
                    f"source id {item.source.source_id} is already provided by {owner}",
                )

    def _prune(self, manifest: Manifest, report: IngestReport) -> bool:
        """Forget files that no longer exist on disk, with all their sources."""
        removed = False
        for key in list(manifest.files):
            if not Path(key).exists():
                for source_id in manifest.files[key].source_ids:
                    self._delete_source(source_id)
                del manifest.files[key]
                report.removed.append(key)
                removed = True
        return removed


def _unchanged(manifest: Manifest, key: str, digest: str) -> bool:
    entry = manifest.files.get(key)
    return entry is not None and entry.sha256 == digest


def _bytes_or_empty(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def _origin(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _is_terminal() -> bool:
    import sys

    return sys.stderr.isatty()
