"""The warehouse seam and its default adapter, a DuckDB file.

`WarehouseReader` is what the assistant needs: the curated tables, their cards and a read-only way
to run a guarded query over the tables a caller may see; `WarehouseLoader` is what ingestion needs.
`DuckDBWarehouse` is both. It keeps each table's card in a private metadata table `_cityqa_cards`.

Queries never run against the warehouse file itself but in a read-only sandbox database holding
only the tables the caller may see (`assistant.sql.sandbox`), the second layer after
`assistant.sql.guard`, within a time limit, a row cap and a result-size cap that hold
(`assistant.sql.query_runner`). Sandboxes are separate DuckDB instances and every query has its own
cursor, so one slow query does not hold up the others. Loading opens the file for writing briefly,
under a lock that sandbox building shares.

The other adapter is `assistant.sql.postgres_warehouse.PostgresWarehouse` (CITYQA_WAREHOUSE_URL); both
load through `card_frame`, `check_castable` and `cast_select`, so a table holds the same values in
either.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb

from assistant.errors import CityQAError, ErrorCode
from assistant.models import SqlResult
from assistant.sql.cards import TableCard
from assistant.sql.query_runner import QueryLimits, run_with_limits, short_error
from assistant.sql.sandbox import (
    SandboxSet,
    attach_read_only,
    detach_source,
    quote_identifier,
    source_table,
    warehouse_version,
)

if TYPE_CHECKING:
    import pandas

METADATA_TABLE = "_cityqa_cards"
_INCOMING_VIEW = "_cityqa_incoming"
DEFAULT_MAX_RESULT_BYTES = 2_000_000


class WarehouseReader(Protocol):
    """What the assistant needs from a warehouse."""

    dialect: str

    def tables(self) -> dict[str, list[str]]:
        """Curated table name -> its column names."""
        ...

    def cards(self) -> dict[str, TableCard]:
        """Curated table name -> its card."""
        ...

    def run_readonly(self, sql: str, timeout_ms: int, max_rows: int, *, tables: Collection[str]) -> SqlResult:
        """Run one query read-only within `timeout_ms`, seeing only `tables`, returning at most
        `max_rows` rows."""
        ...


class WarehouseLoader(Protocol):
    """What ingestion needs from a warehouse."""

    def replace_table(self, card: TableCard, frame: pandas.DataFrame) -> None: ...

    def drop_table(self, name: str) -> None: ...


class Warehouse(WarehouseReader, WarehouseLoader, Protocol):
    """A warehouse the stores open: readable, loadable and closed with them. Its `dialect` is the
    SQL dialect queries are written in (what the generator writes and the guard parses), which need
    not be its engine's: `PostgresWarehouse` takes DuckDB SQL and transpiles it."""

    def table_frame(self, name: str) -> pandas.DataFrame:
        """Every row of curated table `name`, unguarded (backups copy a warehouse with it)."""
        ...

    def close(self) -> None: ...


def card_frame(card: TableCard, frame: pandas.DataFrame) -> pandas.DataFrame:
    """The card's columns of `frame`, in the card's order, text cells as str or None (ready to cast)."""
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
    return incoming


def check_castable(connection: duckdb.DuckDBPyConnection, card: TableCard, relation: str) -> None:
    """INGEST_FAILED naming the first value of `relation` that a column's card type cannot hold."""
    for column in card.columns:
        quoted = quote_identifier(column.name)
        bad = connection.execute(
            f"SELECT {quoted}::VARCHAR FROM {relation} "
            f"WHERE {quoted} IS NOT NULL AND TRY_CAST({quoted} AS {column.type}) IS NULL LIMIT 1"
        ).fetchone()
        if bad is not None:
            raise CityQAError(
                ErrorCode.INGEST_FAILED,
                f"table {card.name}: column {column.name} has value {bad[0]!r} that is not {column.type}",
            )


def cast_select(card: TableCard) -> str:
    """The SELECT list casting every column to its card type (DuckDB's casts, for every warehouse)."""
    return ", ".join(
        f"CAST({name} AS {column.type}) AS {name}"
        for column in card.columns
        for name in [quote_identifier(column.name)]
    )


@dataclass
class _Metadata:
    version: str
    tables: dict[str, list[str]]
    cards: dict[str, TableCard]


