"""In-process answer latency: document/catalog questions vs SQL questions, interleaved."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from benchmarks.common import DATASETS, percentiles, say

WARM_UP = 5


def questions_by_kind(total: int) -> dict[str, list[str]]:
    """`total` questions split evenly between kinds, each cycling through its case questions."""
    from evaluation.cases import load_cases

    cases = load_cases([DATASETS])
    kinds = {
        "document+catalog": [c.question for c in cases if c.category in ("document", "catalog")],
        "sql": [c.question for c in cases if c.category == "sql"],
    }
    per_kind = total // len(kinds)
    return {kind: list(itertools.islice(itertools.cycle(qs), per_kind)) for kind, qs in kinds.items()}


def measure_latency(home: Path, total: int, progress: Any = None) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.factory import build_assistant
    from assistant.users import ANONYMOUS

    assistant = build_assistant(Settings(home=home))
    by_kind = questions_by_kind(total)
    warm = [q for pair in zip(*by_kind.values(), strict=False) for q in pair][:WARM_UP]
    say(f"[latency] {WARM_UP} warm-up questions, then {total} timed ...")
    for question in warm:
        assistant.answer(question, ANONYMOUS)
    # Interleave the kinds so that machine noise hits both alike.
    order = [
        (kind, q)
        for pair in zip(*[[(k, q) for q in qs] for k, qs in by_kind.items()], strict=False)
        for kind, q in pair
    ]
    timings: dict[str, list[float]] = {kind: [] for kind in by_kind}
    sql_produced = {kind: 0 for kind in by_kind}
    task = progress.add_task("query latency", total=len(order)) if progress else None
    for kind, question in order:
        started = time.perf_counter()
        answer = assistant.answer(question, ANONYMOUS)
        timings[kind].append((time.perf_counter() - started) * 1000)
        sql_produced[kind] += answer.sql is not None
        if progress:
            progress.advance(task)
    return {
        "method": "wall time of Assistant.answer per question (ms); p50/p95 = "
        "statistics.quantiles(n=100, method='inclusive')[49]/[94]",
        "warm_up": WARM_UP,
        "kinds": {
            kind: {**percentiles(values), "answers_with_sql": sql_produced[kind]}
            for kind, values in timings.items()
        },
    }


HEADERS = ["kind", "n", "p50 ms", "p95 ms", "mean ms", "answers with SQL"]


def rows(result: dict[str, Any]) -> list[list[Any]]:
    return [
        [kind, s["n"], s["p50"], s["p95"], s["mean"], s["answers_with_sql"]]
        for kind, s in result["kinds"].items()
    ]
