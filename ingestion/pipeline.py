"""Ingest files into the stores: load → chunk → expand → embed → index, guided by the manifest.

Every file found ends in exactly one bucket of the report: indexed, unchanged or failed (with a
reason); what is not ingested on purpose is listed as skipped with a reason (`ingestion.discovery`),
and so are the parts left out of an indexed file (malformed catalog rows), again on every run that
finds the file unchanged. A failure never stops the run, and re-running is idempotent.

Statistics tables come with a table card: found in their folder, given explicitly (`card=`, for one
data file; the given data file wins over the card's `file`), or, with `draft_cards=True`, drafted
from the data for each CSV/XLSX file given by path that has none. A drafted card is written beside
the data as `<stem>.card.yaml` (an existing one is used, never overwritten), flagged `needs_review`,
listed in `IngestReport.drafted`, and from then on is an ordinary card: the manifest entry is the
card's, so re-running reports the table unchanged.

Progress: `on_progress` (or, when a run is given none, the listener set in `ingest_progress_listener`)
gets an `IngestProgress` once the files are found, after each file, and last with the whole report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from langchain_core.embeddings import Embeddings
from rich.progress import Progress

from assistant.errors import CityQAError, ErrorCode
from assistant.glossary import Glossary
from assistant.models import Chunk, LoadedSource, SourceKind
from assistant.sql.cards import TableCard
from assistant.sql.examples import load_sql_examples
from assistant.sql.warehouse import Warehouse
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore
from assistant.tokens import search_tokens_many
from ingestion.card_draft import draft_card, table_name_for, write_card
from ingestion.chunking import chunk_source
from ingestion.discovery import discover_files
from ingestion.file_names import readable_name, safe_name
from ingestion.loaders import SourceDefaults, load_file_reporting_skips
from ingestion.manifest import Manifest, content_hash, file_key, path_of_key
from ingestion.report import IngestReport
from ingestion.source_sync import CHUNK_FORMAT, apply_sources, delete_sources, index_salt, prepare_sources
from ingestion.tables import (
    check_card_arguments,
    data_file_of,
    drafted_card_path,
    find_card_for,
    frame_for_card,
    is_catalog_frame,
    is_table_card,
    is_table_data,
    load_card,
    load_card_for_data,
    read_table_data,
    table_source,
)

__all__ = [
    "ChunkingPolicy",
    "IngestProgress",
    "IngestReport",
    "IngestStores",
    "Ingestor",
    "ingest_progress_listener",
]

logger = logging.getLogger(__name__)

# Embedding batches per call to the embedder (and per group expanded and tokenised ahead of it): a
# sentence-transformers model sorts the texts of one call by length, so bigger calls pad less.
_BATCHES_PER_EMBED_CALL = 32
# Part of every file's manifest digest (`ingestion.source_sync.CHUNK_FORMAT`).
_FORMAT_MARK = f"chunk format {CHUNK_FORMAT}".encode("ascii")
# Dataset keys a deferred-rows line names per file before it says "and N more".
_DEFERRED_SHOWN = 5


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest run is: told once the files are found, after each file, and once more when
    the run is over (after pruning), with `report` set."""

    files_total: int
    files_done: int
    current_file: str | None  # the file just done (None before the first)
    chunks_indexed: int
    outcomes: Mapping[str, int]  # entries so far: indexed, unchanged, failed, skipped, removed
    report: IngestReport | None = None  # the whole report, on the last call only


ProgressCallback = Callable[[IngestProgress], None]
# The listener of the runs in this context that are given no `on_progress`: `cityqa ingest --job-id`
# sets it so the admin API's job row follows the run (assistant/ingest_job_progress.py). A listener that
# raises stops the run (the files done so far stay in the report; nothing more is written).
ingest_progress_listener: ContextVar[ProgressCallback | None] = ContextVar(
    "ingest_progress_listener", default=None
)


@dataclass
class IngestStores:
    embedder: Embeddings
    vector_store: ChromaVectorStore
    keyword_index: BM25KeywordIndex
    warehouse: Warehouse
    glossary: Glossary
    manifest_path: Path
    # Where the verified SQL examples found beside ingested tables (examples.yaml) are kept for the
    # language model's SQL prompt; None keeps none.
    sql_examples_path: Path | None = None


@dataclass
class ChunkingPolicy:
    max_chars: int = 900
    overlap: int = 120
    embedding_batch_size: int = 64


