"""The LLM SQL generator: guard-validated SQL, one repair, parser fallback — with fake chat models
behind the real `BaseChatModel` interface (prompts recorded through a real callback handler)."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from llm_doubles import PromptRecorder
from sqltest_support import TABLES_DIR, demo_cards, demo_layer, run_sql

from assistant.errors import CityQAError
from assistant.models import Classification, Turn, User
from assistant.sql.examples import SqlExample, load_sql_examples
from assistant.sql.generator import SemanticParserGenerator, SqlDraft
from assistant.sql.llm_generator import LLMSqlGenerator, extract_sql_from_reply
from assistant.sql.semantic_layer import SemanticLayer, collect_dimension_values

POP = "population_by_district_2025"
AREA = "district_land_area"
# The parser maps it without two of its words, so the model is asked (a question the parser maps
# fully never is: see the first test).
HAEUNDAE = "What was the registered population of Haeundae-gu in May 2025, counted by the harbour office?"
GOOD_SQL = f"SELECT district, total_population FROM {POP} WHERE district = '해운대구' LIMIT 1"



class FakeTimeoutChatModel(BaseChatModel):
    """A chat model whose server never answers in time."""

    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "fake-timeout"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls += 1
        raise TimeoutError("the chat model did not answer within 30 s")


def fenced(sql: str) -> AIMessage:
    return AIMessage(content=f"Here is the query:\n```sql\n{sql}\n```")


def fake_model(*replies: AIMessage | str, recorder: PromptRecorder | None = None) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter(replies), callbacks=[recorder] if recorder else None)


@functools.cache
def examples() -> list[SqlExample]:
    return load_sql_examples(TABLES_DIR / "examples.yaml")


def generator_with(model: BaseChatModel, **options: Any) -> LLMSqlGenerator:
    return LLMSqlGenerator(model, SemanticParserGenerator(), examples=examples(), **options)


def parser_draft(question: str, layer: SemanticLayer) -> SqlDraft:
    return SemanticParserGenerator().generate(question, layer, [])


@functools.cache
def public_layer_without_restricted_land_area() -> SemanticLayer:
    """The layer a public user gets when district_land_area is restricted to the planning department."""
    cards = [
        card.model_copy(update={"classification": Classification.RESTRICTED, "departments": ["planning"]})
        if card.name == AREA
        else card
        for card in demo_cards()
    ]
    visible = [card for card in cards if User().may_see(card.classification, card.departments)]
    return SemanticLayer.build(visible, collect_dimension_values(visible, run_sql))


# -- the happy path ----------------------------------------------------------------------------------
def test_a_question_the_parser_maps_fully_or_finds_no_statistic_never_reaches_the_model() -> None:
    model = FakeTimeoutChatModel()
    generator = generator_with(model)
    mapped = "What was the registered population of Haeundae-gu in May 2025?"
    assert generator.generate(mapped, demo_layer(), []) == parser_draft(mapped, demo_layer())
    document = "Who approves a request for the disclosure of information?"
    assert not generator.generate(document, demo_layer(), []).is_statistical
    assert model.calls == 0


def test_valid_sql_on_first_try_is_used_guarded_and_runs() -> None:
    recorder = PromptRecorder()
    generator = generator_with(fake_model(fenced(GOOD_SQL), recorder=recorder))
    draft = generator.generate(HAEUNDAE, demo_layer(), [])
    assert draft.sql is not None and "'해운대구'" in draft.sql
    assert draft.tables == [POP] and draft.is_statistical and draft.slots == {}
    assert draft.description.startswith("[sql_generation@1] llm: ")
    assert run_sql(draft.sql).rows == [["해운대구", 374321]]
    assert len(recorder.prompts) == 1


def test_a_missing_limit_is_added_by_the_guard() -> None:
    sql = f"SELECT district, total_population FROM {POP} ORDER BY total_population DESC"
    draft = generator_with(fake_model(AIMessage(content=sql))).generate(HAEUNDAE, demo_layer(), [])
    assert draft.sql is not None and draft.sql.rstrip().endswith("LIMIT 200")


# -- validate and repair -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "hostile",
    [
        f"DROP TABLE {POP}",
        "SELECT * FROM read_csv('/etc/passwd')",
        f"SELECT district FROM {POP}; DELETE FROM {POP}",
        "ATTACH '/tmp/other.duckdb' AS other",
    ],
)
def test_hostile_reply_is_repaired_with_the_rejection_in_the_repair_prompt(hostile: str) -> None:
    recorder = PromptRecorder()
    model = fake_model(fenced(hostile), fenced(GOOD_SQL), recorder=recorder)
    draft = generator_with(model).generate(HAEUNDAE, demo_layer(), [])
    assert draft.sql is not None and draft.tables == [POP]
    assert "read_csv" not in draft.sql.lower() and "drop" not in draft.sql.lower()
    assert draft.description.startswith("[sql_generation@1, sql_repair@1] llm-repaired: ")
    assert len(recorder.prompts) == 2
    repair_prompt = recorder.prompts[1]
    assert hostile in repair_prompt and "Why it was rejected:" in repair_prompt
    assert f"TABLE {POP}" in repair_prompt and HAEUNDAE in repair_prompt
    assert run_sql(draft.sql).rows == [["해운대구", 374321]]


def test_a_reply_without_sql_is_repaired() -> None:
    model = fake_model(AIMessage(content="Sure, I can help with that question."), fenced(GOOD_SQL))
    draft = generator_with(model).generate(HAEUNDAE, demo_layer(), [])
    assert draft.sql is not None and draft.description.startswith("[sql_generation@1, sql_repair@1]")


def test_still_invalid_after_repair_falls_back_to_the_parser() -> None:
    model = fake_model(fenced(f"DROP TABLE {POP}"), fenced("SELECT * FROM read_csv('/etc/passwd')"))
    draft = generator_with(model).generate(HAEUNDAE, demo_layer(), [])
    expected = parser_draft(HAEUNDAE, demo_layer())
    assert expected.sql is not None
    assert draft.sql == expected.sql and draft.slots == expected.slots and draft.slots
    assert draft.description.startswith("[sql_generation@1, sql_repair@1] parser fallback (llm SQL rejected")
    assert draft.description.endswith(expected.description)


def test_without_repairs_the_first_rejection_falls_back() -> None:
    recorder = PromptRecorder()
    model = fake_model(fenced(f"DROP TABLE {POP}"), recorder=recorder)
    draft = generator_with(model, max_repairs=0).generate(HAEUNDAE, demo_layer(), [])
    assert draft.sql == parser_draft(HAEUNDAE, demo_layer()).sql
    assert len(recorder.prompts) == 1


# -- refusals and failures go to the fallback --------------------------------------------------------
def test_cannot_answer_goes_straight_to_the_fallback() -> None:
    recorder = PromptRecorder()
    model = fake_model(AIMessage(content="CANNOT_ANSWER: no table about beach visitors"), recorder=recorder)
    draft = generator_with(model).generate(HAEUNDAE, demo_layer(), [])
    assert len(recorder.prompts) == 1  # no repair attempt
    assert draft.sql == parser_draft(HAEUNDAE, demo_layer()).sql
    assert "parser fallback (llm cannot answer: no table about beach visitors)" in draft.description


def test_cannot_answer_and_a_parser_refusal_give_an_honest_refusal() -> None:
    question = "How many tourists visited Haeundae beach in August 2024?"
    model = fake_model(AIMessage(content="CANNOT_ANSWER: no tourism table"))
    draft = generator_with(model).generate(question, demo_layer(), [])
    expected = parser_draft(question, demo_layer())
    assert draft.sql is None and expected.sql is None
    assert draft.unmapped == expected.unmapped and draft.is_statistical == expected.is_statistical


def test_chat_model_exception_falls_back_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    model = FakeTimeoutChatModel()
    draft = generator_with(model).generate(HAEUNDAE, demo_layer(), [])
    assert model.calls == 1
    assert draft.sql == parser_draft(HAEUNDAE, demo_layer()).sql
    assert "parser fallback (chat model failed" in draft.description
    assert any("chat model failed" in record.getMessage() for record in caplog.records)


# -- tables the user may not see ---------------------------------------------------------------------
def test_sql_over_a_table_outside_the_layer_is_never_returned() -> None:
    layer = public_layer_without_restricted_land_area()
    assert AREA not in layer.tables
    question = "Population density of each district"
    join = (
        f"SELECT p.district, p.total_population / a.land_area_km2 AS density FROM {POP} AS p "
        f"JOIN {AREA} AS a ON p.district = a.district LIMIT 16"
    )
    recorder = PromptRecorder()
    model = fake_model(fenced(join), fenced(f"SELECT * FROM {AREA} LIMIT 5"), recorder=recorder)
    draft = generator_with(model).generate(question, layer, [])
    # the parser's own answer joins the restricted table (a derived measure), so it is refused too
    assert parser_draft(question, layer).sql is not None and AREA in str(parser_draft(question, layer).sql)
    assert draft.sql is None and draft.tables == [] and draft.slots == {}
    assert AREA not in " ".join(draft.unmapped)
    assert draft.description.endswith("parser SQL rejected by the guard")
    # the restricted table is not described to the model, nor shown through an example's SQL
    assert AREA not in recorder.prompts[0]


def test_allowed_tables_narrows_the_schema_and_the_guard() -> None:
    def population_only(layer: SemanticLayer) -> dict[str, list[str]]:
        return {POP: ["district", "total_population"]}

    recorder = PromptRecorder()
    sql = f"SELECT district, age_65_plus FROM {POP} LIMIT 1"
    model = fake_model(fenced(sql), fenced(GOOD_SQL), recorder=recorder)
    draft = generator_with(model, allowed_tables=population_only).generate(HAEUNDAE, demo_layer(), [])
    assert draft.description.startswith("[sql_generation@1, sql_repair@1] llm-repaired")
    assert "age_65_plus" in recorder.prompts[1].split("Why it was rejected:")[1]
    assert f"TABLE {AREA}" not in recorder.prompts[0] and "- age_0_14" not in recorder.prompts[0]


# -- the prompt --------------------------------------------------------------------------------------
def test_generation_prompt_holds_schema_examples_history_and_question() -> None:
    recorder = PromptRecorder()
    generator = generator_with(fake_model(fenced(GOOD_SQL), recorder=recorder))
    question = "65세 이상 외국인 인구가 가장 많은 구는?"  # the parser leaves 외국인 out: the model is asked
    history = [Turn(question="해운대구 인구는?")]
    generator.generate(question, demo_layer(), history)
    prompt = recorder.prompts[0]
    assert prompt == generator.render_generation_prompt(question, demo_layer(), history)
    assert f"TABLE {POP}" in prompt and "total_population BIGINT (measure, unit 명)" in prompt
    assert "총인구수 (주민등록) / Total registered population" in prompt
    assert "'해운대구'" in prompt or "'강서구'" in prompt  # distinct values of the district dimension
    assert "Question: 65세 이상 인구가 가장 적은 구는?" in prompt  # the most similar verified example
    assert "- 해운대구 인구는?" in prompt
    assert prompt.rstrip().splitlines()[-1].startswith("Reply with the query")
    assert question in prompt and "$" not in prompt.replace("$$", "")


def test_rendering_refuses_missing_variables() -> None:
    generator = generator_with(fake_model())
    with pytest.raises(CityQAError, match="missing variables"):
        generator.generation_prompt.render(schema="s", question="q")
    with pytest.raises(CityQAError, match="missing variables"):
        generator.repair_prompt.render(schema="s", question="q", sql="SELECT 1")
    assert generator.generation_prompt.label == "sql_generation@1"
    assert generator.repair_prompt.label == "sql_repair@1"


# -- reading replies ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reply", "sql", "refusal"),
    [
        ("```sql\nSELECT 1 LIMIT 1\n```", "SELECT 1 LIMIT 1", None),
        ("Query:\n```SQL\nSELECT 2\n```\nThis counts rows.", "SELECT 2", None),
        ("```\nSELECT 3\n```", "SELECT 3", None),
        ("  SELECT 4 LIMIT 1  ", "SELECT 4 LIMIT 1", None),
        ("CANNOT_ANSWER: no such table", None, "no such table"),
        ("I checked.\nCANNOT_ANSWER: nothing about beaches", None, "nothing about beaches"),
        ("   ", None, None),
        # cut off by max_tokens before the closing fence
        ("```sql\nSELECT district FROM t\nWHERE", "SELECT district FROM t\nWHERE", None),
        ("Here:\n```\nCREATE TABLE x (", "CREATE TABLE x (", None),
        ("```sql\n", None, None),
    ],
)
def test_extract_sql_from_reply(reply: str, sql: str | None, refusal: str | None) -> None:
    extracted = extract_sql_from_reply(reply)
    assert (extracted.sql, extracted.cannot_answer) == (sql, refusal)
