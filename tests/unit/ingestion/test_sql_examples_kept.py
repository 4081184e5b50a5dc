"""Verified SQL examples found beside ingested tables are kept for the language model's SQL prompt,
each only when its SQL runs on the warehouse, and the factory hands them to the LLM generator."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.config import Settings
from assistant.factory import Stores, build_assistant
from assistant.sql.examples import load_sql_examples
from assistant.sql.llm_generator import LLMSqlGenerator
from assistant.store_layout import StoreLayout
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


def test_examples_beside_tables_are_kept_checked_and_merged(make_stack: Any, tmp_path: Path) -> None:
    stack = make_stack()
    settings = Settings(_env_file=None, home=stack.home)  # type: ignore[call-arg]
    stack.ingestor.stores.sql_examples_path = StoreLayout(stack.home).current().sql_examples
    tables = tmp_path / "tables"
    shutil.copytree(DEMO_TABLES, tables)
    shipped = load_sql_examples(tables / "examples.yaml")
    broken = {"question": "없는 표?", "sql": "SELECT x FROM no_such_table", "table": "no_such_table"}
    rows = [example.model_dump() for example in shipped] + [broken]
    (tables / "examples.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")

    report = stack.ingestor.ingest([tables], SourceDefaults())

    kept = load_sql_examples(StoreLayout(stack.home).current().sql_examples)
    assert len(shipped) > 5 and [example.question for example in kept] == [e.question for e in shipped]
    assert any("없는 표?" in reason for _, reason in report.skipped)
    # ingesting again merges by question: nothing doubles
    stack.ingestor.ingest([tables], SourceDefaults())
    assert len(load_sql_examples(StoreLayout(stack.home).current().sql_examples)) == len(shipped)

    stores = Stores(stack.vector_store, stack.keyword_index, stack.warehouse)
    assistant = build_assistant(
        settings, stores, embedder=stack.embedder, chat_model=FakeListChatModel(responses=["CANNOT_ANSWER"])
    )
    generator = assistant.statistics.generator  # type: ignore[union-attr]
    assert isinstance(generator, LLMSqlGenerator) and generator.examples == kept
