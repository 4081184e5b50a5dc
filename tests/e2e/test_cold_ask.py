"""Cold start (issue 11): the real `cityqa ingest` writes the embedding model's ONNX export into the
home, and a new `cityqa ask` process then answers documents and statistics questions without importing
torch or sentence-transformers (timings are in BENCHMARKS.md, "Cold start": they are too noisy here to
assert)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / "data" / "demo"
CITYQA = str(Path(sys.executable).parent / "cityqa")
SECONDS = 600  # an ingest with the real model on a busy 2-core machine, and the export


def _environment(home: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("CITYQA_")}
    environment.pop("PYTHONPROFILEIMPORTTIME", None)
    environment.update(
        CITYQA_HOME=str(home),
        CITYQA_API_KEYS_FILE=str(DEMO_DIR / "api_keys.toml"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return environment


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, corpus_writer: Callable[[Path], Path]) -> Path:
    folder = tmp_path_factory.mktemp("cold_ask")
    corpus = corpus_writer(folder / "corpus")
    home = folder / "home"
    paths = [
        corpus / "documents",
        corpus / "catalogs",
        DEMO_DIR / "tables" / "population_by_district_2025.yaml",
    ]
    ingest = subprocess.run(
        [CITYQA, "ingest", *map(str, paths)],
        cwd=folder,  # no .env of the repository
        env=_environment(home),
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    return home


def ask(home: Path, question: str) -> tuple[dict[str, Any], set[str]]:
    """The JSON answer of a new `cityqa ask` process, and the modules it imported."""
    environment = _environment(home) | {"PYTHONPROFILEIMPORTTIME": "1"}
    result = subprocess.run(
        [CITYQA, "ask", "--json", question],
        cwd=home.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return json.loads(result.stdout), imported


def test_the_ingest_wrote_the_onnx_export(home: Path) -> None:
    assert (home / "models" / "all-MiniLM-L6-v2.onnx").stat().st_size > 1_000_000
    description = json.loads((home / "models" / "all-MiniLM-L6-v2.json").read_text(encoding="utf-8"))
    assert description["agreement"] >= 0.9999


def test_a_cold_ask_answers_a_document_question_without_torch(home: Path) -> None:
    answer, imported = ask(home, "How many days does the agency have to decide on a public data request?")
    assert answer["confidence"] in ("high", "medium"), answer
    assert "10" in answer["answer"]
    assert "doc:request_procedure.md" in {citation["source_id"] for citation in answer["citations"]}
    assert "onnxruntime" in imported
    assert not {"torch", "sentence_transformers", "pandas"} & imported


def test_a_cold_ask_answers_a_statistics_question_without_torch(home: Path) -> None:
    answer, imported = ask(home, "2025년 5월 해운대구 인구는?")
    assert "374,321" in answer["answer"], answer
    assert answer["sql"] is not None
    assert not {"torch", "sentence_transformers"} & imported
