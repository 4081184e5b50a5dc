"""Scoring a case (its checks and per-case metric values) and summarising many cases.

`score_case` is pure: a case, the Answer (or the error that replaced it), gold rows and the latency
in; a `CaseResult` out. `summarize` turns results into the metric dictionaries of summary.json.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from assistant.models import Answer, Citation, SqlResult, Suggestion

from . import metrics
from .cases import Case
from .confidence import calibration_table, is_confident_wrong

HIT_AT_K = (1, 3, 5)
REFUSING_ERROR_CODES = ("forbidden", "unauthorized")


class Check(BaseModel):
    name: str
    passed: bool | None = Field(description="None when the check was skipped.")
    detail: str = ""


class CaseResult(BaseModel):
    """Everything about one case's run: what was asked, what came back, and how it scored."""

    id: str
    question: str
    lang: str
    category: str
    tags: list[str] = Field(default_factory=list)
    user: str
    conversation: list[str] = Field(default_factory=list)
    answer: str | None = None
    confidence: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    sql: SqlResult | None = None
    suggestions: list[Suggestion] = Field(default_factory=list)
    retrieved: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    prompt: str | None = None
    error: str | None = None
    error_code: str | None = None
    checks: list[Check] = Field(default_factory=list)
    passed: bool = False
    refused: bool = False
    leaks: list[dict[str, str]] = Field(default_factory=list)
    latency_ms: float = 0.0
    scores: dict[str, float | None] = Field(default_factory=dict, description="Per-case metric values.")
    judge: dict[str, Any] | None = None

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if check.passed is False]


def score_case(
    case: Case,
    answer: Answer | None,
    *,
    latency_ms: float,
    gold_rows: list[list[Any]] | None = None,
    gold_note: str = "",
    error: str | None = None,
    error_code: str | None = None,
    known_source_ids: set[str] | None = None,
) -> CaseResult:
    """Run every check that applies to the case. ``gold_rows`` None means no gold was available
    (``gold_note`` says why). An ``error`` (no answer) fails the case; a forbidden/unauthorized error
    counts as a refusal."""
    expect = case.expect
    result = CaseResult(
        id=case.id,
        question=case.question,
        lang=case.lang,
        category=case.category,
        tags=case.tags,
        user=case.user,
        conversation=case.conversation,
        latency_ms=latency_ms,
        error=error,
        error_code=error_code,
    )
    checks: list[Check] = []
    scores: dict[str, float | None] = {}
    if answer is None:
        result.refused = error_code in REFUSING_ERROR_CODES
        checks.append(Check(name="answered", passed=False, detail=error or "no answer"))
        checks.extend(_sql_checks(case, None, gold_rows, gold_note))
    else:
        result.answer, result.confidence = answer.answer, answer.confidence
        result.citations, result.sql, result.suggestions = answer.citations, answer.sql, answer.suggestions
        result.retrieved, result.notes, result.prompt = (
            answer.retrieved_source_ids,
            answer.notes,
            answer.prompt,
        )
        result.refused = metrics.is_refusal(answer)
        result.leaks = metrics.find_leaks(answer, expect.must_not_cite)
        checks.extend(_answer_checks(case, answer, result.refused, known_source_ids))
        checks.extend(_sql_checks(case, answer, gold_rows, gold_note))
        scores.update(_answer_scores(case, answer, known_source_ids))
    if expect.refuse:
        checks.insert(
            0,
            Check(
                name="refuses",
                passed=result.refused,
                detail="refused" if result.refused else "answered instead of refusing",
            ),
        )
        scores["refusal_correct"] = 1.0 if result.refused else 0.0
    else:
        scores["wrong_refusal"] = 1.0 if result.refused else 0.0
    if expect.must_not_cite:
        shown = ", ".join(f"{leak['source_id']} in {leak['where']}" for leak in result.leaks)
        checks.append(
            Check(name="no_leaks", passed=not result.leaks, detail=shown or "no forbidden source shown")
        )
    scores["permission_leaks"] = float(len(result.leaks))
    scores["sql_correct"] = _check_score(checks, "sql_result")
    scores["sql_produced_ok"] = _check_score(checks, "sql_produced")
    if expect.locator_contains:
        scores["locator_correct"] = _check_score(checks, "locator") or 0.0  # no answer: wrong
    if not expect.refuse and not expect.sources.is_empty:
        lead = metrics.lead_source_correct(answer, expect.sources) if answer is not None else None
        scores["lead_source_correct"] = lead or 0.0  # no answer: wrong
    result.checks = checks
    result.passed = error is None and all(check.passed is not False for check in checks)
    scores["answer_correct"] = 1.0 if result.passed else 0.0
    scores["confident_wrong"] = 1.0 if is_confident_wrong(result.confidence, result.passed) else 0.0
    if scores.get("hit_at_5") == 1.0:
        scores["answer_correct_when_retrieved"] = scores["answer_correct"]
    result.scores = scores
    return result


