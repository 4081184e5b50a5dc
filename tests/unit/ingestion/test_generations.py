"""Ingest writes a new generation of the stores and publishes it; a server switches to it.

Real stores (Chroma, BM25, DuckDB) under a temporary CITYQA_HOME, the fake embedder injected."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import build_assistant, corpus_builder, open_stores
from assistant.fakes import FakeHashingEmbedder
from assistant.live import GenerationWatcher
from assistant.models import User
from assistant.sources import SourceCatalog
from assistant.store_layout import PUBLISHED_FILE, StoreLayout
from ingestion import generations
from ingestion.generations import GenerationOutcome, ingest_generation, writer_lock
from ingestion.loaders import SourceDefaults

NEW_DOC = """# 드론 촬영 허가 지침

시청 옥상에서 드론을 띄우려면 촬영 7일 전까지 총무과에 허가를 신청해야 한다.

Drone flights from the city hall roof need a permit from the General Affairs Division, requested
seven days before the flight.
"""
NEW_QUESTION = "How many days before the flight must a drone permit be requested?"


def settings_for(home: Path) -> Settings:
    return Settings(_env_file=None, home=home)  # type: ignore[call-arg]


def ingest(settings: Settings, paths: list[Path], prune: bool = False) -> GenerationOutcome:
    return ingest_generation(
        settings,
        lambda ingestor: ingestor.ingest(paths, SourceDefaults(), prune=prune),
        embedder=FakeHashingEmbedder(),
    )


def chunk_ids(settings: Settings, name: str) -> set[str]:
    stores = open_stores(settings, StoreLayout(settings.home).paths_of(name))
    try:
        dense = [chunk.chunk_id for chunk in stores.vector_store.get_chunks()]
        keyword = [chunk.chunk_id for chunk in stores.keyword_index.chunks()]
        assert sorted(dense) == sorted(keyword) and len(set(dense)) == len(dense)
        return set(dense)
    finally:
        stores.close()


@pytest.fixture
def corpus(corpus_dir: Path) -> list[Path]:
    return [corpus_dir / "documents", corpus_dir / "catalogs"]


def test_the_first_ingest_publishes_generation_1(tmp_path: Path, corpus: list[Path]) -> None:
    settings = settings_for(tmp_path / "home")
    assert StoreLayout(settings.home).current().root == settings.home / "stores" / "0"  # empty

    outcome = ingest(settings, corpus)

    layout = StoreLayout(settings.home)
    assert outcome.published and outcome.generation == "1" == layout.current_name()
    assert layout.current().root == settings.home / "stores" / "1"
    assert len(chunk_ids(settings, "1")) == outcome.report.chunks_indexed > 0
    assert not (settings.home / "chroma").exists()  # nothing written outside the generation


def test_an_unchanged_re_ingest_publishes_nothing_and_leaves_nothing(
    tmp_path: Path, corpus: list[Path]
) -> None:
    settings = settings_for(tmp_path / "home")
    ingest(settings, corpus)

    outcome = ingest(settings, corpus)

    assert not outcome.published and outcome.generation == "1"
    assert outcome.report.indexed == [] and outcome.report.unchanged
    assert StoreLayout(settings.home).generation_names() == ["1"]


def test_a_change_makes_a_new_generation_and_leaves_the_served_one_untouched(
    tmp_path: Path, corpus: list[Path]
) -> None:
    settings = settings_for(tmp_path / "home")
    ingest(settings, corpus)
    before = chunk_ids(settings, "1")
    manifest_before = StoreLayout(settings.home).paths_of("1").manifest.read_bytes()
    (corpus[0] / "drone_permits.md").write_text(NEW_DOC, encoding="utf-8")

    outcome = ingest(settings, corpus)

    assert outcome.published and outcome.generation == "2"
    after = chunk_ids(settings, "2")
    assert before < after and all(chunk_id.startswith("doc:drone_permits.md") for chunk_id in after - before)
    assert chunk_ids(settings, "1") == before  # what a server still reading generation 1 sees
    assert StoreLayout(settings.home).paths_of("1").manifest.read_bytes() == manifest_before


def test_pruning_a_removed_file_is_a_new_generation_too(tmp_path: Path, corpus: list[Path]) -> None:
    settings = settings_for(tmp_path / "home")
    extra = corpus[0] / "drone_permits.md"
    extra.write_text(NEW_DOC, encoding="utf-8")
    ingest(settings, corpus)
    extra.unlink()

    outcome = ingest(settings, corpus, prune=True)

    assert outcome.published and outcome.report.removed
    assert not any(chunk_id.startswith("doc:drone_permits.md") for chunk_id in chunk_ids(settings, "2"))


def test_stores_of_a_home_from_before_generations_are_copied_into_generation_1(
    tmp_path: Path, corpus: list[Path], stack_builder, corpus_ingester
) -> None:
    stack = stack_builder(tmp_path / "home")
    corpus_ingester(stack, corpus[0].parent)
    old_ids = {chunk.chunk_id for chunk in stack.vector_store.get_chunks()}
    stack.vector_store.close()
    stack.warehouse.close()
    for store in (stack.home / "stores" / "0").iterdir():  # where homes kept them before generations
        store.rename(stack.home / store.name)
    settings = settings_for(stack.home)
    assert StoreLayout(settings.home).current_name() == ""

    outcome = ingest(settings, corpus)

    assert outcome.published and outcome.generation == "1"
    assert outcome.report.indexed == []  # the manifest came along: nothing to index again
    assert chunk_ids(settings, "1") == old_ids


def test_an_interrupted_run_is_removed_by_the_next(tmp_path: Path, corpus: list[Path]) -> None:
    settings = settings_for(tmp_path / "home")
    ingest(settings, corpus)
    leftover = settings.home / "stores" / "2"
    (leftover / "keyword_index").mkdir(parents=True)  # a run killed while copying
    (leftover / "keyword_index" / "chunks.jsonl").write_text("{half a line", encoding="utf-8")
    assert StoreLayout(settings.home).current_name() == "1"
    (corpus[0] / "drone_permits.md").write_text(NEW_DOC, encoding="utf-8")

    outcome = ingest(settings, corpus)

    assert outcome.generation == "2" and "doc:drone_permits.md#0" in chunk_ids(settings, "2")


def test_old_generations_are_removed_once_replaced_long_enough(
    tmp_path: Path, corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path / "home")
    layout = StoreLayout(settings.home)
    documents = corpus[0]
    for number in range(5):
        (documents / f"note_{number}.md").write_text(
            f"# 공지 {number}\n\n공지 {number} 본문.\n", encoding="utf-8"
        )
        ingest(settings, corpus)
    assert layout.generation_names() == ["1", "2", "3", "4", "5"]  # all replaced moments ago: kept
    long_ago = time.time() - generations.REPLACED_GRACE_S - 60
    for name in layout.generation_names():
        os.utime(layout.paths_of(name).root / PUBLISHED_FILE, (long_ago, long_ago))

    generations.remove_replaced(layout, settings)

    assert layout.generation_names() == ["3", "4", "5"]  # the served one and KEEP_PREVIOUS before it


def test_one_writer_at_a_time(tmp_path: Path, corpus: list[Path]) -> None:
    settings = settings_for(tmp_path / "home")
    layout = StoreLayout(settings.home)
    waited = threading.Event()
    with writer_lock(layout):
        with pytest.raises(CityQAError) as refused, writer_lock(layout, wait=False):
            pass
        assert refused.value.code == ErrorCode.INGEST_FAILED
        second = threading.Thread(
            target=lambda: ingest_generation(
                settings,
                lambda ingestor: ingestor.ingest(corpus, SourceDefaults()),
                on_waiting=waited.set,
                embedder=FakeHashingEmbedder(),
            )
        )
        second.start()
        assert waited.wait(10)
        assert layout.current_name() == "0"  # it waits for the lock before touching anything
    second.join(30)
    assert layout.current_name() == "1"


def test_a_serving_assistant_switches_to_a_published_generation(tmp_path: Path, corpus: list[Path]) -> None:
    settings = settings_for(tmp_path / "home")
    ingest(settings, corpus)
    layout = StoreLayout(settings.home)
    paths = layout.current()
    embedder = FakeHashingEmbedder()
    stores = open_stores(settings, paths)
    assistant = build_assistant(settings, stores, embedder=embedder)
    sources = SourceCatalog(stores.keyword_index)
    watcher = GenerationWatcher(
        settings,
        assistant,
        sources,
        corpus_builder(settings, embedder=embedder, glossary=assistant.retriever.glossary),
        serving=paths.name,
    )
    assert assistant.answer(NEW_QUESTION, User()).confidence == "none"
    assert not watcher.check()  # nothing new
    taken = assistant.corpus  # an answer begun now keeps reading this corpus
    (corpus[0] / "drone_permits.md").write_text(NEW_DOC, encoding="utf-8")
    ingest(settings, corpus)

    assert watcher.check() and watcher.serving == "2"

    answer = assistant.answer(NEW_QUESTION, User())
    assert answer.confidence != "none" and answer.citations[0].source_id == "doc:drone_permits.md"
    assert "doc:drone_permits.md" in {summary.source_id for summary in sources.list_for_user(User())}
    assert taken.retriever.keyword_index is not assistant.retriever.keyword_index
    assert "doc:drone_permits.md" not in {chunk.source_id for chunk in taken.retriever.keyword_index.chunks()}


def test_a_generation_that_cannot_be_opened_leaves_the_served_one(
    tmp_path: Path, corpus: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(tmp_path / "home")
    ingest(settings, corpus)
    layout = StoreLayout(settings.home)
    stores = open_stores(settings, layout.current())
    embedder = FakeHashingEmbedder()
    assistant = build_assistant(settings, stores, embedder=embedder)
    watcher = GenerationWatcher(
        settings,
        assistant,
        SourceCatalog(stores.keyword_index),
        corpus_builder(settings, embedder=embedder),
        serving="1",
    )
    broken = layout.directory / "2"
    shutil.copytree(layout.paths_of("1").root, broken)
    (broken / "warehouse.duckdb").write_bytes(b"not a database")
    (layout.directory / "CURRENT").write_text("2\n", encoding="ascii")
    served = assistant.corpus

    with pytest.raises(CityQAError):
        watcher.check()

    assert assistant.corpus is served and watcher.serving == "1"
