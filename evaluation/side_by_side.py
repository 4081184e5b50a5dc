"""`cityqa eval --llm`: the same cases answered offline and with a chat model, side by side.

Both runs share the case list, the gold executor and the judge, so a difference in the table is a
difference of the answers, not of the harness. The model's run is the one under test: thresholds
and ``--compare`` apply to it (the offline path has its own gates in `make test`).

Report folder: ``offline/`` and ``llm/`` (each the usual summary.json, cases.jsonl, report.html) and
``side_by_side.json`` (the table's rows, and the cases whose pass/fail differs between the runs).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .cases import Case, load_cases, validate_references
from .cli import build_thresholds, print_verdicts, score_run
from .clients import AnswerClient
from .compare import compare_summaries, load_summary, print_comparison
from .metric_names import LOWER_IS_BETTER, METRICS, format_metric
from .report import write_report
from .runner import GoldExecutor

logger = logging.getLogger(__name__)

RUNS = ("offline", "llm")
COUNTS = ("cases", "passed", "errors")
# Judge rows: table name → key of the summary's `judge` section (scores 1–5, then run counts).
JUDGE_ROWS = {
    "judge_faithfulness": "faithfulness",
    "judge_relevance": "relevance",
    "judge_cases_judged": "cases_judged",
    "judge_unparsed_runs": "unparsed_runs",
    "judge_failed_runs": "failed_runs",
}
_JUDGE_SCORES = {"judge_faithfulness", "judge_relevance"}
_LOWER_IS_BETTER = LOWER_IS_BETTER | {"errors", "judge_unparsed_runs", "judge_failed_runs"}
_NEUTRAL = {"cases", "judge_cases_judged"}  # more or fewer is neither better nor worse
_SAME = 1e-9


def _overall_names(offline: dict[str, Any], llm: dict[str, Any]) -> list[str]:
    """Every number of ``overall``: the counts, the metrics in their documented order, then any other
    (a metric added to scoring later still shows up)."""
    numbers = [
        name
        for summary in (offline, llm)
        for name, value in summary["overall"].items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    known = [name for name in (*COUNTS, *METRICS) if name in numbers]
    return known + sorted(set(numbers) - set(known))


def _verdict(name: str, difference: float | None) -> str:
    if difference is None:
        return "n/a"
    if abs(difference) <= _SAME:
        return "same"
    if name in _NEUTRAL:
        return "changed"
    better = difference < 0 if name in _LOWER_IS_BETTER else difference > 0
    return "better" if better else "worse"


def _row(name: str, offline: float | None, llm: float | None) -> dict[str, Any]:
    difference = None if offline is None or llm is None else llm - offline
    return {
        "metric": name,
        "offline": offline,
        "llm": llm,
        "difference": difference,
        "verdict": _verdict(name, difference),
    }


def side_by_side_rows(offline: dict[str, Any], llm: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per number of ``overall``, then the judge's rows when either run was judged; the
    difference is llm − offline, and ``verdict`` says whether the model made it better or worse."""
    rows = [
        _row(name, offline["overall"].get(name), llm["overall"].get(name))
        for name in _overall_names(offline, llm)
    ]
    if "judge" in offline or "judge" in llm:
        for name, key in JUDGE_ROWS.items():
            rows.append(_row(name, offline.get("judge", {}).get(key), llm.get("judge", {}).get(key)))
    return rows