def _check_score(checks: list[Check], name: str) -> float | None:
    for check in checks:
        if check.name == name and check.passed is not None:
            return 1.0 if check.passed else 0.0
    return None


def _answer_checks(case: Case, answer: Answer, refused: bool, known: set[str] | None) -> list[Check]:
    expect = case.expect
    checks: list[Check] = []
    if not expect.refuse:
        checks.append(
            Check(
                name="answers",
                passed=not refused,
                detail="answered" if not refused else f"refused (confidence {answer.confidence})",
            )
        )
    if expect.answer_contains:
        missing = [s for s in expect.answer_contains if not metrics.text_contains(answer.answer, s)]
        checks.append(
            Check(
                name="answer_contains",
                passed=not missing,
                detail=f"missing {missing}" if missing else "all expected text present",
            )
        )
    if expect.answer_not_contains:
        present = [s for s in expect.answer_not_contains if metrics.text_contains(answer.answer, s)]
        checks.append(
            Check(
                name="answer_not_contains",
                passed=not present,
                detail=f"contains {present}" if present else "no forbidden text",
            )
        )
    if expect.number is not None:
        ok, detail = metrics.number_matches(answer.answer, expect.number)
        checks.append(Check(name="number", passed=ok, detail=detail))
    cited = metrics.cited_source_ids(answer)
    if not expect.sources.is_empty:
        ok, detail = metrics.sources_cited(cited, expect.sources)
        checks.append(Check(name="sources", passed=ok, detail=detail))
    if expect.locator_contains:
        checks.append(_locator_check(answer, expect.sources.expected, expect.locator_contains))
    problems = metrics.citation_problems(answer, known)
    checks.append(Check(name="citations_valid", passed=not problems, detail="; ".join(problems) or "valid"))
    return checks


def _locator_check(answer: Answer, expected_ids: set[str], wanted: list[str]) -> Check:
    """Some citation of an expected source (any citation if none is expected) has a wanted locator."""
    if metrics.locator_matches(answer.citations, expected_ids, wanted):
        return Check(name="locator", passed=True, detail=f"a cited locator contains one of {wanted}")
    shown = [f"{c.source_id} {c.locator!r}" for c in answer.citations]
    return Check(
        name="locator",
        passed=False,
        detail=f"no cited locator of an expected source contains one of {wanted} "
        f"(cited: {shown or 'nothing'})",
    )


def _sql_checks(
    case: Case, answer: Answer | None, gold_rows: list[list[Any]] | None, gold_note: str
) -> list[Check]:
    """SQL produced when it should be (and not when not); the result set against gold."""
    checks: list[Check] = []
    sql = answer.sql if answer is not None else None
    produced = sql is not None
    expects = case.expects_sql
    if expects is not None:
        ok = produced == expects
        detail = ("SQL produced" if produced else "no SQL") + (
            " as expected" if ok else " (expected " + ("SQL)" if expects else "none)")
        )
        checks.append(Check(name="sql_produced", passed=ok, detail=detail))
    if case.expect.gold_sql or case.expect.gold_rows is not None:
        if gold_rows is None:
            checks.append(
                Check(name="sql_result", passed=None, detail=f"skipped: {gold_note or 'no gold rows'}")
            )
        elif sql is None:
            checks.append(Check(name="sql_result", passed=False, detail="no SQL result to compare with gold"))
        else:
            ok, detail = metrics.result_sets_match(gold_rows, sql.rows, case.expect.ordered)
            if not ok and sql.truncated:
                detail += " (answer result was truncated)"
            checks.append(Check(name="sql_result", passed=ok, detail=detail))
    return checks


