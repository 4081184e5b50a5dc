"""cityqa against a real OpenAI-compatible server: llama_cpp.server with SmolLM2-135M on 127.0.0.1.

The startup check, ChatOpenAI as cityqa builds it, the LLM SQL generator and a whole request through
the factory-built assistant — and a dead server and a too-slow one, which degrade to the parser.
The model is tiny: these tests check the wiring and the fallbacks, not its SQL. Real DuckDB with the
demo tables, real Chroma and BM25; the fake hashing embedder (no document retrieval is judged here).
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llama_server import LlamaServer

from assistant.config import Settings
from assistant.factory import Stores, build_assistant, build_sql_generator
from assistant.llm import ChatModelCheckStatus, build_chat_model, check_chat_model_server, reply_text
from assistant.models import Answer, User
from assistant.sql.generator import SemanticParserGenerator, SqlDraft
from assistant.sql.guard import guard_sql
from assistant.sql.llm_generator import LLMSqlGenerator
from assistant.sql.semantic_layer import SemanticLayer, collect_dimension_values
from ingestion.loaders import SourceDefaults

pytestmark = pytest.mark.integration

DEMO_TABLES = Path(__file__).resolve().parents[2] / "data" / "demo" / "tables"
POP = "population_by_district_2025"
HAEUNDAE = "What was the registered population of Haeundae-gu in May 2025?"
# The parser maps it without two of its words, so the model is asked for SQL (a question the parser
# maps fully never reaches the model).
PARTLY_MAPPED = (
    "What was the registered population of Haeundae-gu in May 2025, counted by the harbour office?"
)
# The paths LLMSqlGenerator can take when the model answered (not when it failed).
MODEL_ANSWERED = re.compile(
    r"^\[sql_generation@1(, sql_repair@1)?\] "
    r"(llm: |llm-repaired: |parser fallback \(llm (SQL rejected|cannot answer))"
)


def llm_settings(home: Path, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "home": home,
        "llm": "openai",
        "llm_base_url": base_url,
        "llm_model": "smollm2",
        "llm_temperature": 0.0,
        "llm_max_tokens": 48,
        "llm_timeout_s": 120.0,  # generous: two cores, sometimes shared with other work
        "llm_max_retries": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def table_stack(stack_builder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    stack = stack_builder(tmp_path_factory.mktemp("llm_home"))
    report = stack.ingestor.ingest([DEMO_TABLES], SourceDefaults())
    assert report.failed == [] and POP in stack.warehouse.tables()
    yield stack
    stack.warehouse.close()


@pytest.fixture(scope="module")
def population_layer(table_stack: Any) -> SemanticLayer:
    """One table only, so the SQL prompt (~700 tokens) fits the test server's small context."""
    warehouse = table_stack.warehouse
    cards = warehouse.cards()
    values = collect_dimension_values(
        [cards[POP]], lambda sql: warehouse.run_readonly(sql, 5000, 1000, tables=[POP])
    )
    return SemanticLayer.build([cards[POP]], values)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but never listens: every connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


def assistant_with(stack: Any, settings: Settings) -> Any:
    stores = Stores(stack.vector_store, stack.keyword_index, stack.warehouse)
    return build_assistant(settings, stores, embedder=stack.embedder)


def comparable(answer: Answer) -> tuple[object, ...]:
    sql = answer.sql
    return (answer.answer, answer.confidence, None if sql is None else (sql.query, sql.rows))


def offline_answer(stack: Any, question: str = PARTLY_MAPPED) -> Answer:
    offline = Settings(_env_file=None, home=stack.home)  # type: ignore[call-arg]
    return assistant_with(stack, offline).answer(question, User())


def parser_draft(layer: SemanticLayer, question: str = PARTLY_MAPPED) -> SqlDraft:
    return SemanticParserGenerator().generate(question, layer, [])


def assert_is_the_parsers_answer(draft: SqlDraft, layer: SemanticLayer, reason: str) -> None:
    assert draft.description.startswith(f"[sql_generation@1] parser fallback ({reason}"), draft.description
    assert draft.sql == parser_draft(layer).sql


# -- a live server --------------------------------------------------------------------------------------
def test_the_startup_check_passes_and_names_a_model_it_does_not_serve(
    llama_server: LlamaServer, tmp_path: Path
) -> None:
    check = check_chat_model_server(llm_settings(tmp_path, llama_server.base_url))
    assert check.status == ChatModelCheckStatus.OK, check.detail
    assert check.served_models == ("smollm2",)
    wrong = check_chat_model_server(llm_settings(tmp_path, llama_server.base_url, llm_model="qwen2.5"))
    assert wrong.status == ChatModelCheckStatus.MODEL_NOT_SERVED and "smollm2" in wrong.detail


def test_chat_openai_as_cityqa_builds_it_gets_a_reply_within_max_tokens(
    llama_server: LlamaServer, tmp_path: Path
) -> None:
    model = build_chat_model(llm_settings(tmp_path, llama_server.base_url, llm_max_tokens=12))
    assert model is not None
    message = model.invoke("Say hello to the city of Busan.")
    assert reply_text(message.content).strip()
    usage = getattr(message, "usage_metadata", None)
    assert usage is not None and 0 < usage["output_tokens"] <= 12, usage


