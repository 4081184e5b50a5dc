"""A small real DuckDB warehouse with two public curated tables and one restricted table.

Helpers reach the tests as fixtures (never `from conftest import`), so the module name cannot clash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas
import pytest

from assistant.models import Classification
from assistant.sql.cards import Bilingual, CardSource, ColumnCard, TableCard
from assistant.sql.warehouse import DuckDBWarehouse

# Busan, resident registration, May 2025 (MOIS), by district: copied from
# shared/data/statistics/mois_resident_2025_busan/busan_population_agegroups_202505.csv
POPULATION_ROWS = [
    ("해운대구", "Haeundae-gu", 374321, 85212, 22.76),
    ("부산진구", "Busanjin-gu", 364540, 84870, 23.28),
    ("중구", "Jung-gu", 37080, 12289, 33.14),
    ("기장군", "Gijang-gun", 174939, 35274, 20.16),
]
LAND_AREA_ROWS = [("해운대구", 51.47), ("부산진구", 29.70), ("중구", 2.83), ("기장군", 218.32)]


def _column(name: str, type_: str, role: str = "attribute") -> ColumnCard:
    return ColumnCard.model_validate(
        {"name": name, "type": type_, "role": role, "description": {"ko": name, "en": name}}
    )


def make_card(name: str, columns: list[tuple[str, str]], **extra: object) -> TableCard:
    return TableCard.model_validate(
        {
            "name": name,
            "title": Bilingual(ko=name, en=name),
            "description": Bilingual(ko=name, en=name),
            "source": CardSource(name="test"),
            "licence": "KOGL-1",
            "as_of": "2025-05-31",
            "grain": "one district",
            "file": f"{name}.csv",
            "columns": [_column(column, type_) for column, type_ in columns],
            **extra,
        }
    )


POPULATION_CARD = make_card(
    "population_by_district_2025",
    [
        ("district", "VARCHAR"),
        ("district_en", "VARCHAR"),
        ("total_population", "BIGINT"),
        ("age_65_plus", "BIGINT"),
        ("age_65_plus_share_pct", "DOUBLE"),
    ],
)
LAND_AREA_CARD = make_card("district_land_area", [("district", "VARCHAR"), ("land_area_km2", "DOUBLE")])
SALARY_CARD = make_card(
    "staff_salaries_2025",
    [("employee", "VARCHAR"), ("salary", "BIGINT")],
    classification=Classification.RESTRICTED,
    departments=["HR"],
)


def build_warehouse(path: Path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path)
    warehouse.replace_table(
        POPULATION_CARD,
        pandas.DataFrame(POPULATION_ROWS, columns=[column.name for column in POPULATION_CARD.columns]),
    )
    warehouse.replace_table(
        LAND_AREA_CARD, pandas.DataFrame(LAND_AREA_ROWS, columns=["district", "land_area_km2"])
    )
    warehouse.replace_table(
        SALARY_CARD,
        pandas.DataFrame([("김민수", 52_000_000), ("이지은", 61_000_000)], columns=["employee", "salary"]),
    )
    return warehouse


def allowed_for_public(warehouse: DuckDBWarehouse) -> dict[str, list[str]]:
    """What a user without clearance may query: every table except the restricted one."""
    return {name: columns for name, columns in warehouse.tables().items() if name != SALARY_CARD.name}


def warehouse_checksum(warehouse: DuckDBWarehouse) -> str:
    """Tables, columns, row counts and every row, hashed, plus the bytes of the database file."""
    digest = hashlib.sha256()
    for table, columns in sorted(warehouse.tables().items()):
        result = warehouse.run_readonly(
            f'SELECT * FROM "{table}" ORDER BY ALL', timeout_ms=5000, max_rows=10_000, tables=[table]
        )
        digest.update(f"{table}|{columns}|{result.row_count}|{result.rows}".encode())
    digest.update(repr(sorted(warehouse.cards())).encode())
    digest.update(warehouse.path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[DuckDBWarehouse]:
    built = build_warehouse(tmp_path / "warehouse" / "cityqa.duckdb")
    yield built
    built.close()


@pytest.fixture(scope="module")
def shared_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBWarehouse]:
    """One warehouse for the many read-only hostile-statement tests of a module."""
    built = build_warehouse(tmp_path_factory.mktemp("shared") / "cityqa.duckdb")
    yield built
    built.close()


@pytest.fixture
def cards() -> dict[str, TableCard]:
    return {card.name: card for card in (POPULATION_CARD, LAND_AREA_CARD, SALARY_CARD)}


@pytest.fixture
def card_factory() -> Callable[..., TableCard]:
    return make_card


@pytest.fixture
def checksum() -> Callable[[DuckDBWarehouse], str]:
    return warehouse_checksum


@pytest.fixture
def public_tables() -> Callable[[DuckDBWarehouse], dict[str, list[str]]]:
    return allowed_for_public