def format_value(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if name in _JUDGE_SCORES:
        return f"{value:.2f}/5"
    if name in COUNTS or name.startswith("judge_"):
        return str(int(value))
    return format_metric(name, value)


def format_difference(name: str, difference: float | None) -> str:
    """Rates in percentage points (pp), so "+5.0 pp" is never read as a relative change."""
    if difference is None:
        return "n/a"
    if name in _JUDGE_SCORES:
        return f"{difference:+.2f}"
    if name in COUNTS or name.startswith("judge_") or name == "permission_leaks":
        return f"{int(difference):+d}"
    if name.endswith("_ms"):
        return f"{difference:+,.0f} ms"
    if name == "mrr":
        return f"{difference:+.3f}"
    return f"{difference * 100:+.1f} pp"


def print_side_by_side(
    rows: Sequence[dict[str, Any]], changed: dict[str, list[str]], console: Console, title: str
) -> None:
    console.print(title, markup=False, highlight=False, style="bold")  # wider than the table: not its title
    table = Table()
    for column in ("metric", *RUNS, "difference"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    styles = {"better": "green", "worse": "red"}
    for row in rows:
        name, style = row["metric"], styles.get(row["verdict"])
        difference = format_difference(name, row["difference"])
        table.add_row(
            escape(name),
            format_value(name, row["offline"]),
            format_value(name, row["llm"]),
            f"[{style}]{escape(difference)}[/]" if style else escape(difference),
        )
    console.print(table)
    for key, label in (("fail_with_llm", "Fail only with the model"), ("pass_with_llm", "Pass only with it")):
        if changed[key]:
            ids = escape(", ".join(changed[key]))
            console.print(f"{label} ({len(changed[key])}): {ids}", highlight=False)


def _warm_up(client: AnswerClient, cases: Sequence[Case]) -> None:
    """Ask the first question once, unscored: the runs share the embedding model, tokenizer and indexes,
    which load on first use, and that load must not land in the first run's latency alone."""
    if cases:
        try:
            client.ask(cases[0].question, cases[0].user, None)
        except Exception:  # the scored runs will report whatever is wrong
            logger.debug("warm-up question failed", exc_info=True)


def run_side_by_side(
    case_paths: Sequence[Path],
    offline_client: AnswerClient,
    llm_client: AnswerClient,
    *,
    judge_model: Any | None = None,
    judge_runs: int = 3,
    llm_label: str = "llm",
    report_dir: Path | None = None,
    compare: Path | None = None,
    min_scores: Iterable[str] = (),
    max_scores: Iterable[str] = (),
    gold_executor: GoldExecutor | None = None,
    known_source_ids: set[str] | None = None,
    known_tables: set[str] | None = None,
    known_users: set[str] | None = None,
    fail_on_leaks: bool = True,
    console: Console | None = None,
    progress_console: Console | None = None,
) -> int:
    """Run the cases through both clients, judge both (when a judge model is given), print the table,
    write the reports; return the exit code of the thresholds on the model's run."""
    console = console or Console()
    thresholds = build_thresholds(min_scores, max_scores, fail_on_leaks=fail_on_leaks)
    old_summary = load_summary(compare) if compare is not None else None  # fail before the long runs
    cases = load_cases(list(case_paths))
    validate_references(cases, known_source_ids, known_tables, known_users)
    _warm_up(offline_client, cases)

    scored = {
        name: score_run(
            cases,
            client,
            gold_executor=gold_executor,
            known_source_ids=known_source_ids,
            judge_model=judge_model,
            judge_runs=judge_runs,
            progress_console=progress_console,
        )
        for name, client in zip(RUNS, (offline_client, llm_client), strict=True)
    }
    offline, llm = scored["offline"][1], scored["llm"][1]
    rows = side_by_side_rows(offline, llm)
    pass_fail = compare_summaries(offline, llm)
    changed = {"fail_with_llm": pass_fail["newly_failing"], "pass_with_llm": pass_fail["newly_passing"]}
    judged = f", judged {judge_runs}× by the model" if judge_model is not None else ", not judged"
    title = f"cityqa eval --llm — {len(cases)} cases: offline vs {llm_label}{judged}"
    print_side_by_side(rows, changed, console, title)

    comparison = None
    if old_summary is not None and compare is not None:
        comparison = compare_summaries(old_summary, llm, str(compare))
        print_comparison(comparison, console)
    if report_dir is not None:
        for name, (run, summary) in scored.items():
            write_report(run, summary, report_dir / name, comparison=comparison if name == "llm" else None)
        side_by_side = {
            "llm_label": llm_label,
            "cases": len(cases),
            "judge_runs": judge_runs if judge_model is not None else 0,
            "metrics": rows,
            **changed,
        }
        path = report_dir / "side_by_side.json"
        path.write_text(json.dumps(side_by_side, ensure_ascii=False, indent=2), encoding="utf-8")
        console.print(
            f"Reports: {report_dir / 'offline'}, {report_dir / 'llm'}; {path}", markup=False, soft_wrap=True
        )
    if thresholds:
        console.print(f"Thresholds on the {llm_label} run:", markup=False, highlight=False)
    return print_verdicts(llm, thresholds, console)
