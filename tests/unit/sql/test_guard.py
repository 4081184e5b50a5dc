"""The SQL guard refuses every hostile statement and passes ordinary statistics queries."""

from __future__ import annotations

import pytest
from hostile_statements import AREA, HOSTILE_STATEMENTS, POP

from assistant.errors import CityQAError, ErrorCode
from assistant.sql.guard import GuardedSql, guard_sql

ALLOWED = {
    POP: ["district", "district_en", "total_population", "age_65_plus", "age_65_plus_share_pct"],
    AREA: ["district", "land_area_km2"],
}


def test_there_are_at_least_five_hundred_distinct_hostile_statements() -> None:
    assert len(set(HOSTILE_STATEMENTS)) == len(HOSTILE_STATEMENTS) >= 500


@pytest.mark.parametrize("statement", HOSTILE_STATEMENTS)
def test_hostile_statement_is_rejected(statement: str) -> None:
    with pytest.raises(CityQAError) as raised:
        guard_sql(statement, ALLOWED)
    assert raised.value.code is ErrorCode.SQL_REJECTED
    assert raised.value.detail  # a reason the user can read


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("", "empty"),
        ("SELECT 1; DROP TABLE x", "one statement"),
        ("SELEC district FROM t", "parse"),
        ("DROP TABLE district_land_area", "only SELECT"),
        ("SELECT * FROM read_csv('/etc/passwd')", "read_csv"),
        ("SELECT * FROM staff_salaries_2025", "unknown or not permitted table staff_salaries_2025"),
        ("SELECT * FROM main.district_land_area", "schema-qualified"),
        (f"SELECT salary FROM {POP}", "unknown or not permitted column salary"),
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", "recursive"),
        (f"SELECT * FROM {POP} CROSS JOIN {AREA}", "CROSS JOIN"),
        (f"SELECT * FROM {POP}, {AREA}", "join condition"),
        ("SELECT * FROM range(10)", "generate_series() is not allowed"),
        ("SELECT hash(1)", "not on the list of permitted functions"),
        (f"SELECT * INTO copy_of_area FROM {AREA}", "INTO"),
        ("x" * 10_001, "longer than"),
    ],
)
def test_rejections_explain_themselves(statement: str, reason: str) -> None:
    with pytest.raises(CityQAError) as raised:
        guard_sql(statement, ALLOWED)
    assert reason in raised.value.detail


def test_unknown_and_restricted_tables_get_the_same_answer() -> None:
    """A user without clearance cannot tell a restricted table from one that does not exist."""
    messages = []
    for table in ("staff_salaries_2025", "no_such_table_2025"):
        with pytest.raises(CityQAError) as raised:
            guard_sql(f"SELECT * FROM {table}", ALLOWED)
        messages.append(raised.value.detail.replace(table, "T"))
    assert messages[0] == messages[1]


def test_a_table_is_refused_when_the_user_may_not_see_it() -> None:
    guard_sql(f"SELECT district FROM {AREA}", ALLOWED)
    with pytest.raises(CityQAError, match="not permitted table"):
        guard_sql(f"SELECT district FROM {AREA}", {POP: ALLOWED[POP]})


GOOD_STATEMENTS = [
    (
        f"SELECT district_en, total_population FROM {POP} ORDER BY total_population DESC",
        [POP],
        [f"{POP}.district_en", f"{POP}.total_population"],
    ),
    (
        f"SELECT p.district_en, round(p.total_population / a.land_area_km2, 1) AS density "
        f"FROM {POP} AS p JOIN {AREA} AS a ON p.district = a.district ORDER BY density DESC LIMIT 3",
        [AREA, POP],
        [
            f"{AREA}.district",
            f"{AREA}.land_area_km2",
            f"{POP}.district",
            f"{POP}.district_en",
            f"{POP}.total_population",
        ],
    ),
    (
        f"WITH old AS (SELECT district, age_65_plus_share_pct AS share FROM {POP}) "
        "SELECT district, share FROM old WHERE share > 25",
        [POP],
        [f"{POP}.age_65_plus_share_pct", f"{POP}.district"],
    ),
    (
        f"SELECT sum(total_population) AS total FROM {POP}",
        [POP],
        [f"{POP}.total_population"],
    ),
    (
        f"SELECT district FROM {POP} WHERE total_population > (SELECT avg(total_population) FROM {POP})",
        [POP],
        [f"{POP}.district", f"{POP}.total_population"],
    ),
    (
        f"SELECT district FROM {POP} UNION SELECT district FROM {AREA}",
        [AREA, POP],
        [f"{AREA}.district", f"{POP}.district"],
    ),
    (
        f"SELECT p.district FROM {POP} p, {AREA} a WHERE p.district = a.district AND a.land_area_km2 > 30",
        [AREA, POP],
        [f"{AREA}.district", f"{AREA}.land_area_km2", f"{POP}.district"],
    ),
    (
        f"SELECT * FROM {AREA}",
        [AREA],
        [f"{AREA}.district", f"{AREA}.land_area_km2"],
    ),
    (
        f"select District_En AS name, COUNT(*) AS n FROM {POP} GROUP BY District_En ORDER BY name",
        [POP],
        [f"{POP}.district_en"],
    ),
    ("SELECT 1 AS one;", [], []),
]


@pytest.mark.parametrize(("statement", "tables", "columns"), GOOD_STATEMENTS)
def test_good_statement_passes_with_its_tables_and_columns(
    statement: str, tables: list[str], columns: list[str]
) -> None:
    guarded = guard_sql(statement, ALLOWED)
    assert isinstance(guarded, GuardedSql)
    assert guarded.tables == tables
    assert guarded.columns == columns
    assert "LIMIT" in guarded.sql
    assert ";" not in guarded.sql


def test_limit_is_added_when_absent() -> None:
    assert guard_sql(f"SELECT district FROM {AREA}", ALLOWED, max_limit=50).sql.endswith("LIMIT 50")


def test_limit_is_lowered_when_too_large() -> None:
    guarded = guard_sql(f"SELECT district FROM {AREA} LIMIT 100000", ALLOWED)
    assert guarded.sql == f"SELECT district FROM {AREA} LIMIT 200"


def test_a_small_limit_and_offset_are_kept() -> None:
    guarded = guard_sql(f"SELECT district FROM {AREA} ORDER BY district LIMIT 2 OFFSET 1", ALLOWED)
    assert guarded.sql == f"SELECT district FROM {AREA} ORDER BY district LIMIT 2 OFFSET 1"


def test_a_union_gets_its_limit_on_the_outer_query() -> None:
    guarded = guard_sql(f"SELECT district FROM {POP} UNION ALL SELECT district FROM {AREA}", ALLOWED)
    assert guarded.sql == f"SELECT district FROM {POP} UNION ALL SELECT district FROM {AREA} LIMIT 200"


def test_comments_are_dropped_from_the_sql_that_runs() -> None:
    guarded = guard_sql(f"SELECT district /* the name */ FROM {AREA} -- done", ALLOWED)
    assert "/*" not in guarded.sql and "--" not in guarded.sql


def test_an_inner_limit_does_not_satisfy_the_outer_one() -> None:
    guarded = guard_sql(f"SELECT district FROM (SELECT district FROM {AREA} LIMIT 1000) AS s", ALLOWED)
    assert guarded.sql.endswith("LIMIT 200")
