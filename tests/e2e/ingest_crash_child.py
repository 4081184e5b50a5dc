"""The ingest that tests/e2e/test_ingest_crash_safety.py kills, and the process that kills it.

`ingest_in_child`: `ingest_generation` with the fake embedder in a process of its own, telling a
marker file each step it reaches. It loads Kiwi first (seconds; kiwipiepy's worker threads do not
survive a fork, so it cannot be loaded before forking), says it is ready and waits for the go: the
kills land in the ingest itself, not in the start of a process.

`kill_after`: SIGKILL that process a delay after it marked a step.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from assistant.config import Settings
from assistant.fakes import FakeHashingEmbedder
from assistant.tokens import search_tokens_many
from ingestion.generations import GenerationOutcome, ingest_generation
from ingestion.loaders import SourceDefaults
from ingestion.pipeline import Ingestor, IngestProgress, IngestReport

# Small batches, each a little late: embedding becomes a stage of its own that a kill can land in.
EMBEDDING_BATCH_SIZE = 16
EMBEDDING_PAUSE_S = 0.03
# What the process does after the ingest returned, before it exits.
AFTER_INGEST_S = 0.3


class PausingEmbedder(Embeddings):
    """FakeHashingEmbedder's vectors, `pause_s` late for every batch of documents."""

    def __init__(self, pause_s: float = EMBEDDING_PAUSE_S) -> None:
        self.inner = FakeHashingEmbedder()
        self.pause_s = pause_s

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        time.sleep(self.pause_s)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def settings_for(home: Path) -> Settings:
    return Settings(_env_file=None, home=home, embedding_batch_size=EMBEDDING_BATCH_SIZE)  # type: ignore[call-arg]


class MarkerLog:
    """`<monotonic seconds> <event>` lines, each written with one write(2) (O_APPEND): a kill leaves
    whole lines. CLOCK_MONOTONIC is one clock for every process, so the test compares its own times."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def mark(self, event: str) -> None:
        if self.path is None:
            return
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, f"{time.monotonic():.6f} {event}\n".encode())
        finally:
            os.close(descriptor)


def read_markers(path: Path) -> list[tuple[float, str]]:
    """The events written so far, in order (a cut last line is left out)."""
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        moment, _, event = line.partition(" ")
        try:
            events.append((float(moment), event))
        except ValueError:
            continue
    return events


class _GenerationSteps(logging.Handler):
    """Marks the steps `ingestion.generations` logs: a leftover removed, a generation published."""

    def __init__(self, markers: MarkerLog) -> None:
        super().__init__(logging.INFO)
        self.markers = markers

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("published generation"):
            self.markers.mark("published")
        elif message.startswith("removing generation"):
            self.markers.mark("removed-leftover")


def ingest_marking_steps(
    home: Path,
    paths: list[Path],
    markers: MarkerLog,
    embedder: Embeddings,
    *,
    prune: bool,
    on_waiting: Callable[[], None] | None = None,
) -> GenerationOutcome:
    """`cityqa ingest PATHS [--prune]` (the CLI's call) on `home`, marking each step: go, run (the
    served generation is copied: the ingest into the new one begins), file <done>/<total>, saved
    (keyword index and manifest written), run-returned, published, returned."""
    generations_logger = logging.getLogger("ingestion.generations")
    handler = _GenerationSteps(markers)
    level = generations_logger.level
    generations_logger.addHandler(handler)
    generations_logger.setLevel(logging.INFO)

    def tell(progress: IngestProgress) -> None:
        if progress.report is not None:
            markers.mark("saved")
        elif progress.files_done:
            markers.mark(f"file {progress.files_done}/{progress.files_total}")

    def run(ingestor: Ingestor) -> IngestReport:
        markers.mark("run")
        report = ingestor.ingest(paths, SourceDefaults(), prune=prune, on_progress=tell)
        markers.mark("run-returned")
        return report

    markers.mark("go")
    try:
        outcome = ingest_generation(settings_for(home), run, embedder=embedder, on_waiting=on_waiting)
    finally:
        generations_logger.removeHandler(handler)
        generations_logger.setLevel(level)
    markers.mark("returned")
    return outcome


def ingest_in_child(home: str, paths: list[str], marker_file: str, prune: bool, test: Connection) -> None:
    """A child process's entry: warm up, say "ready" to the test, wait for its go, ingest (status 0
    when the ingest completed: published, or nothing to change)."""
    search_tokens_many(["부산 해운대구 인구 population of Haeundae-gu"])  # Kiwi and its worker threads
    # bm25s's progress bars would make tqdm create a multiprocessing lock, registered with the test's
    # resource tracker: a killed child never unregisters it ("leaked semaphore" at the session's end).
    tqdm.set_lock(threading.RLock())
    markers = MarkerLog(Path(marker_file))
    test.send("ready")
    test.recv()  # the go
    outcome = ingest_marking_steps(
        Path(home),
        [Path(path) for path in paths],
        markers,
        PausingEmbedder(),
        prune=prune,
        on_waiting=lambda: markers.mark("waiting"),
    )
    if outcome.report.failed:
        raise SystemExit(f"files failed: {outcome.report.failed}")
    # `cityqa ingest` prints its report and takes a while to exit after publishing (seconds, with
    # the model loaded): a kill can land there too.
    time.sleep(AFTER_INGEST_S)


def kill_after(pid: int, marker_file: str, anchor: str, delay_s: float, test: Connection) -> None:
    """A killer process's entry: say "armed" to the test, then SIGKILL process `pid` `delay_s` after
    `anchor` appears in `marker_file`; nothing when the process ends first. A process of its own: in
    a thread of the test the moment would wait for the GIL, which the test holds for long stretches."""
    target = os.pidfd_open(pid)  # opened while the process waits for its go: it can name no other
    try:
        ended = select.poll()
        ended.register(target, select.POLLIN)  # a pidfd is readable once its process has ended
        test.send("armed")
        test.close()
        deadline = time.monotonic() + 600
        while not (
            moments := [moment for moment, event in read_markers(Path(marker_file)) if event == anchor]
        ):
            if ended.poll(1) or time.monotonic() > deadline:
                return
        if not ended.poll(max(0, round((moments[0] + delay_s - time.monotonic()) * 1000))):
            signal.pidfd_send_signal(target, signal.SIGKILL)
    finally:
        os.close(target)
