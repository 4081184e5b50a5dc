"""The warehouse in PostgreSQL: `PostgresWarehouse`, a `WarehouseReader` and `WarehouseLoader` like
`DuckDBWarehouse`, chosen by CITYQA_WAREHOUSE_URL (`assistant.factory.open_warehouse`).

- Loading (the owner login of the URL): each table is cast with DuckDB's casts to the card's types
  (the same values as in a DuckDB warehouse, the same error for a bad cell) and copied into the
  schema of its store generation with the card's types in PostgreSQL (`POSTGRES_COLUMN_TYPES`,
  text in a code-point collation);
  cards go to the schema's private `_cityqa_cards` table (`assistant.sql.postgres_schema`).
- Answering: queries come in DuckDB's SQL (`dialect`), already through the guard; DuckDB names and
  types the result (`DuckDBShapes`), sqlglot transpiles the query (`to_postgres`), and it runs on a
  connection of the login that may read exactly the caller's permitted tables and nothing else (one
  login per set of tables, created by the owner; why not `SET ROLE`: `postgres_schema`'s docstring),
  in a READ ONLY transaction with `statement_timeout` and a search_path of the schema alone, through
  a server-side cursor that fetches at most the row cap, within the result-size cap.
- The time limit holds from both ends: `statement_timeout` on the server, and a cancel request
  from the client at the limit plus a short grace, for a server that does not notice in time.
- Nothing is opened until first use; connections are pooled, one pool per login.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import psycopg
from psycopg import sql as pgsql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus

from assistant.errors import CityQAError, ErrorCode
from assistant.models import SqlResult
from assistant.sql.cards import TableCard
from assistant.sql.postgres_schema import (
    CARDS_TABLE,
    bump_version,
    copy_schema,
    drop_schema,
    ensure_query_login,
    ensure_schema,
    grant_to_logins,
    read_cards,
    read_tables,
    read_version,
    text_collation,
)
from assistant.sql.postgres_sql import (
    POSTGRES_COLUMN_TYPES,
    DuckDBShapes,
    ResultShape,
    like_duckdb,
    parse_duckdb,
    to_postgres,
)
from assistant.sql.query_runner import FetchedRows, QueryLimits, approximate_row_bytes, json_safe, short_error
from assistant.sql.warehouse import DEFAULT_MAX_RESULT_BYTES, card_frame, cast_select, check_castable

if TYPE_CHECKING:
    import pandas

logger = logging.getLogger(__name__)

# How long past its time limit a query may run before the client cancels it itself.
CANCEL_GRACE_S = 0.5
# How often the metadata version is read again (a served generation never changes; an in-place
# writer in this process resets it at once).
METADATA_CHECK_S = 2.0
_FETCH_BATCH = 256
_SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_INCOMING = "_cityqa_incoming"


def postgres_message(error: BaseException) -> str:
    """PostgreSQL's own first line (never a password: libpq does not print it)."""
    diag = getattr(error, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return short_error(Exception(primary)) if primary else short_error(error)


class _ConnectionPool:
    """Idle connections of one login, reused across queries (autocommit; each query opens its own
    transaction). A connection left in a transaction or broken is closed, never reused."""

    def __init__(self, conninfo: str, max_idle: int = 4) -> None:
        self.conninfo = conninfo
        self.max_idle = max_idle
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None or connection.closed:
            connection = psycopg.connect(
                self.conninfo, autocommit=True, connect_timeout=10, application_name="cityqa"
            )
        try:
            yield connection
        finally:
            reusable = not connection.closed and connection.info.transaction_status == TransactionStatus.IDLE
            with self._lock:
                if reusable and len(self._idle) < self.max_idle:
                    self._idle.append(connection)
                    connection = None  # type: ignore[assignment]
            if connection is not None:
                connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


@dataclass
class _Metadata:
    version: str
    tables: dict[str, list[str]]
    cards: dict[str, TableCard]


class PostgresWarehouse:
    """The curated tables in one schema of a PostgreSQL database (one schema per store generation)."""

    dialect = "duckdb"  # the SQL it takes (the generator's, the guard's); it runs as PostgreSQL
    engine = "postgres"

    def __init__(self, url: str, schema: str, *, max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES) -> None:
        if not _SCHEMA_NAME.match(schema):
            raise CityQAError(
                ErrorCode.INVALID_CONFIG,
                f"warehouse schema {schema!r} must be lower_snake_case, at most 48 characters",
            )
        self.url = url
        self.schema = schema
        self.max_result_bytes = max_result_bytes
        self._owner = _ConnectionPool(url, max_idle=2)
        self._pools: dict[str, _ConnectionPool] = {}
        self._logins: dict[frozenset[str], tuple[str, str]] = {}
        self._shapes = DuckDBShapes()
        self._lock = threading.RLock()
        self._metadata: _Metadata | None = None
        self._checked_at = 0.0

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        self._owner.close()
        self._shapes.close()

    @contextmanager
    def _owner_connection(self, code: ErrorCode, what: str) -> Iterator[psycopg.Connection]:
        try:
            with self._owner.connection() as connection:
                yield connection
        except psycopg.Error as error:
            raise CityQAError(code, f"{what}: {postgres_message(error)}") from error

    # -- loading -----------------------------------------------------------------------------
    def replace_table(self, card: TableCard, frame: pandas.DataFrame) -> None:
        """Create or replace `card.name` from `frame`, cast by DuckDB to the card's types."""
        rows = _cast_like_duckdb(card, card_frame(card, frame))
        table = pgsql.SQL("{}.{}").format(pgsql.Identifier(self.schema), pgsql.Identifier(card.name))
        names = pgsql.SQL(", ").join(pgsql.Identifier(column.name) for column in card.columns)
        with self._lock, self._owner_connection(ErrorCode.INGEST_FAILED, f"table {card.name}") as connection:
            collation = pgsql.SQL(" COLLATE {}").format(pgsql.Identifier(text_collation(connection)))
            columns = pgsql.SQL(", ").join(
                pgsql.SQL("{} {}{}").format(
                    pgsql.Identifier(column.name),
                    pgsql.SQL(POSTGRES_COLUMN_TYPES[column.type]),
                    collation if column.type == "VARCHAR" else pgsql.SQL(""),
                )
                for column in card.columns
            )
            with connection.transaction():
                ensure_schema(connection, self.schema)
                connection.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(table))
                connection.execute(pgsql.SQL("CREATE TABLE {} ({})").format(table, columns))
                with (
                    connection.cursor() as cursor,
                    cursor.copy(pgsql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
                connection.execute(
                    pgsql.SQL(
                        "INSERT INTO {} (name, card_json) VALUES (%s, %s) "
                        "ON CONFLICT (name) DO UPDATE SET card_json = EXCLUDED.card_json"
                    ).format(pgsql.Identifier(self.schema, CARDS_TABLE)),
                    [card.name, card.model_dump_json()],
                )
                grant_to_logins(connection, self.schema, card.name)
                bump_version(connection, self.schema)
            self._metadata = None

    def drop_table(self, name: str) -> None:
        with self._lock, self._owner_connection(ErrorCode.INGEST_FAILED, f"table {name}") as connection:
            with connection.transaction():
                ensure_schema(connection, self.schema)
                connection.execute(
                    pgsql.SQL("DROP TABLE IF EXISTS {}").format(pgsql.Identifier(self.schema, name))
                )
                connection.execute(
                    pgsql.SQL("DELETE FROM {} WHERE name = %s").format(
                        pgsql.Identifier(self.schema, CARDS_TABLE)
                    ),
                    [name],
                )
                bump_version(connection, self.schema)
            self._metadata = None

    # -- reading -----------------------------------------------------------------------------
    def table_frame(self, name: str) -> pandas.DataFrame:
        import pandas

        columns = self.tables().get(name)
        if columns is None:
            raise CityQAError(ErrorCode.NOT_FOUND, f"no table {name} in the warehouse")
        with self._owner_connection(ErrorCode.SQL_FAILED, f"table {name}") as connection:
            rows = connection.execute(
                pgsql.SQL("SELECT * FROM {}").format(pgsql.Identifier(self.schema, name))
            ).fetchall()
        return pandas.DataFrame(rows, columns=columns)

    def cards(self) -> dict[str, TableCard]:
        return dict(self._current_metadata().cards)

    def tables(self) -> dict[str, list[str]]:
        return {name: list(columns) for name, columns in self._current_metadata().tables.items()}

    def _current_metadata(self) -> _Metadata:
        with self._lock:
            now = time.monotonic()
            if self._metadata is not None and now - self._checked_at < METADATA_CHECK_S:
                return self._metadata
            with self._owner_connection(ErrorCode.SQL_FAILED, "cannot read the warehouse") as connection:
                version = read_version(connection, self.schema)
                if self._metadata is None or self._metadata.version != version:
                    self._metadata = self._read_metadata(connection, version)
            self._checked_at = now
            return self._metadata

    def _read_metadata(self, connection: psycopg.Connection, version: str) -> _Metadata:
        if not version:
            return _Metadata("", {}, {})
        with connection.transaction():  # one snapshot for tables and cards
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            tables = read_tables(connection, self.schema)
            card_rows = read_cards(connection, self.schema)
        cards = {name: TableCard.model_validate_json(text) for name, text in card_rows if name in tables}
        return _Metadata(version, tables, cards)

    def run_readonly(self, sql: str, timeout_ms: int, max_rows: int, *, tables: Collection[str]) -> SqlResult:
        """Run DuckDB-dialect `sql` as the login of `tables` (unknown names are ignored), with DuckDB's
        column names and value types."""
        limits = QueryLimits(timeout_ms=timeout_ms, max_rows=max_rows, max_bytes=self.max_result_bytes)
        metadata = self._current_metadata()
        if not metadata.tables:
            raise CityQAError(ErrorCode.SQL_FAILED, "the warehouse has no tables yet")
        statement = parse_duckdb(sql)
        shape = self._shapes.shape(statement, sql, metadata.cards, metadata.version)
        postgres_sql = to_postgres(statement, shape.columns if shape else None)
        logger.debug("runs on PostgreSQL as: %s", postgres_sql)
        fetched = self._run(postgres_sql, limits, metadata, tables, shape)
        return _result(sql, self.dialect, fetched)

    def run_native_readonly(
        self, sql: str, timeout_ms: int, max_rows: int, *, tables: Collection[str]
    ) -> SqlResult:
        """Run PostgreSQL `sql` as it is, as the login of `tables`, within the same limits (for
        operators checking the warehouse, and the tests of the second layer)."""
        limits = QueryLimits(timeout_ms=timeout_ms, max_rows=max_rows, max_bytes=self.max_result_bytes)
        metadata = self._current_metadata()
        if not metadata.tables:
            raise CityQAError(ErrorCode.SQL_FAILED, "the warehouse has no tables yet")
        return _result(sql, self.engine, self._run(sql, limits, metadata, tables, None))

    def query_login(self, tables: Collection[str]) -> tuple[str, str]:
        """(login, password) that queries seeing exactly `tables` run as; created on first use."""
        visible = frozenset(tables)
        with self._lock:
            known = self._logins.get(visible)
        if known is not None:
            return known
        preparing = "cannot prepare the tables for querying"
        with self._owner_connection(ErrorCode.SQL_FAILED, preparing) as connection:
            try:
                login = ensure_query_login(connection, self.schema, visible)
            except psycopg.errors.InsufficientPrivilege as error:
                raise CityQAError(
                    ErrorCode.INVALID_CONFIG,
                    "the warehouse login cannot create the query logins (it needs CREATEROLE and to own "
                    f"the database): {postgres_message(error)}",
                ) from error
        with self._lock:
            self._logins[visible] = login
        return login

    def _pool(self, login: str, password: str) -> _ConnectionPool:
        with self._lock:
            pool = self._pools.get(login)
            if pool is None:
                conninfo = make_conninfo(self.url, user=login, password=password)
                pool = self._pools[login] = _ConnectionPool(conninfo)
            return pool

    def _run(
        self,
        sql: str,
        limits: QueryLimits,
        metadata: _Metadata,
        tables: Collection[str],
        shape: ResultShape | None,
    ) -> FetchedRows:
        visible = frozenset(name for name in tables if name in metadata.tables)
        pool = self._pool(*self.query_login(visible))
        settings = pgsql.SQL(
            "SET TRANSACTION READ ONLY; SET LOCAL search_path TO {}, pg_catalog, pg_temp; "
            "SET LOCAL statement_timeout = {}"
        ).format(pgsql.Identifier(self.schema), pgsql.Literal(limits.timeout_ms))
        try:
            with pool.connection() as connection:
                watchdog = _Watchdog(connection, limits.timeout_ms / 1000 + CANCEL_GRACE_S)
                try:
                    with connection.transaction(force_rollback=True):
                        connection.execute(settings)
                        with connection.cursor(name="cityqa_result") as cursor:
                            cursor.execute(sql.encode())  # bytes: no client-side placeholders
                            return _fetch(cursor, limits, shape)
                finally:
                    watchdog.stop()
        except psycopg.errors.QueryCanceled as error:
            raise CityQAError(
                ErrorCode.SQL_TIMEOUT, f"the query took longer than {limits.timeout_ms} ms and was stopped"
            ) from error
        except psycopg.Error as error:
            raise CityQAError(ErrorCode.SQL_FAILED, postgres_message(error)) from error


class _Watchdog:
    """Cancels the connection's query at the deadline; a connection it fired on is closed (a late
    cancel request must not stop the next query on it)."""

    def __init__(self, connection: psycopg.Connection, seconds: float) -> None:
        self.connection = connection
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            self.connection.cancel_safe(timeout=2.0)
        except psycopg.Error as error:  # the query ends anyway when the transaction does
            logger.warning("could not cancel a query past its time limit: %s", error)

    def stop(self) -> None:
        self._timer.cancel()
        if self.fired:
            self.connection.close()


def _fetch(cursor: psycopg.ServerCursor[Any], limits: QueryLimits, shape: ResultShape | None) -> FetchedRows:
    description = cursor.description or []
    columns = [str(column.name) for column in description]
    types: list[str | None] = [None] * len(columns)
    if shape is not None and len(shape.columns) == len(columns):
        columns, types = list(shape.columns), list(shape.types)
    rows: list[list[Any]] = []
    size = 0
    while description and len(rows) <= limits.max_rows:
        batch = cursor.fetchmany(min(_FETCH_BATCH, limits.max_rows + 1 - len(rows)))
        if not batch:
            break
        for raw in batch:
            row = [
                json_safe(value if type_ is None else like_duckdb(value, type_))
                for value, type_ in zip(raw, types, strict=True)
            ]
            size += approximate_row_bytes(row)
            if size > limits.max_bytes:
                if not rows:
                    raise CityQAError(
                        ErrorCode.SQL_FAILED,
                        f"the first row of the result is larger than the {limits.max_bytes:,}-byte limit",
                    )
                return FetchedRows(columns, rows, truncated=True)
            rows.append(row)
    truncated = len(rows) > limits.max_rows
    return FetchedRows(columns, rows[: limits.max_rows], truncated)


def _result(sql: str, dialect: str, fetched: FetchedRows) -> SqlResult:
    return SqlResult(
        query=sql,
        dialect=dialect,
        tables=[],
        columns=fetched.columns,
        rows=fetched.rows,
        row_count=len(fetched.rows),
        truncated=fetched.truncated,
    )


def _cast_like_duckdb(card: TableCard, incoming: pandas.DataFrame) -> list[tuple[Any, ...]]:
    """The rows of `incoming` cast to the card's types by DuckDB, as the DuckDB warehouse stores them."""
    try:
        with duckdb.connect(":memory:") as connection:
            connection.register(_INCOMING, incoming)
            check_castable(connection, card, _INCOMING)
            return connection.execute(f"SELECT {cast_select(card)} FROM {_INCOMING}").fetchall()
    except duckdb.Error as error:
        raise CityQAError(ErrorCode.INGEST_FAILED, f"table {card.name}: {short_error(error)}") from error


# -- generations and the doctor -----------------------------------------------------------------------
def copy_warehouse_schema(url: str, base: str, target: str) -> None:
    """Copy schema `base` into `target` (replacing it) as the owner of `url` (a new store generation)."""
    try:
        with _owner_connection(url) as connection:
            copy_schema(connection, base, target)
    except psycopg.Error as error:
        raise CityQAError(
            ErrorCode.INGEST_FAILED,
            f"cannot copy warehouse schema {base} into {target}: {postgres_message(error)}",
        ) from error


def drop_warehouse_schema(url: str, schema: str) -> None:
    """Drop `schema` and its query logins (a removed store generation); logged, never raised: an
    unreachable server leaves it for the operator, as a generation folder that could not be removed."""
    try:
        with _owner_connection(url) as connection:
            drop_schema(connection, schema)
    except psycopg.Error as error:
        logger.warning("could not drop warehouse schema %s: %s", schema, postgres_message(error))


def _owner_connection(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="cityqa")


def redacted_url(url: str) -> str:
    """`url` without its password (and other connection parameters): what the doctor shows."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        return "(an unreadable URL)"
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname') or ''}"