class DuckDBWarehouse:
    """A DuckDB file holding the curated tables. Nothing is opened until first use."""

    dialect = "duckdb"

    def __init__(
        self,
        path: Path,
        *,
        memory_limit: str = "512MB",
        threads: int = 1,
        max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
    ) -> None:
        self.path = Path(path)
        self.max_result_bytes = max_result_bytes
        self._lock = threading.RLock()
        self._sandboxes = SandboxSet(self.path, self._lock, memory_limit=memory_limit, threads=threads)
        self._metadata: _Metadata | None = None
        self._writes = 0  # in-process writes also change the version (file times can be coarse)

    def close(self) -> None:
        self._sandboxes.close()

    def _write_connection(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = duckdb.connect(str(self.path))
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {METADATA_TABLE} (name VARCHAR PRIMARY KEY, card_json VARCHAR)"
            )
        except duckdb.Error as error:
            raise CityQAError(
                ErrorCode.INGEST_FAILED,
                f"cannot open the warehouse for writing (is it open elsewhere?): {short_error(error)}",
            ) from error
        return connection

    # -- loading -----------------------------------------------------------------------------
    def replace_table(self, card: TableCard, frame: pandas.DataFrame) -> None:
        """Create or replace `card.name` from `frame`, casting every column to the card's type."""
        incoming = card_frame(card, frame)
        with self._lock:
            connection = self._write_connection()
            try:
                connection.register(_INCOMING_VIEW, incoming)
                check_castable(connection, card, _INCOMING_VIEW)
                connection.execute("BEGIN TRANSACTION")
                connection.execute(
                    f"CREATE OR REPLACE TABLE {quote_identifier(card.name)} "
                    f"AS SELECT {cast_select(card)} FROM {_INCOMING_VIEW}"
                )
                connection.execute(
                    f"INSERT OR REPLACE INTO {METADATA_TABLE} VALUES (?, ?)",
                    [card.name, card.model_dump_json()],
                )
                connection.execute("COMMIT")
                self._writes += 1
            except duckdb.Error as error:
                raise CityQAError(
                    ErrorCode.INGEST_FAILED, f"table {card.name}: {short_error(error)}"
                ) from error
            finally:
                connection.close()

    def drop_table(self, name: str) -> None:
        with self._lock:
            connection = self._write_connection()
            try:
                connection.execute(f"DROP TABLE IF EXISTS {quote_identifier(name)}")
                connection.execute(f"DELETE FROM {METADATA_TABLE} WHERE name = ?", [name])
                self._writes += 1
            except duckdb.Error as error:
                raise CityQAError(ErrorCode.INGEST_FAILED, f"table {name}: {short_error(error)}") from error
            finally:
                connection.close()

    # -- reading -----------------------------------------------------------------------------
    def table_frame(self, name: str) -> pandas.DataFrame:
        if name not in self.tables():
            raise CityQAError(ErrorCode.NOT_FOUND, f"no table {name} in the warehouse")
        with self._lock, duckdb.connect(":memory:") as connection:
            attach_read_only(connection, self.path)
            return connection.execute(f"SELECT * FROM {source_table(name)}").df()

    def cards(self) -> dict[str, TableCard]:
        """The card of every curated table, by table name."""
        return dict(self._current_metadata().cards)

    def tables(self) -> dict[str, list[str]]:
        """Curated table -> columns in order; never the private `_cityqa_*` or system tables."""
        return {name: list(columns) for name, columns in self._current_metadata().tables.items()}

    def _current_metadata(self) -> _Metadata:
        """Tables and cards, read again only when the file has changed (ingest in any process)."""
        with self._lock:
            if not self.path.exists():
                return _Metadata("", {}, {})
            version = f"{warehouse_version(self.path)}{self._writes}"
            if self._metadata is None or self._metadata.version != version:
                self._metadata = self._read_metadata(version)
            return self._metadata

    def _read_metadata(self, version: str) -> _Metadata:
        try:
            with duckdb.connect(":memory:") as connection:
                attach_read_only(connection, self.path)
                columns = connection.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() "
                    "WHERE database_name = 'cityqa_source' AND schema_name = 'main' AND NOT internal "
                    "AND NOT starts_with(table_name, '_cityqa_') ORDER BY table_name, column_index"
                ).fetchall()
                has_cards = connection.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'cityqa_source' "
                    "AND schema_name = 'main' AND table_name = ?",
                    [METADATA_TABLE],
                ).fetchone()
                card_rows = (
                    connection.execute(
                        f"SELECT name, card_json FROM {source_table(METADATA_TABLE)} ORDER BY name"
                    ).fetchall()
                    if has_cards and has_cards[0]
                    else []
                )
                detach_source(connection)
        except duckdb.Error as error:
            raise CityQAError(
                ErrorCode.SQL_FAILED, f"cannot read the warehouse: {short_error(error)}"
            ) from error
        tables: dict[str, list[str]] = {}
        for table, column in columns:
            tables.setdefault(table, []).append(column)
        cards = {
            name: TableCard.model_validate_json(card_json) for name, card_json in card_rows if name in tables
        }
        return _Metadata(version, tables, cards)

    def run_readonly(self, sql: str, timeout_ms: int, max_rows: int, *, tables: Collection[str]) -> SqlResult:
        """Run `sql` in the read-only sandbox that holds only `tables` (unknown names are ignored)."""
        limits = QueryLimits(timeout_ms=timeout_ms, max_rows=max_rows, max_bytes=self.max_result_bytes)
        metadata = self._current_metadata()
        if not metadata.tables:
            raise CityQAError(ErrorCode.SQL_FAILED, "the warehouse has no tables yet")
        visible = {name for name in tables if name in metadata.tables}
        connection = self._sandboxes.connection_for(visible, metadata.version)
        fetched = run_with_limits(connection, sql, limits)
        return SqlResult(
            query=sql,
            dialect=self.dialect,
            tables=[],
            columns=fetched.columns,
            rows=fetched.rows,
            row_count=len(fetched.rows),
            truncated=fetched.truncated,
        )


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas  # not at import: a question without statistics never needs it (cold start)

        return bool(pandas.isna(value))
    except (TypeError, ValueError):
        return False
