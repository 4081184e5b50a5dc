"""One JSON error shape for every route: {"ok": false, "error_code", "detail", "request_id"}.

`ErrorBody` is that shape: the handlers below, the request body limit (`limits.py`) and the HTTP
server's own protocol errors (`server.py`) all build it, and the OpenAPI document names it for every
error status of every route (`contract.py`).

Under `/v1/` (the OpenAI-compatible routes) the same body also carries OpenAI's `error` object
(`OpenAIErrorBody`): OpenAI's clients and the chat front-ends built on them read `error.message`, and
cityqa's own clients still find `error_code`, `detail` and `request_id` where they always are.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from assistant.errors import CityQAError, ErrorCode

logger = logging.getLogger(__name__)

_STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class ErrorBody(BaseModel):
    """The one error shape of every route."""

    ok: Literal[False] = Field(description="Always false on an error.")
    error_code: ErrorCode = Field(description="What went wrong, as a stable code.")
    detail: str = Field(description="A message that is safe to show; never a traceback.")
    request_id: str = Field(description="The request's id (also in the x-request-id header) to quote.")


class OpenAIError(BaseModel):
    """OpenAI's error object; `code` is cityqa's error code (the same as `error_code`)."""

    message: str = Field(description="The same text as `detail`.")
    type: Literal["invalid_request_error", "server_error"] = Field(
        description="OpenAI's error class: `server_error` for a 5xx status, else `invalid_request_error`."
    )
    param: None = Field(None, description="Always null: the field at fault is named in `message`.")
    code: ErrorCode


class OpenAIErrorBody(ErrorBody):
    """The error shape of the OpenAI-compatible routes (`/v1/…`): `ErrorBody` plus OpenAI's `error`."""

    error: OpenAIError


OPENAI_PATH_PREFIX = "/v1"


def speaks_openai(path: str) -> bool:
    """Whether a request path belongs to the OpenAI-compatible routes (whose errors add `error`)."""
    return path == OPENAI_PATH_PREFIX or path.startswith(OPENAI_PATH_PREFIX + "/")


def new_request_id() -> str:
    return "r_" + uuid.uuid4().hex[:16]


def request_id_from_header(header: str | None) -> str:
    """The caller's request id when it is a short plain token (it reaches logs), else a new one."""
    if header and _REQUEST_ID.match(header):
        return header
    return new_request_id()


def error_body(code: ErrorCode, detail: str, request_id: str, path: str = "") -> dict[str, object]:
    """The error body for a request to `path`: `ErrorBody`, or `OpenAIErrorBody` under `/v1/`."""
    if speaks_openai(path):
        kind = "server_error" if code.http_status >= 500 else "invalid_request_error"
        error = OpenAIError(message=detail, type=kind, code=code)
        body: ErrorBody = OpenAIErrorBody(
            ok=False, error_code=code, detail=detail, request_id=request_id, error=error
        )
    else:
        body = ErrorBody(ok=False, error_code=code, detail=detail, request_id=request_id)
    return body.model_dump(mode="json")


def error_headers(code: ErrorCode, request_id: str) -> dict[str, str]:
    """Headers every error carries. A 401 names the scheme to authenticate with (RFC 9110 §11.6.1);
    a 413 closes the connection rather than have the server read the rest of the oversized body."""
    headers = {"x-request-id": request_id}
    if code is ErrorCode.UNAUTHORIZED:
        headers["www-authenticate"] = "Bearer"
    if code is ErrorCode.PAYLOAD_TOO_LARGE:
        headers["connection"] = "close"
    return headers


def error_response(
    request: Request,
    code: ErrorCode,
    detail: str,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None) or new_request_id()
    return JSONResponse(
        status_code=status or code.http_status,
        headers={**(headers or {}), **error_headers(code, request_id)},
        content=error_body(code, detail, request_id, request.url.path),
    )


def allowed_methods(request: Request) -> set[str]:
    """Every method the request's path takes. Starlette's own 405 names only those of the first route
    with the path, though a path may have a route per method (GET and POST /api/admin/ingest)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return methods


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CityQAError)
    async def _cityqa_error(request: Request, error: CityQAError) -> JSONResponse:
        return error_response(request, error.code, error.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'] if part != 'body') or 'body'}: {item['msg']}"
            for item in error.errors()
        )
        return error_response(request, ErrorCode.BAD_REQUEST, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(error.status_code, ErrorCode.BAD_REQUEST)
        # Keep the exception's headers (a 405 must say which methods are allowed).
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers = {name: value for name, value in headers.items() if name.lower() != "allow"}
            headers["allow"] = ", ".join(sorted(allowed_methods(request)))
        return error_response(request, code, str(error.detail), status=error.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # The traceback goes to the log only; the user gets the request id to quote.
        logger.exception("unhandled error in request %s", getattr(request.state, "request_id", "?"))
        return error_response(request, ErrorCode.INTERNAL, "internal error")
