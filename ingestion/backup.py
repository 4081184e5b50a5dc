"""Back up a CITYQA_HOME while it serves: the result is itself a complete home.

What is copied, and how each copy stays consistent with servers and ingests running:
- the served generation of the stores, under the writer lock (no ingest publishes meanwhile), the
  same way an ingest copies it (`ingestion.generations.copy_generation`: Chroma through its API);
- conversations (state.sqlite3) and feedback (feedback.sqlite3) with SQLite's online backup, a
  consistent snapshot even while servers write;
- the audit log up to its last complete line (it is only ever appended to).
Restore: stop the service and point CITYQA_HOME at the backup (or copy it into place).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.store_layout import CURRENT_FILE, StoreLayout
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
    if settings.chroma_url:
        raise CityQAError(
            ErrorCode.BAD_REQUEST,
            "the vector store is a Chroma server: back it up with the server's own tools",
        )
    if destination.exists() and any(destination.iterdir()):
        raise CityQAError(ErrorCode.BAD_REQUEST, f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    source = StoreLayout(settings.home)
    copied: list[str] = []
    with writer_lock(source):
        name = source.current_name() or "1"  # unversioned stores become generation 1 of the copy
        target = StoreLayout(destination)
        stores = copy_generation(settings, source.current(), target.paths_of(name))
        chunks = len(stores.keyword_index)
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


def _copy_sqlite(source: Path, destination: Path) -> None:
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(destination)) as writing:
        reading.backup(writing)
    destination.chmod(0o600)  # questions and answers of people with clearances


def _copy_complete_lines(source: Path, destination: Path) -> None:
    content = source.read_bytes()
    destination.write_bytes(content[: content.rfind(b"\n") + 1])
    destination.chmod(0o600)