class Ingestor:
    def __init__(self, stores: IngestStores, policy: ChunkingPolicy) -> None:
        self.stores = stores
        self.policy = policy
        self._index_salt: str | None = None

    def ingest(
        self,
        paths: list[Path],
        defaults: SourceDefaults,
        prune: bool = False,
        *,
        card: Path | None = None,
        draft_cards: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Index `paths`; `card` is the table card of the one data file given (BAD_REQUEST otherwise);
        `draft_cards` drafts a card for each CSV/XLSX file given by path that has no card; `on_progress`
        is told how the run goes (see `IngestProgress`)."""
        if card is not None:
            check_card_arguments(paths, card)
        report = IngestReport()
        manifest = Manifest.load(self.stores.manifest_path)
        discovered = discover_files(paths)
        report.failed.extend((str(missing), "no such file or folder") for missing in discovered.missing)
        report.skipped.extend(discovered.skipped)
        files = discovered.files
        given_files = {path.resolve() for path in paths if path.is_file()}
        changed = False
        tell = on_progress or ingest_progress_listener.get() or (lambda _: None)
        tell(_progress(report, len(files), 0, None))
        with Progress(transient=True, disable=not _is_terminal()) as progress:
            task = progress.add_task("Ingesting", total=len(files))
            for done, (path, root) in enumerate(files):
                progress.update(task, description=f"Ingesting {path.name}")
                try:
                    if card is not None:
                        table_card = load_card_for_data(card, path)
                        changed |= self._ingest_table(card, table_card, path, str(path), manifest, report)
                    elif draft_cards and is_table_data(path) and path.resolve() in given_files:
                        changed |= self._ingest_drafting_card(path, root, defaults, manifest, report)
                    else:
                        changed |= self._ingest_file(path, root, defaults, manifest, report)
                except CityQAError as error:
                    # Reasons name the file; readable_name keeps an undecodable name printable.
                    report.failed.append((str(path), readable_name(error.detail)))
                except Exception as error:  # one bad file must not stop the run; the reason is kept
                    logger.exception("unexpected failure ingesting %s", path)
                    reason = f"unexpected error: {type(error).__name__}: {error}"
                    report.failed.append((str(path), readable_name(reason)))
                progress.advance(task)
                tell(_progress(report, len(files), done + 1, str(path)))
        self._keep_sql_examples([Path(path) for path, _ in discovered.skipped], report)
        if prune:
            changed |= self._prune(manifest, report)
        changed |= self._take_over_released_rows(manifest, report)
        if changed:
            started = time.perf_counter()
            self.stores.keyword_index.save()
            manifest.save(self.stores.manifest_path)
            logger.debug("saved the keyword index and manifest in %.1f s", time.perf_counter() - started)
        tell(_progress(report, len(files), len(files), None, final=True))
        return report

    def _keep_sql_examples(self, skipped: list[Path], report: IngestReport) -> None:
        """Merge the examples.yaml files met into the kept examples (one per question, the newest
        wins), each only when its SQL runs on the warehouse: an example the model copies must work."""
        target = self.stores.sql_examples_path
        files = [path for path in skipped if path.name.lower() == "examples.yaml" and path.is_file()]
        if target is None or not files:
            return
        kept = {example.question: example for example in load_sql_examples(target)}
        tables = self.stores.warehouse.tables()
        for path in files:
            try:
                examples = load_sql_examples(path)
            except (ValueError, yaml.YAMLError) as error:
                report.failed.append((str(path), f"SQL examples not read: {error}"))
                continue
            for example in examples:
                try:
                    self.stores.warehouse.run_readonly(example.sql, 5000, 1, tables=tables)
                except CityQAError as error:
                    report.skipped.append((str(path), f"SQL example {example.question!r}: {error.detail}"))
                    continue
                kept[example.question] = example
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = [example.model_dump() for example in kept.values()]
        target.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def _ingest_file(
        self,
        path: Path,
        root: Path,
        defaults: SourceDefaults,
        manifest: Manifest,
        report: IngestReport,
        force: bool = False,
    ) -> bool:
        """Index one file unless the manifest has it unchanged (`force`: read it again anyway)."""
        if is_table_card(path):
            card = load_card(path)
            return self._ingest_table(path, card, data_file_of(card, path), str(path), manifest, report, root)
        key = file_key(path)
        sidecar = path.with_name(path.name + ".meta.yaml")
        # The chunk format too: when it changes, every file is read again once; its sources are
        # re-chunked and only index texts that changed are embedded again.
        digest = content_hash(
            path.read_bytes(),
            _bytes_or_empty(sidecar),
            defaults.model_dump_json().encode("utf-8"),
            _FORMAT_MARK,
        )
        if not force and _unchanged(manifest, key, digest):
            report.unchanged.append(str(path))
            report.skipped.extend((str(path), part) for part in manifest.files[key].skipped_parts)
            return False
        loaded_file = load_file_reporting_skips(path, root, defaults)
        loaded = loaded_file.sources
        kind = loaded[0].source.kind.value if loaded else "document"
        chunk_count, parts = self._replace_sources(
            key,
            digest,
            loaded,
            kind,
            None,
            None,
            manifest,
            loaded_file.skipped_parts,
            report=report,
            defaults=defaults,
        )
        report.indexed.append((str(path), chunk_count))
        report.skipped.extend((str(path), part) for part in parts)
        return True

    def _ingest_drafting_card(
        self, data_path: Path, root: Path, defaults: SourceDefaults, manifest: Manifest, report: IngestReport
    ) -> bool:
        """A data file given by path: its card if it has one, else a catalog if it is one, else a
        drafted card written beside it for review."""
        card_path = find_card_for(data_path)
        if card_path is None:
            frame = read_table_data(data_path)
            if data_path.suffix.lower() == ".csv" and is_catalog_frame(frame):
                return self._ingest_file(data_path, root, defaults, manifest, report)
            drafted = draft_card(
                frame,
                table_name_for(data_path.stem),
                data_path.name,
                classification=defaults.classification,
                departments=defaults.departments,
            )
            card_path = drafted_card_path(data_path)
            write_card(drafted, card_path)
            report.drafted.append((str(data_path), str(card_path)))
        card = load_card_for_data(card_path, data_path)
        return self._ingest_table(card_path, card, data_path, str(data_path), manifest, report)

    def _ingest_table(
        self,
        card_path: Path,
        card: TableCard,
        data_path: Path,
        reported_as: str,
        manifest: Manifest,
        report: IngestReport,
        root: Path | None = None,
    ) -> bool:
        """Index a card as a `table:<name>` source and load its data; the manifest entry is the card's."""
        key = file_key(card_path)
        digest = content_hash(card_path.read_bytes(), _bytes_or_empty(data_path), _FORMAT_MARK)
        if _unchanged(manifest, key, digest):
            report.unchanged.append(reported_as)
            return False
        frame = frame_for_card(card, read_table_data(data_path))
        origin = _origin(card_path, root if root is not None else card_path.parent)
        loaded = [table_source(card, origin)]
        chunk_count, _ = self._replace_sources(
            key, digest, loaded, "table", card, frame, manifest, report=report
        )
        report.indexed.append((reported_as, chunk_count))
        return True

    def _replace_sources(
        self,
        key: str,
        digest: str,
        loaded: list[LoadedSource],
        kind: str,
        card: TableCard | None,
        frame: pd.DataFrame | None,
        manifest: Manifest,
        skipped_parts: list[str] | None = None,
        *,
        report: IngestReport,
        defaults: SourceDefaults | None = None,
    ) -> tuple[int, list[str]]:
        """Bring the file's sources (and table) in the stores to `loaded`, embedding only new and
        changed sources (`ingestion.source_sync`); returns the file's number of chunks and the parts
        of it left out. `skipped_parts` (parts of the file left out) are kept in the manifest to
        report while unchanged; so are catalog rows left to another file (`_defer_provided_elsewhere`),
        whose ingest `defaults` are kept to take them over later."""
        parts = list(skipped_parts or [])
        loaded, deferred = self._defer_provided_elsewhere(loaded, key, kind, manifest)
        if deferred:
            parts.append(_deferred_summary(deferred, len(loaded) + len(deferred)))
        previous = manifest.files.get(key)
        index = self.stores.keyword_index
        group = self.policy.embedding_batch_size * _BATCHES_PER_EMBED_CALL
        prepared = prepare_sources(loaded, previous, self._salt, index, self.stores.vector_store, self, group)
        # Everything that can fail has run: now replace the file's changed and removed sources.
        started = time.perf_counter()
        apply_sources(prepared, index, self.stores.vector_store)
        written_s = time.perf_counter() - started
        logger.debug("wrote %d chunks into both indexes in %.1f s", len(prepared.chunks), written_s)
        for source_id in prepared.removed_sources:
            if source_id.startswith("table:"):
                self.stores.warehouse.drop_table(source_id.removeprefix("table:"))
        if card is not None and frame is not None:
            self.stores.warehouse.replace_table(card, frame)
        chunk_count = sum(len(index.chunks_of_source(source_id)) for source_id in prepared.digests)
        manifest.record(
            key,
            digest,
            list(prepared.digests),
            kind,
            chunk_count,
            parts,
            source_digests=prepared.digests,
            deferred=deferred,
            defaults=defaults if deferred else None,
        )
        report.chunks_embedded += prepared.embedded
        if prepared.unchanged_sources or prepared.kept_vectors:
            logger.info(
                "%s: %d of %d sources unchanged, %d chunks embedded, %d kept their vectors, "
                "%d sources removed",
                path_of_key(key).name,
                prepared.unchanged_sources,
                len(loaded),
                prepared.embedded,
                prepared.kept_vectors,
                len(prepared.removed_sources),
            )
        return chunk_count, parts

    @property
    def _salt(self) -> str:
        if self._index_salt is None:
            self._index_salt = index_salt(self.stores.glossary, self.policy.max_chars, self.policy.overlap)
        return self._index_salt

    def chunk_sources(self, loaded: list[LoadedSource]) -> list[Chunk]:
        """The sources' chunks, their index texts still empty (`with_index_texts`)."""
        max_chars, overlap = self.policy.max_chars, self.policy.overlap
        return [chunk for item in loaded for chunk in chunk_source(item, max_chars, overlap)]

    def with_index_texts(self, chunks: list[Chunk]) -> list[Chunk]:
        """The chunks with `index_text` set (see `index_text`)."""
        return self.index_chunks(chunks)[0]

    def index_chunks(self, chunks: list[Chunk]) -> tuple[list[Chunk], list[list[str]]]:
        """The chunks with `index_text` set (see `index_text`), and the search tokens of each for the
        keyword index. Kiwi runs in batches (its worker threads), not once per chunk.

        A document's or table's tokens are those of its whole index text. A catalog entry's are those
        of its title and text, already found for its glossary expansion, plus those of its glossary
        words and locator, each line tokenised on its own: one Kiwi pass over the entry instead of
        two (Kiwi was 60 % of the national catalog's ingest time besides the embedding; the tokens
        differ from the whole index text's in ~2 % of a card's tokens, where Kiwi reads a compound at
        a line start differently)."""
        texts = [f"{chunk.title}\n{chunk.text}" for chunk in chunks]
        found = self.stores.glossary.expansions_with_tokens(texts)
        indexed = [
            chunk.model_copy(update={"index_text": _index_text(chunk, expansion)})
            for chunk, (expansion, _) in zip(chunks, found, strict=True)
        ]
        catalog = [number for number, chunk in enumerate(chunks) if chunk.kind == SourceKind.CATALOG]
        others = [number for number, chunk in enumerate(chunks) if chunk.kind != SourceKind.CATALOG]
        tokens: list[list[str]] = [[] for _ in chunks]
        lines = [
            "\n".join(part for part in (" ".join(found[n][0]), chunks[n].locator) if part) for n in catalog
        ]
        for number, more in zip(catalog, search_tokens_many(lines) if lines else [], strict=True):
            tokens[number] = found[number][1] + more
        whole = search_tokens_many([indexed[n].index_text for n in others]) if others else []
        for number, words in zip(others, whole, strict=True):
            tokens[number] = words
        return indexed, tokens

    def index_text(self, chunk: Chunk) -> str:
        """What both indexes see: title, the other language's glossary words, locator, text.

        The expansion goes before the text because the embedding model truncates long inputs
        (256 word pieces, and Korean text spends them fast): the English words must survive."""
        return _index_text(chunk, self.stores.glossary.expansion(f"{chunk.title}\n{chunk.text}"))

    def embed_chunks(self, chunks: list[Chunk]) -> np.ndarray:
        """Vectors of the chunks' index texts, one float32 row each, from one embedder call (the
        embedder batches it: `embedding_batch_size`); `prepare_sources` sends groups of many batches,
        so a sentence-transformers model sorts each by length and pads little."""
        vectors = self.stores.embedder.embed_documents([chunk.index_text for chunk in chunks])
        return np.asarray(vectors, dtype=np.float32)

    def _defer_provided_elsewhere(
        self, loaded: list[LoadedSource], key: str, kind: str, manifest: Manifest
    ) -> tuple[list[LoadedSource], dict[str, str]]:
        """Sources another file already provides. A catalog row is left to that file (the same
        dataset key is the same dataset; the file indexed first keeps it) and listed as deferred;
        any other source is refused, failing the file."""
        owners = manifest.owners()
        kept: list[LoadedSource] = []
        deferred: dict[str, str] = {}
        for item in loaded:
            owner = owners.get(item.source.source_id)
            if owner is None or owner == key:
                kept.append(item)
            elif kind == "catalog" and item.source.kind == SourceKind.CATALOG:
                deferred[item.source.source_id] = owner
            else:
                raise CityQAError(
                    ErrorCode.INGEST_FAILED,
                    f"source id {item.source.source_id} is already provided by {owner}",
                )
        return kept, deferred

    def _delete_sources(self, source_ids: list[str]) -> None:
        delete_sources(source_ids, self.stores.keyword_index, self.stores.vector_store)
        for source_id in source_ids:
            if source_id.startswith("table:"):
                self.stores.warehouse.drop_table(source_id.removeprefix("table:"))

    def _prune(self, manifest: Manifest, report: IngestReport) -> bool:
        """Forget files that no longer exist on disk, with all their sources."""
        removed = False
        for key in list(manifest.files):
            if not path_of_key(key).exists():
                self._delete_sources(manifest.files[key].source_ids)
                del manifest.files[key]
                report.removed.append(key)
                removed = True
        return removed

    def _take_over_released_rows(self, manifest: Manifest, report: IngestReport) -> bool:
        """Catalog files that left rows to another file which no longer provides them (it dropped
        the rows or was pruned) are read again with the defaults they were ingested with: they now
        index those rows (only those are embedded), so no dataset disappears while a file has it."""
        changed = False
        for key in list(manifest.files):
            entry = manifest.files.get(key)
            if entry is None or not entry.deferred:
                continue
            owners = manifest.owners()  # again for each file: a takeover before may have taken rows
            path = path_of_key(key)
            if all(source_id in owners for source_id in entry.deferred) or not path.exists():
                continue
            reported = str(path)
            if reported in report.unchanged:  # read again: indexed now, its parts reported afresh
                report.unchanged.remove(reported)
                report.skipped = [item for item in report.skipped if item[0] != reported]
            try:
                changed |= self._ingest_file(
                    path, path.parent, entry.defaults or SourceDefaults(), manifest, report, force=True
                )
            except CityQAError as error:
                report.failed.append((reported, readable_name(error.detail)))
        return changed


def _index_text(chunk: Chunk, expansion: list[str]) -> str:
    return "\n".join(part for part in (chunk.title, " ".join(expansion), chunk.locator, chunk.text) if part)


def _deferred_summary(deferred: dict[str, str], total: int) -> str:
    """`12 of 100 catalog rows left to other files that already provide them: datagokr:1, … (a.csv)`."""
    by_owner: dict[str, list[str]] = {}
    for source_id, owner in deferred.items():
        by_owner.setdefault(owner, []).append(source_id.removeprefix("catalog:"))
    groups = []
    for owner, ids in by_owner.items():
        more = f" and {len(ids) - _DEFERRED_SHOWN} more" if len(ids) > _DEFERRED_SHOWN else ""
        shown = ", ".join(ids[:_DEFERRED_SHOWN]) + more
        groups.append(f"{shown} ({readable_name(path_of_key(owner).name)})")
    return (
        f"{len(deferred)} of {total} catalog rows left to other files that already provide the same "
        f"dataset: {'; '.join(groups)}"
    )


def _progress(
    report: IngestReport, total: int, done: int, current: str | None, final: bool = False
) -> IngestProgress:
    outcomes = {
        "indexed": len(report.indexed),
        "unchanged": len(report.unchanged),
        "failed": len(report.failed),
        "skipped": len(report.skipped),
        "removed": len(report.removed),
    }
    return IngestProgress(total, done, current, report.chunks_indexed, outcomes, report if final else None)


def _unchanged(manifest: Manifest, key: str, digest: str) -> bool:
    entry = manifest.files.get(key)
    return entry is not None and entry.sha256 == digest


def _bytes_or_empty(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def _origin(path: Path, root: Path) -> str:
    """Like `loaders.common.origin_of`: undecodable name bytes percent-escaped, as ids need."""
    try:
        return safe_name(path.relative_to(root).as_posix())
    except ValueError:
        return safe_name(path.name)


def _is_terminal() -> bool:
    import sys

    return sys.stderr.isatty()
