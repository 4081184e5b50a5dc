"""Spelling variants and memo shorthand read before parsing (issue 8, round 3)."""

from __future__ import annotations

import pytest
from sqltest_support import demo_layer, run_sql

from assistant.sql.generator import SemanticParserGenerator, describe_result
from assistant.sql.parser import QuestionParser
from assistant.sql.phrasing import format_number
from assistant.sql.question_cues import expand_short_years
from assistant.sql.spelling import correct_rate_suffix, correct_word_spellings


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("고령화률", "고령화율"),
        ("합계출산률", "합계출산율"),
        ("사망율", "사망률"),
        ("비률", "비율"),
        ("이혼율", "이혼율"),
    ],
)
def test_rate_suffix_follows_the_final_consonant(written: str, meant: str) -> None:
    assert correct_rate_suffix(written) == meant


def test_an_english_word_one_letter_from_one_known_word_is_corrected() -> None:
    vocabulary = frozenset({"fertility", "rate", "marriages", "births", "deaths", "depths"})
    assert correct_word_spellings("total fertilty rate", vocabulary) == "total fertility rate"
    assert correct_word_spellings("marraiges in 2019", vocabulary) == "marriages in 2019"  # long: 2 edits
    assert correct_word_spellings("birth count", vocabulary) == "birth count"  # a stem of a known word
    assert correct_word_spellings("depths", vocabulary) == "depths"  # known as written
    assert correct_word_spellings("dephts", vocabulary) == "dephts"  # near two known words: a guess


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("25년 5월 기준 인구", "2025년 5월 기준 인구"),
        ("births in '19", "births in 2019"),
        ("15년 동안 늘었나요", "15년 동안 늘었나요"),
        ("2025년 5월", "2025년 5월"),
    ],
)
def test_two_digit_years_with_a_month_or_an_apostrophe_are_expanded(text: str, expanded: str) -> None:
    assert expand_short_years(text) == expanded


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("Tell me Busan's divorce count for 2019, please.", "divorces"),
        ("Busan total fertilty rate 2010?", "total_fertility_rate"),
        ("부산 합계출산률 2015년", "total_fertility_rate"),
    ],
)
def test_measures_are_found_through_variants(question: str, measure: str) -> None:
    result = QuestionParser(demo_layer()).parse(question)
    assert result.slots is not None, result.unmapped
    assert result.slots.measure == measure


def test_two_measures_sharing_the_question_word_are_not_guessed() -> None:
    # "rate" names several measures; with nothing else the parser must not pick one
    result = QuestionParser(demo_layer()).parse("What was the rate in Busan in 2019?")
    assert result.slots is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (218.33, "218.33"),
        (1.045, "1.045"),
        (16.669, "16.669"),
        (364540.0, "364,540"),
        (22.7612, "22.761"),
        (3.0, "3"),
    ],
)
def test_numbers_keep_the_precision_the_data_has(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("question", "measure", "operation"),
    [
        ("Pop. of Sasang-gu as of May 2025?", "total_population", "value"),
        ("Gangseo-gu's 0-14 population?", "age_0_14", "value"),
        ("Top 3 districts by registered pop., largest first", "total_population", "topn"),
        ("Busan container throughput in 2015 in mn TEU", "teu_million", "value"),
    ],
)
def test_memo_shorthand_is_read_in_full(question: str, measure: str, operation: str) -> None:
    result = QuestionParser(demo_layer()).parse(question)
    assert result.slots is not None, result.unmapped
    assert (result.slots.measure, result.slots.operation) == (measure, operation)


def test_a_bare_number_range_is_no_age_group_without_a_people_word() -> None:
    from assistant.sql.age_brackets import find_age_groups

    assert [(g.low, g.high) for g in find_age_groups("children (0-14) per 1,000 residents")] == [(0, 14)]
    assert find_age_groups("between 2011-2019") == []
    assert find_age_groups("ranked 3-5 by throughput") == []


def test_a_month_asked_of_a_yearly_table_is_not_answered_with_the_year() -> None:
    result = QuestionParser(demo_layer()).parse("How many babies were born in Busan in March 2021?")
    assert result.slots is None
    assert any("month 3" in part for part in result.unmapped)


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("25년 5월 인구 기준 연제구 1km²당 몇 명 살아요?", "value"),
        ("부산 자연증가가 마이너스였던 해가 몇 번이에요?", "count_groups"),
    ],
)
def test_per_one_square_kilometre_and_counted_years(question: str, operation: str) -> None:
    result = QuestionParser(demo_layer()).parse(question)
    assert result.slots is not None, result.unmapped
    assert result.slots.operation == operation
    if "km²" in question:
        assert result.slots.measure == "population_density"


def test_a_fall_is_stated_as_a_decrease_with_positive_figures() -> None:
    layer = demo_layer()
    for question, expected in (
        ("By how much did Busan's births fall from 2015 to 2021?", "a decrease of 12,199"),
        ("부산 출생아 수 2015년 대비 2021년에 몇 % 줄었어요?", "12,199명 (45.783%) 줄었습니다"),
    ):
        draft = SemanticParserGenerator().generate(question, layer, [])
        assert draft.sql is not None, draft.unmapped
        text = describe_result(draft, run_sql(draft.sql), layer, "ko" if "부산" in question else "en")
        assert expected in text, text
        assert "-12,199" not in text
