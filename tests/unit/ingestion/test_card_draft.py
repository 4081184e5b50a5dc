"""Drafting a table card from the data: names, types, roles, descriptions, and writing it for review."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from assistant.models import Classification
from assistant.sql.cards import TableCard, load_table_card
from assistant.sql.warehouse import DuckDBWarehouse
from ingestion.card_draft import (
    clean_column_names,
    draft_card,
    english_words_for,
    header_label_and_unit,
    infer_column_type,
    stem_words,
    table_name_for,
    write_card,
)
from ingestion.number_text import clean_values_for_card, number_text
from ingestion.tables import frame_for_card, read_table_data

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"
DISTRICT_CSV = FIXTURES / "district_indicators_2023.csv"  # UTF-8, date only in the file name
BEACH_CSV = FIXTURES / "beach_visitors_cp949.csv"  # cp949, a 기준년도 column


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
        (["1,234", "5"], "INTEGER"),
        (["1,234,567,890,123", " 1 "], "BIGINT"),
        (["123*", "45¹", "67(p)", "8p", "9 ‡", "10†", "11²³"], "INTEGER"),
        (["12.3e", "4.5 *", "1,234.5", "6(e)"], "DOUBLE"),
        (["12.5%", " 7 % ", "100%*"], "DOUBLE"),
        (["10%", "20%"], "INTEGER"),
        (["-", "…", "x", "(X)", "N/A", "NA", "", " 3 "], "INTEGER"),
        (["2 345", "12\u00a0000"], "INTEGER"),
        (["-", "x", "N/A"], "VARCHAR"),
        (["2025-05-31", "-"], "DATE"),
        (["1,2", "3"], "VARCHAR"),
        (["12 apples", "3"], "VARCHAR"),
        (["02,001", "26,110"], "VARCHAR"),
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
    # Busan district names: named `district`, the column the semantic layer filters places by
    assert (by_name["district"].type, by_name["district"].role, by_name["district"].header) == (
        "VARCHAR",
        "dimension",
        "구",
    )
    assert "해운대구" in by_name["district"].description.ko and "수영구" in by_name["district"].description.en
    assert (by_name["col_3"].role, by_name["col_3"].aggregation) == ("measure", "sum")
    assert (by_name["col_4"].type, by_name["col_4"].aggregation) == ("DOUBLE", "avg")
    assert (by_name["sig_code"].type, by_name["sig_code"].role) == ("VARCHAR", "key")
    assert (by_name["measured_on"].type, by_name["measured_on"].role) == ("DATE", "time")
    assert by_name["col_3"].description.ko == "인구" and "인구" in by_name["col_3"].synonyms


def test_many_distinct_strings_are_attributes_and_a_year_named_column_is_never_a_measure() -> None:
    frame = _frame({"label": [f"item {n}" for n in range(60)], "year": [str(n) for n in range(60)]})
    card = draft_card(frame, "items", "items.xlsx")
    assert [(column.role, column.type, column.aggregation) for column in card.columns] == [
        ("attribute", "VARCHAR", "count"),  # unique labels: one row per item, counted
        ("attribute", "INTEGER", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", "1234"),
        (" -1,234.50 ", "-1234.50"),
        ("123*", "123"),
        ("45¹", "45"),
        ("12.3e", "12.3"),
        ("1e3", "1e3"),
        ("7(p)", "7"),
        ("8p", "8"),
        ("18.5 %", "18.5"),
        ("31.0%*", "31.0"),
        ("20,001 †", "20001"),
        ("-", None),
        ("…", None),
        ("(X)", None),
        ("N/A", None),
        ("", None),
        ("해운대구", None),
        ("1,23", None),
    ],
)
def test_number_text_removes_separators_footnotes_and_percent(text: str, expected: str | None) -> None:
    assert number_text(text) == expected


def _columns(card: TableCard) -> dict[str, tuple[str, str, str | None, str | None]]:
    return {
        column.header or column.name: (column.type, column.role, column.aggregation, column.unit)
        for column in card.columns
    }


def test_a_utf8_table_with_separators_footnotes_ranks_and_rates_is_typed_and_never_sums_rates() -> None:
    card = draft_card(read_table_data(DISTRICT_CSV), "district_indicators_2023", DISTRICT_CSV.name)

    assert _columns(card) == {
        "순위": ("INTEGER", "attribute", None, None),
        "구": ("VARCHAR", "dimension", None, None),
        "인구(명)": ("INTEGER", "measure", "sum", "명"),
        "고령인구비율": ("DOUBLE", "measure", "avg", "%"),
        "1인당 공원면적(㎡)": ("DOUBLE", "measure", "avg", None),
        "합계출산율": ("DOUBLE", "measure", "avg", None),
        "사업체수": ("INTEGER", "measure", "sum", None),
        "비고": ("VARCHAR", "dimension", None, None),
    }
    assert card.as_of == "2023-12-31"  # from the file name, not the file's modification time
    assert "district_indicators_2023" in card.description.en and "check" in card.description.en


def test_a_cp949_table_takes_years_as_time_codes_as_keys_and_its_as_of_from_the_data() -> None:
    card = draft_card(read_table_data(BEACH_CSV), "beach_visitors", BEACH_CSV.name)

    assert _columns(card) == {
        "기준년도": ("INTEGER", "time", None, None),
        "관광지코드": ("VARCHAR", "key", None, None),
        "관광지": ("VARCHAR", "dimension", None, None),
        "방문객수": ("INTEGER", "measure", "sum", None),
        "점유율": ("DOUBLE", "measure", "avg", "%"),
        "등수": ("INTEGER", "attribute", None, None),
        "평균체류시간": ("DOUBLE", "measure", "avg", None),
    }
    assert card.as_of == "2023-12-31" and "기준년도" in card.description.en


def _load(card: TableCard, path: Path, warehouse: DuckDBWarehouse) -> None:
    warehouse.replace_table(card, clean_values_for_card(card, frame_for_card(card, read_table_data(path))))


def test_drafted_cards_describe_data_that_loads_once_cleaned(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    district = draft_card(read_table_data(DISTRICT_CSV), "district_indicators_2023", DISTRICT_CSV.name)
    beach = draft_card(read_table_data(BEACH_CSV), "beach_visitors", BEACH_CSV.name)
    try:
        _load(district, DISTRICT_CSV, warehouse)
        _load(beach, BEACH_CSV, warehouse)
        rows = warehouse.run_readonly(
            "SELECT SUM(col_3), SUM(col_7), ROUND(AVG(col_4), 2), COUNT(col_4), COUNT(col_5), "
            "MAX(col_6), MIN(col_1) FROM district_indicators_2023 LIMIT 1",
            5000,
            10,
            tables=warehouse.tables(),
        ).rows
        assert rows == [[374321 + 362010 + 268345 + 38000, 12345 + 20001 + 2345, 23.57, 3, 2, 0.72, 1]]
        beach_rows = warehouse.run_readonly(
            "SELECT col_1, col_2, SUM(col_4), AVG(col_5) FROM beach_visitors "
            "WHERE col_1 = 2023 GROUP BY col_1, col_2 ORDER BY col_2 LIMIT 10",
            5000,
            10,
            tables=warehouse.tables(),
        ).rows
        assert beach_rows == [[2023, "00123", 1610000, 34.9], [2023, "00456", 980000, 20.8]]
    finally:
        warehouse.close()


@pytest.mark.parametrize(
    ("header", "aggregation"),
    [
        ("출생률", "avg"),
        ("고용율", "avg"),
        ("외국인 비율", "avg"),
        ("평균연령", "avg"),
        ("1인당 소득", "avg"),
        ("인구 천명당 의사수", "avg"),
        ("가구당 자동차", "avg"),
        ("인구밀도", "avg"),
        ("실업률(%)", "avg"),
        ("per_capita_income", "avg"),
        ("crime rate", "avg"),
        ("avg_age", "avg"),
        ("mean temperature", "avg"),
        ("doctors per 1,000", "avg"),
        ("density", "avg"),
        ("인구", "sum"),
        ("예산액", "sum"),
        ("amount", "sum"),
        ("visitors", "sum"),
    ],
)
def test_only_counts_and_amounts_are_summed(header: str, aggregation: str) -> None:
    card = draft_card(_frame({header: ["1.5", "2,000"]}), "t", "t.csv")
    assert (card.columns[0].role, card.columns[0].aggregation) == ("measure", aggregation)


@pytest.mark.parametrize(
    ("header", "values", "role", "aggregation"),
    [
        ("시점", ["2019", "2020", "2021"], "time", None),
        ("기준연도", ["2019", "2020", "2021"], "time", None),
        ("Year", ["2019", "2020*", "-"], "time", None),
        ("순위", ["1", "2", "3"], "attribute", None),
        ("Rank", ["1", "2", "3"], "attribute", None),
        ("등수", ["1", "2", "3"], "attribute", None),
        ("사업체수", ["1,950", "2,011", "2,099"], "measure", "sum"),
        ("code", ["11", "12", "13"], "key", None),
        ("번호", ["1", "1", "3"], "key", None),
        ("연번", ["1", "2", "3"], "key", "count"),  # a unique serial number: one row per record, counted
        ("우편번호", ["49201", "49241", "49201"], "key", None),
        ("행정기관코드", ["2611000000", "2614000000", "2617000000"], "key", None),
        ("위도", ["35.1", "35.2", "35.3"], "attribute", None),
        ("x좌표", ["129.01", "129.02", "129.03"], "attribute", None),
        ("lon", ["129.01", "129.02", "129.03"], "attribute", None),
        ("발생위치X_UTMK", ["959928", "951237", "951238"], "attribute", None),
    ],
)
def test_years_ranks_codes_and_coordinates_are_never_measures(
    header: str, values: list[str | None], role: str, aggregation: str | None
) -> None:
    column = draft_card(_frame({header: values}), "t", "t.csv").columns[0]
    assert (column.role, column.aggregation) == (role, aggregation)


@pytest.mark.parametrize(
    ("header", "label", "unit", "aggregation"),
    [
        ("출생건수_명", "출생건수", "명", "sum"),
        ("인구 (명)", "인구", "명", "sum"),
        ("land_area_km2", "land area", "km²", "sum"),
        ("65세이상_비율_pct", "65세이상 비율", "%", "avg"),
        ("성비(명) (%)", "성비", "%", "avg"),
        ("PM10_ugm3", "PM10", "µg/m³", "avg"),  # a concentration is averaged, never summed
        ("SO2_ppm", "SO2", "ppm", "avg"),
        ("정부안금액_천원", "정부안금액", "천원", "sum"),
        ("의과일반의.인원수", "의과일반의 인원수", None, "sum"),
        ("0_14세", "0-14세", None, "sum"),
        ("num_administrative_dong", "num administrative dong", None, "sum"),
    ],
)
def test_a_unit_at_the_end_of_a_header_becomes_the_columns_unit(
    header: str, label: str, unit: str | None, aggregation: str
) -> None:
    assert header_label_and_unit(header) == (label, unit)
    column = draft_card(_frame({header: ["1.5", "2", "2"]}), "t", "t.csv").columns[0]
    assert (column.unit, column.aggregation, column.description.ko) == (unit, aggregation, label)
    # the label (or its English words) leads the English description: answers show the text before " ("
    assert column.description.en.split(" (")[0] in (label, english_words_for(label))
    assert header in column.synonyms or header == column.name


def test_korean_headers_get_english_words_and_unspaced_synonyms() -> None:
    card = draft_card(
        _frame(
            {
                "사망건수_명": ["1", "2"],
                "합계출산율": ["0.7", "0.8"],
                "혼인 건수": ["3", "4"],
                "비고x": ["a", "b"],
            }
        ),
        "t",
        "t.csv",
    )
    deaths, fertility, marriages, _ = card.columns
    assert deaths.synonyms == ["사망건수_명", "사망건수", "deaths"]
    assert deaths.description.en.startswith("deaths (machine draft from header 사망건수_명: integer")
    assert "total fertility rate" in fertility.synonyms  # not "births": the longest term wins
    assert {"혼인 건수", "혼인건수", "marriages"} <= set(marriages.synonyms)


def test_place_columns_are_named_for_the_semantic_layer_only_when_their_names_match_its_filters() -> None:
    card = draft_card(
        _frame(
            {
                "시군구": ["해운대구", "중구", "기장군"],  # Korean Busan districts -> district
                "행정구역별": ["서울특별시", "부산광역시", "대구광역시"],  # full province names -> province
                "발생지시도": ["서울", "부산", "대구"],  # short names: a filter on 부산광역시 finds none
                "adm2": ["Haeundae-gu", "Jung-gu", "Gijang-gun"],  # English: not filterable yet
                "시도": ["부산광역시", "부산광역시", "부산광역시"],  # one value: groups nothing
                "인구": ["1", "2", "3"],
            }
        ),
        "t",
        "t.csv",
    )
    assert [(c.name, c.role) for c in card.columns] == [
        ("district", "dimension"),
        ("province", "dimension"),
        ("col_3", "attribute"),
        ("adm2", "attribute"),
        ("col_5", "attribute"),
        ("col_6", "measure"),
    ]
    national = draft_card(_frame({"시군구": ["해운대구", "강남구"], "n": ["1", "2"]}), "t", "t.csv")
    assert national.columns[0].name == "col_1"  # 시군구 of all Korea: 중구 would be ambiguous


@pytest.mark.parametrize(
    "places",
    [
        ["부산광역시", "부산광역시 중구", "부산광역시 중구 중앙동"],  # city, district and dong rows
        ["전국", "서울특별시", "부산광역시"],
        ["계", "0 - 4세", "5 - 9세"],
        ["total", "male", "female"],
    ],
)
def test_rows_that_total_other_rows_leave_the_table_without_measures(places: list[str]) -> None:
    card = draft_card(
        _frame({"구분": places, "인구": ["10", "6", "4"], "비율": ["1.0", "0.6", "0.4"]}), "t", "t.csv"
    )
    assert [c.role for c in card.columns][1:] == ["attribute", "attribute"]
    assert all(c.aggregation is None for c in card.columns)
    assert "include totals" in card.columns[1].description.en


def test_parts_that_add_up_keep_their_measures() -> None:
    card = draft_card(
        _frame({"구분": ["부산 중구", "부산 동구", "부산 서구"], "인구": ["10", "6", "4"]}), "t", "t.csv"
    )
    assert (card.columns[1].role, card.columns[1].aggregation) == ("measure", "sum")


def test_a_table_of_records_counts_its_rows_under_the_file_names_words() -> None:
    frame = _frame({"연번": ["5", "20", "31"], "시군구": ["중구", "중구", "동구"], "사망": ["0", "1", "0"]})
    card = draft_card(frame, "fire_busan", "fire_busan.csv")
    counted = card.columns[0]
    assert (counted.role, counted.aggregation, counted.synonyms) == (
        "key",
        "count",
        ["fire", "fires", "화재"],
    )
    assert card.synonyms == ["fire"]
    assert (card.columns[2].role, card.columns[2].aggregation) == ("measure", "sum")
    # one row per area (a unique area code): a count of rows is no statistic anyone asks for
    areas = draft_card(
        _frame({"adm2_code": ["21010", "21020"], "value": ["1", "2"]}), "tax_2020", "tax_2020.csv"
    )
    assert all(column.aggregation != "count" for column in areas.columns)


@pytest.mark.parametrize(
    ("stem", "words"),
    [
        ("fireStation_busan", ["fire station", "fire stations", "소방서"]),
        ("policeBox_busan", ["police box", "police boxes", "치안센터"]),
        ("hospitalInfo_busan", ["hospital", "hospitals", "병원"]),
        ("busan_population_agegroups_202505", ["population agegroups"]),  # already plural
        ("2025_부산", []),
    ],
)
def test_file_names_give_english_and_known_korean_words(stem: str, words: list[str]) -> None:
    assert stem_words(stem) == words


def test_hourly_time_stamps_give_the_as_of_date() -> None:
    frame = _frame({"측정일시": ["2014-11-12 01", "2014-11-29 24"], "PM10": ["65", "20"]})
    card = draft_card(frame, "readings", "readings.csv")
    assert card.as_of == "2014-11-29" and "측정일시" in card.description.en


@pytest.mark.parametrize(
    ("source_file", "frame", "as_of"),
    [
        ("visitors_202505.csv", {"구": ["중구"]}, "2025-05-31"),
        ("report 2024-03-15.csv", {"구": ["중구"]}, "2024-03-15"),
        ("report_20240230.csv", {"구": ["중구"]}, "2024-02-29"),
        ("pm10_2019_2021.xlsx", {"구": ["중구"]}, "2021-12-31"),
        ("readings.csv", {"measured_on": ["2025-01-02", "2024-12-31", None]}, "2025-01-02"),
        ("readings_2020.csv", {"연도": ["2021", "2022"]}, "2022-12-31"),
    ],
)
def test_the_as_of_date_comes_from_the_data_or_the_file_name(
    source_file: str, frame: dict[str, list[str | None]], as_of: str
) -> None:
    card = draft_card(_frame(frame), Path(source_file).stem, source_file)
    assert card.as_of == as_of


def test_without_a_date_in_the_data_or_name_as_of_is_left_empty_for_review(tmp_path: Path) -> None:
    card = draft_card(_frame({"구": ["중구"], "인구": ["1,000"]}), "population", "population.csv")

    assert card.as_of == "" and card.needs_review
    assert "as_of" in card.description.en and "as_of" in card.description.ko
    write_card(card, tmp_path / "population.card.yaml")
    assert load_table_card(tmp_path / "population.card.yaml").as_of == ""


def test_a_given_as_of_wins() -> None:
    card = draft_card(_frame({"연도": ["2021"]}), "t_2019", "t_2019.csv", as_of="2022-06-30")
    assert card.as_of == "2022-06-30"


def test_table_names_for_any_stem() -> None:
    assert table_name_for("Population 2025") == "population_2025"
    assert table_name_for("2025_births") == "t_2025_births"
    korean = table_name_for("부산 인구")
    assert korean.startswith("table_") and korean == table_name_for("부산 인구")


def test_a_written_card_loads_back_and_is_never_overwritten(tmp_path: Path) -> None:
    card = draft_card(
        _frame({"구": ["중구", "동구"], "value": ["1", "2"]}),
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


def test_a_title_line_and_a_blank_line_above_the_header_are_skipped(tmp_path: Path) -> None:
    kosis = tmp_path / "census.csv"
    kosis.write_text(
        '"총조사인구 총괄(시도/성/5세연령별)"\n\n'
        '"행정구역별","연령별","인구 (명)"\n"부산광역시","계",3393191\n',
        encoding="utf-8",
    )
    frame = read_table_data(kosis)
    assert list(frame.columns) == ["행정구역별", "연령별", "인구 (명)"]
    assert frame.values.tolist() == [["부산광역시", "계", "3393191"]]


def test_a_one_column_table_keeps_its_header(tmp_path: Path) -> None:
    single = tmp_path / "names.csv"
    single.write_text("name\n해운대구\n수영구\n", encoding="utf-8")
    assert list(read_table_data(single).columns) == ["name"]


def test_ports_listed_by_their_gazetteer_names_are_the_port_dimension() -> None:
    frame = _frame(
        {
            "name": ["Shanghai", "Singapore", "Busan", "Laem Chabang"] + [f"Port {n}" for n in range(60)],
            "size": [str(n) for n in range(64)],
        }
    )
    card = draft_card(frame, "top100port", "top100port.csv")
    port, size = card.columns
    # a place column is a dimension however many places it lists
    assert (port.name, port.header, port.role) == ("port", "name", "dimension")
    assert (size.role, size.aggregation) == ("measure", "sum")


def test_columns_named_after_places_are_not_matched_by_the_place_name() -> None:
    card = draft_card(
        _frame(
            {
                "year": ["2018", "2019"],
                "Busan": ["21.6", "21.9"],
                "부산": ["1", "2"],
                "Ulsan port": ["1", "2"],
            }
        ),
        "teu",
        "teu.csv",
    )
    assert [(c.name, c.header, c.role) for c in card.columns] == [
        ("year", "year", "time"),
        ("col_2", "Busan", "measure"),
        ("col_3", "부산", "measure"),
        ("ulsan_port", "Ulsan port", "measure"),
    ]
    assert card.columns[1].synonyms == [] and card.columns[2].synonyms == []
    assert "Busan" in card.columns[1].description.en  # the reviewer still sees which column it is


def test_the_name_of_each_record_is_a_dimension_named_by_the_file_words() -> None:
    names = [f"병원{n}" for n in range(70)] + ["병원1"]  # one name repeats: still a list of records
    frame = _frame(
        {
            "암호화요양기호": [f"code{n}" for n in range(71)],
            "요양기관명": names,
            "종별코드명": ["병원", "요양병원"] * 35 + ["의원"],
            "총의사수": [str(n) for n in range(71)],
        }
    )
    card = draft_card(frame, "hospitalInfo_busan", "hospitalInfo_busan.csv")
    by_header = {column.header: column for column in card.columns}
    assert by_header["요양기관명"].role == "dimension"
    assert "hospital" in by_header["요양기관명"].synonyms
    assert by_header["암호화요양기호"].aggregation == "count"
    # "병원" is also a kind of hospital in the data: as a name of the table it would filter to that kind
    assert "병원" not in by_header["요양기관명"].synonyms + by_header["암호화요양기호"].synonyms
    assert "hospitals" in by_header["암호화요양기호"].synonyms
