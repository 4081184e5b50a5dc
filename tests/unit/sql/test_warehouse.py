"""DuckDBWarehouse: loading with card types, hardened read-only queries, time limit and row cap."""

from __future__ import annotations

import concurrent.futures
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas
import pytest
from hostile_statements import AREA, HOSTILE_STATEMENTS, POP, READS_OF_HIDDEN_RELATIONS, SECRET

from assistant.errors import CityQAError, ErrorCode
from assistant.sql.cards import TableCard
from assistant.sql.guard import guard_sql
from assistant.sql.warehouse import DuckDBWarehouse, WarehouseReader

Checksum = Callable[[DuckDBWarehouse], str]
PublicTables = Callable[[DuckDBWarehouse], dict[str, list[str]]]

ABSOLUTE_TARGET = Path("/tmp/cityqa_pwned_abs.csv")
PUBLIC = [POP, AREA]  # what a user without clearance may see


def _files_under(directory: Path) -> set[str]:
    return {str(path.relative_to(directory)) for path in directory.rglob("*")}


# -- the production path: guard, then run ----------------------------------------------------------
@pytest.mark.parametrize("statement", HOSTILE_STATEMENTS)
def test_hostile_statement_is_refused_and_changes_nothing(
    statement: str,
    shared_warehouse: DuckDBWarehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    checksum: Checksum,
    public_tables: PublicTables,
) -> None:
    monkeypatch.chdir(tmp_path)  # relative COPY/EXPORT/ATTACH targets would land here
    database_directory = shared_warehouse.path.parent
    before = checksum(shared_warehouse)
    files_before = _files_under(database_directory)
    with pytest.raises(CityQAError) as raised:
        guarded = guard_sql(statement, public_tables(shared_warehouse))
        shared_warehouse.run_readonly(guarded.sql, timeout_ms=2000, max_rows=50, tables=PUBLIC)
    assert raised.value.code in {ErrorCode.SQL_REJECTED, ErrorCode.SQL_FAILED, ErrorCode.SQL_TIMEOUT}
    assert checksum(shared_warehouse) == before
    assert _files_under(database_directory) == files_before
    assert list(tmp_path.iterdir()) == []
    assert not ABSOLUTE_TARGET.exists()


# -- the second layer on its own: no guard ---------------------------------------------------------
UNGUARDED_WRITES_AND_FILE_ACCESS = [
    "CREATE TABLE pwned AS SELECT 1 AS a",
    f"CREATE OR REPLACE TABLE {POP} AS SELECT 1 AS a",
    f"DROP TABLE {AREA}",
    "DROP TABLE _cityqa_cards",
    f"DELETE FROM {AREA}",
    f"INSERT INTO {AREA} VALUES ('x', 1.0)",
    f"UPDATE {POP} SET total_population = 0",
    f"ALTER TABLE {AREA} ADD COLUMN x INTEGER",
    "CREATE MACRO pwn(a) AS a",
    f"COPY {AREA} TO 'cityqa_pwned.csv'",
    f"COPY (SELECT * FROM {POP}) TO '{ABSOLUTE_TARGET}'",
    "EXPORT DATABASE 'cityqa_export'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "ATTACH 'cityqa_pwned.db' AS pwned",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET threads = 8",
]


@pytest.mark.parametrize("statement", UNGUARDED_WRITES_AND_FILE_ACCESS)
def test_read_only_connection_refuses_writes_and_files_without_the_guard(
    statement: str,
    shared_warehouse: DuckDBWarehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    checksum: Checksum,
) -> None:
    monkeypatch.chdir(tmp_path)
    before = checksum(shared_warehouse)
    with pytest.raises(CityQAError) as raised:
        shared_warehouse.run_readonly(statement, timeout_ms=2000, max_rows=50, tables=PUBLIC)
    assert raised.value.code is ErrorCode.SQL_FAILED
    assert checksum(shared_warehouse) == before
    assert list(tmp_path.iterdir()) == []
    assert not ABSOLUTE_TARGET.exists()


def test_connection_settings_are_hardened_and_locked(shared_warehouse: DuckDBWarehouse) -> None:
    result = shared_warehouse.run_readonly(
        "SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), "
        "current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions'), "
        "current_setting('threads'), current_setting('access_mode')",
        timeout_ms=2000,
        max_rows=1,
        tables=PUBLIC,
    )
    assert result.rows == [[False, True, False, False, 1, "read_only"]]


