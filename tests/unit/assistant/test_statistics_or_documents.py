"""A statistic computed without some of the question's words gives way to a document sentence that
answers the question (issue 8): "위원회 회의 … 며칠 전까지?" is not a count of bad-air days, and "누구 승인?"
is answered by the office a statute names, with no figure needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.models import SourceKind, User
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"
STATUTE = """---
title: 공공데이터법 시행령
---

# 공공데이터법 시행령

## 제3조 (전략위원회의 운영)

③ 전략위원회의 위원장이 전략위원회의 회의를 소집하려는 경우에는 회의 일시, 장소 및 안건을
회의 개최 7일 전까지 전략위원회 위원에게 알려야 한다.

## 제18조 (통계작성의 승인)

① 통계작성기관의 장은 새로운 통계를 작성하고자 하는 경우에는 그 명칭, 종류, 목적에 관하여
미리 국가데이터처장의 승인을 받아야 한다.
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_builder: Any) -> Any:
    folder = tmp_path_factory.mktemp("stats-or-docs")
    documents = folder / "documents"
    documents.mkdir()
    (documents / "statute.md").write_text(STATUTE, encoding="utf-8")
    built = stack_builder(folder / "home")
    report = built.ingestor.ingest([documents, DEMO_TABLES], SourceDefaults())
    assert report.failed == []
    yield built
    built.warehouse.close()


def test_a_statistic_that_leaves_words_out_gives_way_to_the_document_that_answers(stack: Any) -> None:
    question = "공공데이터전략위원회 회의 소집할때 위원들한테 몇일 전까지 알려줘야되요?"
    answer = stack.assistant.answer(question, User())
    assert "7일 전까지" in answer.answer
    assert answer.sql is None
    assert [citation.kind for citation in answer.citations][:1] == [SourceKind.DOCUMENT]


def test_a_who_question_is_answered_by_the_office_without_a_figure(stack: Any) -> None:
    question = "시에서 새로운 통계를 작성하려고 하는데 사전에 누구 승인을 받아야 하죠?"
    answer = stack.assistant.answer(question, User())
    assert "국가데이터처장의" in answer.answer
    assert answer.citations and answer.citations[0].source_id == "doc:statute.md"


def test_a_statistic_from_the_whole_question_still_answers(stack: Any) -> None:
    answer = stack.assistant.answer("2025년 5월 해운대구 주민등록인구는?", User())
    assert answer.sql is not None and "374,321" in answer.answer
