"""Where the stores live: numbered generations under CITYQA_HOME/stores, the served one named in CURRENT.

A generation holds everything an answer reads (Chroma, the BM25 index, the DuckDB warehouse, the
ingest manifest, the kept SQL examples) and never changes once published: an ingest writes a new
generation beside it and publishes it by replacing the small CURRENT file, and every server process
switches to it (`assistant.live`). So a server keeps answering during an ingest, several processes
can serve one home, and an ingest killed at any point leaves the published stores as they were
(`ingestion.generations` writes and publishes).

A home written before generations existed keeps its stores directly in CITYQA_HOME: it is read in
place until the first ingest copies it into a generation. A new home starts from the empty
generation 0, never published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

STORES_DIR = "stores"
CURRENT_FILE = "CURRENT"
# Written into a generation just before it is published: when it replaced the one before it.
PUBLISHED_FILE = "PUBLISHED"


@dataclass(frozen=True)
class StorePaths:
    """The files of one generation (or of a home's unversioned stores: `name` "")."""

    root: Path
    name: str = ""

    @property
    def chroma(self) -> Path:
        return self.root / "chroma"

    @property
    def keyword_index(self) -> Path:
        return self.root / "keyword_index"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def sql_examples(self) -> Path:
        return self.root / "sql_examples.yaml"

    def collection(self, base: str, shared_server: bool) -> str:
        """The Chroma collection of this generation: `base` in its own embedded folder; on a shared
        Chroma server each generation needs a collection of its own."""
        return f"{base}_g{self.name}" if shared_server and self.name else base


class StoreLayout:
    """The generations of one CITYQA_HOME (reading side; `ingestion.generations` writes)."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.directory = self.home / STORES_DIR

    def current_name(self) -> str:
        """The published generation's name; before any: "" for a home's unversioned stores, else
        "0", the empty generation (what a server started on a new home reads)."""
        try:
            return (self.directory / CURRENT_FILE).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            old = StorePaths(self.home)
            return "" if any(path.exists() for path in (old.chroma, old.keyword_index, old.manifest)) else "0"

    def current(self) -> StorePaths:
        """The stores answers are read from now."""
        return self.paths_of(self.current_name())

    def paths_of(self, name: str) -> StorePaths:
        return StorePaths(self.directory / name, name) if name else StorePaths(self.home)

    def generation_names(self) -> list[str]:
        """Every generation folder, published or not, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(
            (entry.name for entry in self.directory.iterdir() if entry.is_dir() and entry.name.isdigit()),
            key=int,
        )

    def publish(self, paths: StorePaths) -> None:
        """Make `paths` the served generation: CURRENT is replaced in one rename, after the
        generation's own files are on disk, so a reader sees the old or the new one, never half."""
        (paths.root / PUBLISHED_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        _fsync_tree(paths.root)
        temporary = self.directory / (CURRENT_FILE + ".tmp")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(paths.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.directory / CURRENT_FILE)
        _fsync_directory(self.directory)


def _fsync_tree(root: Path) -> None:
    """Flush a generation's files (a kill -9 loses nothing written; a power cut could without this)."""
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                descriptor = os.open(os.path.join(folder, name), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        _fsync_directory(Path(folder))


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
