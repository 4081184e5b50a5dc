"""Prometheus metrics of the service, served at `/metrics` (prometheus-client's text format).

| metric | type | labels | what |
|---|---|---|---|
| `cityqa_http_requests_total` | counter | route, method, status | requests answered (route: the template) |
| `cityqa_http_request_duration_seconds` | histogram | route, method | time to the end of the response |
| `cityqa_http_requests_in_progress` | gauge | | requests being served |
| `cityqa_answers_total` | counter | confidence | answers given over the API (high/medium/low/none) |
| `cityqa_answer_refusals_total` | counter | | answers with confidence "none" (nothing found) |
| `cityqa_answer_stage_duration_seconds` | histogram | stage | each stage of `Answer.timings_ms` |
| `cityqa_sql_guard_rejections_total` | counter | source | refused SQL: "api" (/api/sql), "generated" |
| `cityqa_ingest_runs_total`, `cityqa_ingest_running` | counter, gauge | | ingest runs, and those running |
| `cityqa_ingest_run_files` | gauge | | files found by the latest ingest run |
| `cityqa_ingest_files_total` | counter | outcome | files indexed/unchanged/failed/skipped/removed |
| `cityqa_ingest_chunks_indexed_total` | counter | | chunks written by ingest runs |
| `cityqa_ingest_last_finished_timestamp_seconds` | gauge | | when the latest ingest run ended |
| `cityqa_indexed_chunks` | gauge | | chunks the server answers from (read at each scrape) |
| `cityqa_store_generation` | gauge | | generation of the stores served (workers: the oldest served) |

The ingest metrics count the ingest runs of the process that serves `/metrics`: the admin API's jobs
it runs (`assistant.api.admin.IngestJobMetrics`, from the progress the job's subprocess writes); an
ingest run by `cityqa ingest` in another process shows only in `cityqa_indexed_chunks`, once the server
serves it.

Several uvicorn workers: set `PROMETHEUS_MULTIPROC_DIR` to an empty folder before the server starts
(prometheus-client reads it when imported); every worker then writes its values there and `/metrics`
adds them up across workers (gauges: the sum of live workers, or the latest/largest value).
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, cast

from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import CityQAError, ErrorCode
from assistant.logging_setup import REQUEST_ID
from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.streaming import AnswerEvent

access_log = logging.getLogger("cityqa.access")

SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# prometheus-client's own switch (read by the library itself when it is imported).
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class CityQAMetrics:
    http_requests: Counter
    http_request_seconds: Histogram
    http_in_progress: Gauge
    answers: Counter
    refusals: Counter
    answer_stage_seconds: Histogram
    sql_rejections: Counter
    ingest_runs: Counter
    ingest_running: Gauge
    ingest_run_files: Gauge
    ingest_files: Counter
    ingest_chunks: Counter
    ingest_last_finished: Gauge
    indexed_chunks: Gauge
    store_generation: Gauge

    def observe_answer(self, answer: Answer) -> None:
        self.answers.labels(confidence=answer.confidence).inc()
        if answer.confidence == "none":
            self.refusals.inc()
        for stage, milliseconds in answer.timings_ms.items():
            self.answer_stage_seconds.labels(stage=stage).observe(milliseconds / 1000)


@functools.cache
def cityqa_metrics() -> CityQAMetrics:
    """The process's metrics, in prometheus-client's default registry (made on first use)."""
    return CityQAMetrics(
        http_requests=Counter(
            "cityqa_http_requests", "HTTP requests answered.", ["route", "method", "status"]
        ),
        http_request_seconds=Histogram(
            "cityqa_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response.",
            ["route", "method"],
            buckets=SECONDS_BUCKETS,
        ),
        http_in_progress=Gauge(
            "cityqa_http_requests_in_progress", "Requests being served.", multiprocess_mode="livesum"
        ),
        answers=Counter("cityqa_answers", "Answers given over the API, by confidence.", ["confidence"]),
        refusals=Counter("cityqa_answer_refusals", "Answers with confidence 'none': nothing found."),
        answer_stage_seconds=Histogram(
            "cityqa_answer_stage_duration_seconds",
            "Time of each stage of an answer (rewrite, sql, retrieve, compose, total).",
            ["stage"],
            buckets=SECONDS_BUCKETS,
        ),
        sql_rejections=Counter(
            "cityqa_sql_guard_rejections",
            "SQL the guard refused: 'api' (/api/sql) or 'generated'.",
            ["source"],
        ),
        ingest_runs=Counter("cityqa_ingest_runs", "Ingest runs started in this process."),
        ingest_running=Gauge(
            "cityqa_ingest_running", "Ingest runs in progress.", multiprocess_mode="livesum"
        ),
        ingest_run_files=Gauge(
            "cityqa_ingest_run_files", "Files found by the latest ingest run.", multiprocess_mode="mostrecent"
        ),
        ingest_files=Counter("cityqa_ingest_files", "Files met by ingest runs, by outcome.", ["outcome"]),
        ingest_chunks=Counter("cityqa_ingest_chunks_indexed", "Chunks written by ingest runs."),
        ingest_last_finished=Gauge(
            "cityqa_ingest_last_finished_timestamp_seconds",
            "When the latest ingest run ended (Unix time).",
            multiprocess_mode="max",
        ),
        indexed_chunks=Gauge(
            "cityqa_indexed_chunks", "Chunks the server answers from.", multiprocess_mode="livemax"
        ),
        store_generation=Gauge(
            "cityqa_store_generation",
            "Generation of the stores answered from (several workers: the oldest one any serves).",
            multiprocess_mode="livemin",
        ),
    )


# -- answers and SQL ---------------------------------------------------------------------------------


class MeasuredAssistant:
    """The assistant as the API's routes use it (answer, answer_events, run_sql, record_feedback),
    counting each answer and each SQL statement the guard refuses; anything else is the assistant's."""

    def __init__(self, assistant: Assistant, metrics: CityQAMetrics) -> None:
        self._assistant = assistant
        self._metrics = metrics

    def answer(self, *args: Any, **kwargs: Any) -> Answer:
        answer = self._assistant.answer(*args, **kwargs)
        self._metrics.observe_answer(answer)
        return answer

    def answer_events(self, *args: Any, **kwargs: Any) -> Iterator[AnswerEvent]:
        for event in self._assistant.answer_events(*args, **kwargs):
            if event.type == "done" and event.answer is not None:
                self._metrics.observe_answer(event.answer)
            yield event

    def run_sql(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._assistant.run_sql(*args, **kwargs)
        except CityQAError as error:
            if error.code is ErrorCode.SQL_REJECTED:
                self._metrics.sql_rejections.labels(source="api").inc()
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._assistant, name)


