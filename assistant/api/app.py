"""The FastAPI application: chat (also streamed), SQL, sources, feedback, health, the
OpenAI-compatible routes (`openai_routes.py`), the admin routes (`admin.py`) and the web chat page
(`assistant/web`).

No `from __future__ import annotations` here: FastAPI resolves a route's annotations in the module's
globals, so the closure-local `CurrentUser` dependency would become an unresolvable string and
FastAPI would read `user` as a required query parameter.
"""

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, get_args

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from assistant.api.admin import IngestAdmin, add_admin_routes
from assistant.api.auth import api_key_from_headers, security_requirements
from assistant.api.contract import (
    component,
    error_responses,
    event_stream_content,
    install_openapi_contract,
    sse_event_schema,
)
from assistant.api.errors import ErrorBody, error_response, install_error_handlers, request_id_from_header
from assistant.api.limits import DEFAULT_MAX_BODY_BYTES, RequestBodyLimit
from assistant.api.metrics import install_metrics, measure_answers
from assistant.api.openai_models import ChatCompletionChunk
from assistant.api.openai_routes import add_openai_routes
from assistant.api.question_text import QuestionText
from assistant.api.rate_limit import RateLimit, install_rate_limit
from assistant.api.sse import AnswerEventData, EventStreamResponse, answer_event_stream
from assistant.errors import CityQAError, ErrorCode
from assistant.feedback import FeedbackRecord, FeedbackRequest
from assistant.models import Answer, SourceKind, SqlResult, User
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog, SourceDetail, SourceSummary
from assistant.streaming import EventType
from assistant.users import UserDirectory
from assistant.web import add_web_routes

logger = logging.getLogger(__name__)


# One event of `/api/chat/stream`: an answer event, or the error body of a failure.
ANSWER_STREAM_EVENT = {
    "oneOf": [
        sse_event_schema(
            component(AnswerEventData), {"enum": [name for name in get_args(EventType) if name != "error"]}
        ),
        sse_event_schema(component(ErrorBody), {"const": "error"}),
    ]
}


class ChatRequest(BaseModel):
    question: Annotated[
        QuestionText,
        Field(description="The question, in Korean or English; at least one non-blank character."),
    ]
    conversation_id: str | None = Field(
        None, max_length=64, description="Continue this conversation (from an earlier answer)."
    )


class SqlRequest(BaseModel):
    sql: str = Field(
        min_length=1,
        max_length=10_000,
        description="SQL to guard and run read-only. Any text is accepted here; what the guard refuses "
        "is answered 422.",
    )


class Health(BaseModel):
    ok: bool = True
    chunks: int


class Ready(BaseModel):
    ok: bool = True
    ready: bool = True


class Readiness:
    """Whether the service can answer quickly: at once without a warm-up; with one, once it has run
    in a background thread that the app starts with it (so the port opens at once). A warm-up that
    fails is logged and the service becomes ready anyway: each part then loads on first use.
    `probe` (None: none) is asked at each /readyz once warm: a store the answers need (a Chroma
    server) that fails it makes the service not ready, with the probe's CityQAError as the reason."""

    def __init__(
        self, warm_up: Callable[[], None] | None = None, probe: Callable[[], None] | None = None
    ) -> None:
        self._warm_up = warm_up
        self.probe = probe
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if warm_up is None:
            self._done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def start(self) -> None:
        """Start the warm-up (once; nothing to do without one)."""
        if self._warm_up is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="cityqa-warm-up", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._warm_up is not None
        try:
            self._warm_up()
            logger.info("warm-up done: ready to answer")
        except Exception:
            logger.exception("warm-up failed; models and indexes load on the first questions instead")
        finally:
            self._done.set()


