"""Ingest jobs of the admin API, kept in the service's SQLite state file (`state.sqlite3`).

An admin asks for an ingest (`POST /api/admin/ingest`); the job waits `queued` until a runner claims
it (`assistant.ingest_job_runner`: one thread in every server process), runs `cityqa ingest
--job-id <id>` as a subprocess, and ends `succeeded`, `failed` (with the reason) or `cancelled`.
One job runs at a time across all the server processes sharing the file: a runner claims the oldest
queued job only while no job is running, in one `BEGIN IMMEDIATE` transaction (see
assistant/state_db.py), and first marks failed a running job whose runner process is gone.

The subprocess writes the job's progress and final report into the row itself
(`assistant.ingest_job_progress`); a write that finds the job no longer running (cancelled, or given
up as stale) stops the run. Ids are issued by the server: `j_` and 16 random URL-safe characters.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification
from assistant.state_db import IN_MEMORY, create_schema, open_state_database, write_transaction

KEEP_FINISHED_JOBS = 1000  # the newest finished jobs kept; older ones are forgotten
_ID_PREFIX = "j_"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class IngestOptions(BaseModel):
    prune: bool = Field(False, description="Remove the sources whose files no longer exist.")
    draft_cards: bool = Field(
        False, description="Draft a table card for each CSV/XLSX file given by path that has none."
    )
    classification: Classification = Field(
        Classification.PUBLIC, description="Classification of files that do not state their own."
    )
    departments: list[str] = Field(default_factory=list, description="Owning departments of those files.")


class JobProgress(BaseModel):
    files_total: int = Field(0, description="Files the run found (known once it has looked).")
    files_done: int = 0
    current_file: str | None = Field(None, description="The file done last.")
    chunks_indexed: int = 0
    outcomes: dict[str, int] = Field(
        default_factory=dict, description="Entries so far: indexed, unchanged, failed, skipped, removed."
    )


class FailedFile(BaseModel):
    path: str
    reason: str


class JobReport(BaseModel):
    """What the run did, as `cityqa ingest` prints it: counts, and every failed file with its reason."""

    indexed: int
    unchanged: int
    failed: int
    skipped: int
    removed: int
    chunks_indexed: int
    failed_files: list[FailedFile]


class IngestJob(BaseModel):
    job_id: str
    status: JobStatus
    requested_by: str = Field(description="Key id of the admin who asked for it.")
    paths: list[str] = Field(description="The files and folders to ingest, resolved on the server.")
    options: IngestOptions
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress: JobProgress
    report: JobReport | None = Field(None, description="Once the run is over (also when files failed).")
    error: str | None = Field(None, description="Why it failed or was cancelled.")


@dataclass(frozen=True)
class ProcessRef:
    """A process on this machine: its pid and start time (so a reused pid is not taken for it)."""

    pid: int
    started: str = ""

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # it exists, under another user
        return not self.started or _start_time(self.pid) in ("", self.started)

    def terminate(self) -> None:
        """SIGTERM, when it is still the process it was."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)


