"""The blind case sets that need only the repository, scored in CI (issue 8).

`evaluation/blind/` was written without reading the answering code and scored before the issue-8
changes; `evaluation/heldout/` was written later, also blind, and never tuned on. Both run here
on the demo index. Thresholds sit just under the scores measured when they were last raised (see
the README, "Evaluation"); the confident-wrong ceilings are the product's promise: raise the floors
as quality improves, never loosen a ceiling to make a change pass.
The document cases need the statutes in ../shared/data and are scored by `make eval-blind`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from demo_stack import REPO_ROOT, DemoIngest
from rich.console import Console

from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog
from assistant.users import UserDirectory
from evaluation.cases import ANONYMOUS
from evaluation.cli import run_eval
from evaluation.clients import InProcessClient

pytestmark = pytest.mark.integration

SETS = {
    "blind statistics": (
        REPO_ROOT / "evaluation" / "blind" / "statistics_paraphrases.yaml",
        ["answer_accuracy>=0.87", "confident_wrong_rate<=0.01", "permission_leaks<=0"],
    ),
    "held-out statistics": (
        REPO_ROOT / "evaluation" / "heldout" / "statistics_heldout.yaml",
        ["answer_accuracy>=0.83", "confident_wrong_rate<=0.02", "permission_leaks<=0"],
    ),
    "round-3 statistics": (
        REPO_ROOT / "evaluation" / "heldout" / "statistics_round3.yaml",
        ["answer_accuracy>=0.68", "confident_wrong_rate<=0.01", "permission_leaks<=0"],
    ),
    "blind catalog": (
        REPO_ROOT / "evaluation" / "blind" / "catalog.yaml",
        ["answer_accuracy>=0.82", "confident_wrong_rate<=0.01", "permission_leaks<=0"],
    ),
    "fresh held-out catalog": (
        REPO_ROOT / "evaluation" / "heldout" / "catalog_fresh.yaml",
        ["answer_accuracy>=0.83", "confident_wrong_rate<=0.01", "permission_leaks<=0"],
    ),
    "round-3 catalog": (
        REPO_ROOT / "evaluation" / "heldout" / "catalog_round3.yaml",
        ["answer_accuracy>=0.60", "confident_wrong_rate<=0.01", "permission_leaks<=0"],
    ),
}


@pytest.mark.parametrize("name", list(SETS))
def test_blind_set_meets_its_thresholds(
    name: str,
    demo_ingest: DemoIngest,
    demo_assistant: Assistant,
    demo_users: UserDirectory,
    tmp_path: Path,
) -> None:
    cases, thresholds = SETS[name]
    stores = demo_ingest.stores

    def answer(question: str, user: str, conversation_id: str | None) -> Answer:
        asker = demo_users.authenticate(None if user == ANONYMOUS else user)
        return demo_assistant.answer(question, asker, conversation_id)

    code = run_eval(
        [cases],
        InProcessClient(answer),
        report_dir=tmp_path,
        min_scores=thresholds,  # "<=" rules are ceilings
        known_source_ids=SourceCatalog(stores.keyword_index).all_source_ids(),
        known_tables=set(stores.warehouse.tables()),
        console=Console(width=160, force_terminal=False),
        progress_console=Console(stderr=True, force_terminal=False),
    )
    summary: dict[str, Any] = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    overall = summary["overall"]
    assert code == 0, {key: overall.get(key) for key in ("answer_accuracy", "confident_wrong_rate")}
