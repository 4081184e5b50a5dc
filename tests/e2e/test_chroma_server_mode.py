"""Chroma server mode: a real `chroma run` process holds the vectors, with the results of embedded Chroma.

The corpus is the demo's documents and tables with a slice of its catalog (every row the dev set's
catalog questions name, and the first rows), ingested once into an embedded home and once into a home
whose CITYQA_CHROMA_URL names the server, both through `ingest_generation` and answered through the
factory-built assistant. The embedder is the fake hashing one behind the real seam (what is compared
is the store, not the model). Then: generations on the server (a collection each, pruned with their
generation), a restart of the server, `cityqa doctor`, and a server that is down or hung.
"""

from __future__ import annotations

import csv
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from chroma_server import ChromaServer, free_port, start_chroma_server
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import Readiness, create_app
from assistant.cli import app as cli
from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.factory import (
    build_assistant,
    build_user_directory,
    chroma_server_probe,
    corpus_builder,
    open_stores,
)
from assistant.fakes import FakeHashingEmbedder
from assistant.live import GenerationWatcher
from assistant.models import Answer, User
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog
from assistant.store_layout import PUBLISHED_FILE, StoreLayout
from assistant.stores.vector_store import chroma_client
from ingestion.backup import back_up
from ingestion.generations import GenerationOutcome, ingest_generation
from ingestion.loaders import SourceDefaults

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / "data" / "demo"
DATASETS = REPO_ROOT / "evaluation" / "datasets"
CATALOG_FILE = "busan_datagokr_catalog.csv"
FIRST_CATALOG_ROWS = 300
COLLECTION = "cityqa_chunks"
QUESTION = "How many days does an agency have to decide on a public data request?"


def settings_for(home: Path, chroma_url: str | None = None, **options: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, home=home, chroma_url=chroma_url, api_keys_file=DEMO_DIR / "api_keys.toml", **options
    )


def ingest(settings: Settings, paths: list[Path]) -> GenerationOutcome:
    return ingest_generation(
        settings, lambda ingestor: ingestor.ingest(paths, SourceDefaults()), embedder=FakeHashingEmbedder()
    )


def server_collections(url: str) -> set[str]:
    client = chroma_client(url=url)
    try:
        return {collection.name for collection in client.list_collections()}
    finally:
        client.close()


def write_catalog_slice(folder: Path) -> Path:
    """The demo catalog's header, the rows the dev set's catalog cases name and the first rows."""
    named = set()
    for case in yaml.safe_load((DATASETS / "dev_cases.yaml").read_text(encoding="utf-8")):
        for group in ("any_of", "all_of"):
            for source in case.get("expect", {}).get("sources", {}).get(group, []):
                if source.startswith("catalog:datagokr:"):
                    named.add(source.rsplit(":", 1)[1])
    with (DEMO_DIR / "catalogs" / CATALOG_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [row for number, row in enumerate(rows[1:]) if number < FIRST_CATALOG_ROWS or row[0] in named]
    folder.mkdir(parents=True)
    with (folder / CATALOG_FILE).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *kept])
    return folder


def question_spread() -> list[tuple[str, str]]:
    """(question, user): two dev cases of each category and language, one SQL case of each language
    and operation; none that continues a conversation."""
    picked: list[tuple[str, str]] = []
    for file_name, per_group, group_of in (
        ("dev_cases.yaml", 2, lambda case: (case["category"], case["lang"])),
        ("sql_cases.yaml", 1, lambda case: (case["lang"], case["tags"][0])),
    ):
        counts: dict[Any, int] = defaultdict(int)
        for case in yaml.safe_load((DATASETS / file_name).read_text(encoding="utf-8")):
            group = group_of(case)
            if case.get("conversation") or counts[group] >= per_group:
                continue
            counts[group] += 1
            picked.append((case["question"], case["user"]))
    return picked


