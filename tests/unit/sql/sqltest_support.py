"""Shared helpers of the SQL unit tests: the demo tables in an in-memory DuckDB and a semantic layer."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

from assistant.models import SqlResult
from assistant.sql.cards import TableCard, load_table_card
from assistant.sql.semantic_layer import SemanticLayer, collect_dimension_values

TABLES_DIR = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


def demo_cards() -> list[TableCard]:
    return list(_demo_cards())


@functools.cache
def _demo_cards() -> tuple[TableCard, ...]:
    return tuple(
        load_table_card(path) for path in sorted(TABLES_DIR.glob("*.yaml")) if path.name != "examples.yaml"
    )


def allowed_columns() -> dict[str, list[str]]:
    return {card.name: [column.name for column in card.columns] for card in _demo_cards()}


@functools.cache
def demo_connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for card in demo_cards():
        types = {column.name: column.type for column in card.columns}
        connection.execute(
            f"CREATE TABLE {card.name} AS SELECT * FROM read_csv(?, header=true, columns=?)",
            [str(TABLES_DIR / card.file), types],
        )
    return connection


def run_sql(sql: str) -> SqlResult:
    cursor = demo_connection().cursor()
    relation = cursor.execute(sql)
    columns = [d[0] for d in relation.description or []]
    rows: list[list[Any]] = [list(row) for row in relation.fetchall()]
    return SqlResult(query=sql, columns=columns, rows=rows, row_count=len(rows))


@functools.cache
def demo_layer() -> SemanticLayer:
    cards = demo_cards()
    return SemanticLayer.build(cards, collect_dimension_values(cards, run_sql))
