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
        ("Which district has the most people aged 65 or over as a share of its population?", "65"),
        ("Births per 1,000 residents in Busan in 2020", "1,000"),
        ("What was the first year when deaths exceeded births in Busan?", "first"),
        ("사망자가 출생아보다 처음 많아진 해는?", "처음"),
        ("Haeundae population growth rate", "growth"),
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
        "2021년 부산 조사망률이 조출생률보다 얼마나 높았어?",
        "2019년 부산항 물동량은 인천항의 몇 배야?",
        "16개 구·군 고령인구 비율을 평균 내면?",
        "2019년 부산항 물동량은 몇만 TEU?",
    ],
)
def test_two_step_and_unit_questions_the_parser_cannot_do_are_refused(question: str) -> None:
    assert _draft(question).sql is None
