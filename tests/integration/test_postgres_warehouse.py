"""The PostgreSQL warehouse against the DuckDB one, side by side, on a real PostgreSQL server.

One server per session (`tests/postgres_server.py`: Debian's initdb + pg_ctl on 127.0.0.1, a few
seconds). Two homes are ingested the way `cityqa ingest` does it (a store generation, published),
one with the default DuckDB warehouse and one with CITYQA_WAREHOUSE_URL pointing at the server; the
assistants are built by the factory (the fake embedder injected, the same for both). Then:

- the statistics dev set (every `sql` case) is answered by both: the same answers, SQL, columns,
  rows and scores; the gold SQL gives the same rows on both;
- DuckDB's arithmetic, rounding, division by zero, ordering and types hold on PostgreSQL;
- the hostile SQL corpus: through the guard, the same refusal on both and nothing changed; past the
  guard, PostgreSQL's own privileges refuse every write and every hidden row;
- the second layer on its own: a table outside the caller's set, `statement_timeout`, writes by the
  query login itself, and `set_config('role', …)`;
- generations: each its own schema, copied on ingest, dropped with its logins; backup and doctor.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas
import psycopg
import pytest
import yaml
from postgres_server import PostgresServer, postgres_bin_dir, start_postgres_server

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import Stores, build_assistant, build_user_directory, describe_backends, open_stores
from assistant.fakes import FakeHashingEmbedder
from assistant.models import Classification
from assistant.pipeline import Assistant
from assistant.sql.cards import TableCard, load_table_card
from assistant.sql.guard import guard_sql
from assistant.sql.postgres_warehouse import PostgresWarehouse
from assistant.sql.warehouse import DuckDBWarehouse
from assistant.store_layout import StoreLayout
from evaluation.cases import load_cases
from evaluation.cli import score_run
from evaluation.in_process import assistant_client, gold_executor_for
from ingestion.backup import back_up
from ingestion.generations import _remove_generation, ingest_generation
from ingestion.loaders import SourceDefaults

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO / "data" / "demo"
DEMO_TABLES = DEMO_DIR / "tables"
SQL_CASES = REPO / "evaluation" / "datasets" / "sql_cases.yaml"
PREFIX = "cqpg"  # CITYQA_WAREHOUSE_SCHEMA of the PostgreSQL homes
_timings: dict[str, float] = {}


def _load_hostile_statements() -> ModuleType:
    """The hostile SQL corpus of the unit tests (tests/unit/sql/hostile_statements.py), by path."""
    module = sys.modules.get("hostile_statements")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "hostile_statements", REPO / "tests" / "unit" / "sql" / "hostile_statements.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["hostile_statements"] = module
    return module


HOSTILE = _load_hostile_statements()
POP, AREA, SECRET = HOSTILE.POP, HOSTILE.AREA, HOSTILE.SECRET
PUBLIC = [POP, AREA]
SECRET_ROWS = [("SENTINEL-김민수-7f3a", 52_000_731), ("SENTINEL-이지은-91c2", 61_000_917)]
SECRET_VALUES = ("SENTINEL", "52000731", "61000917", "card_json", "Salary per employee", "직원별 급여")
SECRET_CARD = TableCard.model_validate(
    {
        "name": SECRET,
        "title": {"ko": "직원 급여", "en": "Staff salaries"},
        "description": {"ko": "직원별 급여", "en": "Salary per employee"},
        "source": {"name": "test"},
        "licence": "internal",
        "as_of": "2025-05-31",
        "grain": "one employee",
        "file": f"{SECRET}.csv",
        "classification": Classification.RESTRICTED,
        "departments": ["인사과"],
        "columns": [
            {
                "name": "employee",
                "type": "VARCHAR",
                "role": "dimension",
                "description": {"ko": "직원", "en": "employee"},
            },
            {
                "name": "salary",
                "type": "BIGINT",
                "role": "measure",
                "description": {"ko": "급여", "en": "salary"},
            },
        ],
    }
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    if postgres_bin_dir() is None:
        pytest.skip("PostgreSQL is not installed: `make postgres` installs Debian's postgresql package")
    server = start_postgres_server()
    _timings["PostgreSQL initdb + start (s)"] = server.start_seconds
    yield server
    server.stop()


# -- two homes, one per warehouse -------------------------------------------------------------------
@dataclass
class Side:
    name: str
    settings: Settings
    stores: Stores
    assistant: Assistant


def _settings(home: Path, postgres: PostgresServer | None) -> Settings:
    return Settings(
        home=home,
        api_keys_file=DEMO_DIR / "api_keys.toml",
        allow_anonymous=True,
        warehouse_url=postgres.owner_url if postgres else None,
        warehouse_schema=PREFIX,
    )


def _ingest(settings: Settings, paths: list[Path]) -> str:
    """`cityqa ingest paths` into a new generation of the home, published; its name."""
    outcome = ingest_generation(
        settings, lambda ingestor: ingestor.ingest(paths, SourceDefaults()), embedder=FakeHashingEmbedder()
    )
    assert outcome.report.failed == [], outcome.report.failed
    assert outcome.published
    return outcome.generation


def _side(name: str, home: Path, postgres: PostgresServer | None) -> Side:
    settings = _settings(home, postgres)
    started = time.perf_counter()
    _ingest(settings, [DEMO_TABLES])
    _timings[f"{name}: ingest the demo tables (s)"] = time.perf_counter() - started
    stores = open_stores(settings)
    return Side(name, settings, stores, build_assistant(settings, stores, embedder=FakeHashingEmbedder()))


@pytest.fixture(scope="module")
def sides(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Side, Side]]:
    root = tmp_path_factory.mktemp("warehouses")
    duck, pg = _side("duckdb", root / "duckdb", None), _side("postgres", root / "postgres", postgres)
    yield duck, pg
    duck.stores.close()
    pg.stores.close()


def test_the_factory_built_a_postgres_warehouse_in_the_generation_schema(
    sides: tuple[Side, Side], postgres: PostgresServer
) -> None:
    duck, pg = sides
    assert isinstance(duck.stores.warehouse, DuckDBWarehouse)
    assert isinstance(pg.stores.warehouse, PostgresWarehouse)
    assert pg.stores.warehouse.schema == f"{PREFIX}_g1"
    assert not StoreLayout(pg.settings.home).current().warehouse.exists()  # no DuckDB file beside it
    assert pg.stores.warehouse.tables() == duck.stores.warehouse.tables()
    assert pg.stores.warehouse.cards() == duck.stores.warehouse.cards()
    doctor = dict(describe_backends(pg.settings))["warehouse"]
    assert doctor.startswith(f"PostgreSQL at postgresql://cityqa_owner@127.0.0.1:{postgres.port}/cityqa")
    assert f"schema {PREFIX}_g1" in doctor and "password" not in doctor


# -- the statistics dev set --------------------------------------------------------------------------
def _same(expected: Any, got: Any) -> bool:
    """Equal, floats to 12 significant digits: a sum of doubles depends on the order rows are added
    in (DuckDB's own results differ so between thread counts), and the engines read groups in
    different orders. Everything else, types included, exactly."""
    if isinstance(expected, float) and isinstance(got, float):
        return math.isclose(expected, got, rel_tol=1e-12, abs_tol=1e-300)
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(_same(expected[key], got[key]) for key in expected)
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(_same(e, g) for e, g in zip(expected, got, strict=True))
    return type(expected) is type(got) and expected == got


def _comparable(result: Any) -> dict[str, Any]:
    """What must not differ between the warehouses (everything but timing)."""
    return {
        "answer": result.answer,
        "confidence": result.confidence,
        "citations": [citation.model_dump() for citation in result.citations],
        "sql": result.sql.model_dump() if result.sql else None,
        "notes": result.notes,
        "error_code": result.error_code,
        "passed": result.passed,
        "checks": [check.model_dump() for check in result.checks],
    }


def test_the_statistics_dev_set_gets_duckdbs_answers_from_postgres(sides: tuple[Side, Side]) -> None:
    cases = [case for case in load_cases([SQL_CASES]) if case.category == "sql"]
    assert len(cases) >= 200
    runs = {}
    for side in sides:
        users = build_user_directory(side.settings)
        started = time.perf_counter()
        runs[side.name] = score_run(
            cases, assistant_client(side.assistant, users), gold_executor=gold_executor_for(side.stores)
        )
        _timings[f"{side.name}: {len(cases)} statistics cases (s)"] = time.perf_counter() - started
    (duck_run, duck_summary), (pg_run, pg_summary) = runs["duckdb"], runs["postgres"]
    differences = []
    for duck_result, pg_result in zip(duck_run.results, pg_run.results, strict=True):
        expected, got = _comparable(duck_result), _comparable(pg_result)
        if not _same(expected, got):
            differing = [key for key in expected if not _same(expected[key], got[key])]
            differences.append((duck_result.id, {key: (expected[key], got[key]) for key in differing}))
    assert differences == [], json.dumps(differences[:3], ensure_ascii=False, indent=1, default=str)[:4000]
    with_sql = [result for result in pg_run.results if result.sql is not None]
    assert len(with_sql) >= 200
    assert {result.sql.dialect for result in with_sql if result.sql} == {"duckdb"}  # the SQL shown
    for metric in ("answer_accuracy", "sql_execution_accuracy", "sql_produced_accuracy"):
        assert pg_summary["overall"][metric] == duck_summary["overall"][metric], metric
    assert pg_summary["overall"]["sql_execution_accuracy"] >= 0.97


def _sorted_rows(rows: list[list[Any]]) -> list[str]:
    return sorted(json.dumps(row, ensure_ascii=False) for row in rows)


def test_gold_sql_gives_the_same_rows_on_both(sides: tuple[Side, Side]) -> None:
    duck, pg = (side.stores.warehouse for side in sides)
    cases = [case for case in load_cases([SQL_CASES]) if case.expect.gold_sql]
    assert cases
    for case in cases:
        sql = case.expect.gold_sql
        assert sql is not None
        expected = duck.run_readonly(sql, 30_000, 100_000, tables=duck.tables())
        got = pg.run_readonly(sql, 30_000, 100_000, tables=pg.tables())
        assert got.columns == expected.columns, case.id
        if case.expect.ordered:
            assert got.rows == expected.rows, case.id
        else:
            assert _sorted_rows(got.rows) == _sorted_rows(expected.rows), case.id


# -- DuckDB's semantics on PostgreSQL ------------------------------------------------------------------
NUMBERS_CARD = TableCard.model_validate(
    {
        "name": "numbers",
        "title": {"ko": "수", "en": "numbers"},
        "description": {"ko": "수", "en": "numbers"},
        "source": {"name": "test"},
        "licence": "test",
        "as_of": "2025-01-01",
        "grain": "one number",
        "file": "numbers.csv",
        "columns": [
            {"name": name, "type": type_, "description": {"ko": name, "en": name}}
            for name, type_ in (("k", "INTEGER"), ("v", "DOUBLE"), ("n", "BIGINT"), ("s", "VARCHAR"))
        ],
    }
)


def _numbers() -> pandas.DataFrame:
    generator = random.Random(12)
    values: list[float | None] = [0.5, 1.5, 2.5, -2.5, 2.675, 22.755, 1.005, -0.125, 0.0, 1e-9, None]
    values += [round(generator.uniform(-1000, 1000), generator.randint(0, 4)) for _ in range(300)]
    values += [generator.randint(-10_000, 10_000) / 200 for _ in range(200)]  # many exact halves
    words = ["해운대구", "Haeundae", "haeundae", "Zeta", "ábc", "부산진구", "중구", "", "A-1", "a_2"]
    return pandas.DataFrame(
        {
            "k": [str(index % 7) if index % 11 else None for index in range(len(values))],
            "v": [None if value is None else repr(value) for value in values],
            "n": [str(generator.randint(-(10**12), 10**12)) for _ in values],
            "s": [words[index % len(words)] if index % 13 else None for index in range(len(values))],
        }
    )


SEMANTICS_QUERIES = [
    "SELECT v, round(v, 2) AS r2, round(v, 1) AS r1, round(v) AS r0, round(v, -1) AS rm FROM numbers "
    "ORDER BY v NULLS LAST, k",
    "SELECT k, n, round(n, -3) AS rn, round(k, 1) AS rk, n / 7 AS d, v / (v - v) AS z, k / 0 AS kz "
    "FROM numbers ORDER BY n",
    "SELECT k, count(*) AS c, sum(n) AS sn, avg(n) AS an, round(avg(v), 3) AS av, min(v) AS mn, "
    "max(v) AS mx, sum(k) AS sk FROM numbers GROUP BY k ORDER BY k DESC",
    "SELECT k, median(v) AS m, count(DISTINCT s) AS ds FROM numbers GROUP BY ALL ORDER BY ALL",
    "SELECT s, count(*) AS c FROM numbers GROUP BY s ORDER BY s",
    "SELECT s FROM numbers WHERE s LIKE '%구' OR s ILIKE 'h%' ORDER BY s DESC",
    "SELECT upper(s) AS u, length(s) AS l, concat(s, '-', k) AS c, s || k AS p FROM numbers ORDER BY ALL",
    "SELECT k, v, rank() OVER (PARTITION BY k ORDER BY v DESC) AS r, "
    "100.0 * v / sum(v) OVER (PARTITION BY k) AS share FROM numbers ORDER BY k, v DESC",
    "SELECT count(*) AS n, sum(v) AS sv, avg(v) AS av, 100.0 * sum(n) / sum(k) AS pct FROM numbers",
    "SELECT CAST(v AS INTEGER) AS i, CAST(k AS DOUBLE) AS d, CAST(n AS VARCHAR) AS t, "
    "coalesce(s, 'none') AS s FROM numbers WHERE abs(v) < 1000 ORDER BY v, n",
    "SELECT k, first_value(v) OVER (PARTITION BY k ORDER BY n) AS f, lag(v) OVER (ORDER BY n) AS l "
    "FROM numbers ORDER BY n",
]


@pytest.fixture(scope="module")
def numbers(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DuckDBWarehouse, PostgresWarehouse]]:
    duck = DuckDBWarehouse(tmp_path_factory.mktemp("numbers") / "numbers.duckdb")
    pg = PostgresWarehouse(postgres.owner_url, f"{PREFIX}_numbers")
    for warehouse in (duck, pg):
        warehouse.replace_table(NUMBERS_CARD, _numbers())
    yield duck, pg
    duck.close()
    pg.close()


@pytest.mark.parametrize("query", SEMANTICS_QUERIES)
def test_postgres_computes_what_duckdb_computes(
    query: str, numbers: tuple[DuckDBWarehouse, PostgresWarehouse]
) -> None:
    duck, pg = numbers
    expected = duck.run_readonly(query, 5000, 10_000, tables=["numbers"])
    got = pg.run_readonly(query, 5000, 10_000, tables=["numbers"])
    assert got.columns == expected.columns
    assert len(got.rows) == len(expected.rows) > 0
    # The same values of the same Python types (374321 is no 374321.0 in JSON).
    mismatched = [(e, g) for e, g in zip(expected.rows, got.rows, strict=True) if not _same(e, g)]
    assert mismatched == [], mismatched[:5]


# -- the hostile SQL corpus ----------------------------------------------------------------------------
def _hostile_frames() -> dict[str, tuple[TableCard, pandas.DataFrame]]:
    tables = {}
    for name in (POP, AREA):
        card = load_table_card(DEMO_TABLES / f"{name}.yaml")
        tables[name] = (card, pandas.read_csv(DEMO_TABLES / card.file, dtype=str, keep_default_na=False))
    tables[SECRET] = (SECRET_CARD, pandas.DataFrame(SECRET_ROWS, columns=["employee", "salary"]))
    return tables


@pytest.fixture(scope="module")
def hostile(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DuckDBWarehouse, PostgresWarehouse]]:
    duck = DuckDBWarehouse(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")
    pg = PostgresWarehouse(postgres.owner_url, f"{PREFIX}_hostile")
    for card, frame in _hostile_frames().values():
        duck.replace_table(card, frame)
        pg.replace_table(card, frame)
    for tables in (PUBLIC, [*PUBLIC, SECRET]):  # created before any test takes a fingerprint
        pg.query_login(tables)
    yield duck, pg
    duck.close()
    pg.close()


def _fingerprint(postgres: PostgresServer) -> str:
    """Every table, row, role and grant of the database, as its superuser sees them."""
    with psycopg.connect(postgres.url()) as connection:
        parts = [
            connection.execute(
                "SELECT string_agg(format('%s.%s', schemaname, tablename), ',' ORDER BY 1, 2) FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone(),
            connection.execute("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles").fetchone(),
            connection.execute(
                "SELECT string_agg(format('%s %s %s', grantee, table_name, privilege_type), ',' ORDER BY 1) "
                "FROM information_schema.role_table_grants"
            ).fetchone(),
        ]
        for schema, table in connection.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname LIKE %s ORDER BY 1, 2",
            [f"{PREFIX}%"],
        ).fetchall():
            parts.append(
                connection.execute(
                    f'SELECT md5(string_agg(t::text, \',\' ORDER BY t::text)) FROM "{schema}"."{table}" t'
                ).fetchone()
            )
    return repr(parts)


def _outcome(warehouse: Any, statement: str, *, guarded: bool, timeout_ms: int = 2000) -> tuple[Any, ...]:
    try:
        sql = (
            guard_sql(statement, {name: warehouse.tables()[name] for name in PUBLIC}).sql
            if guarded
            else statement
        )
        result = warehouse.run_readonly(sql, timeout_ms, 50, tables=PUBLIC)
    except CityQAError as error:
        return (error.code,)
    return ("ok", json.dumps(result.model_dump(), ensure_ascii=False))


def test_every_hostile_statement_meets_the_same_refusal_on_both(
    hostile: tuple[DuckDBWarehouse, PostgresWarehouse], postgres: PostgresServer
) -> None:
    duck, pg = hostile
    before = _fingerprint(postgres)
    started = time.perf_counter()
    differences = []
    for statement in HOSTILE.HOSTILE_STATEMENTS:
        duck_outcome, pg_outcome = (
            _outcome(duck, statement, guarded=True),
            _outcome(pg, statement, guarded=True),
        )
        if duck_outcome != pg_outcome or pg_outcome[0] != ErrorCode.SQL_REJECTED:
            differences.append((statement[:100], duck_outcome, pg_outcome))
    _timings[f"{len(HOSTILE.HOSTILE_STATEMENTS)} hostile statements, guard + both warehouses (s)"] = (
        time.perf_counter() - started
    )
    assert differences == []
    assert _fingerprint(postgres) == before


UNGUARDED_WRITES = [
    "CREATE TABLE pwned AS SELECT 1 AS a",
    f"CREATE OR REPLACE TABLE {POP} AS SELECT 1 AS a",
    f"DROP TABLE {AREA}",
    "DROP TABLE _cityqa_cards",
    f"DELETE FROM {AREA}",
    f"INSERT INTO {AREA} (district, land_area_km2) VALUES ('x', 1.0)",
    f"UPDATE {POP} SET total_population = 0",
    f"ALTER TABLE {AREA} ADD COLUMN x INTEGER",
    f"TRUNCATE {AREA}",
    f"COPY {AREA} TO '/tmp/cityqa_pwned_pg.csv'",
    f"WITH gone AS (DELETE FROM {AREA} RETURNING *) SELECT * FROM gone",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT * FROM pg_ls_dir('/')",
    "SELECT lo_import('/etc/passwd')",
    f"SELECT set_config('role', '{PREFIX}_hostile', true) AS r",
    "SELECT set_config('transaction_read_only', 'off', true) AS r",
    "SELECT pg_terminate_backend(pg_backend_pid()) AS r",
    "SELECT dblink_exec('dbname=cityqa', 'DROP TABLE x')",
    "CREATE TEMP TABLE t AS SELECT 1 AS a",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "SELECT nextval('x')",
]


@pytest.mark.parametrize("statement", UNGUARDED_WRITES)
def test_writes_and_server_files_are_refused_without_the_guard(
    statement: str, hostile: tuple[DuckDBWarehouse, PostgresWarehouse], postgres: PostgresServer
) -> None:
    _, pg = hostile
    before = _fingerprint(postgres)
    for run in (pg.run_readonly, pg.run_native_readonly):
        with pytest.raises(CityQAError) as raised:
            run(statement, 2000, 50, tables=PUBLIC)
        assert raised.value.code is ErrorCode.SQL_FAILED, raised.value.detail
    assert _fingerprint(postgres) == before
    assert not Path("/tmp/cityqa_pwned_pg.csv").exists()


def test_hidden_rows_are_unreadable_without_the_guard_on_both(
    hostile: tuple[DuckDBWarehouse, PostgresWarehouse],
) -> None:
    """Each trick naming the restricted table, the cards or a catalog runs unguarded as a public caller."""
    leaks = []
    for statement in HOSTILE.READS_OF_HIDDEN_RELATIONS:
        for warehouse in hostile:
            outcome = _outcome(warehouse, statement, guarded=False, timeout_ms=1000)
            shown = outcome[1] if outcome[0] == "ok" else ""
            if any(value in shown for value in SECRET_VALUES):
                leaks.append((type(warehouse).__name__, statement[:100]))
    assert leaks == []


# -- the second layer on its own ---------------------------------------------------------------------
def test_a_table_outside_the_permitted_set_is_refused_by_postgres_itself(
    hostile: tuple[DuckDBWarehouse, PostgresWarehouse],
) -> None:
    _, pg = hostile
    for statement, run in (
        (f"SELECT * FROM {SECRET}", pg.run_readonly),  # DuckDB SQL, transpiled
        (f"SELECT * FROM {pg.schema}.{SECRET}", pg.run_native_readonly),  # schema-qualified
        (f"SELECT * FROM {pg.schema}._cityqa_cards", pg.run_native_readonly),
        (f"SELECT * FROM {pg.schema}._cityqa_logins", pg.run_native_readonly),
        (
            f"SELECT query_to_xml('SELECT * FROM {pg.schema}.{SECRET}', true, false, '') AS x",
            pg.run_native_readonly,
        ),
        # One login per set: the query login is a member of no role, so it cannot switch to another.
        (
            f"SELECT set_config('role', '{pg.query_login([*PUBLIC, SECRET])[0]}', true) AS r, "
            f"query_to_xml('SELECT * FROM {pg.schema}.{SECRET}', true, false, '') AS x",
            pg.run_native_readonly,
        ),
    ):
        with pytest.raises(CityQAError) as raised:
            run(statement, 2000, 50, tables=PUBLIC)
        assert raised.value.code is ErrorCode.SQL_FAILED
        assert "permission denied" in raised.value.detail, (statement, raised.value.detail)
    allowed = pg.run_readonly(
        f"SELECT employee FROM {SECRET} ORDER BY salary DESC", 2000, 5, tables=[*PUBLIC, SECRET]
    )
    assert allowed.rows == [[SECRET_ROWS[1][0]], [SECRET_ROWS[0][0]]]


def test_queries_run_read_only_with_the_time_limit_as_the_login_of_the_set(
    hostile: tuple[DuckDBWarehouse, PostgresWarehouse],
) -> None:
    _, pg = hostile
    login, _ = pg.query_login(PUBLIC)
    result = pg.run_native_readonly(
        "SELECT current_user AS u, session_user AS s, current_setting('transaction_read_only') AS ro, "
        "current_setting('statement_timeout') AS t, current_setting('search_path') AS p",
        1234,
        1,
        tables=PUBLIC,
    )
    assert result.rows == [[login, login, "on", "1234ms", f"{pg.schema}, pg_catalog, pg_temp"]]


def test_statement_timeout_stops_a_slow_query_on_the_server(
    hostile: tuple[DuckDBWarehouse, PostgresWarehouse],
) -> None:
    _, pg = hostile
    started = time.perf_counter()
    with pytest.raises(CityQAError) as raised:
        pg.run_native_readonly(
            "SELECT count(*) FROM generate_series(1, 100000000) a CROSS JOIN generate_series(1, 100000) b",
            300,
            1,
            tables=PUBLIC,
        )
    seconds = time.perf_counter() - started
    assert raised.value.code is ErrorCode.SQL_TIMEOUT
    # The client's own cancel would come at 0.3 + 0.5 s: stopped before it, the server's timeout did it.
    assert seconds < 0.75, seconds
    # A guarded-looking DuckDB query that runs long stops the same way; the pool's connection works after.
    with pytest.raises(CityQAError) as raised:
        pg.run_readonly(
            f"SELECT count(*) FROM {POP} a, {POP} b, {POP} c, {POP} d, {POP} e, {POP} f",
            300,
            1,
            tables=PUBLIC,
        )
    assert raised.value.code is ErrorCode.SQL_TIMEOUT
    assert pg.run_readonly("SELECT 1 AS one", 2000, 1, tables=PUBLIC).rows == [[1]]


def test_the_query_login_itself_may_not_write(
    hostile: tuple[DuckDBWarehouse, PostgresWarehouse], postgres: PostgresServer
) -> None:
    """Straight to the server as the query login, outside cityqa's read-only transactions."""
    _, pg = hostile
    login, password = pg.query_login(PUBLIC)
    before = _fingerprint(postgres)
    with psycopg.connect(postgres.url(login, password), autocommit=True) as connection:
        attributes = connection.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolinherit, rolbypassrls, "
            "(SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) "
            "FROM pg_roles r WHERE rolname = %s",
            [login],
        ).fetchone()
        assert attributes == (False, False, False, False, False, 0)  # a member of no role
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):  # its default: read-only
            connection.execute(f"DELETE FROM {pg.schema}.{AREA}")
        connection.execute("SET default_transaction_read_only = off")
        for statement in (
            f"DELETE FROM {pg.schema}.{AREA}",
            f"INSERT INTO {pg.schema}.{AREA} (district) VALUES ('x')",
            f"UPDATE {pg.schema}.{POP} SET total_population = 0",
            f"TRUNCATE {pg.schema}.{AREA}",
            f"DROP TABLE {pg.schema}.{AREA}",
            f"CREATE TABLE {pg.schema}.pwned (a int)",
            f"ALTER TABLE {pg.schema}.{AREA} ADD COLUMN x int",
            "CREATE SCHEMA pwned",
            "CREATE TEMP TABLE pwned (a int)",
            f"GRANT SELECT ON {pg.schema}.{SECRET} TO {login}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
    assert _fingerprint(postgres) == before


def test_a_slow_query_does_not_hold_up_the_others(hostile: tuple[DuckDBWarehouse, PostgresWarehouse]) -> None:
    _, pg = hostile
    slow = "SELECT count(*) FROM generate_series(1, 100000000) a CROSS JOIN generate_series(1, 100000) b"
    fast = f"SELECT max(total_population) AS m FROM {POP}"
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow_run = pool.submit(pg.run_native_readonly, slow, 2500, 1, tables=PUBLIC)
        time.sleep(0.2)
        started = time.perf_counter()
        for _ in range(10):
            assert pg.run_readonly(fast, 2000, 1, tables=PUBLIC).rows == [[374321]]
        fast_seconds = time.perf_counter() - started
        assert not slow_run.done()
        with pytest.raises(CityQAError) as raised:
            slow_run.result()
    assert raised.value.code is ErrorCode.SQL_TIMEOUT
    assert fast_seconds < 1.5, fast_seconds


def test_an_owner_that_cannot_create_logins_is_told_so(postgres: PostgresServer) -> None:
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute("CREATE ROLE cqpg_weak LOGIN PASSWORD 'weak-test-password'")
        admin.execute("GRANT CONNECT, CREATE ON DATABASE cityqa TO cqpg_weak")
    weak = PostgresWarehouse(postgres.url("cqpg_weak", "weak-test-password"), f"{PREFIX}_weak")
    try:
        card, frame = _hostile_frames()[AREA]
        weak.replace_table(card, frame)  # loading needs only the schema it creates
        with pytest.raises(CityQAError) as raised:
            weak.run_readonly(f"SELECT count(*) FROM {AREA}", 2000, 1, tables=[AREA])
        assert raised.value.code is ErrorCode.INVALID_CONFIG
        assert "CREATEROLE" in raised.value.detail
    finally:
        weak.close()


# -- store generations, backup -----------------------------------------------------------------------
def _schemas_and_logins(postgres: PostgresServer, schema: str) -> tuple[bool, list[str]]:
    with psycopg.connect(postgres.url()) as connection:
        exists = connection.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname = %s", [schema]
        ).fetchone()
        logins = connection.execute(
            "SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s) ORDER BY 1", [f"{schema}_r"]
        ).fetchall()
    return bool(exists and exists[0]), [str(row[0]) for row in logins]


