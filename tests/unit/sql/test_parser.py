"""Targeted tests of the offline SQL generator: must-work questions, follow-ups, refusals, non-statistics."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqltest_support import TABLES_DIR, allowed_columns, demo_layer, run_sql

from assistant.models import SqlResult, Turn
from assistant.sql.examples import load_sql_examples, retrieve_similar_examples
from assistant.sql.gazetteer import load_gazetteer
from assistant.sql.generator import SemanticParserGenerator, SqlDraft, describe_result
from assistant.sql.guard import guard_sql
from assistant.sql.phrase_matcher import normalise


def generate(question: str, history: list[str] | None = None) -> SqlDraft:
    generator = SemanticParserGenerator()
    turns: list[Turn] = []
    for earlier in history or []:
        draft = generator.generate(earlier, demo_layer(), turns)
        turns.append(Turn(question=earlier, slots=draft.slots))
    return generator.generate(question, demo_layer(), turns)


def execute(draft: SqlDraft) -> SqlResult:
    assert draft.sql is not None, draft.unmapped
    return run_sql(guard_sql(draft.sql, allowed_columns(), max_limit=200).sql)


def answer(question: str, lang: str, history: list[str] | None = None) -> str:
    draft = generate(question, history)
    return describe_result(draft, execute(draft), demo_layer(), lang)


# -- the six must-work questions -------------------------------------------------------------------
def test_registered_population_of_haeundae() -> None:
    draft = generate("What was the registered population of Haeundae-gu in May 2025?")
    assert draft.tables == ["population_by_district_2025"]
    assert execute(draft).rows == [[374321]]
    assert answer("What was the registered population of Haeundae-gu in May 2025?", "en") == (
        "The registered population of Haeundae-gu in May 2025 was 374,321 persons."
    )


def test_highest_elderly_share_in_korean() -> None:
    draft = generate("2025년 5월 기준 65세 이상 인구 비율이 가장 높은 구는?")
    assert execute(draft).rows == [["영도구", "Yeongdo-gu", 34.08]]
    text = describe_result(draft, execute(draft), demo_layer(), "ko")
    assert "영도구" in text and "34.08%" in text and "2025년 5월" in text


def test_busan_port_change_between_two_years() -> None:
    draft = generate("How did Busan port's container throughput change between 2011 and 2019?")
    start, end, change, pct = execute(draft).rows[0]
    assert (
        (start, end) == (16.18, 21.992)
        and change == pytest.approx(5.812)
        and pct == pytest.approx(35.92, 0.01)
    )
    text = describe_result(draft, execute(draft), demo_layer(), "en")
    assert "2011" in text and "2019" in text and "million TEU" in text


def test_pm25_of_sasang_in_2021() -> None:
    draft = generate("2021년 사상구 초미세먼지 농도는?")
    assert execute(draft).rows == [[16.669]]
    assert describe_result(draft, execute(draft), demo_layer(), "ko") == (
        "2021년 사상구의 연평균 초미세먼지(PM2.5) 농도는 16.669 µg/m³입니다."
    )


def test_most_fatal_accidents_keeps_ties() -> None:
    draft = generate("Which district had the most fatal traffic accidents in 2020?")
    rows = execute(draft).rows
    assert sorted(row[0] for row in rows) == ["북구", "사상구"] and {row[-1] for row in rows} == {11}


def test_most_densely_populated_uses_the_declared_join() -> None:
    draft = generate("Which district is the most densely populated?")
    assert draft.tables == ["district_land_area", "population_by_district_2025"]
    assert " JOIN district_land_area" in (draft.sql or "")
    assert execute(draft).rows[0][0] == "연제구"


# -- spelling variants and places -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["Yeonje-gu", "Yeonjae-gu", "연제구", "연제"])
def test_district_spelling_variants(name: str) -> None:
    draft = generate(f"{name} population")
    assert draft.slots["filters"] == {"district": ["연제구"]}


def test_short_place_names_do_not_match_inside_words() -> None:
    matches = demo_layer().matcher.find(normalise("사상자 수는 해운대해수욕장"))
    assert all(
        ("place", place) not in match.payloads for match in matches for place in load_gazetteer().districts
    )


def test_gazetteer_knows_both_code_systems() -> None:
    gazetteer = load_gazetteer()
    haeundae = gazetteer.district("26350")
    assert haeundae is not None and haeundae.name == "해운대구"
    yeonje = gazetteer.district("21130")
    assert yeonje is not None and yeonje.name_en == "Yeonje-gu"


# -- follow-ups -----------------------------------------------------------------------------------
def test_followup_replaces_only_the_district() -> None:
    draft = generate(
        "What about Suyeong-gu?", ["What was the registered population of Haeundae-gu in May 2025?"]
    )
    assert execute(draft).rows == [[170426]]


def test_korean_followup_replaces_the_year() -> None:
    draft = generate("2019년은?", ["2021년 사상구 초미세먼지 농도는?"])
    assert draft.slots["filters"] == {"district": ["사상구"]} and draft.slots["resolved_years"] == [2019]


def test_followup_flips_the_order() -> None:
    draft = generate("And the lowest?", ["Which district had the highest PM10 in 2021?"])
    assert draft.slots["order"] == "asc" and draft.slots["resolved_years"] == [2021]


# -- ranges, ranks, shares ---------------------------------------------------------------------------
def test_last_n_years_means_the_latest_years_in_the_data() -> None:
    draft = generate("최근 5년 해운대구 초미세먼지 추이")
    assert [row[0] for row in execute(draft).rows] == [2017, 2018, 2019, 2020, 2021]


def test_ordinal_rank() -> None:
    assert execute(generate("What is the 3rd most populous district?")).rows[0][0] == "사하구"


def test_share_of_a_district() -> None:
    rows = execute(generate("부산 전체 인구 중 해운대구가 차지하는 비중은?")).rows
    assert rows[0][-1] == pytest.approx(100 * 374321 / 3254457)


# -- refusals and non-statistical questions ------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("What was the population of Gangnam-gu in May 2025?", "gangnam"),
        ("2030년 해운대구 인구는?", "2030"),
        ("What was Busan's GDP in 2020?", "gdp"),
        ("What was the PM2.5 level in Haeundae in 2030?", "2030"),
        ("해운대구 합계출산율은?", "haeundae"),
        ("How many fatal accidents were there in Seoul in 2020?", "seoul"),
    ],
)
def test_unmappable_parts_are_named_and_nothing_is_guessed(question: str, part: str) -> None:
    draft = generate(question)
    assert draft.sql is None and draft.is_statistical
    assert any(part in item.lower() for item in draft.unmapped), draft.unmapped


@pytest.mark.parametrize(
    "question",
    [
        "How many days does an agency have to decide on a public data request?",
        "Which dataset has Haeundae beach visitor numbers?",
        "해운대해수욕장 방문객 데이터는 어디에 있나요?",
        "What is the data classification guideline?",
        "공공데이터 제공 신청은 며칠 안에 처리해야 하나요?",
        # who publishes a statistic is a catalog question, not the statistic
        "Which police unit publishes the Busan traffic accident statistics?",
        "Who maintains the data on fatal traffic accidents?",
    ],
)
def test_non_statistical_questions(question: str) -> None:
    draft = generate(question)
    assert draft.sql is None and not draft.is_statistical


def test_empty_result_is_said_plainly() -> None:
    draft = generate("What was the registered population of Haeundae-gu in May 2025?")
    empty = SqlResult(query=draft.sql or "", rows=[], row_count=0)
    assert describe_result(draft, empty, demo_layer(), "en") == "No rows matched the question's conditions."


def test_generated_sql_has_explicit_columns_and_a_limit() -> None:
    for question in [
        "Population by district",
        "PM2.5 trend in Busan since 2015",
        "Top 5 container ports in 2015",
    ]:
        sql = generate(question).sql or ""
        assert "LIMIT" in sql and "*" not in sql.replace("COUNT(*)", "")


# -- verified examples -------------------------------------------------------------------------------
def test_examples_are_retrieved_by_token_similarity() -> None:
    examples = load_sql_examples(TABLES_DIR / "examples.yaml")
    assert len(examples) >= 10
    best = retrieve_similar_examples("Incheon port container throughput in 2017", examples, k=1)
    assert best and best[0].table == "port_container_throughput"
    korean = retrieve_similar_examples("야간 보행자 사망사고 건수", examples, k=1)
    assert korean and korean[0].table == "traffic_fatal_accidents_2020"
    assert load_sql_examples(Path("/nonexistent/examples.yaml")) == []
