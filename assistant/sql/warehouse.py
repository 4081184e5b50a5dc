"""The warehouse seam and its default adapter, a DuckDB file.

`Warehouse` is what the assistant needs: the curated tables and a read-only way to run a guarded
query. `DuckDBWarehouse` also loads tables for ingestion (`replace_table`, `drop_table`) and keeps
each table's card in a private metadata table `_cityqa_cards`.

Queries run on a hardened connection, the second layer after `assistant.sql.guard`: the file is
opened `read_only=True`, external access (files, network, extensions) is off, extensions are never
auto-installed or auto-loaded, memory and threads are capped and the configuration is then locked.
A timer interrupts a query that runs past its time limit. DuckDB allows only one kind of
connection (read-only or read-write) to a file per process at a time, so loading closes the read
connection and opens a writer briefly; one lock serialises the warehouse's work.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import threading
import uuid
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas

from assistant.errors import CityQAError, ErrorCode
from assistant.models import SqlResult
from assistant.sql.cards import TableCard

METADATA_TABLE = "_cityqa_cards"
_INCOMING_VIEW = "_cityqa_incoming"
_SUGGESTION = re.compile(
    r"\s*(Did you mean|Candidate (tables|bindings|functions)).*$", re.IGNORECASE | re.DOTALL
)


class Warehouse(Protocol):
    """What the assistant needs from a warehouse."""

    def tables(self) -> dict[str, list[str]]:
        """Curated table name -> its column names."""
        ...

    def run_readonly(self, sql: str, timeout_ms: int, max_rows: int) -> SqlResult:
        """Run one query read-only within `timeout_ms`, returning at most `max_rows` rows."""
        ...


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _short_error(error: Exception) -> str:
    """First line of a DuckDB error, without 'Did you mean …' hints that could name hidden tables."""
    text = str(error).strip()
    text = _SUGGESTION.sub("", text)
    first = text.splitlines()[0] if text else type(error).__name__
    return first[:300]


def json_safe(value: Any) -> Any:
    """Turn a DuckDB value into something `json.dumps` accepts (NaN and infinities become None)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return json_safe(float(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(item) for item in value]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return json_safe(item())
    return str(value)


class DuckDBWarehouse:
    """A DuckDB file holding the curated tables. Nothing is opened until first use."""

    def __init__(self, path: Path, *, memory_limit: str = "512MB", threads: int = 1) -> None:
        self.path = Path(path)
        self.memory_limit = memory_limit
        self.threads = threads
        self._reader: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.RLock()

    # -- connections -------------------------------------------------------------------------
    def _read_connection(self) -> duckdb.DuckDBPyConnection:
        if self._reader is None:
            if not self.path.exists():
                raise CityQAError(ErrorCode.SQL_FAILED, "the warehouse has no tables yet")
            config: dict[str, Any] = {
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "allow_community_extensions": False,
                "memory_limit": self.memory_limit,
                "threads": self.threads,
            }
            try:
                connection = duckdb.connect(str(self.path), read_only=True, config=config)
                connection.execute("SET lock_configuration = true")
            except duckdb.Error as error:
                raise CityQAError(
                    ErrorCode.SQL_FAILED, f"cannot open the warehouse: {_short_error(error)}"
                ) from error
            self._reader = connection
        return self._reader

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def close(self) -> None:
        with self._lock:
            self._close_reader()

    def _write_connection(self) -> duckdb.DuckDBPyConnection:
        self._close_reader()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = duckdb.connect(str(self.path))
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {METADATA_TABLE} (name VARCHAR PRIMARY KEY, card_json VARCHAR)"
            )
        except duckdb.Error as error:
            raise CityQAError(
                ErrorCode.INGEST_FAILED,
                f"cannot open the warehouse for writing (is it open elsewhere?): {_short_error(error)}",
            ) from error
        return connection

    # -- loading -----------------------------------------------------------------------------
    def replace_table(self, card: TableCard, frame: pandas.DataFrame) -> None:
        """Create or replace `card.name` from `frame`, casting every column to the card's type."""
        names = [column.name for column in card.columns]
        missing = [name for name in names if name not in frame.columns]
        if missing:
            raise CityQAError(
                ErrorCode.INGEST_FAILED,
                f"table {card.name}: column {', '.join(missing)} missing from the data",
            )
        incoming = frame[names].copy()
        for name in names:
            if incoming[name].dtype == object:
                incoming[name] = incoming[name].map(lambda value: None if _is_missing(value) else str(value))
        with self._lock:
            connection = self._write_connection()
            try:
                connection.register(_INCOMING_VIEW, incoming)
                for column in card.columns:
                    self._check_castable(connection, card.name, column.name, column.type)
                select = ", ".join(
                    f"CAST({_quote(column.name)} AS {column.type}) AS {_quote(column.name)}"
                    for column in card.columns
                )
                connection.execute("BEGIN TRANSACTION")
                connection.execute(
                    f"CREATE OR REPLACE TABLE {_quote(card.name)} AS SELECT {select} FROM {_INCOMING_VIEW}"
                )
                connection.execute(
                    f"INSERT OR REPLACE INTO {METADATA_TABLE} VALUES (?, ?)",
                    [card.name, card.model_dump_json()],
                )
                connection.execute("COMMIT")
            except duckdb.Error as error:
                raise CityQAError(
                    ErrorCode.INGEST_FAILED, f"table {card.name}: {_short_error(error)}"
                ) from error
            finally:
                connection.close()

    @staticmethod
    def _check_castable(connection: duckdb.DuckDBPyConnection, table: str, column: str, type_: str) -> None:
        quoted = _quote(column)
        bad = connection.execute(
            f"SELECT {quoted}::VARCHAR FROM {_INCOMING_VIEW} "
            f"WHERE {quoted} IS NOT NULL AND TRY_CAST({quoted} AS {type_}) IS NULL LIMIT 1"
        ).fetchone()
        if bad is not None:
            raise CityQAError(
                ErrorCode.INGEST_FAILED,
                f"table {table}: column {column} has value {bad[0]!r} that is not {type_}",
            )

    def drop_table(self, name: str) -> None:
        with self._lock:
            connection = self._write_connection()
            try:
                connection.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
                connection.execute(f"DELETE FROM {METADATA_TABLE} WHERE name = ?", [name])
            except duckdb.Error as error:
                raise CityQAError(ErrorCode.INGEST_FAILED, f"table {name}: {_short_error(error)}") from error
            finally:
                connection.close()

    # -- reading -----------------------------------------------------------------------------
    def cards(self) -> dict[str, TableCard]:
        """The card of every curated table, by table name."""
        rows = self._internal_query(
            f"SELECT name, card_json FROM {METADATA_TABLE} WHERE name IN "
            "(SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main') ORDER BY name",
            needs_metadata=True,
        )
        return {name: TableCard.model_validate_json(card_json) for name, card_json in rows}

    def tables(self) -> dict[str, list[str]]:
        """Curated table -> columns in order; never the private `_cityqa_*` or system tables."""
        rows = self._internal_query(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
            "AND NOT starts_with(table_name, '_cityqa_') "
            "AND table_name IN (SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary) "
            "ORDER BY table_name, column_index"
        )
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found

    def _internal_query(self, sql: str, *, needs_metadata: bool = False) -> list[tuple[Any, ...]]:
        with self._lock:
            if not self.path.exists():
                return []
            connection = self._read_connection()
            if needs_metadata:
                exists = connection.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                    "AND schema_name = 'main' AND table_name = ?",
                    [METADATA_TABLE],
                ).fetchone()
                if not exists or not exists[0]:
                    return []
            return connection.execute(sql).fetchall()

    def run_readonly(self, sql: str, timeout_ms: int, max_rows: int) -> SqlResult:
        """Run `sql` on the hardened read-only connection; interrupts it after `timeout_ms`."""
        if timeout_ms <= 0 or max_rows < 0:
            raise CityQAError(ErrorCode.BAD_REQUEST, "timeout_ms must be positive and max_rows not negative")
        with self._lock:
            cursor = self._read_connection().cursor()
            fired = threading.Event()

            def interrupt() -> None:
                fired.set()
                cursor.interrupt()

            timer = threading.Timer(timeout_ms / 1000, interrupt)
            timer.daemon = True
            timer.start()
            try:
                cursor.execute(sql)
                columns = [str(description[0]) for description in cursor.description or []]
                fetched = cursor.fetchmany(max_rows + 1) if cursor.description else []
            except duckdb.Error as error:
                if fired.is_set() or isinstance(error, duckdb.InterruptException):
                    raise CityQAError(
                        ErrorCode.SQL_TIMEOUT, f"the query took longer than {timeout_ms} ms and was stopped"
                    ) from error
                raise CityQAError(ErrorCode.SQL_FAILED, _short_error(error)) from error
            finally:
                timer.cancel()
                timer.join()
                cursor.close()
        rows = [[json_safe(value) for value in row] for row in fetched[:max_rows]]
        return SqlResult(
            query=sql,
            dialect="duckdb",
            tables=[],
            columns=columns,
            rows=rows,
            row_count=len(rows),
            truncated=len(fetched) > max_rows,
        )


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pandas.isna(value))
    except (TypeError, ValueError):
        return False
