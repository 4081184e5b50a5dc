"""Ingest jobs in SQLite (assistant/ingest_jobs.py): one job runs at a time across threads and
processes, a job whose runner process died is failed on the next claim, progress and the report
written by the ingest subprocess round-trip, cancelling."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.ingest_job_progress import JobProgressWriter
from assistant.ingest_jobs import (
    IngestJobStore,
    IngestOptions,
    JobProgress,
    JobReport,
    JobStatus,
    ProcessRef,
    process_ref,
)
from assistant.models import Classification
from ingestion.pipeline import IngestProgress
from ingestion.report import IngestReport

ME = process_ref(os.getpid())


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.fixture
def store(store_path: Path) -> IngestJobStore:
    return IngestJobStore(store_path)


def queue(store: IngestJobStore, name: str = "doc.md", **options: Any) -> str:
    return store.create("key_admin", [f"/srv/city/{name}"], IngestOptions(**options)).job_id


def dead_process() -> ProcessRef:
    """A process that has ended (its pid is free, or reused by another process)."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return ProcessRef(int(finished.stdout), "1")


def test_a_job_round_trips_from_queued_to_succeeded(store: IngestJobStore) -> None:
    job = store.create(
        "key_admin",
        ["/srv/city/docs", "/srv/city/t.csv"],
        IngestOptions(
            prune=True, draft_cards=True, classification=Classification.INTERNAL, departments=["인사과"]
        ),
    )
    assert job.job_id.startswith("j_") and len(job.job_id) == 18
    assert (job.status, job.requested_by, job.paths) == (
        JobStatus.QUEUED,
        "key_admin",
        ["/srv/city/docs", "/srv/city/t.csv"],
    )
    assert job.options.classification is Classification.INTERNAL and job.options.departments == ["인사과"]
    assert job.started_at is None and job.report is None and job.progress == JobProgress()

    claimed = store.claim_next(ME)
    assert claimed is not None and claimed.job_id == job.job_id
    assert claimed.status is JobStatus.RUNNING and claimed.started_at is not None

    progress = JobProgress(files_total=3, files_done=1, current_file="/srv/city/docs/a.md", chunks_indexed=4)
    assert store.write_progress(job.job_id, progress)
    report = JobReport(
        indexed=2, unchanged=0, failed=1, skipped=0, removed=0, chunks_indexed=9, failed_files=[]
    )
    assert store.write_report(job.job_id, report)
    finished = store.finish(job.job_id, JobStatus.SUCCEEDED)

    assert finished is not None and finished.status is JobStatus.SUCCEEDED and finished.finished_at
    assert finished.progress == progress and finished.report == report
    assert store.get(job.job_id) == finished
    # a finished job takes no more writes, and cannot be finished twice
    assert not store.write_progress(job.job_id, JobProgress(files_done=3))
    assert store.finish(job.job_id, JobStatus.FAILED, "late") is None
    assert store.get("j_unknown") is None


def test_jobs_are_claimed_oldest_first_and_listed_newest_first(store: IngestJobStore) -> None:
    first, second, third = (queue(store, name) for name in ("1.md", "2.md", "3.md"))
    assert [job.job_id for job in store.recent()] == [third, second, first]
    assert [job.job_id for job in store.recent(limit=2)] == [third, second]

    claimed = store.claim_next(ME)
    assert claimed is not None and claimed.job_id == first
    store.finish(first, JobStatus.SUCCEEDED)
    claimed = store.claim_next(ME)
    assert claimed is not None and claimed.job_id == second


