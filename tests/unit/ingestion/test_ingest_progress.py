"""`Ingestor.ingest` tells its progress: once the files are found, after each file, and last with the
report; the context's listener hears runs given no callback; a listener that raises stops the run.
`cityqa ingest --job-id` writes a run's progress and report into the admin API's job."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.ingest_jobs import IngestJobStore, IngestOptions, JobStatus, process_ref
from ingestion.loaders import SourceDefaults
from ingestion.pipeline import IngestProgress, ingest_progress_listener


def test_progress_is_told_after_each_file_and_last_with_the_report(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()
    (corpus_dir / "documents" / "broken.pdf").write_bytes(b"not a pdf")
    told: list[IngestProgress] = []

    report = stack.ingestor.ingest(
        [corpus_dir / "documents", corpus_dir / "nowhere"], SourceDefaults(), on_progress=told.append
    )

    files = len(report.indexed) + len(report.unchanged) + len(report.failed) - 1  # "nowhere": not a file
    assert [progress.files_done for progress in told] == [0, *range(1, files + 1), files]
    assert {progress.files_total for progress in told} == {files}
    assert told[0].current_file is None and told[0].outcomes["failed"] == 1  # the missing path
    assert [progress.report for progress in told[:-1]] == [None] * (files + 1)
    assert told[-1].report is report and told[-1].chunks_indexed == report.chunks_indexed
    assert told[-1].outcomes == {
        "indexed": len(report.indexed),
        "unchanged": 0,
        "failed": 2,
        "skipped": len(report.skipped),
        "removed": 0,
    }
    done = [progress.current_file for progress in told[1:-1]]
    assert str(corpus_dir / "documents" / "broken.pdf") in done
    chunks = [progress.chunks_indexed for progress in told]
    assert chunks == sorted(chunks) and chunks[-1] > 0


def test_the_contexts_listener_hears_a_run_given_no_callback(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()
    told: list[IngestProgress] = []
    listening = ingest_progress_listener.set(told.append)
    try:
        report = stack.ingestor.ingest([corpus_dir / "documents"], SourceDefaults())
    finally:
        ingest_progress_listener.reset(listening)
    assert told and told[-1].report is report


def test_a_listener_that_raises_stops_the_run_between_files(make_stack, corpus_dir: Path) -> None:
    stack = make_stack()

    def stop_after_the_first_file(progress: IngestProgress) -> None:
        if progress.files_done == 1:
            raise CityQAError(ErrorCode.INGEST_FAILED, "cancelled")

    with pytest.raises(CityQAError, match="cancelled"):
        stack.ingestor.ingest(
            [corpus_dir / "documents"], SourceDefaults(), on_progress=stop_after_the_first_file
        )
    assert not stack.manifest_path.exists(), "a stopped run saves nothing"


def test_cityqa_ingest_with_a_job_id_writes_the_jobs_progress_and_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITYQA_HOME", str(tmp_path / "home"))
    store = IngestJobStore(Settings().state_path)
    folder = tmp_path / "docs"
    folder.mkdir()
    # hidden: skipped, so nothing needs the embedding model
    (folder / ".draft.md").write_text("a draft", encoding="utf-8")
    job_id = store.create("key_admin", [str(folder)], IngestOptions()).job_id
    store.claim_next(process_ref(os.getpid()))

    result = CliRunner().invoke(app, ["ingest", "--job-id", job_id, str(folder)])

    assert result.exit_code == 1 and "nothing to ingest" in " ".join(result.output.split())
    job = store.get(job_id)
    assert job is not None and job.status is JobStatus.RUNNING  # the runner ends it, from the exit code
    assert job.progress.files_total == 0 and job.progress.outcomes["skipped"] == 2
    assert job.report is not None and (job.report.indexed, job.report.skipped) == (0, 2)
    assert ingest_progress_listener.get() is None, "the listener ends with the command"


def test_cityqa_ingest_of_a_cancelled_job_stops_before_any_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITYQA_HOME", str(tmp_path / "home"))
    store = IngestJobStore(Settings().state_path)
    job_id = store.create("key_admin", [str(tmp_path)], IngestOptions()).job_id
    store.cancel(job_id, "cancelled by key_admin")

    result = CliRunner().invoke(app, ["ingest", "--job-id", job_id, str(tmp_path)])

    assert result.exit_code == 1
    assert f"ingest job {job_id} is not running" in " ".join(result.output.split())