def create_app(
    assistant: Assistant,
    users: UserDirectory,
    sources: SourceCatalog,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    rate_limit: RateLimit | None = None,
    readiness: Readiness | None = None,
    ingest_admin: IngestAdmin | None = None,
) -> FastAPI:
    """The app; `rate_limit` limits the answering routes per caller (None: no limit); `readiness`
    (None: ready at once) is started with the app and answers `/readyz`; `ingest_admin` serves the
    admin ingest routes (None: they answer 409, ingest over the API is off) and its job runner runs
    with the app (`assistant.api.admin.build_ingest_admin` builds it from settings)."""
    assistant = measure_answers(assistant)  # answers and refused SQL counted for /metrics
    readiness = readiness or Readiness()
    ingest_admin = ingest_admin or IngestAdmin()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        readiness.start()
        ingest_admin.start()
        try:
            yield
        finally:
            await run_in_threadpool(ingest_admin.stop)

    app = FastAPI(
        lifespan=lifespan,
        title="cityqa",
        version="0.1.0",
        description="Answers a city's questions over its own data. Every error has one JSON shape "
        "(`ErrorBody`) and every response an `x-request-id` header (the caller's own `x-request-id` when "
        "it is a short plain token).",
    )
    install_error_handlers(app)
    install_openapi_contract(app, event_models=[AnswerEventData, ChatCompletionChunk])
    # Added before the request id middleware, so it runs inside it and its 413 carries the id.
    app.add_middleware(RequestBodyLimit, max_body_bytes=max_body_bytes)
    # Also inside the request id middleware: a 429 carries the id; the observer (metrics, access log
    # and the logging context's request id) also sees the 413s and 429s.
    install_rate_limit(app, rate_limit, users)
    install_metrics(app, indexed_chunks=lambda: len(sources.keyword_index))

    @app.middleware("http")
    async def _request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = request_id_from_header(request.headers.get("x-request-id"))
        try:
            response = await call_next(request)
        except Exception:
            # Answered here rather than by the app-wide handler, which runs outside this middleware
            # and so would send the error without the x-request-id header.
            logger.exception("unhandled error in request %s", request.state.request_id)
            response = error_response(request, ErrorCode.INTERNAL, "internal error")
        response.headers["x-request-id"] = request.state.request_id
        return response

    def current_user(request: Request) -> User:
        return users.authenticate(api_key_from_headers(request.headers))

    CurrentUser = Annotated[User, Depends(current_user)]
    authenticated = {"security": security_requirements(users.allow_anonymous)}

    def errors(*statuses: int, notes: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
        return error_responses(*statuses, max_body_bytes=max_body_bytes, notes=notes)

    @app.get("/healthz", response_model=Health, responses=errors())
    def healthz() -> Health:
        return Health(chunks=len(sources.keyword_index))

    @app.get(
        "/readyz",
        response_model=Ready,
        responses=errors(
            503,
            notes={
                503: "Still loading models and indexes after a start, or the Chroma server does not "
                "answer (`not_ready`)."
            },
        ),
    )
    def readyz() -> Ready:
        """Whether the service can answer without loading anything first (`/healthz`: whether it
        runs at all)."""
        if not readiness.ready:
            raise CityQAError(ErrorCode.NOT_READY, "warming up: loading models and indexes")
        if readiness.probe is not None:
            try:
                readiness.probe()
            except CityQAError as error:
                raise CityQAError(ErrorCode.NOT_READY, error.detail) from error
        return Ready()

    @app.post("/api/chat", response_model=Answer, responses=errors(401), openapi_extra=authenticated)
    async def chat(body: ChatRequest, user: CurrentUser) -> Answer:
        return await run_in_threadpool(assistant.answer, body.question, user, body.conversation_id)

    @app.post(
        "/api/chat/stream",
        response_class=EventStreamResponse,
        responses={
            200: {
                "description": "The answer's events, as the pipeline works; `done` (or `error`) last.",
                "content": event_stream_content(ANSWER_STREAM_EVENT),
            },
            **errors(401),
        },
        openapi_extra=authenticated,
    )
    async def chat_stream(body: ChatRequest, user: CurrentUser, request: Request) -> EventStreamResponse:
        """`/api/chat` as server-sent events, `event: <type>` and `data: <one line of JSON>`, in this
        order: `status` {step} as each step starts; `token` {text}, pieces of the answer text (a
        model's answer sentence by sentence once checked, the offline answer in one piece); for
        statistics `sql` {text: the query} and `table` {sql: the result}; `citations` {citations};
        last `done` {answer: the whole answer, as `/api/chat` returns it, which replaces the tokens}.
        A failure once the stream has started ends it with `error` {the error body} instead of
        `done`; a bad credential or body is answered before it starts, as on every route.

        ```
        event: status
        data: {"step":"retrieving"}

        event: token
        data: {"text":"The agency must decide on a request within 10 days of receiving it. [1]"}

        event: done
        data: {"answer":{"answer_id":"a_…","answer":"The agency must decide …","citations":[…],…}}
        ```"""
        events = assistant.answer_events(body.question, user, body.conversation_id)
        return EventStreamResponse(answer_event_stream(events, request.state.request_id, request.url.path))

    @app.post(
        "/api/sql",
        response_model=SqlResult,
        responses=errors(401, 404, 408, 422, notes={404: "No statistics warehouse is configured."}),
        openapi_extra=authenticated,
    )
    async def run_sql(body: SqlRequest, user: CurrentUser) -> SqlResult:
        """Re-run (possibly edited) SQL: guarded and read-only, over the tables the caller may see."""
        return await run_in_threadpool(assistant.run_sql, body.sql, user)

    @app.get(
        "/api/sources",
        response_model=list[SourceSummary],
        responses=errors(401),
        openapi_extra=authenticated,
    )
    def list_sources(user: CurrentUser, kind: SourceKind | None = None) -> list[SourceSummary]:
        return sources.list_for_user(user, kind)

    @app.get(
        "/api/sources/{source_id:path}",
        response_model=SourceDetail,
        responses=errors(
            401, 404, notes={404: "No such source, or not one the caller may see (the same answer)."}
        ),
        openapi_extra=authenticated,
    )
    def get_source(source_id: str, user: CurrentUser) -> SourceDetail:
        detail = sources.get_for_user(source_id, user)
        if detail is None:  # same answer for "missing" and "not yours": existence is not disclosed
            raise CityQAError(ErrorCode.NOT_FOUND, f"no source {source_id}")
        return detail

    @app.post(
        "/api/feedback",
        response_model=FeedbackRecord,
        status_code=201,
        responses=errors(
            401,
            404,
            notes={404: "No such answer, or not one given to the caller (the same answer)."},
        ),
        openapi_extra=authenticated,
    )
    def give_feedback(body: FeedbackRequest, user: CurrentUser) -> FeedbackRecord:
        """Rate an answer the caller was given: thumbs up or down, with an optional comment. Stored
        durably and logged in the audit log beside the answer (`answer_id`); a second rating of the
        same answer by the same person replaces the first."""
        return assistant.record_feedback(user, body)

    add_openai_routes(app, assistant, current_user, authenticated, max_body_bytes)
    add_admin_routes(app, ingest_admin, users, max_body_bytes)
    add_web_routes(app)
    return app
