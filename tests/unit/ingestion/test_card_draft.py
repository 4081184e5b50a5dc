"""Drafting a table card from the data: names, types, roles, descriptions, and writing it for review."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from assistant.models import Classification
from assistant.sql.cards import load_table_card
from ingestion.card_draft import (
    clean_column_names,
    draft_card,
    infer_column_type,
    table_name_for,
    write_card,
)


def _frame(rows: dict[str, list[str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


def test_column_names_are_snake_case_and_korean_headers_become_positions() -> None:
    headers = ["Year", "District Name", "인구(명)", "PM10 (µg/m³)", "", "Unnamed: 5", "2020", "year"]
    assert clean_column_names(headers) == [
        "year",
        "district_name",
        "col_3",
        "col_4",
        "col_5",
        "col_6",
        "col_2020",
        "year_2",
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", " 2 ", "-3", "+4"], "INTEGER"),
        (["1", "3000000000"], "BIGINT"),
        (["1", "2.5", "1e3"], "DOUBLE"),
        (["12.0", "3"], "DOUBLE"),
        (["2025-05-31", "2024-02-29 00:00:00"], "DATE"),
        (["2025-02-30"], "VARCHAR"),
        (["02001", "26110"], "VARCHAR"),
        (["1,234", "5"], "VARCHAR"),
        (["해운대구", "1"], "VARCHAR"),
        ([], "VARCHAR"),
    ],
)
def test_types_are_inferred_over_every_value(values: list[str], expected: str) -> None:
    assert infer_column_type(values) == expected


def test_roles_aggregations_and_descriptions() -> None:
    frame = _frame(
        {
            "연도": ["2023", "2024", "2024"],
            "구": ["해운대구", "수영구", None],
            "인구": ["374321", "170000", "1"],
            "출생률": ["5.1", "4.9", "3.0"],
            "sig_code": ["26350", "26500", "26110"],
            "note": [f"free text {n}" for n in range(3)],
            "measured_on": ["2025-01-01", "2025-01-02", None],
        }
    )

    card = draft_card(frame, "busan population", "busan population.csv", as_of="2025-06-01")

    assert card.name == "busan_population" and card.needs_review
    assert card.file == "busan population.csv" and card.source.name == "busan population.csv"
    assert card.as_of == "2025-06-01" and "review" in card.licence
    assert "draft" in card.description.en.lower() and "초안" in card.description.ko
    by_name = {column.name: column for column in card.columns}
    assert [column.header for column in card.columns] == list(frame.columns)
    assert (by_name["col_1"].type, by_name["col_1"].role) == ("INTEGER", "time")
    assert (by_name["col_2"].type, by_name["col_2"].role) == ("VARCHAR", "dimension")
    assert "해운대구" in by_name["col_2"].description.ko and "수영구" in by_name["col_2"].description.en
    assert (by_name["col_3"].role, by_name["col_3"].aggregation) == ("measure", "sum")
    assert (by_name["col_4"].type, by_name["col_4"].aggregation) == ("DOUBLE", "avg")
    assert (by_name["sig_code"].type, by_name["sig_code"].role) == ("VARCHAR", "key")
    assert (by_name["measured_on"].type, by_name["measured_on"].role) == ("DATE", "time")
    assert by_name["col_3"].description.ko == "인구" and "인구" in by_name["col_3"].synonyms


def test_many_distinct_strings_are_attributes_and_a_year_outside_range_is_a_measure() -> None:
    frame = _frame({"label": [f"item {n}" for n in range(60)], "year": [str(n) for n in range(60)]})
    card = draft_card(frame, "items", "items.xlsx")
    assert [(column.role, column.type) for column in card.columns] == [
        ("attribute", "VARCHAR"),
        ("measure", "INTEGER"),
    ]


def test_table_names_for_any_stem() -> None:
    assert table_name_for("Population 2025") == "population_2025"
    assert table_name_for("2025_births") == "t_2025_births"
    korean = table_name_for("부산 인구")
    assert korean.startswith("table_") and korean == table_name_for("부산 인구")


def test_a_written_card_loads_back_and_is_never_overwritten(tmp_path: Path) -> None:
    card = draft_card(
        _frame({"구": ["중구"], "value": ["1"]}),
        "t",
        "t.csv",
        classification=Classification.INTERNAL,
        departments=["빅데이터통계과"],
    )
    path = tmp_path / "t.card.yaml"

    write_card(card, path)

    text = path.read_text("utf-8")
    assert text.startswith("# Drafted by cityqa") and "중구" in text  # readable Korean, not escapes
    assert yaml.safe_load(text)["needs_review"] is True
    assert load_table_card(path) == card
    with pytest.raises(FileExistsError):
        write_card(card, path)
    assert path.read_text("utf-8") == text
