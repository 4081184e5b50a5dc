"""Uncurated public tables answered through machine-drafted cards, scored in CI (the draft-card issue).

`data/uncurated/` holds real public CSVs without a card. They are copied into a temporary folder
(drafting writes `<name>.card.yaml` beside each file), ingested with `draft_cards=True` into a fresh
home with the real settings-built stack, and `evaluation/uncurated/tables.yaml` (written blind, gold
from pandas) is run against them. Refusing is fine; a confident wrong answer is the defect this
gate holds down. The catalogs and documents are left out to keep the gate quick; the scores with
them (as in production) are in `evaluation/uncurated/README.md`.

Thresholds sit just under (accuracy) and just over (confident-wrong) the scores measured when they
were set: raise the floor as drafting improves, never loosen the ceiling to make a change pass.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from demo_stack import REPO_ROOT
from rich.console import Console

from assistant.config import Settings
from assistant.factory import build_assistant, build_user_directory, open_stores
from assistant.models import Answer
from assistant.sources import SourceCatalog
from evaluation.cases import ANONYMOUS
from evaluation.cli import run_eval
from evaluation.clients import InProcessClient
from ingestion.factory import build_ingestor
from ingestion.loaders import SourceDefaults

pytestmark = pytest.mark.integration

UNCURATED = REPO_ROOT / "data" / "uncurated"
CASES = REPO_ROOT / "evaluation" / "uncurated" / "tables.yaml"
THRESHOLDS = ["answer_accuracy>=0.26", "confident_wrong_rate<=0.02", "permission_leaks<=0"]


def test_drafted_cards_answer_uncurated_tables_without_confident_wrong_answers(tmp_path: Path) -> None:
    data = tmp_path / "uncurated"
    shutil.copytree(UNCURATED, data, ignore=shutil.ignore_patterns("*.md", "*.card.yaml"))
    settings = Settings(
        home=tmp_path / "home",
        api_keys_file=REPO_ROOT / "data" / "demo" / "api_keys.toml",
        allow_anonymous=True,
    )
    stores = open_stores(settings)
    try:
        # drafting applies to data files given by path, so each CSV is named
        report = build_ingestor(settings, stores).ingest(
            sorted(data.glob("*.csv")), SourceDefaults(), draft_cards=True
        )
        assert report.failed == [] and len(report.drafted) == len(list(UNCURATED.glob("*.csv")))

        assistant = build_assistant(settings, stores)
        users = build_user_directory(settings)

        def answer(question: str, user: str, conversation_id: str | None) -> Answer:
            asker = users.authenticate(None if user == ANONYMOUS else user)
            return assistant.answer(question, asker, conversation_id)

        code = run_eval(
            [CASES],
            InProcessClient(answer),
            report_dir=tmp_path / "report",
            min_scores=THRESHOLDS,  # "<=" rules are ceilings
            known_source_ids=SourceCatalog(stores.keyword_index).all_source_ids(),
            known_tables=set(stores.warehouse.tables()),
            console=Console(width=160, force_terminal=False),
            progress_console=Console(stderr=True, force_terminal=False),
        )
        summary: dict[str, Any] = json.loads((tmp_path / "report" / "summary.json").read_text("utf-8"))
        overall = summary["overall"]
        assert code == 0, {key: overall.get(key) for key in ("answer_accuracy", "confident_wrong_rate")}
    finally:
        stores.warehouse.close()