@dataclass
class IngestedHome:
    settings: Settings
    outcome: GenerationOutcome
    seconds: float


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    server = start_chroma_server(tmp_path_factory.mktemp("chroma_server"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    catalogs = write_catalog_slice(tmp_path_factory.mktemp("corpus") / "catalogs")
    return [catalogs, DEMO_DIR / "documents", DEMO_DIR / "tables"]


def ingested_home(home: Path, corpus: list[Path], chroma_url: str | None) -> IngestedHome:
    settings = settings_for(home, chroma_url)
    started = time.perf_counter()
    outcome = ingest(settings, corpus)
    assert outcome.published and outcome.report.failed == []
    return IngestedHome(settings, outcome, time.perf_counter() - started)


@pytest.fixture(scope="module")
def embedded_home(tmp_path_factory: pytest.TempPathFactory, corpus: list[Path]) -> IngestedHome:
    return ingested_home(tmp_path_factory.mktemp("embedded") / "home", corpus, None)


@pytest.fixture(scope="module")
def server_home(
    tmp_path_factory: pytest.TempPathFactory, corpus: list[Path], chroma: ChromaServer
) -> IngestedHome:
    return ingested_home(tmp_path_factory.mktemp("server") / "home", corpus, chroma.url)


def comparable(answer: Answer) -> dict[str, Any]:
    return answer.model_dump(
        include={
            "answer",
            "citations",
            "sql",
            "confidence",
            "suggestions",
            "retrieved_source_ids",
            "notes",
        }
    )


def test_an_ingest_into_the_server_stores_what_an_embedded_one_stores(
    embedded_home: IngestedHome, server_home: IngestedHome, chroma: ChromaServer
) -> None:
    assert server_home.outcome.report == embedded_home.outcome.report
    assert server_home.outcome.report.chunks_indexed > 300
    assert f"{COLLECTION}_g1" in server_collections(chroma.url)
    assert f"{COLLECTION}_g0" not in server_collections(chroma.url)  # nothing made just to be read
    assert not (server_home.settings.home / "stores" / "1" / "chroma").exists()  # no local vectors
    stored: list[dict[str, tuple[Any, list[float]]]] = []
    for home in (embedded_home, server_home):
        stores = open_stores(home.settings)
        try:
            stored.append(
                {
                    chunk.chunk_id: (chunk.model_dump(), vector)
                    for chunks, vectors in stores.vector_store.pages_with_vectors(500)
                    for chunk, vector in zip(chunks, vectors, strict=True)
                }
            )
        finally:
            stores.close()
    embedded, served = stored
    assert served.keys() == embedded.keys()
    for chunk_id, (chunk, vector) in embedded.items():
        assert served[chunk_id][0] == chunk  # text and every metadata field
        assert served[chunk_id][1] == pytest.approx(vector, abs=1e-6)


def test_retrieval_and_answers_are_the_same_as_with_embedded_chroma(
    embedded_home: IngestedHome, server_home: IngestedHome
) -> None:
    questions = question_spread()
    assert len(questions) > 40
    embedder = FakeHashingEmbedder()
    results: list[list[Any]] = []
    for home in (embedded_home, server_home):
        stores = open_stores(home.settings)
        assistant = build_assistant(home.settings, stores, embedder=embedder)
        users = build_user_directory(home.settings)
        rows: list[Any] = []
        for question, key in questions:
            user = users.authenticate(None if key == "anonymous" else key)
            dense = stores.vector_store.search(embedder.embed_query(question), 20, user)
            rows.append(
                (
                    [(chunk.chunk_id, score) for chunk, score in dense],
                    comparable(assistant.answer(question, user)),
                )
            )
        stores.close()
        results.append(rows)
    embedded, served = results
    for (question, _), expected, got in zip(questions, embedded, served, strict=True):
        assert_same_ranking(got[0], expected[0], question)
        assert got[1] == expected[1], question
    answered = [row for row in embedded if row[1]["citations"]]
    assert len(answered) > len(questions) // 2  # the spread really answers things
    assert any(row[1]["sql"] for row in embedded) and all(row[0] for row in embedded)


def assert_same_ranking(
    got: list[tuple[str, float]], expected: list[tuple[str, float]], question: str
) -> None:
    """The same nearest chunks with the same similarities (to float32 noise, ~1e-5): chunks of equal
    similarity may come in either order, and those tied with the last one may differ."""
    assert [score for _, score in got] == pytest.approx([score for _, score in expected], abs=1e-4), question
    last = expected[-1][1] + 1e-4
    clear = {chunk_id: score for chunk_id, score in expected if score > last}
    assert {chunk_id for chunk_id, score in got if score > last} == clear.keys(), question
    for chunk_id, score in got:
        if chunk_id in clear:
            assert score == pytest.approx(clear[chunk_id], abs=1e-4), question


def test_each_generation_has_its_own_collection_and_pruning_removes_the_old_ones(
    tmp_path: Path, chroma: ChromaServer, corpus_writer: Callable[[Path], Path]
) -> None:
    corpus = corpus_writer(tmp_path / "corpus")
    settings = settings_for(tmp_path / "home", chroma.url, collection="pruned")
    embedder = FakeHashingEmbedder()
    fresh = open_stores(settings)  # a server started on the new home reads the empty generation 0
    fresh.close()
    assert "pruned_g0" in server_collections(chroma.url)
    ingest(settings, [corpus / "documents", corpus / "catalogs"])
    assistant = build_assistant(settings, embedder=embedder)
    watcher = GenerationWatcher(
        settings,
        assistant,
        SourceCatalog(assistant.retriever.keyword_index),
        corpus_builder(settings, embedder=embedder),
        serving="1",
    )
    first = assistant.answer(QUESTION, User(key_id="anonymous"))
    assert first.citations

    answers, failures = answer_meanwhile(assistant, lambda: add_document(settings, corpus, "drone_permits"))

    assert failures == [] and answers and all(answer.answer == first.answer for answer in answers)
    assert {"pruned_g1", "pruned_g2"} <= server_collections(chroma.url)
    assert watcher.check() and watcher.serving == "2"
    assert "drone_permits" in str(assistant.answer("drone_permits flight permit", User(key_id="x")).citations)

    add_document(settings, corpus, "kite_permits")  # generation 3
    for name in ("1", "2"):  # generations 1 and 2 were replaced long ago
        published = StoreLayout(settings.home).paths_of(name).root / PUBLISHED_FILE
        os.utime(published, (time.time() - 3600, time.time() - 3600))
    add_document(settings, corpus, "balloon_permits")  # generation 4: 1 is pruned, 2 and 3 kept

    assert StoreLayout(settings.home).generation_names() == ["2", "3", "4"]
    assert {name for name in server_collections(chroma.url) if name.startswith("pruned_")} == {
        "pruned_g2",
        "pruned_g3",
        "pruned_g4",
    }
    watcher.stop()


def add_document(settings: Settings, corpus: Path, name: str) -> None:
    folder = corpus / "more"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(
        f"# {name}\n\nA {name} flight permit is requested seven days ahead.\n", encoding="utf-8"
    )
    assert ingest(settings, [folder]).published


def answer_meanwhile(assistant: Assistant, work: Callable[[], None]) -> tuple[list[Answer], list[str]]:
    """Answer QUESTION over and over in a thread while `work` runs."""
    answers: list[Answer] = []
    failures: list[str] = []
    done = threading.Event()

    def keep_answering() -> None:
        while not done.is_set():
            try:
                answers.append(assistant.answer(QUESTION, User(key_id="anonymous")))
            except Exception as error:  # noqa: BLE001 - collected and asserted on
                failures.append(repr(error))

    thread = threading.Thread(target=keep_answering)
    thread.start()
    try:
        work()
    finally:
        done.set()
        thread.join(timeout=30)
    return answers, failures


def test_a_restarted_server_keeps_its_data_and_a_server_without_it_is_named(
    server_home: IngestedHome, chroma: ChromaServer, tmp_path: Path
) -> None:
    settings = server_home.settings
    embedder = FakeHashingEmbedder()
    stores = open_stores(settings)
    count = stores.vector_store.count()
    assistant = build_assistant(settings, stores, embedder=embedder)
    before = comparable(assistant.answer(QUESTION, User(key_id="anonymous")))

    chroma.restart()

    # the assistant opened before the restart answers the same (its pooled connections were cut)
    assert comparable(assistant.answer(QUESTION, User(key_id="anonymous"))) == before
    reopened = open_stores(settings)
    assert reopened.vector_store.count() == count == server_home.outcome.report.chunks_indexed
    reopened.close()
    stores.close()

    empty = start_chroma_server(tmp_path / "another")  # the same home pointed at a server without its data
    try:
        with pytest.raises(CityQAError) as raised:
            open_stores(settings_for(settings.home, empty.url))
        assert raised.value.code is ErrorCode.UPSTREAM_FAILED
        assert f"holds no collection '{COLLECTION}_g1'" in raised.value.detail
        assert server_collections(empty.url) == set()  # and nothing was created there
    finally:
        empty.stop()


def test_a_backup_copies_the_server_collection_into_an_embedded_home(
    server_home: IngestedHome, tmp_path: Path
) -> None:
    settings = server_home.settings
    embedder = FakeHashingEmbedder()
    served = build_assistant(settings, embedder=embedder).answer(QUESTION, User(key_id="anonymous"))

    report = back_up(settings, tmp_path / "backup")

    assert report.generation == "1" and report.chunks == server_home.outcome.report.chunks_indexed
    assert (tmp_path / "backup" / "stores" / "1" / "chroma").is_dir()  # the vectors, embedded
    restored = settings_for(tmp_path / "backup")  # no CITYQA_CHROMA_URL
    again = build_assistant(restored, embedder=embedder).answer(QUESTION, User(key_id="anonymous"))
    assert comparable(again) == comparable(served)


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    monkeypatch.chdir(tmp_path)  # no .env of the work tree
    # nor its relative paths: `make test` exports CITYQA_API_KEYS_FILE=data/demo/api_keys.toml
    for name in (
        "CITYQA_LLM",
        "CITYQA_LLM_MODEL",
        "CITYQA_LLM_BASE_URL",
        "CITYQA_LLM_API_KEY",
        "CITYQA_API_KEYS_FILE",
    ):
        monkeypatch.delenv(name, raising=False)

    def run(*arguments: str, **environment: str) -> tuple[int, str]:
        for name, value in environment.items():
            monkeypatch.setenv(f"CITYQA_{name.upper()}", value)
        result = CliRunner().invoke(cli, list(arguments))
        return result.exit_code, " ".join(result.output.split())

    return run


def test_doctor_reports_the_chroma_server(
    server_home: IngestedHome, chroma: ChromaServer, run_cli: Callable[..., tuple[int, str]]
) -> None:
    code, output = run_cli("doctor", home=str(server_home.settings.home), chroma_url=chroma.url)

    assert code == 0, output
    assert f"Chroma server at {chroma.url}" in output and f"{COLLECTION}_g1" in output  # the table
    chunks = server_home.outcome.report.chunks_indexed
    assert (
        f"Chroma server check: ok: Chroma 1.0.0 at {chroma.url}: collection {COLLECTION}_g1 holds " in output
    )
    assert f"holds {chunks} chunks" in output


def test_a_chroma_server_that_is_down_fails_at_once_with_one_clear_error(
    server_home: IngestedHome, run_cli: Callable[..., tuple[int, str]]
) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = settings_for(server_home.settings.home, down)

    started = time.monotonic()
    with pytest.raises(CityQAError) as raised:
        open_stores(settings)
    assert time.monotonic() - started < 3
    assert raised.value.code is ErrorCode.UPSTREAM_FAILED
    assert f"the Chroma server at {down} does not answer (connection refused" in raised.value.detail
    with pytest.raises(CityQAError, match="does not answer"):
        ingest(settings, [DEMO_DIR / "tables"])
    assert StoreLayout(settings.home).current_name() == "1"  # nothing published

    for command in (("ask", QUESTION), ("doctor",)):
        code, output = run_cli(*command, home=str(settings.home), chroma_url=down)
        assert code == 1, output
        assert f"the Chroma server at {down} does not answer" in output and "Traceback" not in output
    assert "error: upstream_failed:" in run_cli("ask", QUESTION)[1]


def test_a_hung_chroma_server_fails_within_the_time_limit_and_readyz_says_not_ready(
    server_home: IngestedHome, chroma: ChromaServer
) -> None:
    settings = settings_for(server_home.settings.home, chroma.url, chroma_timeout_s=1.5)
    stores = open_stores(settings)
    assistant = build_assistant(settings, stores, embedder=FakeHashingEmbedder())
    users = build_user_directory(settings)
    application = create_app(
        assistant,
        users,
        SourceCatalog(stores.keyword_index),
        readiness=Readiness(probe=chroma_server_probe(settings)),
    )
    client = TestClient(application, raise_server_exceptions=False)
    assert client.get("/readyz").status_code == 200

    chroma.pause()  # accepts connections, answers nothing
    try:
        started = time.monotonic()
        with pytest.raises(CityQAError) as raised:
            assistant.answer(QUESTION, User(key_id="anonymous"))
        assert time.monotonic() - started < 6
        assert raised.value.code is ErrorCode.UPSTREAM_FAILED
        assert "no answer within the time limit" in raised.value.detail

        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["error_code"] == "not_ready"
        assert "does not answer" in ready.json()["detail"]
        chat = client.post("/api/chat", json={"question": QUESTION})
        assert chat.status_code == 502 and chat.json()["error_code"] == "upstream_failed"
        with pytest.raises(CityQAError, match="does not answer"):
            open_stores(settings)
    finally:
        chroma.resume()
    assert client.get("/readyz").status_code == 200
    assert client.post("/api/chat", json={"question": QUESTION}).status_code == 200
    stores.close()
