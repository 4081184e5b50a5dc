"""The curated demo tables: every card validates and matches its CSV."""

from __future__ import annotations

import csv

import pytest
from sqltest_support import TABLES_DIR, demo_connection

from assistant.sql.cards import load_table_card

EXPECTED_TABLES = {
    "population_by_district_2025",
    "air_quality_by_district",
    "port_container_throughput",
    "traffic_fatal_accidents_2020",
    "births_by_province",
    "district_land_area",
}


def test_every_expected_table_has_a_card_and_a_csv() -> None:
    cards = {path.stem for path in TABLES_DIR.glob("*.yaml") if path.name != "examples.yaml"}
    assert cards == EXPECTED_TABLES
    for name in EXPECTED_TABLES:
        assert (TABLES_DIR / f"{name}.csv").exists()


@pytest.mark.parametrize("name", sorted(EXPECTED_TABLES))
def test_card_validates_and_matches_its_csv_header(name: str) -> None:
    card = load_table_card(TABLES_DIR / f"{name}.yaml")
    assert card.name == name
    with (TABLES_DIR / card.file).open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == [column.name for column in card.columns]
    assert card.source.url and card.licence and card.as_of[:2] in {"19", "20"}
    assert any(column.role == "measure" or column.aggregation == "count" for column in card.columns)
    for column in card.columns:
        assert column.description.ko and column.description.en
    assert card.synonyms


def test_density_join_is_declared_on_both_cards() -> None:
    population = load_table_card(TABLES_DIR / "population_by_district_2025.yaml")
    land = load_table_card(TABLES_DIR / "district_land_area.yaml")
    assert [(j.table, j.on) for j in population.joins] == [("district_land_area", ["district"])]
    assert [(j.table, j.on) for j in land.joins] == [("population_by_district_2025", ["district"])]


def test_known_traps_in_the_data() -> None:
    connection = demo_connection()
    # 16 districts, no city total row, summing to the city total; 연제구 is spelled Yeonje-gu.
    rows = connection.execute(
        "SELECT COUNT(*), SUM(total_population) FROM population_by_district_2025"
    ).fetchone()
    assert rows == (16, 3254457)
    assert connection.execute(
        "SELECT district_en FROM population_by_district_2025 WHERE district = '연제구'"
    ).fetchone() == ("Yeonje-gu",)
    # PM2.5 is missing ("NA") before 2015.
    assert connection.execute(
        "SELECT COUNT(*) FROM air_quality_by_district WHERE year < 2015 AND pm25_ugm3 IS NOT NULL"
    ).fetchone() == (0,)
    # One row per fatal accident in Busan.
    assert connection.execute("SELECT COUNT(*) FROM traffic_fatal_accidents_2020").fetchone() == (100,)
    # 17 provinces, no 국외 row.
    assert connection.execute("SELECT COUNT(DISTINCT province) FROM births_by_province").fetchone() == (17,)
