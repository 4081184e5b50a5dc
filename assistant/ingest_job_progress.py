"""The ingest subprocess's side of an admin API job (`cityqa ingest --job-id <id>`): the run's
progress and final report written into the job's row (assistant/ingest_jobs.py), where the server
processes read them. A write that finds the job no longer running (cancelled, or given up as stale)
stops the run."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from assistant.errors import CityQAError, ErrorCode
from assistant.ingest_jobs import FailedFile, IngestJobStore, JobProgress, JobReport, readable

MAX_FAILED_FILES = 1000  # failed files listed in a report (the counts are always whole)


class IngestOutcomeLike(Protocol):
    """What an ingest run reports (`ingestion.report.IngestReport`)."""

    @property
    def indexed(self) -> Sequence[tuple[str, int]]: ...
    @property
    def unchanged(self) -> Sequence[str]: ...
    @property
    def failed(self) -> Sequence[tuple[str, str]]: ...
    @property
    def skipped(self) -> Sequence[tuple[str, str]]: ...
    @property
    def removed(self) -> Sequence[str]: ...


class IngestProgressLike(Protocol):
    """Where an ingest run is (`ingestion.pipeline.IngestProgress`)."""

    @property
    def files_total(self) -> int: ...
    @property
    def files_done(self) -> int: ...
    @property
    def current_file(self) -> str | None: ...
    @property
    def chunks_indexed(self) -> int: ...
    @property
    def outcomes(self) -> Mapping[str, int]: ...
    @property
    def report(self) -> IngestOutcomeLike | None: ...


def job_report(report: IngestOutcomeLike) -> JobReport:
    return JobReport(
        indexed=len(report.indexed),
        unchanged=len(report.unchanged),
        failed=len(report.failed),
        skipped=len(report.skipped),
        removed=len(report.removed),
        chunks_indexed=sum(chunks for _, chunks in report.indexed),
        failed_files=[
            FailedFile(path=readable(path), reason=readable(reason))
            for path, reason in report.failed[:MAX_FAILED_FILES]
        ],
    )


class JobProgressWriter:
    """The progress listener of `cityqa ingest --job-id`: writes the run's progress into the job's
    row (at most every `interval_s`, and always the first, the last and the report) and stops the
    run, by raising, once the job is no longer running (cancelled)."""

    def __init__(
        self,
        store: IngestJobStore,
        job_id: str,
        interval_s: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.job_id = job_id
        self.interval_s = interval_s
        self._clock = clock
        self._written_at: float | None = None

    @classmethod
    def for_job(cls, state_path: Path, job_id: str) -> JobProgressWriter:
        return cls(IngestJobStore(state_path), job_id)

    def __call__(self, progress: IngestProgressLike) -> None:
        now = self._clock()
        edge = progress.files_done in (0, progress.files_total) or progress.report is not None
        if not edge and self._written_at is not None and now - self._written_at < self.interval_s:
            return
        self._written_at = now
        running = self.store.write_progress(
            self.job_id,
            JobProgress(
                files_total=progress.files_total,
                files_done=progress.files_done,
                current_file=None if progress.current_file is None else readable(progress.current_file),
                chunks_indexed=progress.chunks_indexed,
                outcomes=dict(progress.outcomes),
            ),
        )
        if running and progress.report is not None:
            running = self.store.write_report(self.job_id, job_report(progress.report))
        if not running:
            raise CityQAError(
                ErrorCode.INGEST_FAILED, f"ingest job {self.job_id} is not running (cancelled?): stopped"
            )