def measure_answers(assistant: Assistant) -> Assistant:
    """`assistant`, its answers and refused SQL counted (an `Assistant` to the routes that use it)."""
    return cast(Assistant, MeasuredAssistant(assistant, cityqa_metrics()))


class GeneratedSqlRejections(logging.Handler):
    """Counts the guard's refusals of generated SQL from the warnings that report them: a record
    carrying a `CityQAError` with code `sql_rejected` among its arguments (the statistics answerer
    logs "generated SQL failed: <error> (<sql>)"), or an `error_code` extra field of that value."""

    def __init__(self, metrics: CityQAMetrics) -> None:
        super().__init__(level=logging.WARNING)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        arguments = record.args if isinstance(record.args, tuple) else ()
        rejected = getattr(record, "error_code", None) == ErrorCode.SQL_REJECTED.value or any(
            isinstance(argument, CityQAError) and argument.code is ErrorCode.SQL_REJECTED
            for argument in arguments
        )
        if rejected:
            self.metrics.sql_rejections.labels(source="generated").inc()


@functools.cache
def _count_generated_sql_rejections() -> None:
    logging.getLogger("assistant").addHandler(GeneratedSqlRejections(cityqa_metrics()))


# -- ingest ------------------------------------------------------------------------------------------


class IngestOutcome(Protocol):
    """What an ingest run reports (`ingestion.report.IngestReport`)."""

    indexed: list[tuple[str, int]]
    unchanged: list[str]
    failed: list[tuple[str, str]]
    skipped: list[tuple[str, str]]
    removed: list[str]


