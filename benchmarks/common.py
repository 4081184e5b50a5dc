"""Shared helpers for the benchmarks: timed embedder, progress bar, percentiles, tables, cases."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_PATHS = [
    REPO_ROOT / "data/demo/catalogs",
    REPO_ROOT / "data/demo/documents",
    REPO_ROOT / "data/demo/tables",
]
KR_LAWS_PATH = REPO_ROOT.parent / "shared/data/documents/kr_laws"
DATASETS = REPO_ROOT / "evaluation/datasets"
RESULTS_DIR = REPO_ROOT / "benchmarks/results"


def offline_environment() -> None:
    """Called from main() only (never at import): nothing may be fetched from a model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class TimedEmbeddings(Embeddings):
    """Wraps an embedder and accumulates the time and number of texts of embed_documents calls."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    @property
    def rate(self) -> float:
        return self.texts / self.seconds if self.seconds else 0.0


def is_terminal() -> bool:
    return sys.stderr.isatty()


def new_progress() -> Any:
    """A rich progress bar on stderr, disabled when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not is_terminal(),
    )


def say(message: str) -> None:
    """A line of progress narration on stderr (kept even when the bar is disabled)."""
    print(message, file=sys.stderr, flush=True)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50/p95 from statistics.quantiles(n=100, method='inclusive'), plus mean, in the values' unit."""
    if len(values) < 2:
        only = float(values[0]) if values else 0.0
        return {"n": len(values), "p50": only, "p95": only, "mean": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": cuts[49], "p95": cuts[94], "mean": statistics.fmean(values)}


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(
            *(
                f"{v:.3f}"
                if isinstance(v, float) and abs(v) < 10
                else f"{v:.1f}"
                if isinstance(v, float)
                else str(v)
                for v in row
            )
        )
    Console(width=160).print(table)


def jsonable(value: Any) -> Any:
    """json.dumps fallback for result dictionaries: sets as sorted lists, anything else as text."""
    if isinstance(value, set):
        return sorted(value)
    return str(value)
