"""Back up a CITYQA_HOME while it serves: the result is itself a complete home.

What is copied, and how each copy stays consistent with servers and ingests running:
- the served generation of the stores, under the writer lock (no ingest publishes meanwhile), the
  same way an ingest copies it (`ingestion.generations.copy_generation`: Chroma through its API);
- conversations (state.sqlite3) and feedback (feedback.sqlite3) with SQLite's online backup, a
  consistent snapshot even while servers write;
- the audit log up to its last complete line (it is only ever appended to).
Restore: stop the service and point CITYQA_HOME at the backup (or copy it into place).

With a Chroma server (CITYQA_CHROMA_URL) the served generation's collection is read from the server
and written into the backup as an embedded Chroma folder: the backup is a complete home served with
embedded Chroma (CITYQA_CHROMA_URL unset). It is not loaded back onto a server by cityqa: to keep a
server's own copy, stop it and copy its --path folder (Chroma's way), or ingest the sources again.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import Stores, export_warehouse, open_vector_store
from assistant.store_layout import CURRENT_FILE, StoreLayout, StorePaths
from ingestion.generations import copy_generation, writer_lock

_SQLITE_FILES = ("state.sqlite3", "feedback.sqlite3")


@dataclass(frozen=True)
class BackupReport:
    destination: Path
    generation: str
    chunks: int
    files: list[str]


def back_up(settings: Settings, destination: Path) -> BackupReport:
    """Copy the home of `settings` into `destination` (a new or empty folder)."""
    if destination.exists() and any(destination.iterdir()):
        raise CityQAError(ErrorCode.BAD_REQUEST, f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    source = StoreLayout(settings.home)
    copied: list[str] = []
    with writer_lock(source):
        name = source.current_name() or "1"  # unversioned stores become generation 1 of the copy
        target = StoreLayout(destination)
        # With a Chroma server the backup's vectors go into an embedded Chroma folder of its own
        # (never into a collection on the server, where generation n's name is the served one's);
        # with a PostgreSQL warehouse its tables go into the backup's own DuckDB file, likewise.
        embedded = settings.model_copy(update={"chroma_url": None, "warehouse_url": None})
        stores = copy_generation(embedded, source.current(), target.paths_of(name))
        try:
            if settings.chroma_url:
                _copy_server_collection(settings, source.current(), stores)
            if settings.warehouse_url:
                export_warehouse(settings, source.current(), stores.warehouse)
            chunks = len(stores.keyword_index)
        finally:
            stores.close()
        target.publish(target.paths_of(name))
    copied.append(f"stores/{name}")
    copied.append(f"stores/{CURRENT_FILE}")
    for file_name in _SQLITE_FILES:
        if (settings.home / file_name).exists():
            _copy_sqlite(settings.home / file_name, destination / file_name)
            copied.append(file_name)
    if settings.audit_log_path.exists():
        _copy_complete_lines(settings.audit_log_path, destination / settings.audit_log_path.name)
        copied.append(settings.audit_log_path.name)
    return BackupReport(destination, name, chunks, copied)


def _copy_server_collection(settings: Settings, served: StorePaths, stores: Stores) -> None:
    server = open_vector_store(settings, served)
    try:
        for chunks, vectors in server.pages_with_vectors():
            stores.vector_store.add_chunks(chunks, vectors)
    finally:
        server.close()
    if stores.vector_store.count() != len(stores.keyword_index):
        raise CityQAError(
            ErrorCode.INTERNAL,
            f"the backup holds {stores.vector_store.count()} vectors for {len(stores.keyword_index)} chunks",
        )


def _copy_sqlite(source: Path, destination: Path) -> None:
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(destination)) as writing:
        reading.backup(writing)
    destination.chmod(0o600)  # questions and answers of people with clearances


def _copy_complete_lines(source: Path, destination: Path) -> None:
    content = source.read_bytes()
    destination.write_bytes(content[: content.rfind(b"\n") + 1])
    destination.chmod(0o600)
