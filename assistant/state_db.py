"""SQLite files for the service's own state (conversations), shared by threads and by processes.

Several `cityqa serve` workers, a restarted server and the CLI open the same file under CITYQA_HOME,
so every connection is set up alike:

- WAL journal: readers never wait for a writer and a writer never waits for readers; only writers
  take turns. (The mode is stored in the file, so every later connection uses it too.)
- a busy timeout: a writer that finds another process writing waits for it (up to `BUSY_TIMEOUT_MS`)
  instead of failing with "database is locked".
- `BEGIN IMMEDIATE` for every read-then-write (`write_transaction`): the write lock is taken before
  the read, so two processes never both read, then deadlock upgrading to write (the one case a busy
  timeout cannot resolve). Transactions are short: no work other than SQL is done inside one.
- `synchronous=NORMAL`: in WAL mode a crash of the process never loses a committed transaction; a
  power cut may lose the last few (acceptable for conversations, never corrupting).

WAL needs a local disk (not NFS): the processes share memory through the `-shm` file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
IN_MEMORY = ":memory:"


def open_state_database(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit: `write_transaction`), usable from
    any thread (callers serialise its use with a lock). The file is created readable by its owner
    only: it holds questions and answers given to people with clearances."""
    if str(path) != IN_MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # SQLite's -wal/-shm copy its mode
    connection = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != IN_MEMORY:
        connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    return connection


@contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` when the block raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def create_schema(connection: sqlite3.Connection, schema: str) -> None:
    """Run the `;`-separated statements of `schema` (CREATE … IF NOT EXISTS) in one write transaction."""
    with write_transaction(connection):
        for statement in schema.split(";"):
            if statement.strip():
                connection.execute(statement)
