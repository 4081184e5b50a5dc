"""--compare: what got better and worse since an earlier run, metric by metric and case by case.

The earlier run is its ``summary.json`` (or the report folder holding it). Per-case pass/fail is read
from the summary's ``cases`` section; for a summary without one, from ``cases.jsonl`` beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.errors import CityQAError, ErrorCode

from .metric_names import LOWER_IS_BETTER, METRICS
from .report import format_metric

_SAME = 1e-9


def load_summary(path: Path) -> dict[str, Any]:
    """Read an earlier summary.json (path of the file or of its report folder)."""
    file = path / "summary.json" if path.is_dir() else path
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CityQAError(ErrorCode.BAD_REQUEST, f"cannot read earlier summary {file}: {exc}") from exc
    if not isinstance(summary, dict) or "overall" not in summary:
        raise CityQAError(ErrorCode.BAD_REQUEST, f"{file} is not a cityqa eval summary.json")
    if "cases" not in summary:
        cases_file = file.with_name("cases.jsonl")
        summary["cases"] = {}
        if cases_file.exists():
            for line in cases_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    failed = [c["name"] for c in row.get("checks", []) if c.get("passed") is False]
                    summary["cases"][row["id"]] = {
                        "passed": row["passed"],
                        "category": row.get("category", ""),
                        "failed": failed,
                    }
    return summary


def _verdict(metric: str, old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return "n/a"
    if abs(new - old) <= _SAME:
        return "same"
    better = new < old if metric in LOWER_IS_BETTER else new > old
    return "better" if better else "worse"


def compare_summaries(old: dict[str, Any], new: dict[str, Any], old_path: str = "") -> dict[str, Any]:
    """Metric deltas (overall, and answer accuracy per category) and case lists that changed."""
    deltas = []
    for metric in METRICS:
        before, after = old["overall"].get(metric), new["overall"].get(metric)
        deltas.append(
            {
                "metric": metric,
                "old": before,
                "new": after,
                "verdict": _verdict(metric, before, after),
                "delta": None if before is None or after is None else after - before,
            }
        )
    for category in sorted(set(old.get("by_category", {})) | set(new.get("by_category", {}))):
        before = old.get("by_category", {}).get(category, {}).get("answer_accuracy")
        after = new.get("by_category", {}).get(category, {}).get("answer_accuracy")
        deltas.append(
            {
                "metric": f"answer_accuracy[{category}]",
                "old": before,
                "new": after,
                "verdict": _verdict("answer_accuracy", before, after),
                "delta": None if before is None or after is None else after - before,
            }
        )
    old_cases, new_cases = old.get("cases", {}), new.get("cases", {})
    common = sorted(set(old_cases) & set(new_cases))
    return {
        "old_path": old_path,
        "metrics": deltas,
        "newly_failing": [c for c in common if old_cases[c]["passed"] and not new_cases[c]["passed"]],
        "newly_passing": [c for c in common if not old_cases[c]["passed"] and new_cases[c]["passed"]],
        "still_failing": [c for c in common if not old_cases[c]["passed"] and not new_cases[c]["passed"]],
        "added": sorted(set(new_cases) - set(old_cases)),
        "removed": sorted(set(old_cases) - set(new_cases)),
    }


def print_comparison(comparison: dict[str, Any], console: Console) -> None:
    table = Table(title=escape(f"Compared with {comparison['old_path']}"))
    for column in ("metric", "before", "now", "change"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    styles = {"better": "green", "worse": "red"}
    for row in comparison["metrics"]:
        if row["old"] is None and row["new"] is None:
            continue
        name = row["metric"].split("[")[0]
        style = styles.get(row["verdict"])
        change = row["verdict"] if style is None else f"[{style}]{row['verdict']}[/]"
        table.add_row(
            escape(row["metric"]), format_metric(name, row["old"]), format_metric(name, row["new"]), change
        )
    console.print(table)
    for key, label, style in (
        ("newly_failing", "Newly failing", "red"),
        ("newly_passing", "Newly passing", "green"),
        ("added", "New cases", ""),
        ("removed", "Removed cases", ""),
    ):
        ids = comparison[key]
        if ids:
            head = f"[{style}]{label}[/]" if style else label
            console.print(f"{head} ({len(ids)}): " + escape(", ".join(ids)), highlight=False)
    if not comparison["newly_failing"] and not comparison["newly_passing"]:
        console.print("No case changed between pass and fail.")
