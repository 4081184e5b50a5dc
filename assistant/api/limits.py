"""A limit on the size of request bodies (pure ASGI middleware).

A declared `Content-Length` over the limit is refused before the app runs. A body without one
(chunked transfer encoding) is counted as it streams in and refused as soon as it passes the limit.
Either way the answer is 413 with the one error shape, and the connection is closed rather than
reading the rest of an oversized body.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_body, error_headers, new_request_id
from assistant.errors import ErrorCode

DEFAULT_MAX_BODY_BYTES = 64 * 1024
_DIGITS = re.compile(r"[0-9]+")


class RequestBodyTooLarge(HTTPException):
    """Raised from `receive` when the streamed body passes the limit.

    An HTTPException so that the app's own handler answers it (with the error shape) when it is
    raised while the app reads the body; the middleware answers it itself if it escapes the app."""

    def __init__(self, max_body_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {max_body_bytes} bytes")


class RequestBodyLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if max_body_bytes < 0:
            raise ValueError("max_body_bytes must not be negative")
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not _DIGITS.fullmatch(declared.strip()):
                await _refuse(scope, send, ErrorCode.BAD_REQUEST, "invalid Content-Length header")
                return
            if int(declared) > self.max_body_bytes:
                await _refuse(scope, send, ErrorCode.PAYLOAD_TOO_LARGE, _too_large(self.max_body_bytes))
                return

        received = 0
        response_started = False

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise RequestBodyTooLarge(self.max_body_bytes)
            return message

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_tracking_start)
        except RequestBodyTooLarge as error:
            if response_started:
                raise
            await _refuse(scope, send, ErrorCode.PAYLOAD_TOO_LARGE, str(error.detail))


def _too_large(max_body_bytes: int) -> str:
    return str(RequestBodyTooLarge(max_body_bytes).detail)


async def _refuse(scope: Scope, send: Send, code: ErrorCode, detail: str) -> None:
    # The request id middleware (outside this one) has put the request's id in the scope's state.
    request_id = scope.get("state", {}).get("request_id") or new_request_id()
    response = JSONResponse(
        error_body(code, detail, request_id, scope.get("path", "")),
        status_code=code.http_status,
        headers=error_headers(code, request_id),
    )
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
