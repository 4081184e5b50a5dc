"""Two-step and unit-aware statistics questions: each form computes the asked number and its sentence
says what was computed. Expected numbers are computed here from the demo tables by hand-written SQL.

The questions are written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

from typing import Any

import pytest
from sqltest_support import allowed_columns, demo_layer, run_sql

from assistant.models import Turn
from assistant.sql.age_brackets import find_age_groups
from assistant.sql.generator import SemanticParserGenerator, SqlDraft, describe_result
from assistant.sql.guard import guard_sql
from assistant.sql.phrase_matcher import normalise
from assistant.sql.question_cues import find_threshold
from assistant.sql.units import AMOUNT, answer_factor, answer_unit, in_column_unit, read_amount

P = "population_by_district_2025"


def _answer(question: str) -> tuple[SqlDraft, list[list[Any]], str]:
    layer = demo_layer()
    draft = SemanticParserGenerator().generate(question, layer, [])
    assert draft.sql is not None, draft.unmapped
    result = run_sql(guard_sql(draft.sql, allowed_columns(), max_limit=200).sql)
    lang = "ko" if any("가" <= ch <= "힣" for ch in question) else "en"
    return draft, result.rows, describe_result(draft, result, layer, lang)


def _one(sql: str) -> Any:
    return run_sql(sql).rows[0][0]


def _amount(text: str) -> Any:
    match = AMOUNT.search(normalise(text))
    assert match is not None
    return read_amount(match)


# -- the unit table --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "column_unit", "expected"),
    [
        ("2천만 TEU", "백만 TEU", 20.0),
        ("18 million TEU", "백만 TEU", 18.0),
        ("20,000,000", "백만 TEU", 20.0),
        ("2 m", "mm", 2000.0),
        ("50 km²", "km²", 50.0),
        ("5000 ha", "km²", 50.0),
        ("20만 명", "명", 200000.0),
        ("20k", "건", 20000.0),
        ("30%", "%", 30.0),
        ("20m", "백만 TEU", 20.0),
        ("0.3m", "명", 300000.0),
    ],
)
def test_amounts_convert_to_the_column_unit(written: str, column_unit: str, expected: float) -> None:
    assert in_column_unit(_amount(written), column_unit) == pytest.approx(expected)


@pytest.mark.parametrize(("written", "column_unit"), [("2 m", "km²"), ("30%", "명"), ("50 km²", "mm")])
def test_an_amount_of_another_kind_does_not_convert(written: str, column_unit: str) -> None:
    assert in_column_unit(_amount(written), column_unit) is None


@pytest.mark.parametrize(
    ("question", "column_unit", "factor"),
    [
        ("How large is Gijang-gun in hectares?", "km²", 100.0),
        ("2019년 부산항 물동량은 몇만 TEU야?", "백만 TEU", 100.0),
        ("How many thousand TEU did Incheon handle?", "백만 TEU", 1000.0),
    ],
)
def test_the_answer_unit_asked_for_gives_a_factor(question: str, column_unit: str, factor: float) -> None:
    wanted = answer_unit(normalise(question))
    assert wanted is not None and answer_factor(wanted, column_unit) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("고령인구 비율이 30%를 넘는 구", ">", 30.0),
        ("인구가 20만 명이 안 되는 구", "<", 200000.0),
        ("면적이 50km²보다 넓은 구", ">", 50.0),
        ("districts with fewer than 10,000 births", "<", 10000.0),
    ],
)
def test_thresholds_are_read_with_their_scale(text: str, op: str, value: float) -> None:
    found = find_threshold(normalise(text))
    assert found is not None and found.op == op and found.amount.value == value


def test_a_year_after_than_is_no_threshold() -> None:
    assert find_threshold(normalise("how many more births in 2020 than in 2010")) is None


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("15세 미만 인구", 0, 14),
        ("residents aged 65 or over", 65, None),
        ("0-14세", 0, 14),
        ("people under 15", 0, 14),
    ],
)
def test_age_groups_are_read_as_brackets(text: str, low: int, high: int | None) -> None:
    groups = find_age_groups(normalise(text))
    assert [(g.low, g.high) for g in groups] == [(low, high)]


# -- the forms, end to end ---------------------------------------------------------------------------
def test_difference_of_two_places_states_which_is_larger() -> None:
    draft, rows, sentence = _answer("How many more residents does Suyeong-gu have than Dong-gu?")
    expected = _one(
        f"SELECT (SELECT total_population FROM {P} WHERE district = '수영구') - "
        f"(SELECT total_population FROM {P} WHERE district = '동구')"
    )
    assert rows[0][-1] == expected
    assert f"{expected:,}" in sentence and "more than" in sentence


def test_fewer_asks_for_the_second_minus_the_first() -> None:
    _draft, rows, sentence = _answer("2015년 부산 혼인 건수는 2012년보다 몇 건 적었어?")
    expected = _one(
        "SELECT (SELECT marriages FROM births_by_province WHERE province = '부산광역시' AND year = 2012) - "
        "(SELECT marriages FROM births_by_province WHERE province = '부산광역시' AND year = 2015)"
    )
    assert rows[0][-1] == expected and "적습니다" in sentence


def test_times_of_two_ports() -> None:
    _draft, rows, sentence = _answer("2017년 부산항 물동량은 인천항의 몇 배야?")
    expected = _one(
        "SELECT (SELECT teu_million FROM port_container_throughput WHERE port = 'Busan' AND year = 2017) / "
        "(SELECT teu_million FROM port_container_throughput WHERE port = 'Incheon' AND year = 2017)"
    )
    assert rows[0][-1] == pytest.approx(expected) and "배" in sentence


def test_per_thousand_people() -> None:
    _draft, rows, sentence = _answer("How many children aged 0-14 per 1,000 residents in Jung-gu?")
    expected = _one(f"SELECT 1000.0 * age_0_14 / total_population FROM {P} WHERE district = '중구'")
    assert rows[0][-1] == pytest.approx(expected) and "per 1,000" in sentence


def test_first_year_a_threshold_held() -> None:
    _draft, rows, sentence = _answer("In which year did Busan port first handle more than 19 million TEU?")
    expected = _one(
        "SELECT MIN(year) FROM port_container_throughput WHERE port = 'Busan' AND teu_million > 19"
    )
    assert rows[0][0] == expected and "first" in sentence and "19" in sentence


def test_last_year_two_measures_compared() -> None:
    _draft, rows, _sentence = _answer("부산에서 출생아 수가 사망자 수보다 마지막으로 많았던 해는?")
    expected = _one(
        "SELECT MAX(year) FROM births_by_province WHERE province = '부산광역시' AND births > deaths"
    )
    assert rows[0][0] == expected


def test_count_of_districts_below_a_threshold_states_the_condition() -> None:
    _draft, rows, sentence = _answer("인구가 10만 명이 안 되는 구는 몇 곳이야?")
    expected = _one(f"SELECT COUNT(*) FROM {P} WHERE total_population < 100000")
    assert rows[0][-1] == expected and "100,000" in sentence


def test_average_of_a_rate_across_districts_is_the_plain_mean() -> None:
    _draft, rows, sentence = _answer(
        "What is the average share of residents aged 65 and over across districts?"
    )
    expected = _one(f"SELECT AVG(age_65_plus_share_pct) FROM {P}")
    assert rows[0][-1] == pytest.approx(expected) and "16 districts" in sentence


def test_share_of_the_city_total_of_a_subgroup() -> None:
    _draft, rows, _sentence = _answer("What share of Busan's residents aged 0-14 live in Gangseo-gu?")
    expected = _one(
        f"SELECT 100.0 * SUM(age_0_14) FILTER (WHERE district = '강서구') / SUM(age_0_14) FROM {P}"
    )
    assert rows[0][-1] == pytest.approx(expected)


def test_answer_converted_to_the_asked_unit() -> None:
    _draft, rows, sentence = _answer("사하구 면적은 몇 헥타르야?")
    expected = _one("SELECT land_area_km2 * 100 FROM district_land_area WHERE district = '사하구'")
    assert rows[0][-1] == pytest.approx(expected) and "헥타르" in sentence


def test_threshold_in_metres_against_a_column_in_mm() -> None:
    draft, rows, _sentence = _answer("How many districts had annual precipitation above 1.8 m in 2019?")
    expected = _one(
        "SELECT COUNT(*) FROM air_quality_by_district WHERE year = 2019 AND precipitation_mm > 1800"
    )
    assert rows[0][-1] == expected and "> 1800" in (draft.sql or "")


@pytest.mark.parametrize(
    "question",
    [
        "How many more cars than residents are in Haeundae-gu?",
        "해운대구 인구는 서울의 몇 배야?",
        "Which district has the most people aged 20 or over?",
        "How many districts had precipitation above 2 km² in 2020?",
    ],
)
def test_a_two_step_question_with_an_unmapped_part_is_refused(question: str) -> None:
    draft = SemanticParserGenerator().generate(question, demo_layer(), [])
    assert draft.sql is None and draft.is_statistical


def test_a_baseline_year_after_than_is_the_second_operand() -> None:
    _draft, rows, sentence = _answer("2019년보다 2021년 사하구 초미세먼지가 얼마나 줄었어?")
    first = _one("SELECT pm25_ugm3 FROM air_quality_by_district WHERE district = '사하구' AND year = 2021")
    second = _one("SELECT pm25_ugm3 FROM air_quality_by_district WHERE district = '사하구' AND year = 2019")
    assert rows[0][:2] == [pytest.approx(first), pytest.approx(second)]
    assert ("낮습니다" if first < second else "높습니다") in sentence


def test_a_follow_up_to_a_difference_does_not_reuse_its_operands() -> None:
    layer = demo_layer()
    generator = SemanticParserGenerator()
    first = generator.generate("How many more people live in Haeundae-gu than in Busanjin-gu?", layer, [])
    history = [
        Turn(question="How many more people live in Haeundae-gu than in Busanjin-gu?", slots=first.slots)
    ]
    draft = generator.generate("What about Jung-gu?", layer, history)
    assert draft.sql is not None and "해운대구" not in draft.sql
    rows = run_sql(draft.sql).rows
    assert rows[0][-1] == _one(f"SELECT total_population FROM {P} WHERE district = '중구'")


def test_a_converted_threshold_is_stated_as_computed_and_as_written() -> None:
    _draft, _rows, sentence = _answer("How many ports handled more than 20,000 thousand TEU in 2018?")
    assert "> 20 million TEU" in sentence and "20,000 thousand" in sentence


def test_difference_of_two_values_of_a_dimension_names_them_in_words() -> None:
    _draft, rows, sentence = _answer("How many more fatal accidents happened during the day than at night?")
    day = _one("SELECT COUNT(*) FROM traffic_fatal_accidents_2020 WHERE day_night = '주'")
    night = _one("SELECT COUNT(*) FROM traffic_fatal_accidents_2020 WHERE day_night = '야'")
    assert rows[0] == [day, night, day - night]
    assert "day" in sentence and "night" in sentence and "야" not in sentence


def test_difference_of_two_measures_of_the_same_rows() -> None:
    _draft, rows, sentence = _answer("How many more deaths than births were there in Seoul in 2020?")
    deaths = _one("SELECT deaths FROM births_by_province WHERE province = '서울특별시' AND year = 2020")
    births = _one("SELECT births FROM births_by_province WHERE province = '서울특별시' AND year = 2020")
    assert rows[0] == [deaths, births, deaths - births]
    assert f"{abs(deaths - births):,}" in sentence and "births" in sentence