class IngestProgressMetrics:
    """Ingest progress as metrics: call `started` with the files found, `file_done` as each file
    ends (indexed with its chunks, unchanged or failed), and `finished` when the run ends."""

    def __init__(self, metrics: CityQAMetrics | None = None) -> None:
        self.metrics = metrics or cityqa_metrics()

    def started(self, files: int) -> None:
        self.metrics.ingest_runs.inc()
        self.metrics.ingest_running.inc()
        self.metrics.ingest_run_files.set(files)

    def file_done(self, outcome: str, chunks: int = 0) -> None:
        self.metrics.ingest_files.labels(outcome=outcome).inc()
        if chunks:
            self.metrics.ingest_chunks.inc(chunks)

    def finished(self) -> None:
        self.metrics.ingest_running.dec()
        self.metrics.ingest_last_finished.set(time.time())

    def record_report(self, report: IngestOutcome) -> None:
        """A whole run at once, from its report (for a run whose files were not reported one by one)."""
        self.started(len(report.indexed) + len(report.unchanged) + len(report.failed))
        for _, chunks in report.indexed:
            self.file_done("indexed", chunks)
        for outcome, entries in (
            ("unchanged", report.unchanged),
            ("failed", report.failed),
            ("skipped", report.skipped),
            ("removed", report.removed),
        ):
            for _ in entries:
                self.file_done(outcome)
        self.finished()


# -- the route and the middleware ------------------------------------------------------------------

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"  # the route label of a request no route takes (a 404)


class RequestObserver:
    """Pure ASGI middleware inside the request id middleware: makes the request's id the logging
    context's (`REQUEST_ID`), counts and times the request under its route template, and logs one
    access line (method, path, route, status, duration_ms) on `cityqa.access`."""

    def __init__(self, app: ASGIApp, metrics: CityQAMetrics, routes: list[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = REQUEST_ID.set(scope.get("state", {}).get("request_id"))
        started = time.perf_counter()
        status = 500  # when the app raises before it answers

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.http_in_progress.inc()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self.metrics.http_in_progress.dec()
            self._record(scope, status, time.perf_counter() - started)
            REQUEST_ID.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "other"
        route = self._route_template(scope)
        self.metrics.http_requests.labels(route=route, method=method, status=str(status)).inc()
        self.metrics.http_request_seconds.labels(route=route, method=method).observe(seconds)
        duration_ms = round(seconds * 1000, 1)
        access_log.info(
            "%s %s %s %.1fms",
            scope["method"],
            scope["path"],
            status,
            duration_ms,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
            },
        )

    def _route_template(self, scope: Scope) -> str:
        """The template of the route that took the request; for one answered before routing (a
        body too large, a rate limit), the route that would have taken it."""
        route = scope.get("route")
        if route is None:
            route = next((r for r in self.routes if r.matches(scope)[0] is not Match.NONE), None)
        return str(getattr(route, "path", None) or UNMATCHED_ROUTE)


def metrics_exposition(accept: str | None) -> tuple[bytes, str]:
    """The metrics in the format the scraper accepts, with its content type; under several workers
    (`PROMETHEUS_MULTIPROC_DIR` set) the values of all of them, added up."""
    registry: CollectorRegistry = REGISTRY
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type


def install_metrics(app: FastAPI, indexed_chunks: Callable[[], int]) -> None:
    """Measure every request (and log one access line for it) and serve `GET /metrics` (outside the
    OpenAPI document, no API key: keep it on the internal network, or have the proxy refuse it)."""
    metrics = cityqa_metrics()
    _count_generated_sql_rejections()
    app.add_middleware(RequestObserver, metrics=metrics, routes=app.router.routes)

    def serve_metrics(request: Request) -> Response:
        metrics.indexed_chunks.set(indexed_chunks())
        body, content_type = metrics_exposition(request.headers.get("accept"))
        return Response(body, media_type=content_type)

    app.add_route("/metrics", serve_metrics, methods=["GET"], include_in_schema=False)
