"""Warm start (issue 11): `warm_up` loads what the first question would wait for, and `/readyz`
answers 503 until the warm-up the app was started with has run, then 200."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant import tokens
from assistant.api.app import Readiness, create_app
from assistant.factory import warm_up
from assistant.fakes import FakeHashingEmbedder
from assistant.glossary import Glossary
from assistant.models import SqlResult, User
from assistant.pipeline import Assistant
from assistant.retrieval import HybridRetriever
from assistant.sql import korean
from assistant.sql.cards import TableCard
from assistant.sql.generator import SemanticParserGenerator
from assistant.statistics import TableStatisticsAnswerer
from assistant.store_layout import StoreLayout
from assistant.stores.keyword_index import BM25KeywordIndex
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


# --- /readyz ---------------------------------------------------------------------------------------


def test_readyz_is_503_until_the_warm_up_has_run_then_200(make_stack: Any) -> None:
    stack = make_stack()
    release, started = threading.Event(), threading.Event()

    def slow_warm_up() -> None:
        started.set()
        assert release.wait(10)

    readiness = Readiness(slow_warm_up)
    app = create_app(stack.assistant, stack.users, stack.sources, readiness=readiness)
    with TestClient(app) as client:  # the lifespan starts the warm-up; the app answers meanwhile
        assert started.wait(10)
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["ok"] is False and body["error_code"] == "not_ready"
        assert body["request_id"] == response.headers["x-request-id"]
        assert client.get("/healthz").status_code == 200  # alive while warming up

        release.set()
        assert readiness.wait(10)
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"ok": True, "ready": True}


def test_readyz_is_200_at_once_without_a_warm_up(make_stack: Any) -> None:
    stack = make_stack()
    client = TestClient(create_app(stack.assistant, stack.users, stack.sources))
    assert client.get("/readyz").json() == {"ok": True, "ready": True}


def test_readyz_needs_no_key(make_stack: Any) -> None:
    stack = make_stack(allow_anonymous=False)
    client = TestClient(create_app(stack.assistant, stack.users, stack.sources))
    assert client.get("/readyz").status_code == 200


def test_a_failed_warm_up_is_logged_and_the_service_becomes_ready(
    make_stack: Any, caplog: pytest.LogCaptureFixture
) -> None:
    stack = make_stack()

    def broken_warm_up() -> None:
        raise RuntimeError("model folder missing")

    readiness = Readiness(broken_warm_up)
    with TestClient(create_app(stack.assistant, stack.users, stack.sources, readiness=readiness)) as client:
        assert readiness.wait(10)
        assert client.get("/readyz").status_code == 200
    assert any("warm-up failed" in record.getMessage() for record in caplog.records)
    assert any(record.levelno == logging.ERROR for record in caplog.records)


# --- warm_up -------------------------------------------------------------------------------------


class RecordingEmbedder(FakeHashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)


class RecordingGlossary(Glossary):
    def __init__(self, concepts: list[list[str]]) -> None:
        super().__init__(concepts)
        self.lookups = 0

    def synonym_groups(self, tokens: list[str]) -> list[set[str]]:
        self.lookups += 1
        return super().synonym_groups(tokens)


class CountingWarehouse:
    """The stack's warehouse, counting how often the cards are read."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dialect: str = inner.dialect
        self.card_reads = 0

    def tables(self) -> dict[str, list[str]]:
        return dict(self.inner.tables())

    def cards(self) -> dict[str, TableCard]:
        self.card_reads += 1
        return dict(self.inner.cards())

    def run_readonly(self, sql: str, timeout_ms: int, max_rows: int, *, tables: Collection[str]) -> SqlResult:
        result: SqlResult = self.inner.run_readonly(sql, timeout_ms, max_rows, tables=tables)
        return result


def test_warm_up_loads_every_part_the_first_question_needs(make_stack: Any, tmp_path: Path) -> None:
    stack = make_stack()
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "note.md").write_text("# 해운대구\n\n해운대구 인구 통계 안내.\n", encoding="utf-8")
    assert stack.ingestor.ingest([documents, DEMO_TABLES], SourceDefaults()).failed == []
    # Opened again, as at a start: nothing loaded yet.
    keyword_index = BM25KeywordIndex.open(StoreLayout(stack.home).current().keyword_index)
    embedder, glossary = RecordingEmbedder(), RecordingGlossary(Glossary.load().concepts)
    warehouse = CountingWarehouse(stack.warehouse)
    assistant = Assistant(
        retriever=HybridRetriever(
            embedder=embedder, vector_store=stack.vector_store, keyword_index=keyword_index, glossary=glossary
        ),
        composer=stack.assistant.composer,
        audit_log=stack.assistant.audit_log,
        conversations=stack.assistant.conversations,
        policy=stack.assistant.policy,
        statistics=TableStatisticsAnswerer(
            warehouse, SemanticParserGenerator(), timeout_ms=2000, max_rows=200
        ),
    )
    tokens._kiwi.cache_clear()
    korean.kiwi.cache_clear()
    audit_lines = _lines(stack.audit_log_path)

    warm_up(assistant)

    assert len(embedder.queries) == 1
    assert keyword_index.model_origin == "loaded"  # the saved BM25 matrix, not a rebuild
    assert tokens._kiwi.cache_info().currsize == 1 and korean.kiwi.cache_info().currsize == 1
    assert glossary.lookups >= 1
    assert warehouse.card_reads == 1
    assert _lines(stack.audit_log_path) == audit_lines  # answered nothing, logged nothing

    answer = assistant.answer("2025년 5월 해운대구 인구는?", User())
    assert answer.sql is not None
    assert warehouse.card_reads == 1  # the statistics layer was already loaded
    assert keyword_index.model_origin == "loaded"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0
