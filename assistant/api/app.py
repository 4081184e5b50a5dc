"""The FastAPI application: chat, sources, health.

No `from __future__ import annotations` here: FastAPI resolves a route's annotations in the module's
globals, so the closure-local `CurrentUser` dependency would become an unresolvable string and
FastAPI would read `user` as a required query parameter.
"""

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from assistant.api.errors import error_response, install_error_handlers
from assistant.errors import CityQAError, ErrorCode
from assistant.models import Answer, SourceKind, SqlResult, User
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog, SourceDetail, SourceSummary
from assistant.users import UserDirectory

logger = logging.getLogger(__name__)


class ChatRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    conversation_id: str | None = Field(None, max_length=64)


class SqlRequest(BaseModel):
    sql: str = Field(min_length=1, max_length=10_000)


class Health(BaseModel):
    ok: bool = True
    chunks: int


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _request_id_from(header: str | None) -> str:
    """The caller's request id when it is a short plain token (it reaches logs), else a new one."""
    if header and _REQUEST_ID.match(header):
        return header
    return "r_" + uuid.uuid4().hex[:16]


def _api_key(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return request.headers.get("x-api-key") or None


def create_app(assistant: Assistant, users: UserDirectory, sources: SourceCatalog) -> FastAPI:
    app = FastAPI(
        title="cityqa", version="0.1.0", description="Answers a city's questions over its own data."
    )
    install_error_handlers(app)

    @app.middleware("http")
    async def _request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = _request_id_from(request.headers.get("x-request-id"))
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
        return users.authenticate(_api_key(request))

    CurrentUser = Annotated[User, Depends(current_user)]

    @app.get("/healthz", response_model=Health)
    def healthz() -> Health:
        return Health(chunks=len(sources.keyword_index))

    @app.post("/api/chat", response_model=Answer)
    async def chat(body: ChatRequest, user: CurrentUser) -> Answer:
        if not body.question.strip():
            raise CityQAError(ErrorCode.BAD_REQUEST, "question: must not be blank")
        return await run_in_threadpool(assistant.answer, body.question, user, body.conversation_id)

    @app.post("/api/sql", response_model=SqlResult)
    async def run_sql(body: SqlRequest, user: CurrentUser) -> SqlResult:
        """Re-run (possibly edited) SQL: guarded and read-only, over the tables the caller may see."""
        return await run_in_threadpool(assistant.run_sql, body.sql, user)

    @app.get("/api/sources", response_model=list[SourceSummary])
    def list_sources(user: CurrentUser, kind: SourceKind | None = None) -> list[SourceSummary]:
        return sources.list_for_user(user, kind)

    @app.get("/api/sources/{source_id:path}", response_model=SourceDetail)
    def get_source(source_id: str, user: CurrentUser) -> SourceDetail:
        detail = sources.get_for_user(source_id, user)
        if detail is None:  # same answer for "missing" and "not yours": existence is not disclosed
            raise CityQAError(ErrorCode.NOT_FOUND, f"no source {source_id}")
        return detail

    return app