def process_ref(pid: int) -> ProcessRef:
    return ProcessRef(pid, _start_time(pid))


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux `/proc`); "" where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def new_job_id() -> str:
    return _ID_PREFIX + secrets.token_urlsafe(12)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS ingest_jobs (
    job_id         TEXT PRIMARY KEY,
    requested_by   TEXT NOT NULL,
    paths          TEXT NOT NULL,  -- JSON list of absolute paths
    options        TEXT NOT NULL,  -- JSON IngestOptions
    status         TEXT NOT NULL,
    created_at     REAL NOT NULL,  -- seconds since the epoch
    started_at     REAL,
    finished_at    REAL,
    progress       TEXT NOT NULL,  -- JSON JobProgress, written by the ingest subprocess
    report         TEXT,           -- JSON JobReport, written by the ingest subprocess
    error          TEXT,
    runner_pid     INTEGER,        -- the server process that claimed it, and its start time
    runner_started TEXT,
    pid            INTEGER,        -- the `cityqa ingest` subprocess, and its start time
    pid_started    TEXT
);
CREATE INDEX IF NOT EXISTS ingest_jobs_by_status ON ingest_jobs (status, created_at);
"""
_COLUMNS = (
    "job_id, status, requested_by, paths, options, created_at, started_at, finished_at, progress, "
    "report, error"
)
_FINISHED = tuple(status.value for status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED))


class IngestJobStore:
    """The jobs table, safe for threads (one connection behind a lock) and processes (WAL, busy
    timeout, short `BEGIN IMMEDIATE` transactions)."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._connection = open_state_database(path)
        with self._lock:
            create_schema(self._connection, _SCHEMA)

    @classmethod
    def in_memory(cls) -> IngestJobStore:
        return cls(IN_MEMORY)

    def create(self, requested_by: str, paths: Sequence[str], options: IngestOptions) -> IngestJob:
        job_id, now = new_job_id(), self._clock()
        with self._lock, write_transaction(self._connection) as connection:
            connection.execute(
                "INSERT INTO ingest_jobs "
                "(job_id, requested_by, paths, options, status, created_at, progress) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    requested_by,
                    json.dumps([readable(path) for path in paths], ensure_ascii=False),
                    options.model_dump_json(),
                    JobStatus.QUEUED.value,
                    now,
                    JobProgress().model_dump_json(),
                ),
            )
            connection.execute(
                "DELETE FROM ingest_jobs WHERE job_id IN (SELECT job_id FROM ingest_jobs "
                f"WHERE status IN ({', '.join('?' * len(_FINISHED))}) "
                "ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)",
                (*_FINISHED, KEEP_FINISHED_JOBS),
            )
        job = self.get(job_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            row = self._connection.execute(
                f"SELECT {_COLUMNS} FROM ingest_jobs WHERE job_id = ?", (job_id,)
            ).fetchone()
        return None if row is None else _job(row)

    def recent(self, limit: int = 20) -> list[IngestJob]:
        """The newest jobs first."""
        with self._lock:
            rows = self._connection.execute(
                f"SELECT {_COLUMNS} FROM ingest_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_job(row) for row in rows]

    def claim_next(self, runner: ProcessRef) -> IngestJob | None:
        """The oldest queued job, now `running` under `runner`; None while a job runs (anywhere) or
        none waits. A running job whose runner process is gone is marked failed first (and its
        ingest subprocess, if it still runs, is stopped)."""
        orphans: list[ProcessRef] = []
        now = self._clock()
        with self._lock, write_transaction(self._connection) as connection:
            running = connection.execute(
                "SELECT job_id, runner_pid, runner_started, pid, pid_started "
                "FROM ingest_jobs WHERE status = ?",
                (JobStatus.RUNNING.value,),
            ).fetchall()
            busy = False
            for job_id, runner_pid, runner_started, pid, pid_started in running:
                if runner_pid is not None and ProcessRef(runner_pid, runner_started or "").alive():
                    busy = True
                    continue
                connection.execute(
                    "UPDATE ingest_jobs SET status = ?, finished_at = ?, error = ? WHERE job_id = ?",
                    (
                        JobStatus.FAILED.value,
                        now,
                        f"the server process running it (pid {runner_pid}) ended before the job did",
                        job_id,
                    ),
                )
                if pid is not None:
                    orphans.append(ProcessRef(pid, pid_started or ""))
            claimed = None
            if not busy:
                claimed = connection.execute(
                    "SELECT job_id FROM ingest_jobs WHERE status = ? ORDER BY created_at, rowid LIMIT 1",
                    (JobStatus.QUEUED.value,),
                ).fetchone()
            if claimed is not None:
                connection.execute(
                    "UPDATE ingest_jobs SET status = ?, started_at = ?, runner_pid = ?, runner_started = ? "
                    "WHERE job_id = ?",
                    (JobStatus.RUNNING.value, now, runner.pid, runner.started, claimed[0]),
                )
        for orphan in orphans:
            orphan.terminate()
        return None if claimed is None else self.get(claimed[0])

    def set_process(self, job_id: str, process: ProcessRef) -> None:
        """Note the job's ingest subprocess (to stop it on a cancel)."""
        self._update_running(job_id, "pid = ?, pid_started = ?", (process.pid, process.started))

    def write_progress(self, job_id: str, progress: JobProgress) -> bool:
        """Store the running job's progress; False when the job is no longer running."""
        return self._update_running(job_id, "progress = ?", (progress.model_dump_json(),))

    def write_report(self, job_id: str, report: JobReport) -> bool:
        """Store the running job's final report; False when the job is no longer running."""
        return self._update_running(job_id, "report = ?", (report.model_dump_json(),))

    def finish(self, job_id: str, status: JobStatus, error: str | None = None) -> IngestJob | None:
        """End a running job; None when it was not running (cancelled or given up meanwhile)."""
        ended = self._update_running(
            job_id, "status = ?, finished_at = ?, error = ?", (status.value, self._clock(), error)
        )
        return self.get(job_id) if ended else None

    def cancel(self, job_id: str, reason: str) -> tuple[IngestJob, ProcessRef | None] | None:
        """Cancel a queued or running job: the job, and the ingest subprocess to stop (for a running
        one); None when there is no such job; CONFLICT when it has already ended."""
        with self._lock, write_transaction(self._connection) as connection:
            row = connection.execute(
                "SELECT status, pid, pid_started FROM ingest_jobs WHERE job_id = ?", (job_id,)
            ).fetchone()
            if row is None:
                return None
            status, pid, pid_started = row
            if status in _FINISHED:
                raise CityQAError(ErrorCode.CONFLICT, f"job {job_id} has already ended ({status})")
            connection.execute(
                "UPDATE ingest_jobs SET status = ?, finished_at = ?, error = ? WHERE job_id = ?",
                (JobStatus.CANCELLED.value, self._clock(), reason, job_id),
            )
        job = self.get(job_id)
        assert job is not None
        running = status == JobStatus.RUNNING.value and pid is not None
        return job, ProcessRef(pid, pid_started or "") if running else None

    def _update_running(self, job_id: str, assignments: str, values: tuple[object, ...]) -> bool:
        with self._lock:
            cursor = self._connection.execute(
                f"UPDATE ingest_jobs SET {assignments} WHERE job_id = ? AND status = ?",
                (*values, job_id, JobStatus.RUNNING.value),
            )
        return cursor.rowcount == 1

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _job(row: tuple[Any, ...]) -> IngestJob:
    job_id, status, requested_by, paths, options, created, started, finished, progress, report, error = row
    return IngestJob(
        job_id=job_id,
        status=JobStatus(status),
        requested_by=requested_by,
        paths=json.loads(paths),
        options=IngestOptions.model_validate_json(options),
        created_at=datetime.fromtimestamp(created, UTC),
        started_at=_time(started),
        finished_at=_time(finished),
        progress=JobProgress.model_validate_json(progress),
        report=None if report is None else JobReport.model_validate_json(report),
        error=error,
    )


def _time(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def readable(text: str) -> str:
    """`text` with the bytes of a non-UTF-8 file name (surrogate escapes) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
