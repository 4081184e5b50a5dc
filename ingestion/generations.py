"""Ingest into a new generation of the stores and publish it (see assistant/store_layout.py).

One writer at a time, across processes (an advisory lock on CITYQA_HOME/stores/ingest.lock): the
run removes what a killed run left behind, copies the served generation into the next one, ingests
there, and publishes it only when something changed. Nothing a server reads is ever written to.

What is copied: the BM25 index, the warehouse file, the manifest and the SQL examples as files (no
reader ever writes them); a PostgreSQL warehouse's schema within its database; Chroma through its
API (readers of an embedded Chroma do write to its SQLite file, so its files are not copied while
servers may have them open).
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import Stores, copy_warehouse, open_stores, open_vector_store, remove_warehouse
from assistant.store_layout import PUBLISHED_FILE, StoreLayout, StorePaths
from ingestion.factory import build_ingestor
from ingestion.pipeline import Ingestor
from ingestion.report import IngestReport

logger = logging.getLogger(__name__)

LOCK_FILE = "ingest.lock"
# Earlier generations kept besides the served one, and how long after being replaced a generation
# stays at least: a server switches within seconds, but an answer begun before may still read it.
KEEP_PREVIOUS = 2
REPLACED_GRACE_S = 600.0
_COPY_PAGE = 1000


@dataclass(frozen=True)
class GenerationOutcome:
    report: IngestReport
    generation: str  # the served generation after the run
    published: bool  # False: nothing changed, the served generation stays


@contextmanager
def writer_lock(
    layout: StoreLayout, wait: bool = True, on_waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the home's ingest lock (released by the OS when the process dies, even by kill -9).
    Busy: wait (`on_waiting` told first) or, with `wait=False`, INGEST_FAILED."""
    layout.directory.mkdir(parents=True, exist_ok=True)
    with open(layout.directory / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            if not wait:
                raise CityQAError(
                    ErrorCode.INGEST_FAILED, "another ingest is running on this home"
                ) from error
            if on_waiting is not None:
                on_waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest_generation(
    settings: Settings,
    run: Callable[[Ingestor], IngestReport],
    *,
    wait: bool = True,
    on_waiting: Callable[[], None] | None = None,
    embedder: Embeddings | None = None,
) -> GenerationOutcome:
    """Run `run` with an Ingestor over a new generation and publish it when it changed anything
    (`embedder`: instead of the model settings name, for tests)."""
    layout = StoreLayout(settings.home)
    with writer_lock(layout, wait, on_waiting):
        remove_unpublished(layout, settings)
        base = layout.current()
        target = layout.paths_of(_next_name(layout))
        started = time.perf_counter()
        stores = copy_generation(settings, base, target)
        copy_s = time.perf_counter() - started
        logger.info("copied generation %r into %s in %.1f s", base.name, target.name, copy_s)
        try:
            report = run(build_ingestor(settings, stores, target, embedder=embedder))
        finally:
            stores.close()
        if not base.name or _changed(base, target):
            started = time.perf_counter()
            layout.publish(target)
            logger.info("published generation %s in %.1f s", target.name, time.perf_counter() - started)
            remove_replaced(layout, settings)
            return GenerationOutcome(report, target.name, published=True)
        _remove_generation(settings, target)
        return GenerationOutcome(report, base.name, published=False)


def _next_name(layout: StoreLayout) -> str:
    names = layout.generation_names()
    return str(int(names[-1]) + 1 if names else 1)


def copy_generation(settings: Settings, base: StorePaths, target: StorePaths) -> Stores:
    """The stores of `target`, holding what `base` holds."""
    _remove_generation(settings, target)  # on a Chroma server also a collection a killed run left
    target.root.mkdir(parents=True)
    if base.keyword_index.is_dir():
        shutil.copytree(base.keyword_index, target.keyword_index)
    for source, destination in ((base.manifest, target.manifest), (base.sql_examples, target.sql_examples)):
        if source.exists():
            shutil.copy2(source, destination)
    copy_warehouse(settings, base, target)  # the DuckDB file, or the PostgreSQL schema
    # Chroma through its API, never as files: besides servers writing to the served folder, an
    # embedded Chroma (1.5) keeps the last writes below `hnsw:sync_threshold` out of its HNSW files,
    # so a file copy of even a closed folder can lose vectors (chroma-core/chroma#6975; a file
    # snapshot tried for the national catalog lost one in the crash-safety test).
    stores = open_stores(settings, target)
    # On a Chroma server, a generation that holds no manifest was never ingested into: its collection
    # is empty or absent (not created here just to be read).
    in_base = base.manifest.exists() if settings.chroma_url else base.chroma.exists()
    if in_base:
        old = open_vector_store(settings, base)
        try:
            for chunks, vectors in old.pages_with_vectors(_COPY_PAGE):
                stores.vector_store.add_chunks(chunks, vectors)
        finally:
            old.close()
    return stores


def _changed(base: StorePaths, target: StorePaths) -> bool:
    """Whether the run changed the stores: every change to them is recorded in the manifest, and
    the kept SQL examples are rewritten on their own."""
    return any(
        _bytes(getattr(base, name)) != _bytes(getattr(target, name)) for name in ("manifest", "sql_examples")
    )


def _bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def remove_unpublished(layout: StoreLayout, settings: Settings) -> None:
    """Remove generations newer than the served one: left by a run that died before publishing
    (only called under the writer lock, so no run is writing them now)."""
    current = int(layout.current_name() or 0)
    for name in layout.generation_names():
        if int(name) > current:
            logger.warning("removing generation %s, left unpublished by an interrupted ingest", name)
            _remove_generation(settings, layout.paths_of(name))


def remove_replaced(layout: StoreLayout, settings: Settings) -> None:
    """Remove generations older than the served one, except the newest KEEP_PREVIOUS and any
    replaced less than REPLACED_GRACE_S ago."""
    current = int(layout.current_name() or 0)
    older = [name for name in layout.generation_names() if int(name) < current]
    names = layout.generation_names()
    for name in older[: max(0, len(older) - KEEP_PREVIOUS)]:
        successor = layout.paths_of(names[names.index(name) + 1])
        replaced_at = _published_at(successor)
        if replaced_at is not None and time.time() - replaced_at >= REPLACED_GRACE_S:
            _remove_generation(settings, layout.paths_of(name))
    if settings.chroma_url:
        _remove_orphan_collections(layout, settings, current)


def _remove_orphan_collections(layout: StoreLayout, settings: Settings, current: int) -> None:
    """On a Chroma server: remove the collections of older generations whose folder is gone (the
    server could not be reached when it was removed), and generation 0's (which a server started on
    a new home creates), once replaced for REPLACED_GRACE_S like any generation."""
    from assistant.stores.vector_store import chroma_client

    assert settings.chroma_url
    kept = set(layout.generation_names())
    client = chroma_client(url=settings.chroma_url, timeout_s=settings.chroma_timeout_s)
    try:
        for collection in client.list_collections():
            number = _generation_of_collection(collection.name, settings.collection)
            if number is None or number >= current or str(number) in kept:
                continue
            replaced_at = _published_at(layout.paths_of(str(number + 1)))
            if replaced_at is None or time.time() - replaced_at >= REPLACED_GRACE_S:
                logger.info("removing collection %s of a removed generation", collection.name)
                client.delete_collection(collection.name)
    except CityQAError as error:  # tried again after the next ingest
        logger.warning("could not remove old collections from the Chroma server: %s", error.detail)
    finally:
        client.close()


def _generation_of_collection(name: str, base: str) -> int | None:
    """n for the collection `{base}_g{n}` of generation n (`StorePaths.collection`), else None."""
    prefix = f"{base}_g"
    number = name[len(prefix) :] if name.startswith(prefix) else ""
    return int(number) if number.isdigit() else None


def _published_at(paths: StorePaths) -> float | None:
    try:
        return (paths.root / PUBLISHED_FILE).stat().st_mtime
    except FileNotFoundError:
        return None


def _remove_generation(settings: Settings, paths: StorePaths) -> None:
    if settings.chroma_url and paths.name:
        from assistant.stores.vector_store import chroma_client

        name = paths.collection(settings.collection, shared_server=True)
        try:
            client = chroma_client(url=settings.chroma_url, timeout_s=settings.chroma_timeout_s)
        except CityQAError as error:  # the folder goes; its collection is removed after a later ingest
            logger.warning("could not remove collection %s: %s", name, error.detail)
        else:
            try:
                if name in {collection.name for collection in client.list_collections()}:
                    client.delete_collection(name)
            except CityQAError as error:
                logger.warning("could not remove collection %s: %s", name, error.detail)
            finally:
                client.close()
    remove_warehouse(settings, paths)  # a PostgreSQL schema and its logins (a DuckDB file is in root)
    shutil.rmtree(paths.root, ignore_errors=True)