def test_each_generation_is_a_schema_copied_on_ingest_and_dropped_with_its_logins(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "home", postgres).model_copy(
        update={"warehouse_schema": f"{PREFIX}_gens"}
    )
    first = StoreLayout(settings.home)
    assert _ingest(settings, [DEMO_TABLES / f"{AREA}.yaml"]) == "1"
    stores = open_stores(settings)
    assert stores.warehouse.run_readonly(f"SELECT count(*) FROM {AREA}", 2000, 1, tables=[AREA]).rows == [
        [16]
    ]
    stores.close()
    secret_folder = tmp_path / "secret"
    secret_folder.mkdir()
    pandas.DataFrame(SECRET_ROWS, columns=["employee", "salary"]).to_csv(
        secret_folder / f"{SECRET}.csv", index=False
    )
    card_text = yaml.safe_dump(SECRET_CARD.model_dump(mode="json", exclude_defaults=True), allow_unicode=True)
    (secret_folder / f"{SECRET}.yaml").write_text(card_text, encoding="utf-8")
    assert _ingest(settings, [DEMO_TABLES / f"{AREA}.yaml", secret_folder / f"{SECRET}.yaml"]) == "2"

    generation_1, generation_2 = f"{PREFIX}_gens_g1", f"{PREFIX}_gens_g2"
    exists, logins = _schemas_and_logins(postgres, generation_1)
    assert exists and len(logins) == 1  # the login that ran the count
    stores = open_stores(settings)
    assert isinstance(stores.warehouse, PostgresWarehouse) and stores.warehouse.schema == generation_2
    assert set(stores.warehouse.tables()) == {AREA, SECRET}  # generation 1's table, copied, and the new one
    assert stores.warehouse.run_readonly(f"SELECT count(*) FROM {SECRET}", 2000, 1, tables=[SECRET]).rows == [
        [2]
    ]
    with psycopg.connect(postgres.url()) as connection:
        tables_of_1 = connection.execute(
            "SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = %s "
            "AND NOT starts_with(tablename, '_cityqa')",
            [generation_1],
        ).fetchone()
    assert tables_of_1 == ([AREA],)  # the served generation before was never written

    _remove_generation(settings, first.paths_of("1"))
    assert _schemas_and_logins(postgres, generation_1) == (False, [])
    assert stores.warehouse.run_readonly(f"SELECT count(*) FROM {AREA}", 2000, 1, tables=[AREA]).rows == [
        [16]
    ]
    stores.close()
    assert not list(settings.home.rglob("warehouse.duckdb"))

    backup = back_up(settings, tmp_path / "backup")
    restored = DuckDBWarehouse(StoreLayout(tmp_path / "backup").current().warehouse)
    try:
        assert set(restored.tables()) == {AREA, SECRET}
        assert restored.cards()[SECRET] == SECRET_CARD
        query = f"SELECT employee, salary FROM {SECRET} ORDER BY salary"
        assert restored.run_readonly(query, 2000, 5, tables=[SECRET]).rows == [
            list(row) for row in SECRET_ROWS
        ]
    finally:
        restored.close()
    assert backup.generation == "2"
    assert _schemas_and_logins(postgres, generation_2)[0]  # the backup left the served schema alone


@pytest.fixture(scope="module", autouse=True)
def _report_timings(pytestconfig: pytest.Config) -> Iterator[None]:
    """The server start, the ingests and the side-by-side runs, on the terminal after the module."""
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for name, value in _timings.items():
            reporter.write_line(f"cityqa postgres: {name} = {value:.1f}")
