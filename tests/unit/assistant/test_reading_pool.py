"""Documents are read beyond the passages that cover most words (issue 8): a question no table
measures is answered from the statute that states it rather than refused, and within a retrieved
law its other articles are searched for the one that answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.models import SourceKind, User
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"
STATUTE = """---
title: 통계 진흥법
---

# 통계 진흥법

## 제5조 (국가통계 발전 기본계획)

① 국가데이터처장은 국가통계의 발전을 위하여 5년마다 국가통계 발전 기본계획을 수립하여야 한다.

## 제9조 (통계의 날)

국가는 통계의 중요성을 알리기 위하여 매년 9월 1일을 통계의 날로 정한다.

## 제12조 (통계자료의 제공)

통계작성기관의 장은 통계자료의 제공을 요청받은 날부터 15일 이내에 제공 여부를 결정하여야 한다.
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_builder: Any) -> Any:
    folder = tmp_path_factory.mktemp("reading-pool")
    documents = folder / "documents"
    documents.mkdir()
    (documents / "statute.md").write_text(STATUTE, encoding="utf-8")
    built = stack_builder(folder / "home")
    report = built.ingestor.ingest([documents, DEMO_TABLES], SourceDefaults())
    assert report.failed == []
    yield built
    built.warehouse.close()


def test_a_question_no_table_measures_is_answered_from_the_statute_that_states_it(stack: Any) -> None:
    answer = stack.assistant.answer("국가통계 발전 기본계획은 몇 년 주기로 세우나요?", User())
    assert "5년마다" in answer.answer
    assert answer.sql is None
    assert answer.citations[0].kind == SourceKind.DOCUMENT
    assert "제5조" in answer.citations[0].locator
    assert answer.confidence == "low"  # it read like a question for the tables


def test_the_articles_of_one_source_are_ranked_by_what_they_cover(stack: Any) -> None:
    retriever = stack.assistant.retriever
    terms = retriever.query_terms("통계의 날은 며칠인가요?")
    within = retriever.passages_within("doc:statute.md", terms, User(), 2)
    assert [passage.chunk.source_id for passage in within] == ["doc:statute.md"] * 2
    assert "제9조" in within[0].chunk.locator
    assert retriever.passages_within("doc:nothing.md", terms, User(), 2) == []
