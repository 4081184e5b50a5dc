"""score_case turns a case and an Answer into checks and per-case scores; summarize aggregates them."""

from __future__ import annotations

import pytest
from eval_factories import BEACH_CATALOG, POLICY_DOC, POP_TABLE, SECRET_DOC, citation, make_answer, make_case

from evaluation.scoring import CaseResult, score_case, summarize, summarize_group


def _checks(result: CaseResult) -> dict[str, bool | None]:
    return {check.name: check.passed for check in result.checks}


def test_sql_case_passes_with_matching_number_sources_and_rows() -> None:
    case = make_case(
        "sql",
        answer_contains=["375,075"],
        number={"value": 375075, "tolerance": 0.5},
        sources={"all_of": [POP_TABLE]},
        gold_rows=[[375075]],
    )
    answer = make_answer(
        "Haeundae-gu had 375075 residents in May 2025 [1].",
        citations=[citation(1, POP_TABLE)],
        sql_rows=[[375075]],
        retrieved=[POP_TABLE, POLICY_DOC],
    )
    result = score_case(case, answer, latency_ms=5.0, gold_rows=[[375075]], known_source_ids={POP_TABLE})
    assert result.passed, result.checks
    assert _checks(result) == {
        "answers": True,
        "answer_contains": True,
        "number": True,
        "sources": True,
        "citations_valid": True,
        "sql_produced": True,
        "sql_result": True,
    }
    assert result.scores["hit_at_1"] == 1.0
    assert result.scores["reciprocal_rank"] == 1.0
    assert result.scores["citation_precision"] == 1.0
    assert result.scores["citation_recall"] == 1.0
    assert result.scores["sql_correct"] == 1.0


def test_sql_case_without_gold_available_is_skipped_not_failed() -> None:
    case = make_case("sql", gold_sql="SELECT population FROM population_by_district_2025")
    answer = make_answer("It is 1 [1].", citations=[citation(1, POP_TABLE)], sql_rows=[[1]])
    result = score_case(case, answer, latency_ms=1.0, gold_rows=None, gold_note="no warehouse")
    assert _checks(result)["sql_result"] is None
    assert result.passed
    assert result.scores["sql_correct"] is None


def test_wrong_rows_and_missing_sql_fail() -> None:
    case = make_case("sql", gold_rows=[[1], [2]], ordered=True)
    wrong_order = score_case(
        case, make_answer("x [1]", sql_rows=[[2], [1]]), latency_ms=1, gold_rows=[[1], [2]]
    )
    assert _checks(wrong_order)["sql_result"] is False
    no_sql = score_case(case, make_answer("x [1]"), latency_ms=1, gold_rows=[[1], [2]])
    assert _checks(no_sql)["sql_result"] is False and _checks(no_sql)["sql_produced"] is False
    assert no_sql.scores["sql_produced_ok"] == 0.0


def test_document_case_producing_sql_fails_sql_produced() -> None:
    case = make_case("document", sources={"any_of": [POLICY_DOC]})
    result = score_case(case, make_answer("x [1]", sql_rows=[[1]]), latency_ms=1)
    assert _checks(result)["sql_produced"] is False
    assert not result.passed


def test_refusal_correct_and_wrong() -> None:
    refuse_case = make_case("unanswerable", refuse=True)
    refused = make_answer("Not found in the indexed sources.", citations=[], confidence="none")
    good = score_case(refuse_case, refused, latency_ms=1)
    assert good.passed and good.refused and good.scores["refusal_correct"] == 1.0
    bad = score_case(refuse_case, make_answer("Made up [1]."), latency_ms=1)
    assert not bad.passed and bad.scores["refusal_correct"] == 0.0 and _checks(bad)["refuses"] is False

    answer_case = make_case("document", answer_contains=["30 days"])
    wrong = score_case(answer_case, refused, latency_ms=1)
    assert wrong.scores["wrong_refusal"] == 1.0 and _checks(wrong)["answers"] is False
    assert "wrong_refusal" not in good.scores


def test_leak_fails_the_case_and_is_counted() -> None:
    case = make_case("permission", refuse=True, must_not_cite=[SECRET_DOC])
    answer = make_answer("Not found.", citations=[], confidence="none", suggestions=[SECRET_DOC])
    result = score_case(case, answer, latency_ms=1)
    assert result.refused
    assert not result.passed
    assert _checks(result)["no_leaks"] is False
    assert result.scores["permission_leaks"] == 1.0
    assert result.leaks == [{"source_id": SECRET_DOC, "where": "suggestion"}]


def test_invalid_citation_fails_the_case() -> None:
    case = make_case("document")
    answer = make_answer("A [1] B [3].", citations=[citation(1, POLICY_DOC), citation(2, BEACH_CATALOG)])
    result = score_case(case, answer, latency_ms=1)
    assert _checks(result)["citations_valid"] is False
    assert result.scores["citation_valid"] == 0.0
    assert not result.passed


def test_error_is_a_failed_case_and_forbidden_counts_as_refusal() -> None:
    case = make_case("permission", refuse=True)
    forbidden = score_case(case, None, latency_ms=3, error="forbidden: HTTP 403: no", error_code="forbidden")
    assert forbidden.refused and not forbidden.passed
    assert forbidden.scores["refusal_correct"] == 1.0
    crashed = score_case(
        make_case("sql", gold_rows=[[1]]),
        None,
        latency_ms=3,
        gold_rows=[[1]],
        error="internal: boom",
        error_code="internal",
    )
    assert not crashed.refused and crashed.scores["sql_correct"] == 0.0
    assert crashed.scores["wrong_refusal"] == 0.0


def test_summarize_groups_and_metrics() -> None:
    sql_case = make_case("sql", sources={"all_of": [POP_TABLE]}, gold_rows=[[1]])
    doc_case = make_case("document", sources={"all_of": [POLICY_DOC]})
    doc_case.tags.append("deadline")
    results = [
        score_case(
            sql_case,
            make_answer(
                "1 [1]",
                citations=[citation(1, POP_TABLE)],
                sql_rows=[[1]],
                retrieved=[POP_TABLE],
                total_ms=10,
            ),
            latency_ms=10,
            gold_rows=[[1]],
        ),
        score_case(
            doc_case,
            make_answer(
                "x [1]", citations=[citation(1, BEACH_CATALOG)], retrieved=[BEACH_CATALOG, POLICY_DOC]
            ),
            latency_ms=30,
        ),
    ]
    summary = summarize(results)
    overall = summary["overall"]
    assert overall["cases"] == 2 and overall["passed"] == 1
    assert overall["answer_accuracy"] == 0.5
    assert overall["retrieval_hit_at_1"] == 0.5
    assert overall["retrieval_hit_at_3"] == 1.0
    assert overall["mrr"] == pytest.approx((1 + 0.5) / 2)
    assert overall["citation_precision"] == 0.5
    assert overall["sql_execution_accuracy"] == 1.0
    assert overall["refusal_correct_rate"] is None
    assert overall["permission_leaks"] == 0
    assert overall["n"]["sql_execution_accuracy"] == 1
    assert overall["latency_p50_ms"] == 20.0
    assert set(summary["by_category"]) == {"sql", "document"}
    assert summary["by_tag"]["deadline"]["cases"] == 1
    assert summary["latency_ms"]["sql"] == {"p50": 10.0, "p95": 10.0}
    assert summary["cases"]["document-case"]["passed"] is False
    assert "sources" in summary["cases"]["document-case"]["failed"]
    assert summarize_group([])["answer_accuracy"] is None
