"""`cityqa eval --llm` plumbing end to end: demo tables and a demo document ingested with the fake
hashing embedder, two assistants built by `build_assistant` (offline, and with an injected fake chat
model), the same cases through both, judged by a separate fake judge.

What the model does with a question (compose, rewrite, write SQL) is tested where it is built; here
only the wiring: the offline assistant never calls the model, the other one does, and both runs are
scored, judged and reported side by side over the same stores and gold."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from rich.console import Console

from assistant.config import LLMBackend, Settings
from assistant.factory import Stores
from assistant.fakes import FakeHashingEmbedder
from evaluation.in_process import gold_executor_for, known_references, offline_and_model_clients
from evaluation.side_by_side import run_side_by_side
from ingestion.loaders import SourceDefaults

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "data" / "demo"
SQL_QUESTION = "What was the registered population of Haeundae-gu in May 2025?"
DOC_QUESTION = "공공데이터 제공 여부는 신청을 받은 날부터 며칠 이내에 결정하나요?"
CASES = f"""
- id: sql-haeundae
  question: "{SQL_QUESTION}"
  lang: en
  category: sql
  expect:
    sources: ["table:population_by_district_2025"]
    gold_sql: "SELECT total_population FROM population_by_district_2025 WHERE district = '해운대구'"
- id: doc-deadline-ko
  question: "{DOC_QUESTION}"
  lang: ko
  category: document
  expect:
    answer_contains: ["10일"]
    sources: ["doc:open_data_request_procedure_ko.md"]
"""


class CallCounter(BaseCallbackHandler):
    """Counts the chat model's calls through langchain's own callbacks (no patching)."""

    def __init__(self) -> None:
        self.calls = 0

    def on_chat_model_start(self, serialized: dict[str, Any], messages: Any, **kwargs: Any) -> None:
        self.calls += 1


def test_offline_and_model_assistants_from_the_factory(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    stack = make_stack(home)
    report = stack.ingestor.ingest(
        [DEMO / "tables", DEMO / "documents" / "open_data_request_procedure_ko.md"], SourceDefaults()
    )
    assert report.failed == [], report.failed
    settings = Settings(home=home, api_keys_file=DEMO / "api_keys.toml", llm=LLMBackend.NONE)
    stores = Stores(stack.vector_store, stack.keyword_index, stack.warehouse)
    counter = CallCounter()
    chat_model = FakeListChatModel(responses=["CANNOT_ANSWER: a fake model"], callbacks=[counter])
    offline, with_model = offline_and_model_clients(
        settings, stores, stack.users, chat_model, embedder=FakeHashingEmbedder()
    )

    for question in (SQL_QUESTION, DOC_QUESTION):
        offline.ask(question, "anonymous", None)
    assert counter.calls == 0  # built with CITYQA_LLM=none: no model at all
    for question in (SQL_QUESTION, DOC_QUESTION):
        with_model.ask(question, "anonymous", None)
    assert counter.calls > 0  # the injected model reached the assistant through the factory

    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES, encoding="utf-8")
    out = io.StringIO()
    code = run_side_by_side(
        [cases],
        offline,
        with_model,
        judge_model=FakeListChatModel(responses=['{"faithfulness": 4, "relevance": 5}']),
        judge_runs=1,
        report_dir=tmp_path / "report",
        gold_executor=gold_executor_for(stores),
        console=Console(file=out, width=200),
        progress_console=Console(file=io.StringIO()),
        **known_references(stores, stack.users),
    )

    output = out.getvalue()
    assert code == 0, output
    data = json.loads((tmp_path / "report" / "side_by_side.json").read_text(encoding="utf-8"))
    rows = {row["metric"]: row for row in data["metrics"]}
    # The offline path answers both demo cases (gold SQL run over the same warehouse).
    assert rows["answer_accuracy"]["offline"] == 1.0, output
    assert rows["sql_execution_accuracy"]["offline"] == 1.0, output
    assert rows["answer_accuracy"]["llm"] is not None and rows["cases"]["llm"] == 2
    assert rows["judge_cases_judged"]["offline"] == 2 and rows["judge_faithfulness"]["offline"] == 4.0
    for run in ("offline", "llm"):
        lines = (tmp_path / "report" / run / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["id"] for line in lines] == ["sql-haeundae", "doc-deadline-ko"]
