"""The server side of the admin API's ingest jobs: a thread in each server process that claims the
oldest queued job (one at a time across all of them, see assistant/ingest_jobs.py) and runs it as
`cityqa ingest --job-id <id> …` in a subprocess, so the server's own memory and stores are never
written: the ingest publishes a new generation of the stores and the servers switch to it.

The subprocess gets the server's settings as CITYQA_* variables (`settings_environment`), so it
ingests into the home the server answers from; its stderr goes to the server's log, line by line,
under the job's id. While it runs, the runner reads the job's progress (which the subprocess writes)
for its observer (the ingest metrics); when it ends, the exit code decides the job's status: 0
succeeded; otherwise failed, with the CLI's error line, or the count of failed files.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol

from pydantic import SecretStr

from assistant.config import Settings
from assistant.ingest_jobs import IngestJob, IngestJobStore, JobStatus, process_ref

logger = logging.getLogger(__name__)

# `cityqa` run by this interpreter (assistant/cli.py has no `__main__` block).
CITYQA_COMMAND = (sys.executable, "-c", "from assistant.cli import main; main()")
FILES_FAILED_EXIT_CODE = 2  # `cityqa ingest`: the run ended, but some files failed
_ERROR_TAIL_LINES = 40


class JobObserver(Protocol):
    """Told of the jobs this process runs: started, progressed (the job as it is now), finished."""

    def job_started(self, job: IngestJob) -> None: ...
    def job_progressed(self, job: IngestJob) -> None: ...
    def job_finished(self, job: IngestJob) -> None: ...


def job_arguments(job: IngestJob) -> list[str]:
    """The `cityqa` arguments that run `job`."""
    options = job.options
    arguments = ["ingest", "--job-id", job.job_id, "--classification", options.classification.value]
    for department in options.departments:
        arguments += ["--department", department]
    arguments += ["--prune"] if options.prune else []
    arguments += ["--draft-card"] if options.draft_cards else []
    return [*arguments, "--", *job.paths]


def settings_environment(settings: Settings, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) without its CITYQA_* variables, plus one for every
    setting given explicitly (in the environment, the .env file or in code): a subprocess's `Settings()`
    then equals `settings`. Relative paths are made absolute (the subprocess may run elsewhere)."""
    inherited = os.environ if base is None else base
    environment = {name: value for name, value in inherited.items() if not name.startswith("CITYQA_")}
    for name in sorted(settings.model_fields_set):
        value = getattr(settings, name)
        if value is not None:
            environment[f"CITYQA_{name.upper()}"] = _environment_value(value)
    return environment


def _environment_value(value: object) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value.absolute())
    if isinstance(value, list | tuple):
        return json.dumps([_environment_value(item) for item in value], ensure_ascii=False)
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