def _answer_scores(case: Case, answer: Answer, known: set[str] | None) -> dict[str, float | None]:
    sources = case.expect.sources
    cited = metrics.cited_source_ids(answer)
    scores: dict[str, float | None] = {}
    if not sources.is_empty:
        for k in HIT_AT_K:
            scores[f"hit_at_{k}"] = metrics.hit_at_k(answer.retrieved_source_ids, sources, k)
        scores["reciprocal_rank"] = metrics.reciprocal_rank(answer.retrieved_source_ids, sources.expected)
    scores["citation_valid"] = 0.0 if metrics.citation_problems(answer, known) else 1.0
    if sources.acceptable:
        scores["citation_precision"] = metrics.citation_precision(cited, sources.acceptable)
    scores["citation_recall"] = metrics.citation_recall(cited, sources)
    return scores


# ----- summaries ---------------------------------------------------------------------------------

# Summary metric name → (per-case score it averages or sums, how it is combined).
_AGGREGATES: dict[str, tuple[str, str]] = {
    "answer_accuracy": ("answer_correct", "mean"),
    **{f"retrieval_hit_at_{k}": (f"hit_at_{k}", "mean") for k in HIT_AT_K},
    "mrr": ("reciprocal_rank", "mean"),
    "citation_validity": ("citation_valid", "mean"),
    "citation_precision": ("citation_precision", "mean"),
    "citation_recall": ("citation_recall", "mean"),
    "sql_execution_accuracy": ("sql_correct", "mean"),
    "sql_produced_accuracy": ("sql_produced_ok", "mean"),
    "refusal_correct_rate": ("refusal_correct", "mean"),
    "wrong_refusal_rate": ("wrong_refusal", "mean"),
    "permission_leaks": ("permission_leaks", "sum"),
    "confident_wrong_rate": ("confident_wrong", "mean"),
    "answered_when_retrieved": ("answer_correct_when_retrieved", "mean"),
    "lead_source_accuracy": ("lead_source_correct", "mean"),
    "locator_accuracy": ("locator_correct", "mean"),
}


def summarize_group(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Metric values of a group of results, with how many cases each metric applied to (``n``)."""
    summary: dict[str, Any] = {
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "errors": sum(r.error is not None for r in results),
    }
    counts: dict[str, int] = {}
    for metric, (score, how) in _AGGREGATES.items():
        values = [r.scores.get(score) for r in results]
        present = [v for v in values if v is not None]
        counts[metric] = len(present)
        summary[metric] = sum(present) if how == "sum" else metrics.mean(present)
    checks = [c.passed for r in results for c in r.checks if c.passed is not None]
    summary["check_pass_rate"] = metrics.mean([1.0 if ok else 0.0 for ok in checks])
    latencies = [r.latency_ms for r in results]
    summary["latency_p50_ms"] = metrics.percentile(latencies, 50)
    summary["latency_p95_ms"] = metrics.percentile(latencies, 95)
    summary["n"] = counts
    summary["calibration"] = calibration_table((r.confidence, r.passed) for r in results)
    return summary


def _grouped(
    results: Sequence[CaseResult], key: Callable[[CaseResult], list[str]]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        for name in key(result):
            groups[name].append(result)
    return {name: summarize_group(group) for name, group in sorted(groups.items())}


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """overall / by_category / by_lang / by_tag / latency_ms / cases (per-case pass, for --compare)."""
    by_category = _grouped(results, lambda r: [r.category])
    latency = {
        "overall": {
            "p50": metrics.percentile([r.latency_ms for r in results], 50),
            "p95": metrics.percentile([r.latency_ms for r in results], 95),
        }
    }
    for category, group in by_category.items():
        latency[category] = {"p50": group["latency_p50_ms"], "p95": group["latency_p95_ms"]}
    return {
        "overall": summarize_group(results),
        "by_category": by_category,
        "by_lang": _grouped(results, lambda r: [r.lang]),
        "by_tag": _grouped(results, lambda r: r.tags),
        "latency_ms": latency,
        "cases": {
            r.id: {
                "passed": r.passed,
                "category": r.category,
                "lang": r.lang,
                "failed": [c.name for c in r.failed_checks],
                "reasons": [f"{c.name}: {c.detail}" for c in r.failed_checks],
                "leaks": len(r.leaks),
            }
            for r in results
        },
    }
