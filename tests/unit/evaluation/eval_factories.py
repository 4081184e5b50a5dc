"""Hand-made Answers and Cases for the evaluation harness tests."""

from __future__ import annotations

from typing import Any

from assistant.models import Answer, Citation, SourceKind, SqlResult, Suggestion
from evaluation.cases import Case

POP_TABLE = "table:population_by_district_2025"
POLICY_DOC = "doc:documents/public_data_request_guide_en.md"
SECRET_DOC = "doc:documents/personnel_data_access_policy_en.md"
BEACH_CATALOG = "catalog:datagokr:15037510"
KNOWN_SOURCES = {POP_TABLE, POLICY_DOC, SECRET_DOC, BEACH_CATALOG}
KNOWN_TABLES = {"population_by_district_2025", "beach_visitors"}


def citation(n: int, source_id: str, kind: SourceKind = SourceKind.DOCUMENT) -> Citation:
    return Citation(n=n, source_id=source_id, kind=kind, title=f"title of {source_id}", snippet="snippet")


def make_answer(
    text: str = "Answer [1].",
    *,
    citations: list[Citation] | None = None,
    sql_rows: list[list[Any]] | None = None,
    sql_tables: list[str] | None = None,
    confidence: str = "high",
    suggestions: list[str] | None = None,
    retrieved: list[str] | None = None,
    notes: list[str] | None = None,
    total_ms: float | None = 12.0,
    truncated: bool = False,
) -> Answer:
    sql = None
    if sql_rows is not None:
        sql = SqlResult(
            query="SELECT 1",
            tables=sql_tables or [],
            columns=["value"],
            rows=sql_rows,
            row_count=len(sql_rows),
            truncated=truncated,
        )
    return Answer(
        answer_id="a1",
        conversation_id="c1",
        question="q",
        answer=text,
        citations=[citation(1, POLICY_DOC)] if citations is None else citations,
        sql=sql,
        confidence=confidence,  # type: ignore[arg-type]
        suggestions=[Suggestion(source_id=s, title=s) for s in suggestions or []],
        retrieved_source_ids=retrieved or [],
        notes=notes or [],
        timings_ms={} if total_ms is None else {"total": total_ms},
    )


def make_case(category: str = "document", **expect: Any) -> Case:
    raw: dict[str, Any] = {
        "id": f"{category}-case",
        "question": "What?",
        "lang": "en",
        "category": category,
        "expect": expect,
    }
    return Case.model_validate(raw)
