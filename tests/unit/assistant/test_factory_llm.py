"""The composition root with and without a chat model: CITYQA_LLM=none wires today's offline assistant;
a chat model (from settings, or injected) puts `LLMSqlGenerator` in front of the parser; and a model
that times out, cannot be reached, writes `DROP TABLE` or gives up degrades that one request to the
parser's answer — the request never fails.

Real stores (Chroma, BM25, DuckDB with the demo tables), the fake hashing embedder, and LangChain's
fake chat models behind the real `BaseChatModel` interface."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_openai import ChatOpenAI

from assistant.compose import ExtractiveComposer
from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import Stores, build_assistant, build_sql_generator, describe_backends
from assistant.models import Answer, User
from assistant.pipeline import Assistant
from assistant.sql.generator import SemanticParserGenerator
from assistant.sql.llm_generator import LLMSqlGenerator
from assistant.statistics import TableStatisticsAnswerer
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"
POP = "population_by_district_2025"
HAEUNDAE = "What was the registered population of Haeundae-gu in May 2025?"
# The parser maps it without two of its words (confidence low), so the model is asked for SQL.
PARTLY_MAPPED = (
    "What was the registered population of Haeundae-gu in May 2025, counted by the harbour office?"
)
LLM_SQL = f"SELECT total_population FROM {POP} WHERE district = '해운대구' LIMIT 1"


class FailingChatModel(BaseChatModel):
    """A chat model whose every call fails the way ChatOpenAI fails (timeout, refused connection, …)."""

    error: str = "timeout"
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return f"fake-{self.error}"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls += 1
        request = httpx.Request("POST", "http://127.0.0.1:8080/v1/chat/completions")
        if self.error == "timeout":
            raise openai.APITimeoutError(request=request)
        if self.error == "connection":
            raise openai.APIConnectionError(request=request)
        raise openai.InternalServerError(
            "model crashed", response=httpx.Response(500, request=request), body=None
        )


def replies(*texts: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter(AIMessage(content=text) for text in texts))


@pytest.fixture
def table_stack(make_stack):  # type: ignore[no-untyped-def]
    """Real stores with the demo statistics tables ingested (cards are chunks, tables in DuckDB)."""
    stack = make_stack()
    report = stack.ingestor.ingest([DEMO_TABLES], SourceDefaults())
    assert report.failed == [] and POP in stack.warehouse.tables()
    return stack


def assistant_for(stack: Any, chat_model: BaseChatModel | None = None, **settings: Any) -> Assistant:
    """The assistant exactly as `build_assistant` wires it, over the stack's stores and fake embedder."""
    stores = Stores(stack.vector_store, stack.keyword_index, stack.warehouse)
    configured = Settings(_env_file=None, home=stack.home, **settings)  # type: ignore[call-arg]
    return build_assistant(configured, stores, embedder=stack.embedder, chat_model=chat_model)


def sql_generator_of(assistant: Assistant) -> Any:
    assert isinstance(assistant.statistics, TableStatisticsAnswerer)
    return assistant.statistics.generator


def comparable(answer: Answer) -> tuple[object, ...]:
    sql = answer.sql
    return (
        answer.answer,
        answer.confidence,
        [citation.source_id for citation in answer.citations],
        None if sql is None else (sql.query, sql.rows),
    )


# -- wiring -----------------------------------------------------------------------------------------
def test_without_a_model_the_assistant_is_wired_as_before(table_stack: Any) -> None:
    assistant = assistant_for(table_stack)
    assert type(sql_generator_of(assistant)) is SemanticParserGenerator
    assert isinstance(assistant.composer, ExtractiveComposer)


def test_openai_settings_put_the_llm_generator_around_chat_openai_in_front_of_the_parser(
    table_stack: Any,
) -> None:
    assistant = assistant_for(
        table_stack, llm="openai", llm_model="qwen2.5-7b-instruct", llm_base_url="http://127.0.0.1:9/v1"
    )
    generator = sql_generator_of(assistant)
    assert isinstance(generator, LLMSqlGenerator)
    assert isinstance(generator.chat_model, ChatOpenAI)
    assert generator.chat_model.model_name == "qwen2.5-7b-instruct"
    assert type(generator.fallback) is SemanticParserGenerator


def test_an_injected_chat_model_wins_over_the_settings(table_stack: Any) -> None:
    fake = replies(f"```sql\n{LLM_SQL}\n```")
    generator = sql_generator_of(assistant_for(table_stack, chat_model=fake))
    assert isinstance(generator, LLMSqlGenerator) and generator.chat_model is fake


