"""The job runner (assistant/ingest_job_runner.py) with real subprocesses: a stand-in for `cityqa
ingest --job-id` that reports through the real `JobProgressWriter` (no model is loaded); the exit code
and the CLI's error line decide the job's status; a running job can be cancelled or stopped; the
subprocess gets the server's settings."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ingest_job_doubles import FAKE_CITYQA_COMMAND
from pydantic import SecretStr

from assistant.config import LLMBackend, Settings
from assistant.ingest_job_runner import IngestJobRunner, cancel_job, job_arguments, settings_environment
from assistant.ingest_jobs import IngestJob, IngestJobStore, IngestOptions, JobStatus
from assistant.models import Classification


class RecordingObserver:
    def __init__(self) -> None:
        self.events: list[tuple[str, JobStatus]] = []

    def job_started(self, job: IngestJob) -> None:
        self.events.append(("started", job.status))

    def job_progressed(self, job: IngestJob) -> None:
        self.events.append(("progressed", job.status))

    def job_finished(self, job: IngestJob) -> None:
        self.events.append(("finished", job.status))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, home=tmp_path / "home")  # type: ignore[call-arg]


@pytest.fixture
def store(settings: Settings) -> IngestJobStore:
    return IngestJobStore(settings.state_path)


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()


@pytest.fixture
def runner(
    store: IngestJobStore, settings: Settings, observer: RecordingObserver
) -> Iterator[IngestJobRunner]:
    runner = IngestJobRunner(
        store,
        command=FAKE_CITYQA_COMMAND,
        environment=settings_environment(settings),
        observer=observer,
        poll_interval_s=0.1,
        progress_interval_s=0.1,
    )
    yield runner
    runner.stop()


def queue(store: IngestJobStore, name: str) -> str:
    return store.create("key_admin", [f"/srv/city/{name}"], IngestOptions()).job_id


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_job_that_succeeds(
    runner: IngestJobRunner, store: IngestJobStore, observer: RecordingObserver, caplog
) -> None:
    job_id = queue(store, "ok.md")
    with caplog.at_level(logging.INFO, logger="assistant.ingest_job_runner"):
        finished = runner.run_next()

    assert finished is not None and finished.job_id == job_id
    assert finished.status is JobStatus.SUCCEEDED and finished.error is None and finished.finished_at
    assert finished.progress.files_done == 1 and finished.progress.chunks_indexed == 3
    assert finished.report is not None and finished.report.indexed == 1 and finished.report.failed == 0
    assert observer.events[0] == ("started", JobStatus.RUNNING)
    assert observer.events[-1] == ("finished", JobStatus.SUCCEEDED)
    # the subprocess's stderr is in the server's log, under the job's id
    logged = [record.getMessage() for record in caplog.records]
    argv = next(line for line in logged if line.startswith(f"ingest job {job_id}: argv:"))
    assert json.loads(argv.partition("argv: ")[2]) == job_arguments(finished)
    assert runner.run_next() is None  # nothing left


def test_the_cli_error_line_is_the_reason_of_a_failed_job(
    runner: IngestJobRunner, store: IngestJobStore
) -> None:
    queue(store, "missing.md")
    finished = runner.run_next()
    assert finished is not None and finished.status is JobStatus.FAILED
    assert finished.error == "not_found: nothing to ingest: no ingestible files in /srv/city/missing.md"


def test_failed_files_fail_the_job_with_the_report(runner: IngestJobRunner, store: IngestJobStore) -> None:
    queue(store, "broken.md")
    finished = runner.run_next()
    assert finished is not None and finished.status is JobStatus.FAILED
    assert finished.error is not None and finished.error.startswith("1 file(s) failed")
    assert finished.report is not None
    assert [(item.path, item.reason) for item in finished.report.failed_files] == [
        ("/srv/city/broken.md", "cannot read the PDF")
    ]


def test_a_running_job_is_cancelled_and_its_subprocess_stopped(
    runner: IngestJobRunner, store: IngestJobStore, observer: RecordingObserver
) -> None:
    job_id = queue(store, "slow.md")
    runner.start()
    runner.wake()
    wait_for(lambda: store.get(job_id).progress.files_total == 1)  # type: ignore[union-attr]

    cancelled = cancel_job(store, job_id, "cancelled by key_admin")

    assert cancelled is not None and cancelled.status is JobStatus.CANCELLED
    wait_for(lambda: ("finished", JobStatus.CANCELLED) in observer.events, seconds=10)
    assert store.get(job_id).status is JobStatus.CANCELLED  # type: ignore[union-attr]
    later = queue(store, "ok.md")  # the runner goes on with the next job
    runner.wake()
    wait_for(lambda: store.get(later).status is JobStatus.SUCCEEDED)  # type: ignore[union-attr]


def test_stopping_the_runner_stops_and_fails_its_running_job(
    runner: IngestJobRunner, store: IngestJobStore
) -> None:
    job_id = queue(store, "slow.md")
    runner.start()
    wait_for(lambda: store.get(job_id).progress.files_total == 1)  # type: ignore[union-attr]

    runner.stop(timeout_s=10)

    job = store.get(job_id)
    assert job is not None and job.status is JobStatus.FAILED
    assert job.error == "the server stopped while the job ran"


def test_a_command_that_cannot_start_fails_the_job(store: IngestJobStore, tmp_path: Path) -> None:
    queue(store, "ok.md")
    finished = IngestJobRunner(store, command=[str(tmp_path / "no-such-cityqa")]).run_next()
    assert finished is not None and finished.status is JobStatus.FAILED
    assert finished.error is not None and finished.error.startswith("could not start cityqa ingest")


def test_job_arguments_carry_every_option() -> None:
    job = IngestJob.model_validate(
        {
            "job_id": "j_1",
            "status": "running",
            "requested_by": "key_admin",
            "paths": ["/srv/city/-odd.md", "/srv/city/docs"],
            "options": IngestOptions(
                prune=True, draft_cards=True, classification=Classification.RESTRICTED, departments=["인사과"]
            ),
            "created_at": "2026-12-08T00:00:00Z",
            "progress": {},
        }
    )
    assert job_arguments(job) == [
        "ingest",
        "--job-id",
        "j_1",
        "--classification",
        "restricted",
        "--department",
        "인사과",
        "--prune",
        "--draft-card",
        "--",
        "/srv/city/-odd.md",
        "/srv/city/docs",
    ]


def test_the_subprocess_gets_the_servers_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        home=Path("relative-home"),
        ingest_roots=[Path("/srv/city"), Path("docs")],
        llm=LLMBackend.OPENAI,
        llm_api_key=SecretStr("s3cret"),
        chunk_size=500,
    )
    base = {"PATH": "/usr/bin", "CITYQA_HOME": "/elsewhere", "CITYQA_TOP_K": "9"}

    environment = settings_environment(settings, base)

    assert environment["PATH"] == "/usr/bin"
    assert "CITYQA_TOP_K" not in environment, "a variable the server did not use is not passed on"
    assert environment["CITYQA_HOME"] == str(tmp_path / "relative-home")
    for name in [name for name in os.environ if name.startswith("CITYQA_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        if name.startswith("CITYQA_"):
            monkeypatch.setenv(name, value)
    again = Settings(_env_file=None)  # type: ignore[call-arg]
    assert again.home == tmp_path / "relative-home"
    assert again.ingest_roots == [Path("/srv/city"), tmp_path / "docs"]
    assert again.llm is LLMBackend.OPENAI and again.chunk_size == 500
    assert again.llm_api_key is not None and again.llm_api_key.get_secret_value() == "s3cret"
    assert again.top_k == Settings.model_fields["top_k"].default