def test_errors_do_not_suggest_hidden_table_names(shared_warehouse: DuckDBWarehouse) -> None:
    with pytest.raises(CityQAError) as raised:
        shared_warehouse.run_readonly(
            "SELECT * FROM staff_salaries", timeout_ms=2000, max_rows=5, tables=PUBLIC
        )
    assert raised.value.code is ErrorCode.SQL_FAILED
    assert "staff_salaries_2025" not in raised.value.detail
    assert "\n" not in raised.value.detail


# -- limits ----------------------------------------------------------------------------------------
def test_a_slow_query_is_interrupted_at_the_time_limit(shared_warehouse: DuckDBWarehouse) -> None:
    with pytest.raises(CityQAError) as raised:
        shared_warehouse.run_readonly(
            "SELECT count(*) FROM range(100000000000) a", timeout_ms=200, max_rows=1, tables=PUBLIC
        )
    assert raised.value.code is ErrorCode.SQL_TIMEOUT
    # the connection is usable afterwards
    assert shared_warehouse.run_readonly(
        "SELECT 1 AS one", timeout_ms=2000, max_rows=1, tables=PUBLIC
    ).rows == [[1]]


def test_rows_beyond_max_rows_are_cut_and_flagged(shared_warehouse: DuckDBWarehouse) -> None:
    result = shared_warehouse.run_readonly(
        f"SELECT district_en FROM {POP} ORDER BY total_population DESC",
        timeout_ms=2000,
        max_rows=2,
        tables=PUBLIC,
    )
    assert result.rows == [["Haeundae-gu"], ["Busanjin-gu"]]
    assert result.row_count == 2
    assert result.truncated is True
    full = shared_warehouse.run_readonly(
        f"SELECT district_en FROM {POP}", timeout_ms=2000, max_rows=4, tables=PUBLIC
    )
    assert full.row_count == 4 and full.truncated is False


def test_values_are_json_serialisable(shared_warehouse: DuckDBWarehouse) -> None:
    result = shared_warehouse.run_readonly(
        f"SELECT sum(total_population) AS total, avg(age_65_plus_share_pct)::DECIMAL(10, 3) AS share, "
        "DATE '2025-05-31' AS as_of, TIMESTAMP '2025-05-31 09:00:00' AS at, 'nan'::DOUBLE AS missing, "
        f"[1, 2] AS list, {{'a': 1}} AS struct, 1.5::FLOAT AS small FROM {POP}",
        timeout_ms=2000,
        max_rows=1,
        tables=PUBLIC,
    )
    assert result.columns == ["total", "share", "as_of", "at", "missing", "list", "struct", "small"]
    assert result.rows == [[950880, 24.835, "2025-05-31", "2025-05-31T09:00:00", None, [1, 2], {"a": 1}, 1.5]]
    json.dumps(result.model_dump(), allow_nan=False)


def test_guarded_query_runs_and_returns_columns(
    shared_warehouse: DuckDBWarehouse, public_tables: PublicTables
) -> None:
    guarded = guard_sql(
        f"SELECT p.district_en, round(p.total_population / a.land_area_km2) AS per_km2 FROM {POP} p "
        f"JOIN {AREA} a ON p.district = a.district ORDER BY per_km2 DESC",
        public_tables(shared_warehouse),
    )
    result = shared_warehouse.run_readonly(guarded.sql, timeout_ms=2000, max_rows=10, tables=PUBLIC)
    assert result.query == guarded.sql
    assert result.columns == ["district_en", "per_km2"]
    assert result.rows[0] == ["Jung-gu", 13102.0]
    assert result.tables == []


# -- tables, cards, loading ------------------------------------------------------------------------
def test_tables_lists_only_curated_tables(
    shared_warehouse: DuckDBWarehouse, cards: dict[str, TableCard]
) -> None:
    tables = shared_warehouse.tables()
    assert tables == {
        AREA: ["district", "land_area_km2"],
        POP: [column.name for column in cards[POP].columns],
        SECRET: ["employee", "salary"],
    }


def test_cards_round_trip_through_the_metadata_table(
    shared_warehouse: DuckDBWarehouse, cards: dict[str, TableCard]
) -> None:
    assert shared_warehouse.cards() == cards
    assert set(cards) == {POP, AREA, SECRET}


