"""Crash safety of ingest (issue 11): kill -9 an ingest at random points, run it again, and the stores
agree with a clean ingest: the same chunk ids, no duplicates, no orphans between the vector store,
the keyword index, the warehouse and the manifest.

The scenario: a home with a published generation (state A: documents in Korean and English, two
catalogs, three statistics tables with their cards and SQL examples), then a second ingest that adds
files, changes some and removes others with --prune. That ingest runs in a real process (forked from
a forkserver that has the modules imported; the child loads Kiwi before the go) and a killer process
sends it SIGKILL at a seeded random point: spread over the whole measured run (each point told as a
step of the run plus a delay, so that the machine's load does not move it to another stage), plus
kills aimed at its end (closing the stores, comparing, publishing) and just after publishing. After
each kill the served generation is exactly state A or exactly the new state; the same ingest is run
again to completion and the home must then hold what a clean ingest (state A + the second ingest,
never killed, in a process too) holds. One trial kills the ingest while another one waits for the
home's lock; the waiting one is the re-run.

A last test does it once with the real `cityqa ingest` (the real MiniLM model) on a new home: killed
while it embeds and indexes, then run again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path

import numpy as np
import pytest
from ingest_crash_child import (
    AFTER_INGEST_S,
    MarkerLog,
    ingest_in_child,
    ingest_marking_steps,
    kill_after,
    read_markers,
    settings_for,
)

from assistant.factory import open_stores
from assistant.fakes import FakeHashingEmbedder
from assistant.models import Chunk, Classification, User
from assistant.store_layout import StoreLayout
from assistant.stores.vector_store import ChromaVectorStore
from ingestion.generations import KEEP_PREVIOUS
from ingestion.manifest import Manifest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / "data" / "demo"
DEMO_DOCUMENTS = (
    "citizen_complaints_handling_internal_ko.md",
    "data_governance_handbook_en.md",
    "open_data_request_procedure_en.html",
    "open_data_request_procedure_en.html.meta.yaml",
    "open_data_request_procedure_ko.md",
    "personnel_data_access_policy_en.md",
)
FIRST_TABLES = ("district_land_area", "population_by_district_2025", "traffic_fatal_accidents_2020")
CATALOG_ROWS = 60
SEED = 11
MIN_KILLS_LANDED = 10


# --- the corpus: state A, then the second ingest's changes ----------------------------------------


BEACH_NOTICE_TXT = """해수욕장 운영 안내 / Beach operations notice

부산시는 해운대와 광안리 해수욕장을 7월 1일부터 8월 31일까지 운영합니다.
The city operates Haeundae and Gwangalli beaches from 1 July to 31 August; lifeguards are on duty
from 09:00 to 18:00, and the daily visitor counts are published as open data the next morning.
"""

BEACH_SEASON_KO_MD = """---
title: 2025 해수욕장 개장 계획
classification: public
as_of: "2025-06-01"
---

# 2025 해수욕장 개장 계획

## 개장 기간

해운대 해수욕장은 6월 1일에 부분 개장하고 7월 1일에 전면 개장합니다.

## 방문객 통계

방문객 수는 지능형 CCTV로 집계하며, 구·군은 매일 공공데이터포털에 방문객 현황을 올립니다.
"""

HARBOUR_NOTES_TXT = """Harbour data notes

Container throughput at Busan New Port is reported monthly by the port authority in TEU.
부산항 컨테이너 물동량은 항만공사가 매월 TEU 단위로 발표합니다.
"""

ADDED_SECTION_KO = """

## 온라인 청구

