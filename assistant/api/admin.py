"""Admin routes: ingest over the API, as jobs (assistant/ingest_jobs.py).

`POST /api/admin/ingest` queues a job for files and folders inside the configured ingest roots
(CITYQA_INGEST_ROOTS) and answers 202 with it; `GET /api/admin/ingest/{job_id}` follows it (status,
progress, the final report); `GET /api/admin/ingest` lists the recent jobs; `POST
/api/admin/ingest/{job_id}/cancel` cancels a queued or running one. A runner thread in every server
process runs the jobs one at a time, each as a `cityqa ingest` subprocess (assistant/ingest_job_runner.py).

Only keys with `admin = true` in the key file may use these routes: no credential is 401 (even while
anonymous access is on), another key 403. Every request that queues or cancels a job is written to the
audit log, and so is a refused path.

No `from __future__ import annotations` (see app.py): the routes' annotations use the closure-local
`AdminUser` dependency.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel, Field

from assistant.api.auth import api_key_from_headers, security_requirements
from assistant.api.contract import error_responses
from assistant.api.metrics import IngestProgressMetrics
from assistant.audit import AuditLog
from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.ingest_job_runner import IngestJobRunner, cancel_job, settings_environment
from assistant.ingest_jobs import IngestJob, IngestJobStore, IngestOptions
from assistant.ingest_roots import resolve_all_in_roots
from assistant.models import Classification, User
from assistant.users import UserDirectory

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "no ingest roots configured: set CITYQA_INGEST_ROOTS to the folders the API may ingest from"

# Small enough that every body the schema allows fits in the default body limit (64 kB).
PathText = Annotated[str, Field(min_length=1, max_length=1024)]
DepartmentText = Annotated[str, Field(min_length=1, max_length=200)]


class IngestRequest(BaseModel):
    paths: list[PathText] = Field(
        min_length=1,
        max_length=50,
        description="Files or folders to ingest: relative to an ingest root (CITYQA_INGEST_ROOTS), or "
        "absolute inside one. A path outside the roots (`..`, a symlink out) is refused with 400.",
    )
    prune: bool = Field(False, description="Also remove the sources whose files no longer exist.")
    draft_cards: bool = Field(
        False,
        description="Draft a table card beside each CSV/XLSX file given by path that has none (flagged "
        "for review).",
    )
    classification: Classification = Field(
        Classification.PUBLIC, description="Classification of the files that do not state their own."
    )
    departments: list[DepartmentText] = Field(
        default_factory=list, max_length=20, description="Owning departments of those files."
    )


class IngestJobMetrics:
    """The ingest metrics of /metrics, from the progress of the jobs this process runs."""

    def __init__(self, progress: IngestProgressMetrics | None = None) -> None:
        self.progress = progress or IngestProgressMetrics()
        self._counted: dict[str, int] = {}
        self._chunks = 0

    def job_started(self, job: IngestJob) -> None:
        self._counted, self._chunks = {}, 0
        self.progress.started(job.progress.files_total)

    def job_progressed(self, job: IngestJob) -> None:
        metrics = self.progress.metrics
        metrics.ingest_run_files.set(job.progress.files_total)
        for outcome, count in job.progress.outcomes.items():
            if count > self._counted.get(outcome, 0):
                metrics.ingest_files.labels(outcome=outcome).inc(count - self._counted.get(outcome, 0))
                self._counted[outcome] = count
        if job.progress.chunks_indexed > self._chunks:
            metrics.ingest_chunks.inc(job.progress.chunks_indexed - self._chunks)
            self._chunks = job.progress.chunks_indexed

    def job_finished(self, job: IngestJob) -> None:
        self.job_progressed(job)
        self.progress.finished()


@dataclass
class IngestAdmin:
    """What the admin routes work with. No roots: ingest over the API is off (every route 409)."""

    roots: list[Path] = field(default_factory=list)
    store: IngestJobStore | None = None
    audit_log: AuditLog | None = None
    runner: IngestJobRunner | None = None  # None: jobs wait until a runner elsewhere claims them

    @property
    def jobs(self) -> IngestJobStore:
        if not self.roots or self.store is None:
            raise CityQAError(ErrorCode.CONFLICT, NOT_CONFIGURED)
        return self.store

    def start(self) -> None:
        if self.runner is not None:
            self.runner.start()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()

    def submit(self, user: User, request: IngestRequest) -> IngestJob:
        jobs = self.jobs
        try:
            paths = resolve_all_in_roots(request.paths, self.roots)
        except CityQAError as error:
            self._audit(user, "ingest_refused", paths=request.paths, reason=error.detail)
            raise
        options = IngestOptions(
            prune=request.prune,
            draft_cards=request.draft_cards,
            classification=request.classification,
            departments=request.departments,
        )
        job = jobs.create(user.key_id, [str(path) for path in paths], options)
        self._audit(user, "ingest_requested", job_id=job.job_id, paths=job.paths, **options.model_dump())
        if self.runner is not None:
            self.runner.start()
            self.runner.wake()
        return job

    def cancel(self, user: User, job_id: str) -> IngestJob:
        job = cancel_job(self.jobs, job_id, f"cancelled by {user.key_id}")
        if job is None:
            raise CityQAError(ErrorCode.NOT_FOUND, f"no ingest job {job_id}")
        self._audit(user, "ingest_cancelled", job_id=job_id)
        return job

    def _audit(self, user: User, action: str, **details: Any) -> None:
        if self.audit_log is not None:
            self.audit_log.record_admin(user, action, **details)


def build_ingest_admin(settings: Settings) -> IngestAdmin:
    """The admin routes' jobs for `cityqa serve`: off without CITYQA_INGEST_ROOTS; else the jobs in
    `state.sqlite3` and a runner whose `cityqa ingest` subprocesses get these settings."""
    if not settings.ingest_roots:
        return IngestAdmin()
    for root in settings.ingest_roots:
        if not root.is_dir():
            logger.warning("ingest root %s is not a folder: nothing in it can be ingested over the API", root)
    store = IngestJobStore(settings.state_path)
    runner = IngestJobRunner(
        store, environment=settings_environment(settings), cwd=Path.cwd(), observer=IngestJobMetrics()
    )
    return IngestAdmin(list(settings.ingest_roots), store, AuditLog(settings.audit_log_path), runner)


def add_admin_routes(
    app: FastAPI, admin: IngestAdmin, users: UserDirectory, max_body_bytes: int
) -> None:
    def admin_user(request: Request) -> User:
        key = api_key_from_headers(request.headers)
        if key is None:
            raise CityQAError(ErrorCode.UNAUTHORIZED, "the admin routes need an admin API key")
        user = users.authenticate(key)
        if not user.admin:
            raise CityQAError(ErrorCode.FORBIDDEN, "this API key may not use the admin routes")
        return user

    AdminUser = Annotated[User, Depends(admin_user)]
    # An admin route always needs a key, also while anonymous access is on.
    admin_only = {"security": security_requirements(allow_anonymous=False)}
    admin_notes = {
        403: "The API key is not an admin's (`admin = true` in the key file).",
        409: "Ingest over the API is off: no ingest roots are configured (CITYQA_INGEST_ROOTS).",
    }

    def errors(*statuses: int, notes: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
        every = {**admin_notes, **(notes or {})}
        return error_responses(401, 403, 409, *statuses, max_body_bytes=max_body_bytes, notes=every)

    @app.post(
        "/api/admin/ingest",
        response_model=IngestJob,
        status_code=202,
        responses=errors(notes={400: "Malformed request, or a path that is not inside the ingest roots."}),
        openapi_extra=admin_only,
    )
    def request_ingest(body: IngestRequest, user: AdminUser, response: Response) -> IngestJob:
        """Queue an ingest of files and folders inside the ingest roots; follow it at the job's URL
        (the `Location` header). Jobs run one at a time, each as `cityqa ingest`; the servers answer
        from the new content once the job has succeeded, without a restart."""
        job = admin.submit(user, body)
        response.headers["location"] = f"/api/admin/ingest/{job.job_id}"
        return job

    @app.get(
        "/api/admin/ingest",
        response_model=list[IngestJob],
        responses=errors(),
        openapi_extra=admin_only,
    )
    def list_ingest_jobs(
        user: AdminUser, limit: Annotated[int, Query(ge=1, le=100, description="Most jobs listed.")] = 20
    ) -> list[IngestJob]:
        """The recent ingest jobs, newest first."""
        return admin.jobs.recent(limit)

    @app.get(
        "/api/admin/ingest/{job_id}",
        response_model=IngestJob,
        responses=errors(404, notes={404: "No such job."}),
        openapi_extra=admin_only,
    )
    def get_ingest_job(job_id: str, user: AdminUser) -> IngestJob:
        """One job: its status, progress and, once over, its report (and the error, if it failed)."""
        job = admin.jobs.get(job_id)
        if job is None:
            raise CityQAError(ErrorCode.NOT_FOUND, f"no ingest job {job_id}")
        return job

    @app.post(
        "/api/admin/ingest/{job_id}/cancel",
        response_model=IngestJob,
        responses=errors(
            404,
            notes={
                404: "No such job.",
                409: "The job has already ended, or ingest over the API is off (no ingest roots).",
            },
        ),
        openapi_extra=admin_only,
    )
    def cancel_ingest_job(job_id: str, user: AdminUser) -> IngestJob:
        """Cancel a queued job, or stop a running one (nothing it wrote is served: an ingest publishes
        its new stores only when it completes)."""
        return admin.cancel(user, job_id)