def test_construction_does_no_io(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "cityqa.duckdb"
    warehouse: WarehouseReader = DuckDBWarehouse(path)
    assert not path.parent.exists()
    assert warehouse.tables() == {}
    with pytest.raises(CityQAError) as raised:
        warehouse.run_readonly("SELECT 1", timeout_ms=1000, max_rows=1, tables=PUBLIC)
    assert raised.value.code is ErrorCode.SQL_FAILED
    assert not path.parent.exists()
    assert DuckDBWarehouse(path).cards() == {}


def test_replace_table_casts_columns_to_the_card_types(
    warehouse: DuckDBWarehouse, cards: dict[str, TableCard]
) -> None:
    frame = pandas.DataFrame(
        {
            "district": ["수영구", None],
            "district_en": ["Suyeong-gu", "Saha-gu"],
            "total_population": ["170426", "290088"],  # text, as read from a CSV
            "age_65_plus": [44745.0, None],  # float with a gap
            "age_65_plus_share_pct": ["26.25", "25.61"],
            "ignored_extra_column": ["x", "y"],
        }
    )
    warehouse.replace_table(cards[POP], frame)
    result = warehouse.run_readonly(
        f"SELECT typeof(total_population), typeof(age_65_plus), typeof(age_65_plus_share_pct), * FROM {POP} "
        "ORDER BY total_population",
        timeout_ms=2000,
        max_rows=10,
        tables=PUBLIC,
    )
    assert result.rows == [
        ["BIGINT", "BIGINT", "DOUBLE", "수영구", "Suyeong-gu", 170426, 44745, 26.25],
        ["BIGINT", "BIGINT", "DOUBLE", None, "Saha-gu", 290088, None, 25.61],
    ]
    assert warehouse.tables()[POP] == [column.name for column in cards[POP].columns]


def test_replace_table_names_the_column_with_a_bad_value(
    warehouse: DuckDBWarehouse, cards: dict[str, TableCard], checksum: Checksum
) -> None:
    before = checksum(warehouse)
    frame = pandas.DataFrame({"district": ["중구", "서구"], "land_area_km2": ["2.83", "n/a"]})
    with pytest.raises(CityQAError) as raised:
        warehouse.replace_table(cards[AREA], frame)
    assert raised.value.code is ErrorCode.INGEST_FAILED
    assert "land_area_km2" in raised.value.detail and "n/a" in raised.value.detail
    assert checksum(warehouse) == before


def test_replace_table_names_a_missing_column(
    warehouse: DuckDBWarehouse, cards: dict[str, TableCard]
) -> None:
    with pytest.raises(CityQAError) as raised:
        warehouse.replace_table(cards[AREA], pandas.DataFrame({"district": ["중구"]}))
    assert raised.value.code is ErrorCode.INGEST_FAILED
    assert "land_area_km2" in raised.value.detail


def test_reads_and_writes_alternate_in_one_process(
    warehouse: DuckDBWarehouse, cards: dict[str, TableCard], card_factory: Callable[..., TableCard]
) -> None:
    count = f"SELECT count(*) FROM {AREA}"
    assert warehouse.run_readonly(count, timeout_ms=2000, max_rows=1, tables=PUBLIC).rows == [[4]]
    warehouse.replace_table(cards[AREA], pandas.DataFrame({"district": ["서구"], "land_area_km2": [13.99]}))
    assert warehouse.run_readonly(count, timeout_ms=2000, max_rows=1, tables=PUBLIC).rows == [[1]]
    new_card = card_factory("district_households_2025", [("district", "VARCHAR"), ("households", "INTEGER")])
    warehouse.replace_table(new_card, pandas.DataFrame({"district": ["서구"], "households": [51234]}))
    assert "district_households_2025" in warehouse.tables()
    assert warehouse.cards()["district_households_2025"] == new_card
    warehouse.drop_table("district_households_2025")
    assert "district_households_2025" not in warehouse.tables()
    assert "district_households_2025" not in warehouse.cards()
    assert warehouse.run_readonly(count, timeout_ms=2000, max_rows=1, tables=PUBLIC).rows == [[1]]


def test_no_stray_files_next_to_the_database(warehouse: DuckDBWarehouse) -> None:
    warehouse.run_readonly(f"SELECT * FROM {POP}", timeout_ms=2000, max_rows=10, tables=PUBLIC)
    warehouse.close()
    sandboxes = warehouse.path.with_name(warehouse.path.stem + ".sandboxes")
    assert sorted(os.listdir(warehouse.path.parent)) == [warehouse.path.name, sandboxes.name]
    assert [path.suffix for path in sandboxes.iterdir()] == [".duckdb"]  # one sandbox, no WAL or partial


# -- the sandbox: a guard bug cannot become a leak -------------------------------------------------
SECRET_VALUES = ("김민수", "이지은", "52000000", "61000000", "card_json", "staff_salaries")


@pytest.mark.parametrize("statement", READS_OF_HIDDEN_RELATIONS)
def test_hidden_relations_are_not_in_the_public_sandbox_even_without_the_guard(
    statement: str, shared_warehouse: DuckDBWarehouse
) -> None:
    """Each trick runs unguarded where a public user's queries run: the restricted table, the cards
    and the warehouse file are simply not there."""
    try:
        result = shared_warehouse.run_readonly(statement, timeout_ms=2000, max_rows=50, tables=PUBLIC)
    except CityQAError as error:
        assert error.code in {ErrorCode.SQL_FAILED, ErrorCode.SQL_TIMEOUT}
        return
    shown = json.dumps(result.model_dump(), ensure_ascii=False)
    assert not [value for value in SECRET_VALUES if value in shown], shown[:300]
    assert str(shared_warehouse.path) not in shown


def test_the_public_sandbox_lists_only_public_tables(shared_warehouse: DuckDBWarehouse) -> None:
    result = shared_warehouse.run_readonly(
        "SELECT table_name FROM duckdb_tables() ORDER BY 1", timeout_ms=2000, max_rows=50, tables=PUBLIC
    )
    assert result.rows == [[AREA], [POP]]


def test_the_restricted_table_is_there_for_those_who_may_see_it(shared_warehouse: DuckDBWarehouse) -> None:
    result = shared_warehouse.run_readonly(
        f"SELECT count(*) FROM {SECRET}", timeout_ms=2000, max_rows=1, tables=[*PUBLIC, SECRET]
    )
    assert result.rows == [[2]]


# -- limits that hold ------------------------------------------------------------------------------
def test_a_function_that_ignores_the_interrupt_still_returns_at_the_time_limit(
    shared_warehouse: DuckDBWarehouse,
) -> None:
    """DuckDB checks for interrupts between vectors; one huge lpad() call runs for seconds past it."""
    started = time.perf_counter()
    with pytest.raises(CityQAError) as raised:
        shared_warehouse.run_readonly(
            "SELECT length(lpad('x', 100000000, 'y')) AS n", timeout_ms=300, max_rows=1, tables=PUBLIC
        )
    assert raised.value.code is ErrorCode.SQL_TIMEOUT
    assert time.perf_counter() - started < 0.3 + 1.0


def test_result_bytes_are_capped(tmp_path: Path, cards: dict[str, TableCard]) -> None:
    small = DuckDBWarehouse(tmp_path / "cityqa.duckdb", max_result_bytes=30)
    small.replace_table(cards[AREA], pandas.DataFrame({"district": list("abcdefghij"), "land_area_km2": 1.0}))
    try:
        result = small.run_readonly(
            f"SELECT district FROM {AREA}", timeout_ms=2000, max_rows=100, tables=[AREA]
        )
        assert 0 < result.row_count < 10 and result.truncated
        with pytest.raises(CityQAError, match="larger than the 30-byte limit"):
            small.run_readonly(
                "SELECT 'x' || district || '" + "y" * 100 + "' AS s FROM " + AREA, 2000, 5, tables=[AREA]
            )
    finally:
        small.close()


def test_a_slow_query_does_not_hold_up_the_others(
    tmp_path: Path, card_factory: Callable[..., TableCard]
) -> None:
    """Queries run side by side on their own cursors: no lock serialises the warehouse."""
    warehouse = DuckDBWarehouse(tmp_path / "cityqa.duckdb")
    big = card_factory("big_table", [("k", "INTEGER"), ("v", "INTEGER")])
    warehouse.replace_table(big, pandas.DataFrame({"k": [i % 4 for i in range(40_000)], "v": range(40_000)}))
    slow = "SELECT count(*) FROM big_table a JOIN big_table b ON a.k = b.k JOIN big_table c ON a.k = c.k"
    fast = "SELECT max(v) FROM big_table WHERE k = 1"
    try:
        warehouse.run_readonly(fast, 2000, 1, tables=["big_table"])  # builds the sandbox
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow_run = pool.submit(warehouse.run_readonly, slow, 3000, 1, tables=["big_table"])
            time.sleep(0.2)
            started = time.perf_counter()
            for _ in range(10):
                assert warehouse.run_readonly(fast, 2000, 1, tables=["big_table"]).rows == [[39997]]
            fast_seconds = time.perf_counter() - started
            assert not slow_run.done()  # the fast queries finished while the slow one ran
            with pytest.raises(CityQAError) as raised:
                slow_run.result()
        assert raised.value.code is ErrorCode.SQL_TIMEOUT
        assert fast_seconds < 2.0
    finally:
        warehouse.close()
