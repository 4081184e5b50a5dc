"""Confident wrong answers found by untuned questions: a place dropped, a count answered with a list,
an ascending ranking answered with the highest (and a top-N number read as a stray number).

The questions here are written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest
from sqltest_support import allowed_columns, demo_cards, demo_layer, run_sql

from assistant.sql.coverage import audit_parse
from assistant.sql.generator import SemanticParserGenerator, SqlDraft
from assistant.sql.guard import guard_sql
from assistant.sql.phrase_matcher import PhraseMatcher, normalise
from assistant.sql.question_cues import sort_direction
from assistant.sql.semantic_layer import SemanticLayer, collect_dimension_values
from assistant.sql.slots import QuerySlots, Threshold


def _draft(question: str) -> SqlDraft:
    return SemanticParserGenerator().generate(question, demo_layer(), [])


def _rows(draft: SqlDraft) -> list[list[object]]:
    assert draft.sql is not None, draft.unmapped
    return run_sql(guard_sql(draft.sql, allowed_columns(), max_limit=200).sql).rows


# -- 1. a place named in the question is applied, or the statistic is refused ----------------------
@pytest.mark.parametrize(
    ("question", "district"),
    [
        ("중구 면적이 몇 헥타르예요?", "중구"),  # "구 면적" (district area) swallowed 중구
        ("중구 면적은?", "중구"),
        ("서구 면적 알려줘", "서구"),
        ("남구 면적은 몇 km²야?", "남구"),
        ("북구 면적이 얼마야?", "북구"),
        ("동구 면적은 얼마나 돼?", "동구"),
        ("중구의 면적은?", "중구"),
        ("중구는 면적이 얼마야?", "중구"),
        ("동구 인구는?", "동구"),
        ("Jung-gu area in hectares?", "중구"),
        ("Seo-gu land area?", "서구"),
        ("Dong-gu population", "동구"),
        ("Nam-gu land area", "남구"),
        ("Buk-gu population?", "북구"),
    ],
)
def test_a_short_district_name_before_a_phrase_is_the_place(question: str, district: str) -> None:
    draft = _draft(question)
    assert draft.sql is not None, draft.unmapped
    assert draft.slots["filters"]["district"] == [district]


def test_a_phrase_beginning_inside_a_place_name_does_not_cut_it() -> None:
    matcher = PhraseMatcher()
    matcher.add("중구", "place", is_name=True)
    matcher.add("구 면적", "table")
    matcher.add("면적", "measure")
    assert [m.phrase for m in matcher.find(normalise("중구 면적이 얼마야"))] == ["중구", "면적"]
    # inside a word (강서구) the name is no name, and the longer phrase keeps its place
    assert "구 면적" in [m.phrase for m in matcher.find(normalise("강서구 면적"))]


def test_a_place_swallowed_by_a_longer_phrase_refuses_the_statistic() -> None:
    cards = demo_cards()
    layer = SemanticLayer.build(cards, collect_dimension_values(cards, run_sql))
    # a synonym that holds a district name: the place is never a place mention of its own
    layer.matcher.add("중구 주민 수", ("measure", "population_by_district_2025", "total_population"))
    draft = SemanticParserGenerator().generate("중구 주민 수는?", layer, [])
    assert draft.sql is None and draft.is_statistical
    assert any("중구" in part for part in draft.unmapped), draft.unmapped


# -- 2. "몇 곳/몇 개/몇 군데/개수" over a condition counts -----------------------------------------
_AT_LEAST_200K = "SELECT COUNT(*) FROM population_by_district_2025 WHERE total_population >= 200000"
_OVER_25_PCT = "SELECT COUNT(*) FROM population_by_district_2025 WHERE age_65_plus_share_pct > 25"


@pytest.mark.parametrize(
    ("question", "gold_sql"),
    [
        ("인구 20만 명 이상인 구·군은 몇 곳이야?", _AT_LEAST_200K),
        ("인구가 20만 명 이상인 구 몇 곳?", _AT_LEAST_200K),
        ("인구 20만 명 이상인 구는 몇 군데예요?", _AT_LEAST_200K),
        ("인구 20만 명 이상인 구의 개수는?", _AT_LEAST_200K),
        ("고령인구 비율 25% 넘는 구 몇 개예요?", _OVER_25_PCT),
        ("고령인구 비율이 25%를 넘는 곳은 몇 개야?", _OVER_25_PCT),
    ],
)
def test_a_korean_count_over_a_condition_counts(question: str, gold_sql: str) -> None:
    draft = _draft(question)
    assert draft.slots.get("operation") == "count_groups", (draft.description, draft.unmapped)
    assert _rows(draft) == run_sql(gold_sql).rows


def test_a_count_word_without_a_condition_keeps_its_own_meaning() -> None:
    draft = _draft("부산 16개 구·군의 행정동은 모두 몇 개?")  # the sum of a column, not a count of rows
    assert draft.slots["operation"] == "value" and _rows(draft) == [[205]]


@pytest.mark.parametrize(
    "question", ["고령인구 비율 30% 넘는 구 몇 개예요?", "고령인구 비율 30% 넘는 구역이 몇 곳이야?"]
)
def test_a_count_answered_by_another_operation_is_not_complete(question: str) -> None:
    slots = QuerySlots(
        table="population_by_district_2025",
        measure="age_65_plus_share_pct",
        operation="groupby",
        group_by="district",
        threshold=Threshold(op=">", value=30),
    )
    audit = audit_parse(normalise(question), [], slots, [])
    assert any(word in part for part in audit.critical for word in ("몇 개", "몇 곳")), audit.critical


# -- 3. "낮은/적은/작은/lowest" picks the ascending end of a top-N ---------------------------------
_LOWEST_PM25_2020 = (
    "SELECT district FROM air_quality_by_district WHERE year = 2020 ORDER BY pm25_ugm3 ASC LIMIT 3"
)
_SMALLEST_AREA = "SELECT district FROM district_land_area ORDER BY land_area_km2 ASC LIMIT 2"
_FEWEST_PEOPLE = "SELECT district FROM population_by_district_2025 ORDER BY total_population ASC LIMIT 3"


@pytest.mark.parametrize(
    ("question", "gold_sql"),
    [
        ("2020년 초미세먼지 농도 낮은 구 top 3 알려줘", _LOWEST_PM25_2020),
        ("2020년 초미세먼지 농도가 낮은 순으로 3개", _LOWEST_PM25_2020),
        ("top 3 lowest PM2.5 districts in 2020", _LOWEST_PM25_2020),
        ("면적 좁은 구 top 2", _SMALLEST_AREA),
        ("면적이 작은 구 상위 2곳", _SMALLEST_AREA),
        ("인구 적은 구 top 3", _FEWEST_PEOPLE),
        ("top 3 districts with the fewest residents", _FEWEST_PEOPLE),
        ("인구 적은 구 3곳", _FEWEST_PEOPLE),  # no "top": the adjective makes "3곳" a ranking
        ("면적 좁은 구 2곳", _SMALLEST_AREA),
    ],
)
def test_a_low_word_in_a_top_n_ranks_ascending(question: str, gold_sql: str) -> None:
    draft = _draft(question)
    assert draft.slots.get("order") == "asc", (draft.description, draft.unmapped)
    assert [row[0] for row in _rows(draft)] == [row[0] for row in run_sql(gold_sql).rows]


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("농도 낮은 구 top 3", "asc"),
        ("top 3 lowest", "asc"),
        ("bottom 3", "asc"),
        ("하위 3개 구", "asc"),
        ("인구 많은 구 top 3", "desc"),
        ("top 3", "desc"),
        ("상위 3곳", "desc"),
        ("50보다 낮은 구 중 상위 3곳", "desc"),  # "보다 낮은" is a condition, not the order
    ],
)
def test_sort_direction(text: str, order: str) -> None:
    assert sort_direction(text, top_n_form=True) == order


def test_a_direction_word_the_ranking_does_not_apply_is_not_complete() -> None:
    slots = QuerySlots(
        table="air_quality_by_district",
        measure="pm10_ugm3",
        operation="topn",
        group_by="district",
        order="desc",
        limit=3,
    )
    audit = audit_parse(normalise("미세먼지 농도 낮은 구 top 3"), [], slots, [])
    assert "낮은" in audit.critical


def test_a_direction_word_with_no_ranking_at_all_is_not_complete() -> None:
    slots = QuerySlots(table="population_by_district_2025", measure="total_population")
    audit = audit_parse(normalise("인구 적은 구 3곳"), [], slots, [])
    assert "적은" in audit.critical


# -- 4. "which 2 districts": the number is the N of the top-N --------------------------------------
@pytest.mark.parametrize(
    ("question", "limit"),
    [
        ("Which 3 districts had the most fatal accidents in 2020?", 3),
        ("Which 2 provinces recorded the most births in 2021?", 2),
        ("Which 4 provinces recorded the fewest births in 2021? ascending order", 4),
    ],
)
def test_which_n_is_the_n_of_a_top_n(question: str, limit: int) -> None:
    draft = _draft(question)
    assert draft.sql is not None, draft.unmapped
    assert draft.slots["operation"] == "topn" and draft.slots["limit"] == limit and not draft.ignored
