"""Results out: the summary dictionary, the terminal table, and the report folder
(``summary.json``, ``cases.jsonl``, a self-contained ``report.html``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .metric_names import LOWER_IS_BETTER, METRICS, format_metric
from .report_html import render_html
from .runner import RunResult
from .scoring import summarize

TABLE_METRICS = (
    "answer_accuracy",
    "check_pass_rate",
    "retrieval_hit_at_5",
    "mrr",
    "citation_validity",
    "citation_precision",
    "citation_recall",
    "sql_execution_accuracy",
    "sql_produced_accuracy",
    "refusal_correct_rate",
    "wrong_refusal_rate",
    "permission_leaks",
    "confident_wrong_rate",
    "answered_when_retrieved",
    "lead_source_accuracy",
    "locator_accuracy",
    "latency_p50_ms",
    "latency_p95_ms",
)


def build_summary(run: RunResult, judge: dict[str, Any] | None = None) -> dict[str, Any]:
    """The content of summary.json: run info, metrics overall / by category / language / tag,
    latency, per-case pass/fail (used by --compare) and the optional judge section."""
    summary: dict[str, Any] = {
        "run": {
            "started": run.started,
            "finished": run.finished,
            "cases": len(run.results),
            "client": run.client,
            "url": run.url,
            "case_files": run.case_files,
        },
        **summarize(run.results),
    }
    if judge is not None:
        summary["judge"] = judge
    return summary


def print_summary(summary: dict[str, Any], console: Console, *, max_failures: int = 25) -> None:
    """Terminal table: metrics (rows) by overall and category (columns), then the failing cases."""
    categories = list(summary["by_category"])
    title = f"cityqa eval — {summary['run']['cases']} cases ({summary['run']['client']})"
    table = Table(title=escape(title))
    table.add_column("metric", style="bold")
    table.add_column("overall", justify="right")
    for category in categories:
        table.add_column(escape(category), justify="right")
    groups = [summary["overall"], *(summary["by_category"][c] for c in categories)]
    table.add_row("cases passed", *(f"{g['passed']}/{g['cases']}" for g in groups))
    for name in TABLE_METRICS:
        cells = [format_metric(name, g.get(name)) for g in groups]
        if name == "permission_leaks" and (summary["overall"].get(name) or 0) > 0:
            cells[0] = f"[bold red]{cells[0]}[/]"
        table.add_row(name, *cells)
    console.print(table)
    print_calibration(summary["overall"]["calibration"], console)
    if "judge" in summary:
        judge = summary["judge"]
        console.print(
            f"LLM judge ({judge['model']}, {judge['prompt']}, {judge['runs']} runs, not part of the scores): "
            f"faithfulness {_score(judge.get('faithfulness'))}, relevance {_score(judge.get('relevance'))} "
            f"over {judge['cases_judged']} cases",
            markup=False,
            highlight=False,
        )
    failing = [(case_id, info) for case_id, info in summary["cases"].items() if not info["passed"]]
    if failing:
        console.print(f"[bold]{len(failing)} failing case(s):[/]")
        for case_id, info in failing[:max_failures]:
            reasons = "; ".join(info.get("reasons") or info["failed"]) or "failed"
            console.print(
                f"  [red]✗[/] {escape(case_id)} ({escape(info['category'])}): {escape(reasons)}",
                highlight=False,
            )
        if len(failing) > max_failures:
            console.print(f"  … and {len(failing) - max_failures} more (see the report)")


def print_calibration(calibration: dict[str, dict[str, Any]], console: Console) -> None:
    """Cases and accuracy per confidence level: is "high" right more often than "low"?"""
    table = Table(title="Calibration (accuracy by stated confidence)")
    table.add_column("confidence")
    table.add_column("cases", justify="right")
    table.add_column("accuracy", justify="right")
    for level, row in calibration.items():
        table.add_row(escape(level), str(row["cases"]), format_metric("answer_accuracy", row["accuracy"]))
    console.print(table)


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}/5"


def case_rows(run: RunResult, judge: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One JSON row per case for cases.jsonl (judge scores, if any, under their own key)."""
    per_case = (judge or {}).get("per_case", {})
    rows = []
    for result in run.results:
        row = result.model_dump(mode="json")
        row["judge"] = per_case.get(result.id)
        rows.append(row)
    return rows


def write_report(
    run: RunResult,
    summary: dict[str, Any],
    report_dir: Path,
    *,
    comparison: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Write summary.json, cases.jsonl and report.html into ``report_dir`` (created if needed)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: report_dir / name for name in ("summary.json", "cases.jsonl", "report.html")}
    paths["summary.json"].write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    rows = case_rows(run, summary.get("judge"))
    with paths["cases.jsonl"].open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    paths["report.html"].write_text(render_html(summary, rows, comparison), encoding="utf-8")
    return paths


__all__ = [
    "LOWER_IS_BETTER",
    "METRICS",
    "build_summary",
    "case_rows",
    "format_metric",
    "print_calibration",
    "print_summary",
    "write_report",
]
