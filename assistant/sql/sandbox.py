"""Read-only sandbox databases: one DuckDB file per set of tables a caller may see.

User and generated SQL never runs against the warehouse itself. For each set of visible tables the
warehouse copies exactly those tables into a separate DuckDB file and opens it read-only with
external access off, extensions never loaded and the configuration locked. A query therefore
cannot reach a table the caller may not see, the card metadata, or the warehouse's file path, even
if the guard had a bug: the database it runs in does not contain them.

Sandboxes are named by the table set and the warehouse's version (its file's size and change time),
built on first use, reused across requests and processes, and replaced when the warehouse changes.
Each open sandbox is one DuckDB instance; queries run on their own cursors, so they run side by side.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

import duckdb

from assistant.errors import CityQAError, ErrorCode
from assistant.sql.query_runner import short_error

logger = logging.getLogger(__name__)

_SOURCE_ALIAS = "cityqa_source"


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def warehouse_version(path: Path) -> str:
    """Changes whenever the warehouse file (or its write-ahead log) does."""
    parts = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            stat = candidate.stat()
        except FileNotFoundError:
            continue
        parts.append(f"{candidate.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def attach_read_only(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    connection.execute(f"ATTACH {quote_literal(str(path))} AS {_SOURCE_ALIAS} (READ_ONLY)")


def source_table(table: str) -> str:
    """How a connection with the warehouse attached names one of its tables."""
    return f"{_SOURCE_ALIAS}.main.{quote_identifier(table)}"


def detach_source(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"DETACH {_SOURCE_ALIAS}")


class SandboxSet:
    """The open sandboxes of one warehouse file, by table set; rebuilt when the version changes."""

    def __init__(
        self,
        warehouse_path: Path,
        lock: threading.RLock,
        *,
        memory_limit: str,
        threads: int,
        max_open: int = 8,
    ) -> None:
        self.warehouse_path = warehouse_path
        self.directory = warehouse_path.with_name(warehouse_path.stem + ".sandboxes")
        self.memory_limit = memory_limit
        self.threads = threads
        self.max_open = max_open
        self._open: dict[tuple[frozenset[str], str], duckdb.DuckDBPyConnection] = {}
        # The warehouse's own lock: a sandbox is copied from the file, which a writer in this
        # process must not hold open at the same time.
        self._lock = lock

    def connection_for(self, tables: Collection[str], version: str) -> duckdb.DuckDBPyConnection:
        """The read-only sandbox holding exactly `tables` (all of which must exist in the warehouse)."""
        key = (frozenset(tables), version)
        with self._lock:
            connection = self._open.get(key)
            if connection is None:
                stale = [other for other in self._open if other[1] != version]
                for other in stale:
                    # Queries still running on an old sandbox keep their cursor; the instance lives on
                    # until they end, so it is dropped here rather than closed.
                    del self._open[other]
                if stale:
                    self._remove_files_except(version)
                if len(self._open) >= self.max_open:
                    del self._open[next(iter(self._open))]
                path = self._build(key[0], version)
                connection = self._open_read_only(path)
                self._open[key] = connection
            return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._open.values():
                connection.close()
            self._open.clear()

    # -- building --------------------------------------------------------------------------------
    def _path(self, tables: frozenset[str], version: str) -> Path:
        digest = hashlib.sha256("\x1f".join(sorted(tables)).encode()).hexdigest()[:16]
        return self.directory / f"{digest}-{version}.duckdb"

    def _build(self, tables: frozenset[str], version: str) -> Path:
        path = self._path(tables, version)
        if path.exists():
            return path
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.partial")
        partial.unlink(missing_ok=True)
        try:
            with duckdb.connect(str(partial)) as connection:
                attach_read_only(connection, self.warehouse_path)
                for table in sorted(tables):
                    connection.execute(
                        f"CREATE TABLE main.{quote_identifier(table)} AS SELECT * FROM {source_table(table)}"
                    )
                detach_source(connection)
                connection.execute("CHECKPOINT")
            os.replace(partial, path)  # another process building the same sandbox writes the same data
        except duckdb.Error as error:
            raise CityQAError(
                ErrorCode.SQL_FAILED, f"cannot prepare the tables for querying: {short_error(error)}"
            ) from error
        finally:
            partial.unlink(missing_ok=True)
            partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
        return path

    def _open_read_only(self, path: Path) -> duckdb.DuckDBPyConnection:
        config: dict[str, Any] = {
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "memory_limit": self.memory_limit,
            "threads": self.threads,
        }
        try:
            connection = duckdb.connect(str(path), read_only=True, config=config)
            connection.execute("SET lock_configuration = true")
        except duckdb.Error as error:
            raise CityQAError(
                ErrorCode.SQL_FAILED, f"cannot open the tables for querying: {short_error(error)}"
            ) from error
        return connection

    def _remove_files_except(self, version: str) -> None:
        if not self.directory.exists():
            return
        for stale in self.directory.glob("*.duckdb"):
            if not stale.stem.endswith(version):
                try:
                    stale.unlink()
                except OSError as error:  # another process may still read it; it is only a cache
                    logger.debug("could not remove old sandbox %s: %s", stale, error)