def test_openai_without_a_model_name_stops_the_build_with_one_clear_error(table_stack: Any) -> None:
    with pytest.raises(CityQAError) as raised:
        assistant_for(table_stack, llm="openai")
    assert raised.value.code == ErrorCode.INVALID_CONFIG and "CITYQA_LLM_MODEL" in raised.value.detail


def test_build_sql_generator_is_the_parser_alone_without_a_model() -> None:
    assert type(build_sql_generator(None)) is SemanticParserGenerator
    with_model = build_sql_generator(replies("CANNOT_ANSWER: no"))
    assert isinstance(with_model, LLMSqlGenerator) and with_model.max_repairs == 1


def test_the_backend_description_follows_the_same_choices(tmp_path: Path) -> None:
    offline = dict(describe_backends(Settings(_env_file=None, home=tmp_path)))  # type: ignore[call-arg]
    assert offline["SQL generator"].startswith("SemanticParserGenerator")
    assert offline["chat model"].startswith("none")
    assert "not created yet" in offline["warehouse"]
    online = dict(
        describe_backends(
            Settings(_env_file=None, home=tmp_path, llm="openai", llm_model="smollm2")  # type: ignore[call-arg]
        )
    )
    assert online["SQL generator"].startswith("SemanticParserGenerator first; LLMSqlGenerator")
    assert online["composer"].startswith("LLMComposer") and online["follow-ups"].startswith("LLMFollowUp")
    assert offline["composer"].startswith("ExtractiveComposer")
    assert online["chat model"].startswith("ChatOpenAI, model smollm2 at http://127.0.0.1:8080/v1")


# -- a model at work, and a model that fails --------------------------------------------------------
def test_a_model_that_writes_good_sql_answers_the_statistic(table_stack: Any) -> None:
    fake = replies(f"```sql\n{LLM_SQL}\n```")
    answer = assistant_for(table_stack, chat_model=fake).answer(PARTLY_MAPPED, User())
    assert answer.sql is not None and answer.sql.rows == [[374321]]
    assert "WHERE district = '해운대구'" in answer.sql.query and "SUM(" not in answer.sql.query
    # The fake has no reply left to compose with: the composer degrades, the rows are listed.
    assert "374321" in answer.answer.replace(",", "") and answer.citations
    # Nothing checks that a model's SQL computes what was asked: never more than low.
    assert answer.confidence == "low" and any("SQL written by the language model" in n for n in answer.notes)


def test_a_question_the_parser_maps_fully_never_reaches_the_model(table_stack: Any) -> None:
    failing = FailingChatModel(error="timeout")
    answer = assistant_for(table_stack, chat_model=failing).answer(HAEUNDAE, User())
    assert failing.calls == 0  # no SQL asked of it, and a parser statistic composes itself
    assert answer.sql is not None and answer.sql.rows == [[374321]] and answer.confidence == "high"


@pytest.mark.parametrize("error", ["timeout", "connection", "server_error"])
def test_a_failing_model_degrades_the_request_to_the_parsers_answer(table_stack: Any, error: str) -> None:
    offline = assistant_for(table_stack).answer(PARTLY_MAPPED, User())
    failing = FailingChatModel(error=error)
    degraded = assistant_for(table_stack, chat_model=failing).answer(PARTLY_MAPPED, User())
    assert failing.calls >= 1
    assert comparable(degraded) == comparable(offline)
    assert degraded.sql is not None and degraded.sql.rows == [[374321]]
    assert any(note.startswith("the language model failed") for note in degraded.notes), degraded.notes


def test_drop_table_from_the_model_is_caught_twice_and_the_parser_answers(table_stack: Any) -> None:
    offline = assistant_for(table_stack).answer(PARTLY_MAPPED, User())
    hostile = replies(f"```sql\nDROP TABLE {POP}\n```", f"DROP TABLE {POP}; SELECT 1")
    degraded = assistant_for(table_stack, chat_model=hostile).answer(PARTLY_MAPPED, User())
    assert comparable(degraded) == comparable(offline)
    assert "the guard refused the language model's SQL: the statistics parser's reading" in " ".join(
        degraded.notes
    )
    assert POP in table_stack.warehouse.tables()
    counted = table_stack.warehouse.run_readonly(f"SELECT count(*) FROM {POP}", 2000, 10, tables=[POP])
    assert counted.rows[0][0] > 0


def test_a_model_that_cannot_answer_leaves_the_question_to_the_parser(table_stack: Any) -> None:
    offline = assistant_for(table_stack).answer(PARTLY_MAPPED, User())
    giving_up = replies("CANNOT_ANSWER: the tables hold no population")
    assert comparable(
        assistant_for(table_stack, chat_model=giving_up).answer(PARTLY_MAPPED, User())
    ) == comparable(offline)