def test_the_llm_sql_generator_returns_guarded_sql_or_the_parsers_through_the_real_server(
    llama_server: LlamaServer, table_stack: Any, population_layer: SemanticLayer, tmp_path: Path
) -> None:
    before = llama_server.chat_requests()
    generator = build_sql_generator(build_chat_model(llm_settings(tmp_path, llama_server.base_url)))
    assert isinstance(generator, LLMSqlGenerator)
    draft = generator.generate(PARTLY_MAPPED, population_layer, [])
    assert MODEL_ANSWERED.match(draft.description), draft.description
    assert llama_server.chat_requests() - before in (1, 2)  # the question, and at most one repair
    assert draft.sql is not None  # the parser maps this question, so a fallback still has SQL
    allowed = {POP: table_stack.warehouse.tables()[POP]}
    guarded = guard_sql(draft.sql, allowed)  # whatever the path, the SQL passes the guard
    result = table_stack.warehouse.run_readonly(guarded.sql, 5000, 200, tables=allowed)
    if "parser fallback" in draft.description:
        assert draft.sql == parser_draft(population_layer).sql and result.rows == [[374321]]


def test_a_whole_request_through_the_factory_built_assistant_never_fails(
    llama_server: LlamaServer, table_stack: Any, tmp_path: Path
) -> None:
    # Every demo table's schema makes a prompt beyond the server's 2048-token context: the server
    # refuses it (HTTP 400) and the request is answered by the parser, exactly as offline.
    before = llama_server.chat_requests()
    assistant = assistant_with(table_stack, llm_settings(table_stack.home, llama_server.base_url))
    answer = assistant.answer(PARTLY_MAPPED, User())
    assert llama_server.chat_requests() > before
    assert comparable(answer) == comparable(offline_answer(table_stack))
    assert answer.sql is not None and answer.sql.rows == [[374321]]


def test_a_question_the_parser_maps_fully_never_reaches_the_server(
    llama_server: LlamaServer, table_stack: Any, tmp_path: Path
) -> None:
    before = llama_server.chat_requests()
    assistant = assistant_with(table_stack, llm_settings(table_stack.home, llama_server.base_url))
    answer = assistant.answer(HAEUNDAE, User())
    assert llama_server.chat_requests() == before
    assert comparable(answer) == comparable(offline_answer(table_stack, HAEUNDAE))


def test_drop_table_written_by_the_server_is_refused_by_the_guard_and_the_parser_answers(
    llama_server: LlamaServer, table_stack: Any, population_layer: SemanticLayer, tmp_path: Path
) -> None:
    # A GBNF grammar lets the real server write nothing but DROP TABLE, to the question and the repair.
    chat_model = build_chat_model(llm_settings(tmp_path, llama_server.base_url))
    assert chat_model is not None
    grammar = "root ::= " + json.dumps(f"```sql\nDROP TABLE {POP}\n```")
    extra = {**(chat_model.extra_body or {}), "grammar": grammar}  # type: ignore[attr-defined]
    chat_model = chat_model.model_copy(update={"extra_body": extra})
    before = llama_server.chat_requests()
    draft = build_sql_generator(chat_model).generate(PARTLY_MAPPED, population_layer, [])
    assert llama_server.chat_requests() - before == 2  # the question and one repair
    assert draft.description.startswith(
        "[sql_generation@1, sql_repair@1] parser fallback (llm SQL rejected after repair: "
        "only SELECT queries are allowed, not DROP)"
    ), draft.description
    assert draft.sql == parser_draft(population_layer).sql
    assert "the guard refused the language model's SQL" in " ".join(draft.notes)
    assert POP in table_stack.warehouse.tables()


# -- a dead server and a slow one -----------------------------------------------------------------------
def test_a_dead_server_is_reported_and_degrades_to_the_parser(
    closed_port: int, table_stack: Any, population_layer: SemanticLayer
) -> None:
    settings = llm_settings(table_stack.home, f"http://127.0.0.1:{closed_port}/v1")
    check = check_chat_model_server(settings)
    assert check.status == ChatModelCheckStatus.UNREACHABLE, check.detail
    started = time.perf_counter()
    draft = build_sql_generator(build_chat_model(settings)).generate(PARTLY_MAPPED, population_layer, [])
    assert_is_the_parsers_answer(draft, population_layer, "chat model failed: Connection error")
    answer = assistant_with(table_stack, settings).answer(PARTLY_MAPPED, User())
    assert comparable(answer) == comparable(offline_answer(table_stack))
    assert time.perf_counter() - started < 30


def test_a_server_slower_than_the_timeout_degrades_to_the_parser(
    llama_server: LlamaServer, table_stack: Any, population_layer: SemanticLayer
) -> None:
    # Last in the module: the server still works through the abandoned request after the client left.
    settings = llm_settings(table_stack.home, llama_server.base_url, llm_timeout_s=0.05)
    started = time.perf_counter()
    draft = build_sql_generator(build_chat_model(settings)).generate(PARTLY_MAPPED, population_layer, [])
    assert_is_the_parsers_answer(draft, population_layer, "chat model failed: Request timed out")
    answer = assistant_with(table_stack, settings).answer(PARTLY_MAPPED, User())
    assert comparable(answer) == comparable(offline_answer(table_stack))
    assert time.perf_counter() - started < 30