def test_only_one_job_runs_at_a_time_across_threads(store_path: Path) -> None:
    stores = [IngestJobStore(store_path) for _ in range(8)]
    for number in range(5):
        queue(stores[0], f"{number}.md")
    start = threading.Barrier(len(stores))
    claimed: list[str] = []

    def claim(store: IngestJobStore) -> None:
        start.wait()
        job = store.claim_next(ME)
        if job is not None:
            claimed.append(job.job_id)

    for claims_so_far in (1, 2):  # a claim, then another once the first job has ended
        threads = [threading.Thread(target=claim, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(claimed) == claims_so_far, claimed
        stores[0].finish(claimed[-1], JobStatus.SUCCEEDED)

    oldest_two = [job.job_id for job in stores[0].recent()][-2:][::-1]
    assert claimed == oldest_two
    assert [job.status for job in stores[0].recent()].count(JobStatus.QUEUED) == 3


def claim_in_a_process(path: str, start: Any, claims: Any, done: Any) -> None:
    store = IngestJobStore(Path(path))
    start.wait(timeout=60)
    job = store.claim_next(process_ref(os.getpid()))
    claims.put(job.job_id if job else None)
    done.wait(timeout=60)  # stay alive (a running job's runner) until every process has claimed


def test_only_one_job_runs_at_a_time_across_processes(store: IngestJobStore, store_path: Path) -> None:
    for number in range(3):
        queue(store, f"{number}.md")
    context = multiprocessing.get_context("spawn")
    start, claims, done = context.Barrier(4), context.Queue(), context.Event()
    workers = [
        context.Process(target=claim_in_a_process, args=(str(store_path), start, claims, done))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    try:
        results = [claims.get(timeout=60) for _ in workers]
    finally:
        done.set()
        for worker in workers:
            worker.join(timeout=60)
    assert all(worker.exitcode == 0 for worker in workers)
    assert len([result for result in results if result]) == 1, results
    running = [job for job in store.recent() if job.status is JobStatus.RUNNING]
    assert [job.job_id for job in running] == [result for result in results if result]


def test_a_running_job_whose_runner_died_is_failed_on_the_next_claim(store: IngestJobStore) -> None:
    stale, waiting = queue(store, "stale.md"), queue(store, "waiting.md")
    assert store.claim_next(dead_process()) is not None  # its runner process then ends

    claimed = store.claim_next(ME)

    assert claimed is not None and claimed.job_id == waiting
    failed = store.get(stale)
    assert failed is not None and failed.status is JobStatus.FAILED and failed.finished_at
    assert failed.error and "server process running it" in failed.error and "ended" in failed.error


def test_a_live_runner_keeps_its_job_and_a_reused_pid_is_not_taken_for_it(store: IngestJobStore) -> None:
    queue(store, "running.md"), queue(store, "next.md")
    assert store.claim_next(ME) is not None
    assert store.claim_next(ME) is None  # the job of a live runner runs on: no second one

    assert ME.alive() and not ProcessRef(os.getpid(), "not-my-start-time").alive()
    assert not dead_process().alive()


def test_cancelling_a_queued_and_a_running_job(store: IngestJobStore) -> None:
    running, queued = queue(store, "a.md"), queue(store, "b.md")
    assert store.claim_next(ME) is not None
    store.set_process(running, ProcessRef(4242, "77"))

    cancelled_queued = store.cancel(queued, "cancelled by key_admin")
    cancelled_running = store.cancel(running, "cancelled by key_admin")

    assert cancelled_queued is not None and cancelled_queued[1] is None
    assert cancelled_queued[0].status is JobStatus.CANCELLED and cancelled_queued[0].finished_at
    assert cancelled_running is not None and cancelled_running[1] == ProcessRef(4242, "77")
    assert cancelled_running[0].error == "cancelled by key_admin"
    assert not store.write_progress(running, JobProgress(files_done=1)), "the subprocess must stop"
    assert store.finish(running, JobStatus.SUCCEEDED) is None, "the runner must not overwrite a cancel"
    with pytest.raises(CityQAError) as ended:
        store.cancel(queued, "again")
    assert ended.value.code is ErrorCode.CONFLICT and "cancelled" in ended.value.detail
    assert store.cancel("j_unknown", "x") is None


def progress(done: int, total: int = 3, report: IngestReport | None = None) -> IngestProgress:
    outcomes = {"indexed": done, "unchanged": 0, "failed": 0, "skipped": 0, "removed": 0}
    current = f"/srv/city/{done}.md" if done else None
    return IngestProgress(total, done, current, 2 * done, outcomes, report)


def test_the_progress_writer_writes_progress_throttled_and_the_report(store: IngestJobStore) -> None:
    job_id = queue(store)
    store.claim_next(ME)
    now = [100.0]
    writer = JobProgressWriter(store, job_id, interval_s=1.0, clock=lambda: now[0])
    written = store.get

    writer(progress(0))
    assert written(job_id).progress.files_total == 3  # type: ignore[union-attr]
    writer(progress(1))  # within the interval: not written
    assert written(job_id).progress.files_done == 0  # type: ignore[union-attr]
    now[0] += 1.5
    writer(progress(2))
    assert written(job_id).progress.files_done == 2  # type: ignore[union-attr]
    report = IngestReport(
        indexed=[("/srv/city/1.md", 2), ("/srv/city/2.md", 4)],
        failed=[("/srv/city/\udcff.md", "not UTF-8: \udcff")],
        skipped=[("/srv/city/.hidden", "hidden file")],
        removed=["/srv/city/gone.md"],
    )
    writer(progress(3, report=report))  # the last one is always written, with the report

    job = written(job_id)
    assert job is not None and job.progress.files_done == 3 and job.progress.chunks_indexed == 6
    assert job.progress.current_file == "/srv/city/3.md"
    assert job.report is not None
    assert (job.report.indexed, job.report.failed, job.report.skipped, job.report.removed) == (2, 1, 1, 1)
    assert job.report.chunks_indexed == 6
    assert [(item.path, item.reason) for item in job.report.failed_files] == [
        ("/srv/city/\ufffd.md", "not UTF-8: \ufffd")
    ]


def test_the_progress_writer_stops_the_run_once_the_job_is_cancelled(store: IngestJobStore) -> None:
    job_id = queue(store)
    store.claim_next(ME)
    writer = JobProgressWriter(store, job_id, interval_s=0)  # (its next write, at most 0.25 s later)
    writer(progress(0))
    store.cancel(job_id, "cancelled by key_admin")

    with pytest.raises(CityQAError) as stopped:
        writer(progress(1))

    assert stopped.value.code is ErrorCode.INGEST_FAILED and "not running" in stopped.value.detail