정보공개 청구는 정보공개포털에서 온라인으로도 할 수 있으며, 접수 즉시 접수번호가 발급됩니다.
"""


def write_first_corpus(folder: Path, corpus_writer: Callable[[Path], Path]) -> list[Path]:
    """State A's files; returns the paths every ingest of this module is given."""
    corpus_writer(folder)  # documents/ (five .md, every classification) and catalogs/catalog.csv
    documents, catalogs, tables = folder / "documents", folder / "catalogs", folder / "tables"
    for name in DEMO_DOCUMENTS:
        shutil.copy(DEMO_DIR / "documents" / name, documents / name)
    (documents / "beach_operations_notice.txt").write_text(BEACH_NOTICE_TXT, encoding="utf-8")
    with (catalogs / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        sample_keys = {row[0] for row in csv.reader(handle)}
    with (DEMO_DIR / "catalogs" / "busan_datagokr_catalog.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    busan = [rows[0]] + [row for row in rows[1:] if row[0] not in sample_keys][:CATALOG_ROWS]
    with (catalogs / "busan_catalog.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(busan)
    tables.mkdir()
    for name in FIRST_TABLES:
        for suffix in (".yaml", ".csv"):
            shutil.copy(DEMO_DIR / "tables" / f"{name}{suffix}", tables / f"{name}{suffix}")
    shutil.copy(DEMO_DIR / "tables" / "examples.yaml", tables / "examples.yaml")
    return [documents, catalogs, tables]


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_corpus(folder: Path) -> None:
    """The second ingest's files: two documents and a table added, a document, a catalog and a
    table's data changed, a document and a table (card and data) removed (the run prunes)."""
    documents, tables = folder / "documents", folder / "tables"
    (documents / "beach_season_ko.md").write_text(BEACH_SEASON_KO_MD, encoding="utf-8")
    (documents / "harbour_notes_en.txt").write_text(HARBOUR_NOTES_TXT, encoding="utf-8")
    for suffix in (".yaml", ".csv"):
        shutil.copy(DEMO_DIR / "tables" / f"air_quality_by_district{suffix}", tables)
    with (documents / "open_data_request_procedure_ko.md").open("a", encoding="utf-8") as handle:
        handle.write(ADDED_SECTION_KO)
    replace_once(folder / "catalogs" / "catalog.csv", "방문객 현황에 대한", "방문객 현황(2025년 갱신)에 대한")
    replace_once(
        tables / "district_land_area.csv", "중구,Jung-gu,9,41153,3.01,", "중구,Jung-gu,9,41153,3.02,"
    )
    (documents / "personnel_policy.md").unlink()
    for suffix in (".yaml", ".csv"):
        (tables / f"traffic_fatal_accidents_2020{suffix}").unlink()


# --- what a home serves, checked for consistency ---------------------------------------------------


@dataclass(frozen=True)
class StoreContent:
    """What a generation holds, without what may differ between equal ingests (times, vectors)."""

    chunks: dict[str, str]  # chunk id -> digest of the chunk (source, text, metadata)
    vectors: dict[str, str]  # chunk id -> digest of its vector in Chroma
    manifest: dict[str, tuple[str, tuple[str, ...], str, int, tuple[str, ...]]]
    tables: dict[str, tuple[tuple[str, ...], int, str]]  # name -> columns, rows, digest of the rows
    cards: dict[str, str]
    sql_examples: bytes


def chunk_digest(chunk: Chunk) -> str:
    fields = chunk.model_dump(mode="json", exclude={"chunk_id"})
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def served_content(home: Path) -> tuple[str, StoreContent]:
    """The served generation's name and content, after checking that its stores agree: no duplicate
    chunk ids; the same chunks in Chroma (rows and HNSW index) and in the BM25 index (chunks and
    saved matrix); every chunk's source in the manifest and every manifest entry's chunks in both
    indexes; a warehouse table (with its card) for every table source and no other."""
    layout = StoreLayout(home)
    name = layout.current_name()
    paths = layout.paths_of(name)
    assert paths.root.is_dir() and paths.manifest.exists(), f"generation {name!r} of {home} is not there"
    stores = open_stores(settings_for(home), paths)
    try:
        vector_chunks = stores.vector_store.get_chunks()
        vector_ids = [chunk.chunk_id for chunk in vector_chunks]
        assert len(vector_ids) == len(set(vector_ids)) == stores.vector_store.count()
        vectors = {
            chunk.chunk_id: hashlib.sha256(np.asarray(vector, dtype=np.float32).tobytes()).hexdigest()
            for page_chunks, page_vectors in stores.vector_store.pages_with_vectors()
            for chunk, vector in zip(page_chunks, page_vectors, strict=True)
        }
        assert set(vectors) == set(vector_ids)
        _check_vector_index(stores.vector_store, vector_chunks)

        lines = (paths.keyword_index / "chunks.jsonl").read_bytes().split(b"\n")
        keyword_ids = [json.loads(line)["chunk"]["chunk_id"] for line in lines if line.strip()]
        assert len(keyword_ids) == len(set(keyword_ids)), "a chunk id twice in the keyword index"
        keyword_index = stores.keyword_index
        keyword_index.warm_up()
        assert keyword_index.model_origin == "loaded", "the saved BM25 matrix is not the chunks' one"
        keyword_chunks = {chunk.chunk_id: chunk_digest(chunk) for chunk in keyword_index.chunks()}
        chunks = {chunk.chunk_id: chunk_digest(chunk) for chunk in vector_chunks}
        assert chunks == keyword_chunks, "Chroma and the keyword index hold different chunks"

        manifest = Manifest.load(paths.manifest)
        chunks_per_source: dict[str, int] = {}
        for chunk in vector_chunks:
            chunks_per_source[chunk.source_id] = chunks_per_source.get(chunk.source_id, 0) + 1
        manifest_sources = [source for entry in manifest.files.values() for source in entry.source_ids]
        assert len(manifest_sources) == len(set(manifest_sources)), "a source id in two manifest entries"
        assert set(chunks_per_source) <= set(manifest_sources), "chunks of sources the manifest lacks"
        for key, entry in manifest.files.items():
            counted = sum(chunks_per_source.get(source, 0) for source in entry.source_ids)
            assert counted == entry.chunks, (
                f"{key}: manifest says {entry.chunks} chunks, indexes hold {counted}"
            )
            for source in entry.source_ids:
                assert chunks_per_source.get(source), f"manifest source {source} has no chunk"

        warehouse = stores.warehouse
        table_columns, cards = warehouse.tables(), warehouse.cards()
        table_sources = {
            source.removeprefix("table:") for source in manifest_sources if source.startswith("table:")
        }
        assert set(table_columns) == table_sources == set(cards), "warehouse tables and table sources differ"
        tables = {}
        for table, columns in table_columns.items():
            result = warehouse.run_readonly(f'SELECT * FROM "{table}"', 10_000, 100_000, tables=[table])
            assert not result.truncated
            rows = sorted(json.dumps(row, default=str, ensure_ascii=False) for row in result.rows)
            tables[table] = (tuple(columns), len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    finally:
        stores.close()
    content = StoreContent(
        chunks=chunks,
        vectors=vectors,
        manifest={
            key: (entry.sha256, tuple(entry.source_ids), entry.kind, entry.chunks, tuple(entry.skipped_parts))
            for key, entry in manifest.files.items()
        },
        tables=tables,
        cards={table: card.model_dump_json() for table, card in cards.items()},
        sql_examples=paths.sql_examples.read_bytes() if paths.sql_examples.exists() else b"",
    )
    return name, content


def _check_vector_index(vector_store: ChromaVectorStore, chunks: list[Chunk]) -> None:
    """Chroma's HNSW index holds the rows: a search as wide as the visible chunks finds all of them."""
    reader = User(key_id="crash_test", clearance=Classification.RESTRICTED)
    visible = {chunk.chunk_id for chunk in chunks if reader.may_see(chunk.classification, chunk.departments)}
    first_page = next(vector_store.pages_with_vectors(1), None)
    if first_page is None:
        assert not chunks
        return
    hits = vector_store.search(first_page[1][0], len(visible), reader)
    assert {chunk.chunk_id for chunk, _ in hits} == visible, "Chroma's vector index and its rows differ"


def check_generation_folders(home: Path) -> list[str]:
    """No generation newer than the served one; at most KEEP_PREVIOUS + 1 older ones."""
    layout = StoreLayout(home)
    current = int(layout.current_name())
    names = layout.generation_names()
    assert all(int(name) <= current for name in names), f"unpublished generations left: {names}"
    assert len([name for name in names if int(name) < current]) <= KEEP_PREVIOUS + 1, names
    return names


def differences(content: StoreContent, expected: StoreContent) -> list[str]:
    """What differs, briefly (an assertion message a person can read)."""
    found = []
    if content.chunks != expected.chunks:
        missing, extra = (
            set(expected.chunks) - set(content.chunks),
            set(content.chunks) - set(expected.chunks),
        )
        changed = [
            cid
            for cid in set(content.chunks) & set(expected.chunks)
            if content.chunks[cid] != expected.chunks[cid]
        ]
        found.append(
            f"chunks: missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}, changed {changed[:5]}"
        )
    if content.vectors != expected.vectors:
        found.append("vectors")
    for name in ("manifest", "tables", "cards"):
        mine, theirs = getattr(content, name), getattr(expected, name)
        if mine != theirs:
            keys = sorted(key for key in set(mine) | set(theirs) if mine.get(key) != theirs.get(key))
            found.append(f"{name}: {keys[:5]}")
    if content.sql_examples != expected.sql_examples:
        found.append("sql examples")
    return found


# --- ingest processes ------------------------------------------------------------------------------


@dataclass
class IngestProcess:
    """A forked `ingest_in_child`: ready once Kiwi is loaded, ingesting from `go()` on."""

    process: BaseProcess
    connection: Connection  # the child says "ready" on it, and waits for the go
    markers: Path
    ready: bool = False
    went_at: float = 0.0

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def go(self) -> float:
        self.wait_until_ready()
        self.went_at = time.monotonic()
        self.connection.send("go")
        return self.went_at

    def wait_until_ready(self) -> None:
        if not self.ready:
            assert self.connection.poll(180), "the ingest process did not get ready"
            assert self.connection.recv() == "ready"
            self.ready = True

    def ended(self, timeout: float = 300) -> int | None:
        """The exit status, once the process ended (-9: killed)."""
        self.process.join(timeout)
        self.connection.close()
        return self.process.exitcode

    def events(self) -> list[tuple[float, str]]:
        return [(moment - self.went_at, event) for moment, event in read_markers(self.markers)]

    def wait_for_event(self, wanted: str, timeout: float = 120) -> float:
        """When the process marked `wanted` (time.monotonic), polled every millisecond."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ended = self.process.exitcode is not None
            for moment, event in read_markers(self.markers):
                if event == wanted:
                    return moment
            assert not ended, f"the ingest process ended without {wanted!r}"
            time.sleep(0.001)
        raise AssertionError(f"no {wanted!r} from the ingest process in {timeout} s")


def start_ingest_process(
    context: ForkServerContext, home: Path, paths: list[Path], markers: Path
) -> IngestProcess:
    here, there = context.Pipe()
    process = context.Process(
        target=ingest_in_child,
        args=(str(home), [str(path) for path in paths], str(markers), True, there),
        daemon=True,
    )
    process.start()
    there.close()
    return IngestProcess(process, here, markers)


FORKSERVER_PRELOAD = [
    "pytest",  # a child runs the parent's main script (pytest's) again, as __mp_main__
    "assistant.factory",
    "assistant.fakes",
    "assistant.tokens",
    "ingestion.generations",
    "kiwipiepy",  # the module only: Kiwi's worker threads would not survive the fork
    "chromadb.api.rust",
    "bm25s",
]


@pytest.fixture(scope="module")
def forkserver() -> ForkServerContext:
    """Children forked from a server that has imported the modules an ingest uses: a child starts
    in milliseconds, and its run does not include seconds of importing chromadb's bindings or bm25s.
    (Python 3.11's forkserver ignores the test's sys.path, so this module's helper is imported by
    each child; the modules named here are found from the working directory or the venv.)"""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)
    return context


@dataclass
class Trial:
    """One kill on a fresh copy of state A, `delay_s` after the run marked `anchor`. `kind`: "spread"
    (a point in its share of the clean run: see `kill_points`), "saved" (after the manifest is
    saved: closing, comparing, publishing), "published" (after publishing) or "lock" (after another
    ingest began waiting for the home's lock: that one is the re-run)."""

    number: int
    kind: str
    home: Path
    child: IngestProcess
    waiter: IngestProcess | None
    anchor: str = ""  # the step of the run (the waiter's "waiting" for a lock trial) the delay follows
    delay_s: float = 0.0
    landed: bool = False
    last_event: str = ""
    published_before_kill: bool = False
    rerun_published: bool = False
    generations: list[str] = field(default_factory=list)

    def wait_until_ready(self) -> None:
        for process in (self.child, self.waiter):
            if process is not None:
                process.wait_until_ready()

    def kill(self, context: ForkServerContext) -> None:
        """Let the ingest go (and, for a lock trial, the waiting one once the first holds the lock);
        a killer process (`kill_after`) kills it `delay_s` after it marked `anchor`."""
        markers = (self.waiter or self.child).markers
        here, there = context.Pipe()
        killer = context.Process(
            target=kill_after,
            args=(self.child.pid, str(markers), self.anchor, self.delay_s, there),
            daemon=True,
        )
        killer.start()
        there.close()
        assert here.poll(60) and here.recv() == "armed", "the killer process did not start"
        here.close()
        self.child.go()
        if self.waiter is not None:
            self.child.wait_for_event("run")  # it holds the lock and has copied the served generation
            self.waiter.go()
        self.landed = self.child.ended() == -signal.SIGKILL
        killer.join(60)
        events = self.child.events()
        self.last_event = events[-1][1] if events else ""

    def line(self) -> str:
        where = "after publish" if self.published_before_kill else "before publish"
        landed = "" if self.landed else " (the ingest had ended: no kill)"
        return (
            f"trial {self.number:2d} {self.kind:9s} {self.anchor:>11s} +{self.delay_s:5.3f} s"
            f"  last step: {self.last_event or '-':17s} {where}{landed};"
            f" re-run published: {self.rerun_published}; generations {self.generations}"
        )


SPREAD_KILLS = 7
TRIAL_KINDS = ["spread"] * SPREAD_KILLS + ["saved", "saved", "published", "lock"]


def kill_points(steps: list[tuple[float, str]], rng: random.Random) -> list[tuple[str, float]]:
    """For each trial, a seeded point of the clean run's `steps` ((seconds after the go, step), in
    order): the step to wait for and the delay after it. A spread trial's moment is drawn from its
    share of the whole run (to its exit) and told as the last step the clean run had reached by then
    plus the rest: so a kill lands at that point of the run even when the machine's load makes this
    run slower or faster than the clean one."""
    at = {event: moment for moment, event in steps}
    duration = at["returned"] + AFTER_INGEST_S
    points = []
    for number, kind in enumerate(TRIAL_KINDS, start=1):
        if kind == "spread":
            moment = rng.uniform(number - 1, number) * duration / SPREAD_KILLS
            reached, step = [(when, event) for when, event in steps if when <= moment][-1]
            points.append((step, moment - reached))
        elif kind == "saved":  # closing the stores, comparing, writing PUBLISHED, fsync, CURRENT
            points.append(("saved", rng.uniform(0, at["published"] - at["saved"])))
        elif kind == "published":  # removing replaced generations, returning, exiting
            points.append(("published", rng.uniform(0, AFTER_INGEST_S / 2)))
        else:  # after the second ingest began waiting for the lock
            points.append(("waiting", rng.uniform(0, at["returned"] - at["run"])))
    return points


@dataclass
class Scenario:
    """State A, the second ingest, and what a clean second ingest left (the reference)."""

    paths: list[Path]
    first_generation: str
    first_content: StoreContent
    generation: str
    expected: StoreContent

    def check_served_after_kill(self, trial: Trial) -> None:
        """(a) the served generation is state A or the whole new state, never a mix (not for a lock
        trial: its waiting ingest goes on at once)."""
        served, content = served_content(trial.home)
        trial.published_before_kill = served != self.first_generation
        wanted = self.expected if trial.published_before_kill else self.first_content
        assert content == wanted, (trial.line(), differences(content, wanted))

    def run_again_and_compare(self, trial: Trial) -> None:
        """(b) the same ingest again, to completion, leaves what the clean ingest left."""
        if trial.waiter is None:
            again = ingest_marking_steps(
                trial.home, self.paths, MarkerLog(None), FakeHashingEmbedder(), prune=True
            )
            assert not again.report.failed, again.report.failed
            trial.rerun_published = again.published
            assert again.published != trial.published_before_kill, (
                trial.line(),
                "a re-run publishes exactly when the killed run had not",
            )
        else:
            assert trial.waiter.ended() == 0, "the waiting ingest did not complete after the kill"
            trial.rerun_published = any(event == "published" for _, event in trial.waiter.events())
            trial.published_before_kill = not trial.rerun_published
        generation, content = served_content(trial.home)
        trial.generations = check_generation_folders(trial.home)
        assert generation == self.generation, trial.line()
        assert content == self.expected, (trial.line(), differences(content, self.expected))
        shutil.rmtree(trial.home)


def test_ingest_killed_at_random_points_then_run_again_matches_a_clean_ingest(
    tmp_path: Path, forkserver: ForkServerContext, corpus_writer: Callable[[Path], Path]
) -> None:
    started = time.monotonic()
    corpus = tmp_path / "corpus"
    paths = write_first_corpus(corpus, corpus_writer)
    first_home = tmp_path / "state_a"
    first = ingest_marking_steps(first_home, paths, MarkerLog(None), FakeHashingEmbedder(), prune=True)
    assert first.published and not first.report.failed, first.report.failed
    first_generation, first_content = served_content(first_home)
    change_corpus(corpus)

    def start_ingest(home: Path, name: str) -> IngestProcess:
        return start_ingest_process(forkserver, home, paths, tmp_path / f"{name}.markers")

    def prepare(number: int) -> Trial:
        """A trial's home and process(es), started a trial ahead: they load Kiwi meanwhile."""
        kind, home = TRIAL_KINDS[number - 1], tmp_path / f"trial_{number}"
        shutil.copytree(first_home, home)
        waiter = start_ingest(home, f"trial_{number}_waiter") if kind == "lock" else None
        return Trial(number, kind, home, start_ingest(home, f"trial_{number}"), waiter)

    # The clean ingest, in a process like the killed ones: the reference, and the run's steps.
    reference_home = tmp_path / "reference"
    shutil.copytree(first_home, reference_home)
    reference = start_ingest(reference_home, "reference")
    upcoming = prepare(1)
    reference.go()
    assert reference.ended() == 0
    steps = reference.events()
    generation, expected = served_content(reference_home)
    assert generation == str(int(first_generation) + 1)
    assert differences(expected, first_content), "the second ingest must change the stores"
    check_generation_folders(reference_home)
    scenario = Scenario(paths, first_generation, first_content, generation, expected)
    points = kill_points(steps, random.Random(SEED))

    # Each trial's ingest runs and is killed (a thread lets it go and waits for its end) while the
    # trial before is run again here.
    trials: list[Trial] = []
    with ThreadPoolExecutor(max_workers=1) as killer:
        for number in range(1, len(TRIAL_KINDS) + 1):
            trial = upcoming
            trial.anchor, trial.delay_s = points[number - 1]
            trial.wait_until_ready()
            if number < len(TRIAL_KINDS):
                upcoming = prepare(number + 1)
            killing = killer.submit(trial.kill, forkserver)
            if trials:
                scenario.run_again_and_compare(trials[-1])
            killing.result(timeout=300)
            if trial.waiter is None:
                scenario.check_served_after_kill(trial)
            trials.append(trial)
        scenario.run_again_and_compare(trials[-1])

    summary = "\n".join(trial.line() for trial in trials)
    landed = [trial for trial in trials if trial.landed]
    before = sum(not trial.published_before_kill for trial in landed)
    clean_run = ", ".join(
        f"{event} {moment:.2f} s" for moment, event in steps if not event.startswith("file")
    )
    print(
        f"\n{summary}\nkills landed: {len(landed)} of {len(trials)} ({before} before publish, "
        f"{len(landed) - before} after); clean run: {clean_run}; test {time.monotonic() - started:.1f} s"
    )
    assert len(landed) >= MIN_KILLS_LANDED, summary
    assert 0 < before < len(landed), f"kills must land both before and after publishing:\n{summary}"


# --- the real CLI, once ------------------------------------------------------------------------------


def cityqa_ingest(home: Path, paths: list[Path]) -> subprocess.Popen[bytes]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("CITYQA_")}
    environment.update(CITYQA_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    command = [str(Path(sys.executable).parent / "cityqa"), "ingest", *map(str, paths)]
    return subprocess.Popen(
        command, env=environment, cwd=home.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def test_cityqa_ingest_killed_mid_run_then_run_again_matches_a_clean_ingest(
    tmp_path: Path, corpus_writer: Callable[[Path], Path]
) -> None:
    corpus = corpus_writer(tmp_path / "corpus")
    (corpus / "tables").mkdir()
    for suffix in (".yaml", ".csv"):
        shutil.copy(DEMO_DIR / "tables" / f"district_land_area{suffix}", corpus / "tables")
    paths = [corpus / "documents", corpus / "catalogs", corpus / "tables"]
    home = tmp_path / "home"
    home.mkdir()
    layout = StoreLayout(home)

    killed = cityqa_ingest(home, paths)
    again: subprocess.Popen[bytes] | None = None
    try:
        started = time.monotonic()
        chroma = layout.directory / "1" / "chroma"
        # Kill once the first vectors are in the new generation (Chroma made its vector segment's
        # folder): the model is loaded and the run is embedding and indexing.
        while not (chroma.is_dir() and any(path.is_dir() for path in chroma.iterdir())):
            assert killed.poll() is None, "the ingest ended before it wrote a vector"
            assert time.monotonic() - started < 300, "the ingest wrote no vector in 300 s"
            time.sleep(0.01)
        time.sleep(random.Random(SEED).uniform(0, 0.5))
        assert killed.poll() is None, "the ingest ended before the kill: nothing was tested"
        killed.send_signal(signal.SIGKILL)
        assert killed.wait(30) == -signal.SIGKILL
        killed_after = time.monotonic() - started
        left = sorted(
            path.relative_to(layout.directory).as_posix() for path in (layout.directory / "1").iterdir()
        )
        # nothing was published: the home still serves the empty generation, a partial one lies beside
        assert layout.current_name() == "0", left

        again = cityqa_ingest(home, paths)
        reference_home = tmp_path / "reference"  # built while the re-run loads its model
        clean = ingest_marking_steps(
            reference_home, paths, MarkerLog(None), FakeHashingEmbedder(), prune=False
        )
        assert clean.published and not clean.report.failed
        output, _ = again.communicate(timeout=300)
        assert again.returncode == 0, output.decode()
        assert "serving generation 1" in output.decode()
    finally:
        for process in (killed, again):
            if process is not None:
                if process.poll() is None:
                    process.kill()
                process.wait(30)
                if process.stdout is not None:
                    process.stdout.close()

    generation, content = served_content(home)
    reference_generation, expected = served_content(reference_home)
    assert generation == reference_generation == "1"
    # the real model's vectors, the fake's in the reference: all but the vectors are the same
    assert replace(content, vectors={}) == replace(expected, vectors={}), differences(content, expected)
    assert set(content.vectors) == set(expected.vectors)
    assert check_generation_folders(home) == ["1"]
    print(f"\ncityqa ingest killed {killed_after:.1f} s after its start, leaving {left}; run again: ok")
