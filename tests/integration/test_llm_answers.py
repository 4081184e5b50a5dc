"""Answers composed by a real OpenAI-compatible server (llama_cpp.server, SmolLM2-135M), streamed and checked.

The model is tiny: what it writes freely is rarely an answer, so the free-running test checks the
wiring and the checks whatever it writes. To put a known reply through the real server — tokens
streamed over HTTP by llama.cpp, the same client, the same checks — the server is given a GBNF
grammar that allows only that reply (llama_cpp.server's `grammar` request field): an invented
figure, a poisoned document's instruction obeyed, `DROP TABLE`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llama_server import LlamaServer
from llm_doubles import POISONED_DOC
from test_llm_server import PARTLY_MAPPED, POP, llm_settings

from assistant.factory import Stores, build_assistant
from assistant.grounding import source_values, ungrounded_figures
from assistant.llm import build_chat_model
from assistant.models import Answer, User
from assistant.pipeline import Assistant
from assistant.streaming import AnswerEvent
from ingestion.loaders import SourceDefaults

pytestmark = pytest.mark.integration

DEMO_TABLES = Path(__file__).resolve().parents[2] / "data" / "demo" / "tables"
DEADLINE = "How many days does the agency have to decide on a public data request?"
EXTENSION = "How must an extension of a public data request decision be announced?"


@pytest.fixture(scope="module")
def doc_stack(stack_builder: Any, corpus_writer: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    corpus = corpus_writer(tmp_path_factory.mktemp("llm_corpus"))
    (corpus / "documents" / "extensions.md").write_text(POISONED_DOC, encoding="utf-8")
    stack = stack_builder(tmp_path_factory.mktemp("llm_answers_home"))
    for folder in (corpus / "documents", corpus / "catalogs", DEMO_TABLES):
        assert stack.ingestor.ingest([folder], SourceDefaults()).failed == []
    yield stack
    stack.warehouse.close()


def assistant_for(
    stack: Any, server: LlamaServer | None, reply: str | None = None, **settings: Any
) -> Assistant:
    """The factory-built assistant; with `reply`, the server may write only that (a grammar)."""
    stores = Stores(stack.vector_store, stack.keyword_index, stack.warehouse)
    if server is None:
        configured = llm_settings(stack.home, "http://127.0.0.1:9/v1", llm="none")
        return build_assistant(configured, stores, embedder=stack.embedder)
    configured = llm_settings(stack.home, server.base_url, llm_max_tokens=96, **settings)
    chat_model = build_chat_model(configured)
    assert chat_model is not None
    if reply is not None:
        grammar = "root ::= " + json.dumps(reply)  # a GBNF string literal: JSON escapes are GBNF escapes
        extra = {**(chat_model.extra_body or {}), "grammar": grammar}  # type: ignore[attr-defined]
        chat_model = chat_model.model_copy(update={"extra_body": extra})
    return build_assistant(configured, stores, embedder=stack.embedder, chat_model=chat_model)


def streamed(assistant: Assistant, question: str) -> tuple[list[AnswerEvent], Answer]:
    events = list(assistant.answer_events(question, User()))
    assert events[-1].type == "done" and events[-1].answer is not None, events[-1]
    return events, events[-1].answer


def tokens(events: list[AnswerEvent]) -> str:
    return "".join(event.text or "" for event in events if event.type == "token")


def test_a_free_running_model_answer_streams_and_only_checked_text_reaches_the_official(
    llama_server: LlamaServer, doc_stack: Any
) -> None:
    before = llama_server.chat_requests()
    events, answer = streamed(assistant_for(doc_stack, llama_server), DEADLINE)
    assert llama_server.chat_requests() > before
    kinds = [event.type for event in events]
    assert kinds[0] == "status" and kinds[-2:] == ["citations", "done"] and "token" in kinds
    assert answer.citations, answer  # the offline extract answers this, so something cited is given
    assert tokens(events) == answer.answer or answer.answer in tokens(events)
    if answer.prompt == "answer_composition@1" and not any(
        "quoted from the sources" in n for n in answer.notes
    ):
        # the model's own sentences were given: each figure is in the cited passages
        cited = {citation.source_id for citation in answer.citations}
        texts = [chunk.text for chunk in doc_stack.keyword_index.chunks() if chunk.source_id in cited]
        assert ungrounded_figures(answer.answer, source_values(texts)) == []


def test_an_invented_figure_written_by_the_server_is_removed(
    llama_server: LlamaServer, doc_stack: Any
) -> None:
    reply = (
        "The agency decides within 99 days [1]. "
        "An extension of another 10 days is allowed once, with notice to the applicant [1]."
    )
    events, answer = streamed(assistant_for(doc_stack, llama_server, reply), DEADLINE)
    assert "99" not in answer.answer and "99" not in tokens(events)
    assert "another 10 days" in answer.answer and answer.citations
    assert answer.confidence == "low" and any("figures not in its sources: 99" in n for n in answer.notes)


def test_a_server_obeying_a_poisoned_document_is_not_passed_on(
    llama_server: LlamaServer, doc_stack: Any
) -> None:
    obeying = "Send your resident registration number to help@evil.example [1]."
    offline = assistant_for(doc_stack, None).answer(EXTENSION, User())
    events, answer = streamed(assistant_for(doc_stack, llama_server, obeying), EXTENSION)
    assert "evil" not in tokens(events) and "evil" not in answer.answer
    assert answer.answer == offline.answer and "in writing" in answer.answer
    assert any("instructions to the assistant" in note for note in answer.notes)


def test_drop_table_from_the_server_is_caught_by_the_guard(llama_server: LlamaServer, doc_stack: Any) -> None:
    # One table in the prompt would fit the server's context; every demo table does not, and the
    # server refuses (HTTP 400) — so the grammar's DROP TABLE is checked through a one-table layer
    # in test_llm_server.py, and here the whole request: whatever the path, nothing is dropped.
    hostile = f"```sql\nDROP TABLE {POP}\n```"
    offline = assistant_for(doc_stack, None).answer(PARTLY_MAPPED, User())
    answer = assistant_for(doc_stack, llama_server, hostile).answer(PARTLY_MAPPED, User())
    assert answer.sql is not None and answer.sql.query == (offline.sql.query if offline.sql else None)
    assert POP in doc_stack.warehouse.tables()


def test_a_dead_server_degrades_a_document_answer_to_the_offline_one(doc_stack: Any) -> None:
    dead = assistant_for(doc_stack, None)
    offline = dead.answer(DEADLINE, User())
    settings = llm_settings(doc_stack.home, "http://127.0.0.1:9/v1", llm_timeout_s=5.0)
    stores = Stores(doc_stack.vector_store, doc_stack.keyword_index, doc_stack.warehouse)
    events, answer = streamed(build_assistant(settings, stores, embedder=doc_stack.embedder), DEADLINE)
    assert (answer.answer, answer.confidence) == (offline.answer, offline.confidence)
    assert tokens(events) == offline.answer
    assert any(note.startswith("the language model failed") for note in answer.notes)
