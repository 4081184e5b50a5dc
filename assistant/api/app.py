"""The FastAPI application: chat, SQL, sources, health.

No `from __future__ import annotations` here: FastAPI resolves a route's annotations in the module's
globals, so the closure-local `CurrentUser` dependency would become an unresolvable string and
FastAPI would read `user` as a required query parameter.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BaseModel, Field

from assistant.api.auth import api_key_from_headers, security_requirements
from assistant.api.contract import error_responses, install_openapi_contract
from assistant.api.errors import error_response, install_error_handlers, request_id_from_header
from assistant.api.limits import DEFAULT_MAX_BODY_BYTES, RequestBodyLimit
from assistant.errors import CityQAError, ErrorCode
from assistant.models import Answer, SourceKind, SqlResult, User
from assistant.pipeline import Assistant
from assistant.sources import SourceCatalog, SourceDetail, SourceSummary
from assistant.users import UserDirectory

logger = logging.getLogger(__name__)

# Unicode White_Space: a question made only of these is blank. Written out rather than `\s`, which
# means different sets to Python, pydantic's Rust regex and JSON Schema validators.
BLANK_CHARACTERS = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
NON_BLANK_PATTERN = "[^" + "".join(f"\\u{ord(character):04x}" for character in BLANK_CHARACTERS) + "]"


def _not_blank(text: str) -> str:
    if all(character in BLANK_CHARACTERS for character in text):
        raise ValueError("must contain a non-blank character")
    return text


class ChatRequest(BaseModel):
    question: Annotated[
        str,
        Field(
            min_length=1,
            max_length=2000,
            description="The question, in Korean or English; at least one non-blank character.",
            json_schema_extra={"pattern": NON_BLANK_PATTERN},
        ),
        AfterValidator(_not_blank),
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


def create_app(
    assistant: Assistant,
    users: UserDirectory,
    sources: SourceCatalog,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    app = FastAPI(
        title="cityqa",
        version="0.1.0",
        description="Answers a city's questions over its own data. Every error has one JSON shape "
        "(`ErrorBody`) and every response an `x-request-id` header (the caller's own `x-request-id` when "
        "it is a short plain token).",
    )
    install_error_handlers(app)
    install_openapi_contract(app)
    # Added before the request id middleware, so it runs inside it and its 413 carries the id.
    app.add_middleware(RequestBodyLimit, max_body_bytes=max_body_bytes)

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

    @app.post("/api/chat", response_model=Answer, responses=errors(401), openapi_extra=authenticated)
    async def chat(body: ChatRequest, user: CurrentUser) -> Answer:
        return await run_in_threadpool(assistant.answer, body.question, user, body.conversation_id)

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

    return app
