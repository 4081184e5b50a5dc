"""The whole `cityqa eval` flow behind one function, plus threshold parsing.

Thresholds (``--min-score`` / ``--max-score``), each ``METRIC=VALUE``, ``METRIC>=VALUE`` or
``METRIC<=VALUE``:

- ``METRIC=VALUE`` means "at least VALUE" for higher-is-better metrics and "at most VALUE" for the
  lower-is-better ones (`LOWER_IS_BETTER`: wrong_refusal_rate, confident_wrong_rate, permission_leaks,
  latency_*), so ``--min-score permission_leaks=0`` asks for no leaks and
  ``--max-score confident_wrong_rate=0.01`` for at most 1% confident-wrong answers; ``>=``/``<=``
  state the direction explicitly; every ``--max-score`` item means "at most".
- METRIC is a name of `METRICS` (overall), or scoped: ``by_category.sql.answer_accuracy``,
  ``by_lang.ko.retrieval_hit_at_5``, ``by_tag.lookup.answer_accuracy``.
- VALUE is a number; rates may be written as percentages (``80%`` = 0.8).
- A threshold on a metric that applied to no case (n/a) fails.
- Permission leaks fail the run unless a threshold on ``permission_leaks`` says otherwise.

Exit code: 0 when every threshold holds, 1 otherwise. Invalid cases raise `CityQAError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from assistant.errors import CityQAError, ErrorCode

from .cases import Case, load_cases, validate_references
from .clients import AnswerClient
from .compare import compare_summaries, load_summary, print_comparison
from .metric_names import LOWER_IS_BETTER, METRICS
from .report import build_summary, print_summary, write_report
from .runner import GoldExecutor, RunResult, run_cases

__all__ = [
    "LOWER_IS_BETTER",
    "METRICS",
    "Threshold",
    "build_thresholds",
    "check_thresholds",
    "parse_max_scores",
    "parse_min_scores",
    "print_verdicts",
    "run_eval",
    "score_run",
]

_THRESHOLD = re.compile(r"^\s*([A-Za-z0-9_.:\-]+)\s*(>=|<=|=)\s*([-+]?\d*\.?\d+)\s*(%?)\s*$")
_SCOPES = ("by_category", "by_lang", "by_tag")


class Threshold(BaseModel):
    metric: str
    op: Literal[">=", "<="]
    value: float

    @property
    def label(self) -> str:
        return f"{self.metric}{self.op}{self.value:g}"

    def lookup(self, summary: dict[str, Any]) -> float | None:
        parts = self.metric.split(".")
        group = summary["overall"] if len(parts) == 1 else summary.get(parts[0], {}).get(parts[1], {})
        value = group.get(parts[-1])
        return None if value is None else float(value)


def _parse_threshold(text: str, force: Literal[">=", "<="] | None) -> Threshold:
    match = _THRESHOLD.match(text)
    if not match:
        raise CityQAError(ErrorCode.BAD_REQUEST, f"threshold {text!r}: expected METRIC=VALUE (or >=, <=)")
    metric, op, number, percent = match.groups()
    parts = metric.split(".")
    name = parts[-1]
    if name not in METRICS:
        raise CityQAError(
            ErrorCode.BAD_REQUEST, f"threshold {text!r}: unknown metric {name!r}; known: {', '.join(METRICS)}"
        )
    if len(parts) not in (1, 3) or (len(parts) == 3 and parts[0] not in _SCOPES):
        raise CityQAError(
            ErrorCode.BAD_REQUEST,
            f"threshold {text!r}: scope must be by_category.<c>., by_lang.<l>. or by_tag.<t>.",
        )
    value = float(number) / (100 if percent else 1)
    if force is not None:
        direction: Literal[">=", "<="] = force
    elif op in (">=", "<="):
        direction = ">=" if op == ">=" else "<="
    else:
        direction = "<=" if name in LOWER_IS_BETTER else ">="
    return Threshold(metric=metric, op=direction, value=value)


def parse_min_scores(items: Iterable[str] | Mapping[str, float]) -> list[Threshold]:
    """``["answer_accuracy=0.8", "permission_leaks=0", "by_lang.ko.mrr>=0.5"]`` → thresholds.
    A mapping ``{metric: value}`` is read as ``metric=value``."""
    if isinstance(items, Mapping):
        items = [f"{name}={value}" for name, value in items.items()]
    return [_parse_threshold(item, None) for item in items]


def parse_max_scores(items: Iterable[str]) -> list[Threshold]:
    """``--max-score`` items: always "at most"."""
    return [_parse_threshold(item, "<=") for item in items]


def check_thresholds(
    summary: dict[str, Any], thresholds: Sequence[Threshold]
) -> list[tuple[Threshold, bool, str]]:
    """(threshold, held, message) for each threshold."""
    results = []
    for threshold in thresholds:
        value = threshold.lookup(summary)
        if value is None:
            results.append((threshold, False, f"{threshold.label}: no case to measure it (n/a)"))
            continue
        held = value >= threshold.value if threshold.op == ">=" else value <= threshold.value
        results.append((threshold, held, f"{threshold.label}: measured {value:.4g}"))
    return results


def build_thresholds(
    min_scores: Iterable[str | Threshold] | Mapping[str, float] = (),
    max_scores: Iterable[str] = (),
    *,
    fail_on_leaks: bool = True,
) -> list[Threshold]:
    """Every threshold of a run; a leak fails it unless a threshold on ``permission_leaks`` is given."""
    if isinstance(min_scores, Mapping):
        thresholds = parse_min_scores(min_scores)
    else:
        thresholds = [t if isinstance(t, Threshold) else _parse_threshold(t, None) for t in min_scores]
    thresholds += parse_max_scores(max_scores)
    if fail_on_leaks and not any(t.metric == "permission_leaks" for t in thresholds):
        thresholds.append(Threshold(metric="permission_leaks", op="<=", value=0))
    return thresholds


def print_verdicts(summary: dict[str, Any], thresholds: Sequence[Threshold], console: Console) -> int:
    """One ✓/✗ line per threshold; the exit code (0 = every threshold holds)."""
    verdicts = check_thresholds(summary, thresholds)
    for _, held, message in verdicts:
        mark = "[green]✓[/]" if held else "[red]✗[/]"
        console.print(f"{mark} {escape(message)}", highlight=False)
    return 0 if all(held for _, held, _ in verdicts) else 1


def score_run(
    cases: Sequence[Case],
    client: AnswerClient,
    *,
    gold_executor: GoldExecutor | None = None,
    known_source_ids: set[str] | None = None,
    judge_model: Any | None = None,
    judge_runs: int = 3,
    progress_console: Console | None = None,
) -> tuple[RunResult, dict[str, Any]]:
    """Run the cases through one client, judge the answers when a judge model is given, summarize."""
    run = run_cases(
        cases,
        client,
        gold_executor=gold_executor,
        known_source_ids=known_source_ids,
        console=progress_console,
    )
    judge = None
    if judge_model is not None:
        from .judge import judge_answers  # langchain is only needed when a judge is configured

        judge = judge_answers(run.results, judge_model, runs=judge_runs)
    return run, build_summary(run, judge)


def run_eval(
    case_paths: Sequence[Path],
    client: AnswerClient,
    *,
    report_dir: Path | None = None,
    compare: Path | None = None,
    min_scores: Iterable[str | Threshold] | Mapping[str, float] = (),
    max_scores: Iterable[str] = (),
    gold_executor: GoldExecutor | None = None,
    known_source_ids: set[str] | None = None,
    known_tables: set[str] | None = None,
    known_users: set[str] | None = None,
    judge_model: Any | None = None,
    judge_runs: int = 3,
    fail_on_leaks: bool = True,
    console: Console | None = None,
    progress_console: Console | None = None,
) -> int:
    """Load and validate cases, run them, print the summary, write the report, compare, and return
    the exit code (0 = every threshold holds). Output goes to ``console`` (stdout by default), the
    progress bar to ``progress_console`` (stderr by default; shown only on a terminal)."""
    console = console or Console()
    thresholds = build_thresholds(min_scores, max_scores, fail_on_leaks=fail_on_leaks)
    old_summary = load_summary(compare) if compare is not None else None

    cases = load_cases(list(case_paths))
    validate_references(cases, known_source_ids, known_tables, known_users)
    run, summary = score_run(
        cases,
        client,
        gold_executor=gold_executor,
        known_source_ids=known_source_ids,
        judge_model=judge_model,
        judge_runs=judge_runs,
        progress_console=progress_console,
    )
    print_summary(summary, console)

    comparison = None
    if old_summary is not None and compare is not None:
        comparison = compare_summaries(old_summary, summary, str(compare))
        print_comparison(comparison, console)
    if report_dir is not None:
        paths = write_report(run, summary, report_dir, comparison=comparison)
        console.print(f"Report: {paths['report.html']}", markup=False, highlight=False)
    return print_verdicts(summary, thresholds, console)
