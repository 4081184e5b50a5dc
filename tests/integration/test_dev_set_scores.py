"""The bundled dev set, scored in CI: a change that lowers quality below today's level fails here.

The thresholds sit just under the scores measured when they were last raised (see README,
"Evaluation"); raise them when quality improves, never lower them to make a change pass.
The same cases are also scored over HTTP (the API in-process through TestClient) and must give
the same deterministic scores as the direct in-process run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from demo_stack import REPO_ROOT, DemoIngest
from fastapi.testclient import TestClient
from rich.console import Console

from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog
from assistant.users import UserDirectory
from evaluation.cases import ANONYMOUS
from evaluation.cli import run_eval
from evaluation.clients import HttpClient, InProcessClient

pytestmark = pytest.mark.integration

DATASETS = REPO_ROOT / "evaluation" / "datasets"

THRESHOLDS = [
    "answer_accuracy>=0.86",
    "retrieval_hit_at_5>=0.88",
    "mrr>=0.80",
    "citation_validity>=1.0",
    "citation_precision>=0.90",
    "sql_execution_accuracy>=0.97",
    "sql_produced_accuracy>=0.97",
    "refusal_correct_rate>=0.90",
    "wrong_refusal_rate<=0.05",
    "permission_leaks<=0",
    "by_category.sql.answer_accuracy>=0.97",
    "by_category.unanswerable.answer_accuracy>=0.90",
    "by_category.catalog.answer_accuracy>=0.64",
    "by_category.document.answer_accuracy>=0.51",
    "by_category.permission.answer_accuracy>=0.75",
]

# Deterministic scores compared between the in-process and the HTTP run (latency differs).
COMPARED = [
    "answer_accuracy",
    "retrieval_hit_at_5",
    "mrr",
    "citation_validity",
    "citation_precision",
    "citation_recall",
    "sql_execution_accuracy",
    "refusal_correct_rate",
    "permission_leaks",
]


def _run(client: Any, demo_ingest: DemoIngest, report: Path) -> dict[str, Any]:
    stores = demo_ingest.stores
    code = run_eval(
        [DATASETS],
        client,
        report_dir=report,
        min_scores=THRESHOLDS,
        gold_executor=lambda sql: (
            stores.warehouse.run_readonly(sql, 30_000, 100_000, tables=stores.warehouse.tables()).rows
        ),
        known_source_ids=SourceCatalog(stores.keyword_index).all_source_ids(),
        known_tables=set(stores.warehouse.tables()),
        console=Console(width=160, force_terminal=False),
        progress_console=Console(stderr=True, force_terminal=False),
    )
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    summary["exit_code"] = code
    return summary


@pytest.fixture(scope="module")
def in_process_summary(
    demo_ingest: DemoIngest,
    demo_assistant: Assistant,
    demo_users: UserDirectory,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    def answer(question: str, user: str, conversation_id: str | None) -> Answer:
        asker = demo_users.authenticate(None if user == ANONYMOUS else user)
        return demo_assistant.answer(question, asker, conversation_id)

    return _run(InProcessClient(answer), demo_ingest, tmp_path_factory.mktemp("eval_in_process"))


def test_dev_set_meets_the_thresholds(in_process_summary: dict[str, Any]) -> None:
    overall = in_process_summary["overall"]
    assert in_process_summary["exit_code"] == 0, {name: overall.get(name) for name in COMPARED}
    assert overall["cases"] >= 300


def test_http_client_scores_equal_in_process(
    in_process_summary: dict[str, Any], demo_ingest: DemoIngest, demo_client: TestClient, tmp_path: Path
) -> None:
    http = _run(HttpClient("http://testserver", http_client=demo_client), demo_ingest, tmp_path)
    for metric in COMPARED:
        assert http["overall"][metric] == pytest.approx(in_process_summary["overall"][metric]), metric