class IngestJobRunner:
    """Claims and runs jobs in a background thread (`start`); `wake` makes it look at once (a job was
    just queued), otherwise it looks every `poll_interval_s`. `run_next` runs one job in the caller's
    thread (for tests and one-off tools)."""

    def __init__(
        self,
        store: IngestJobStore,
        *,
        command: Sequence[str] = CITYQA_COMMAND,
        environment: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        observer: JobObserver | None = None,
        poll_interval_s: float = 2.0,
        progress_interval_s: float = 0.5,
    ) -> None:
        self.store = store
        self.command = list(command)
        self.environment = dict(environment) if environment is not None else None
        self.cwd = cwd
        self.observer = observer
        self.poll_interval_s = poll_interval_s
        self.progress_interval_s = progress_interval_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        with self._start_lock:
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(target=self._loop, name="cityqa-ingest-jobs", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the thread; a job running now is stopped too (its subprocess gets SIGTERM) and fails."""
        self._stopping.set()
        self._wake.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def run_next(self) -> IngestJob | None:
        """Claim the next job and run it to its end; None when no job could be claimed."""
        job = self.store.claim_next(process_ref(os.getpid()))
        return None if job is None else self._run(job)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                while not self._stopping.is_set() and self.run_next() is not None:
                    pass
            except Exception:  # the thread must outlive a failure (a locked database, a full disk …)
                logger.exception("ingest job runner: a claim or run failed; retrying")
            self._wake.wait(self.poll_interval_s)
            self._wake.clear()

    def _run(self, job: IngestJob) -> IngestJob:
        logger.info("ingest job %s started: %s", job.job_id, " ".join(job.paths))
        self._tell("job_started", job)
        environment = dict(os.environ if self.environment is None else self.environment)
        environment["COLUMNS"] = "4000"  # rich's width: the CLI's error line stays one line
        try:
            process = subprocess.Popen(
                [*self.command, *job_arguments(job)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
                env=environment,
                cwd=self.cwd,
                start_new_session=True,  # a Ctrl-C of the server is not the ingest's: `stop` ends it
            )
        except OSError as error:
            return self._end(job, 1, deque([f"error: could not start cityqa ingest: {error}"]))
        self._process = process
        self.store.set_process(job.job_id, process_ref(process.pid))
        tail: deque[str] = deque(maxlen=_ERROR_TAIL_LINES)
        assert process.stderr is not None
        reader = threading.Thread(target=_log_lines, args=(process.stderr, job.job_id, tail), daemon=True)
        reader.start()
        while True:
            try:
                returncode = process.wait(timeout=self.progress_interval_s)
                break
            except subprocess.TimeoutExpired:
                now = self.store.get(job.job_id)
                if now is not None:
                    self._tell("job_progressed", now)
        reader.join(timeout=10)
        self._process = None
        return self._end(job, returncode, tail)

    def _end(self, job: IngestJob, returncode: int, tail: deque[str]) -> IngestJob:
        status, error = JobStatus.SUCCEEDED, None
        if returncode != 0:
            status, error = JobStatus.FAILED, self._failure(job, returncode, tail)
        # None: the job was cancelled (or given up) while it ran; it keeps that status.
        finished = self.store.finish(job.job_id, status, error) or self.store.get(job.job_id) or job
        logger.info("ingest job %s ended: %s (%s)", job.job_id, finished.status.value, finished.error or "ok")
        self._tell("job_finished", finished)
        return finished

    def _failure(self, job: IngestJob, returncode: int, tail: deque[str]) -> str:
        if self._stopping.is_set():
            return "the server stopped while the job ran"
        lines = list(tail)
        starts = [number for number, line in enumerate(lines) if line.startswith("error:")]
        if starts:  # the CLI's one error line (wrapped to the console's width: joined again)
            return " ".join(line.strip() for line in lines[starts[-1] :]).removeprefix("error:").strip()
        now = self.store.get(job.job_id)
        if returncode == FILES_FAILED_EXIT_CODE and now is not None and now.report and now.report.failed:
            count = now.report.failed
            return f"{count} file(s) failed (see report.failed_files); the other files were ingested"
        if returncode < 0:
            return f"cityqa ingest was stopped by signal {-returncode}"
        last = f": {lines[-1]}" if lines else ""
        return f"cityqa ingest ended with exit code {returncode}{last}"

    def _tell(self, event: str, job: IngestJob) -> None:
        if self.observer is None:
            return
        try:
            getattr(self.observer, event)(job)
        except Exception:  # metrics must never fail a job
            logger.exception("ingest job observer failed on %s", event)


def _log_lines(stream: IO[str], job_id: str, tail: deque[str]) -> None:
    with stream:
        for line in stream:
            text = line.rstrip()
            if text:
                tail.append(text)
                logger.info("ingest job %s: %s", job_id, text)


def cancel_job(store: IngestJobStore, job_id: str, reason: str) -> IngestJob | None:
    """Cancel a queued or running job (a running one's subprocess gets SIGTERM, and stops at its next
    file if the signal cannot reach it); None when there is no such job; CONFLICT once it has ended."""
    cancelled = store.cancel(job_id, reason)
    if cancelled is None:
        return None
    job, process = cancelled
    if process is not None:
        process.terminate()
    return job
