"""One JSON error shape for every route: {"ok": false, "error_code", "detail", "request_id"}."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import CityQAError, ErrorCode

logger = logging.getLogger(__name__)

_STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
}


def error_response(
    request: Request,
    code: ErrorCode,
    detail: str,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        status_code=status or code.http_status,
        headers=dict(headers) if headers else None,
        content={
            "ok": False,
            "error_code": code.value,
            "detail": detail,
            "request_id": getattr(request.state, "request_id", None),
        },
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CityQAError)
    async def _cityqa_error(request: Request, error: CityQAError) -> JSONResponse:
        return error_response(request, error.code, error.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'] if part != 'body')}: {item['msg']}"
            for item in error.errors()
        )
        return error_response(request, ErrorCode.BAD_REQUEST, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(error.status_code, ErrorCode.BAD_REQUEST)
        # Keep the exception's headers (a 405 must say which methods are allowed).
        return error_response(
            request, code, str(error.detail), status=error.status_code, headers=error.headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # The traceback goes to the log only; the user gets the request id to quote.
        logger.exception("unhandled error in request %s", getattr(request.state, "request_id", "?"))
        return error_response(request, ErrorCode.INTERNAL, "internal error")
