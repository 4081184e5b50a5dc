"""No silent drops: what the parser leaves out of a question is refused or reported (issue 8).

The questions here are written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest
from sqltest_support import demo_layer, run_sql

from assistant.sql.generator import SemanticParserGenerator, describe_result


def _draft(question: str):  # type: ignore[no-untyped-def]
    return SemanticParserGenerator().generate(question, demo_layer(), [])


@pytest.mark.parametrize(
    ("question", "left_out"),
    [
        ("Which district has the most people aged 20 or over?", "20+"),
        ("Births per 1,000 residents in Busan in 2020", "1,000"),
        ("In which year did Busan port first handle a record volume?", "first"),
        ("부산 출생아 수가 처음 줄어든 해는?", "처음"),
        ("Haeundae population growth rate", "growth"),
        ("How large is Haeundae-gu's population in hectares?", "hectares"),
        ("Which districts are bigger than 50 mm?", "mm"),
    ],
)
def test_a_part_the_sql_would_leave_out_refuses_the_statistic(question: str, left_out: str) -> None:
    draft = _draft(question)
    assert draft.sql is None and draft.is_statistical
    assert any(left_out in part for part in draft.unmapped), draft.unmapped


@pytest.mark.parametrize(
    "question",
    [
        "What was the registered population of Haeundae-gu in May 2025?",
        "2025년 5월 해운대구 주민등록인구는?",
        "How many residents aged 65 or older are there in Yeongdo-gu?",
        "2021년 초미세먼지 농도가 세 번째로 높은 구는?",
        "최근 5년 해운대구 초미세먼지 추이",
        "How has PM10 in Saha-gu changed between 2005 and 2020?",
        "해운대구 인구가 궁금해요",
    ],
)
def test_a_fully_understood_question_is_complete(question: str) -> None:
    draft = _draft(question)
    assert draft.sql is not None, draft.unmapped
    assert draft.ignored == []


def test_words_that_change_nothing_computed_are_reported_not_hidden() -> None:
    draft = _draft("What was the registered population of Haeundae-gu in May 2025, roughly, for my memo?")
    assert draft.sql is not None
    assert "memo" in draft.ignored


def test_a_number_inside_a_measure_name_is_not_a_condition() -> None:
    draft = _draft("How many children under 15 are there in Suyeong-gu?")
    assert draft.sql is not None and "HAVING" not in draft.sql and "age_0_14" in draft.sql


def test_a_threshold_is_read_in_the_column_unit() -> None:
    draft = _draft("How many ports handled more than 20 million TEU in 2019?")
    assert draft.sql is not None and "> 20)" in draft.sql


def test_a_comparison_of_two_states_their_difference() -> None:
    draft = _draft("부산진구와 해운대구의 인구 차이는?")
    assert draft.sql is not None
    sentence = describe_result(draft, run_sql(draft.sql), demo_layer(), "ko")
    assert "차이는 9,781명" in sentence


@pytest.mark.parametrize(
    ("question", "district"),
    [
        ("Population of Haeundea-gu", "해운대구"),
        ("How many people live in Busan-jin?", "부산진구"),
        ("Kumjeong-gu population", "금정구"),
        ("해운데구 인구는?", "해운대구"),
    ],
)
def test_a_close_misspelling_of_a_district_is_understood(question: str, district: str) -> None:
    draft = _draft(question)
    assert draft.sql is not None and f"'{district}'" in draft.sql, (draft.sql, draft.unmapped)


@pytest.mark.parametrize(
    "question",
    [
        # three operands, or two places and two measures at once: not a supported form
        "How many more people live in Haeundae-gu than in Busanjin-gu and Nam-gu combined?",
        "How many more births than deaths were there in Busan and Seoul in 2021?",
    ],
)
def test_two_step_and_unit_questions_the_parser_cannot_do_are_refused(question: str) -> None:
    assert _draft(question).sql is None


@pytest.mark.parametrize(
    "question",
    [
        "2019년 부산항 물동량은 인천항의 몇 배야?",
        "16개 구·군 고령인구 비율을 평균 내면?",
        "2019년 부산항 물동량은 몇만 TEU?",
    ],
)
def test_two_step_and_unit_questions_are_complete(question: str) -> None:
    draft = _draft(question)
    assert draft.sql is not None and draft.ignored == [], (draft.unmapped, draft.ignored)


def test_a_which_place_question_answered_with_a_city_total_is_refused() -> None:
    draft = _draft("Which district has the oldest population?")
    assert draft.sql is None and "'which place'" in draft.unmapped


def test_a_superlative_whose_adjective_is_the_measure_ranks_the_places() -> None:
    draft = _draft("부산에서 가장 넓은 구는?")
    assert draft.sql is not None and "RANK()" in draft.sql
    assert run_sql(draft.sql).rows[0][0] == "기장군"


def test_a_critical_cue_is_not_hidden_by_the_statistical_words() -> None:
    # "share" is also a word that marks a statistics question; that must not make it "used"
    draft = _draft("What share of districts have more than 300,000 residents?")
    assert draft.sql is None and "'share'" in draft.unmapped


def test_a_condition_the_operation_does_not_apply_is_refused() -> None:
    draft = _draft("What was the first year deaths exceeded births by more than 5,000 in Busan?")
    assert draft.sql is None


def test_how_many_years_counts_years_over_the_whole_series() -> None:
    draft = _draft("How many years did Busan have more than 20,000 marriages?")
    assert draft.sql is not None
    expected = run_sql(
        "SELECT COUNT(*) FROM births_by_province WHERE province = '부산광역시' AND marriages > 20000"
    ).rows[0][0]
    assert run_sql(draft.sql).rows[0][-1] == expected
