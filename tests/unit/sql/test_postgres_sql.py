"""DuckDB SQL for PostgreSQL, without a server: the rewrites, DuckDB's result shape and value types.

What the rewritten SQL computes on a real PostgreSQL is checked side by side with DuckDB in
tests/integration/test_postgres_warehouse.py.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.sql.cards import TableCard
from assistant.sql.postgres_schema import login_name
from assistant.sql.postgres_sql import DuckDBShapes, like_duckdb, parse_duckdb, to_postgres


def _postgres(sql: str, names: list[str] | None = None) -> str:
    return to_postgres(parse_duckdb(sql), names)


@pytest.mark.parametrize(
    ("duckdb_sql", "postgres_sql"),
    [
        ("SELECT ROUND(x, 2) AS r FROM t", "SELECT CITYQA_ROUND(x, 2) AS r FROM t"),
        ("SELECT ROUND(x) AS r FROM t", "SELECT CITYQA_ROUND(x, 0) AS r FROM t"),
        ("SELECT a / b AS q FROM t", "SELECT CITYQA_DIV(a, b) AS q FROM t"),
        ("SELECT AVG(x) AS m FROM t", "SELECT CAST(AVG(x) AS DOUBLE PRECISION) AS m FROM t"),
        (
            "SELECT AVG(x) OVER (PARTITION BY k) AS m FROM t",
            "SELECT CAST(AVG(x) OVER (PARTITION BY k) AS DOUBLE PRECISION) AS m FROM t",
        ),
        (
            "SELECT ROUND(100.0 * SUM(a) / SUM(b), 1) AS pct FROM t",
            "SELECT CITYQA_ROUND(CITYQA_DIV(100.0 * SUM(a), SUM(b)), 1) AS pct FROM t",
        ),
        ("SELECT k, SUM(x) AS s FROM t GROUP BY ALL", "SELECT k, SUM(x) AS s FROM t GROUP BY 1"),
        # DuckDB puts NULLs last in either direction; PostgreSQL first when descending.
        ("SELECT x FROM t ORDER BY x DESC", "SELECT x FROM t ORDER BY x DESC NULLS LAST"),
        ("SELECT * FROM (SELECT 1 AS a)", "SELECT * FROM (SELECT 1 AS a) AS _cityqa_s0"),
    ],
)
def test_duckdb_semantics_are_spelled_out_for_postgres(duckdb_sql: str, postgres_sql: str) -> None:
    assert _postgres(duckdb_sql) == postgres_sql


def test_order_by_all_becomes_every_output_position() -> None:
    assert _postgres("SELECT a, b FROM t ORDER BY ALL DESC", ["a", "b"]) == (
        "SELECT a, b FROM t ORDER BY 1 DESC NULLS LAST, 2 DESC NULLS LAST"
    )


def test_qualify_filters_before_order_and_limit_and_keeps_the_columns() -> None:
    sql = _postgres(
        "SELECT district, SUM(area) AS area FROM t GROUP BY district "
        "QUALIFY RANK() OVER (ORDER BY SUM(area) DESC NULLS LAST) <= 3 "
        "ORDER BY area DESC, district LIMIT 200",
        ["district", "area"],
    )
    assert sql == (
        'SELECT _cityqa_c1 AS "district", _cityqa_c2 AS "area" FROM (SELECT district AS _cityqa_c1, '
        "SUM(area) AS _cityqa_c2, RANK() OVER (ORDER BY SUM(area) DESC NULLS LAST) <= 3 AS _cityqa_qualify "
        "FROM t GROUP BY district) AS _cityqa_q WHERE _cityqa_qualify "
        "ORDER BY _cityqa_c2 DESC NULLS LAST, _cityqa_c1 LIMIT 200"
    )


def test_qualify_may_name_a_window_by_its_alias() -> None:
    sql = _postgres("SELECT k, rank() OVER (ORDER BY v) AS r FROM t QUALIFY r = 1", ["k", "r"])
    assert "RANK() OVER (ORDER BY v) = 1 AS _cityqa_qualify" in sql


def test_more_than_one_statement_is_refused() -> None:
    with pytest.raises(CityQAError) as raised:
        parse_duckdb("SELECT 1; SELECT 2")
    assert raised.value.code is ErrorCode.SQL_FAILED


# -- DuckDB's result shape ------------------------------------------------------------------------------
CARD = TableCard.model_validate(
    {
        "name": "t",
        "title": {"ko": "t", "en": "t"},
        "description": {"ko": "t", "en": "t"},
        "source": {"name": "test"},
        "licence": "test",
        "as_of": "2025-01-01",
        "grain": "row",
        "file": "t.csv",
        "columns": [
            {"name": name, "type": type_, "description": {"ko": name, "en": name}}
            for name, type_ in (("k", "VARCHAR"), ("n", "BIGINT"), ("v", "DOUBLE"), ("d", "DATE"))
        ],
    }
)


def _shape(sql: str) -> Any:
    return DuckDBShapes().shape(parse_duckdb(sql), sql, {"t": CARD}, "v1")


def test_duckdbs_names_and_types_of_a_result() -> None:
    shape = _shape("SELECT count(*), sum(n), avg(n) AS a, k, round(max(v), 1) AS r FROM t GROUP BY k")
    assert shape.columns == ["count_star()", "sum(n)", "a", "k", "r"]
    assert shape.types == ["BIGINT", "HUGEINT", "DOUBLE", "VARCHAR", "DOUBLE"]
    assert _shape("SELECT 1.5 * n AS m, d FROM t").types == ["DECIMAL(21,1)", "DATE"]


def test_a_query_duckdb_cannot_bind_fails_as_on_the_duckdb_warehouse() -> None:
    for sql in ("SELECT nope FROM t", "SELECT * FROM _cityqa_cards", "SELECT * FROM read_csv('/etc/passwd')"):
        with pytest.raises(CityQAError) as raised:
            _shape(sql)
        assert raised.value.code is ErrorCode.SQL_FAILED


def test_statements_that_are_no_query_are_left_to_postgres() -> None:
    assert _shape("CREATE TABLE pwned AS SELECT 1 AS a") is None  # nothing ran: no table was made
    assert _shape("SELECT count(*) AS n FROM t").columns == ["n"]


@pytest.mark.parametrize(
    ("value", "duckdb_type", "expected"),
    [
        (decimal.Decimal("374321"), "HUGEINT", 374321),  # PostgreSQL's SUM(bigint) is numeric
        (decimal.Decimal("374321.5"), "HUGEINT", decimal.Decimal("374321.5")),  # a difference shows
        (5.0, "BIGINT", 5),
        (decimal.Decimal("24.835"), "DOUBLE", 24.835),
        (3, "DOUBLE", 3.0),
        (2, "DECIMAL(18,3)", decimal.Decimal("2")),
        (dt.datetime(2025, 5, 31, 0, 0), "DATE", dt.date(2025, 5, 31)),
        (True, "BIGINT", True),
        (None, "DOUBLE", None),
        ("해운대구", "VARCHAR", "해운대구"),
    ],
)
def test_values_take_duckdbs_python_types(value: Any, duckdb_type: str, expected: Any) -> None:
    converted = like_duckdb(value, duckdb_type)
    assert converted == expected and type(converted) is type(expected)


def test_query_logins_are_named_by_schema_and_table_set() -> None:
    name = login_name("cityqa", "a" * 48, ["population_by_district_2025", "district_land_area"])
    assert name.startswith("a" * 48 + "_r") and len(name) <= 63  # PostgreSQL's limit on role names
    assert name == login_name("cityqa", "a" * 48, ["district_land_area", "population_by_district_2025"])
    assert name != login_name("other_db", "a" * 48, ["district_land_area", "population_by_district_2025"])
