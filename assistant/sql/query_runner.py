"""Run one query on a DuckDB connection within limits that hold: time, rows and result bytes.

DuckDB checks for interruption between vectors, not inside one function call, so a single scalar
call that builds a huge value can outlive `interrupt()` by tens of seconds. The guard keeps such
functions out (an allowlist), and this runner is the safety net: the query runs on a worker thread,
the caller waits at most the time limit plus a short grace, and then gets SQL_TIMEOUT whether or not
DuckDB has stopped yet. A query still running after that is abandoned to its daemon thread (its
cursor is interrupted and closes when it ends); it holds no lock, so other queries go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import logging
import math
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import duckdb

from assistant.errors import CityQAError, ErrorCode

logger = logging.getLogger(__name__)

# How long past its time limit a query may take to notice the interrupt before the caller moves on.
INTERRUPT_GRACE_S = 0.5
_FETCH_BATCH = 256
_SUGGESTION = re.compile(
    r"\s*(Did you mean|Candidate (tables|bindings|functions)).*$", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class QueryLimits:
    timeout_ms: int
    max_rows: int
    max_bytes: int

    def __post_init__(self) -> None:
        if self.timeout_ms <= 0 or self.max_rows < 0 or self.max_bytes <= 0:
            raise CityQAError(
                ErrorCode.BAD_REQUEST, "timeout_ms and max_bytes must be positive and max_rows not negative"
            )


@dataclass
class FetchedRows:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


@dataclass
class _Outcome:
    done: threading.Event = field(default_factory=threading.Event)
    fetched: FetchedRows | None = None
    error: BaseException | None = None


def short_error(error: BaseException) -> str:
    """First line of a DuckDB error, without 'Did you mean …' hints that could name hidden tables."""
    text = _SUGGESTION.sub("", str(error).strip())
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


def approximate_row_bytes(row: list[Any]) -> int:
    """About what the row costs as JSON; exact enough to cap a response, cheap enough per row."""
    return sum(len(str(value)) + 4 for value in row)


def _fetch(cursor: duckdb.DuckDBPyConnection, sql: str, limits: QueryLimits) -> FetchedRows:
    cursor.execute(sql)
    columns = [str(description[0]) for description in cursor.description or []]
    rows: list[list[Any]] = []
    size = 0
    while cursor.description and len(rows) <= limits.max_rows:
        batch = cursor.fetchmany(min(_FETCH_BATCH, limits.max_rows + 1 - len(rows)))
        if not batch:
            break
        for raw in batch:
            row = [json_safe(value) for value in raw]
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


def run_with_limits(connection: duckdb.DuckDBPyConnection, sql: str, limits: QueryLimits) -> FetchedRows:
    """Run `sql` on a new cursor of `connection`; SQL_TIMEOUT no later than the limit plus the grace."""
    cursor = connection.cursor()
    outcome = _Outcome()

    def work() -> None:
        try:
            outcome.fetched = _fetch(cursor, sql, limits)
        except BaseException as error:  # handed to the caller's thread, which decides what it means
            outcome.error = error
        finally:
            outcome.done.set()
            # The sandbox may have been closed under an abandoned query: nothing left to free then.
            with contextlib.suppress(duckdb.Error):
                cursor.close()

    worker = threading.Thread(target=work, name="cityqa-sql", daemon=True)
    worker.start()
    timed_out = not outcome.done.wait(limits.timeout_ms / 1000)
    if timed_out:
        cursor.interrupt()
        if not outcome.done.wait(INTERRUPT_GRACE_S):
            logger.warning("a query ignored its interrupt and was abandoned: %.200s", sql)
    if timed_out or isinstance(outcome.error, duckdb.InterruptException):
        raise CityQAError(
            ErrorCode.SQL_TIMEOUT, f"the query took longer than {limits.timeout_ms} ms and was stopped"
        )
    if isinstance(outcome.error, CityQAError):
        raise outcome.error
    if isinstance(outcome.error, duckdb.Error):
        raise CityQAError(ErrorCode.SQL_FAILED, short_error(outcome.error)) from outcome.error
    if outcome.error is not None:
        raise outcome.error
    assert outcome.fetched is not None
    return outcome.fetched
