"""Per-caller rate limits on the routes that answer (pure ASGI middleware, token buckets in memory).

Each caller has a bucket of `burst` tokens that refills at `per_minute` tokens a minute; a request to
an answering route (`RATE_LIMITED_PATHS`) takes one token, and with none left it is answered 429
`rate_limited` in the one error shape, with `Retry-After` (whole seconds, at least 1) saying when
the next token is there. The caller is the API key's id when the request names a known key, else
the client's address (anonymous callers, and requests whose credential the route will refuse with
401); behind a reverse proxy the address is the one the proxy forwards (uvicorn's proxy headers).

The buckets live in the worker's memory: with several uvicorn workers each has its own, so a caller
may get up to the limit times the number of workers. A shared store (SQLite) would make every
answer wait for a write lock across workers; a per-worker limit is an honest, cheap bound instead.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.auth import api_key_from_headers
from assistant.api.errors import OPENAI_PATH_PREFIX, error_body, error_headers, new_request_id
from assistant.errors import CityQAError, ErrorCode
from assistant.users import UserDirectory

# The routes that answer questions or run SQL: the expensive ones, and those a runaway client floods.
RATE_LIMITED_PATHS = frozenset(
    {"/api/chat", "/api/chat/stream", "/v1/chat/completions", "/api/sql", "/api/feedback"}
)
MAX_BUCKETS = 10_000  # past this many callers, the buckets that have refilled are forgotten


@dataclass(frozen=True)
class RateLimit:
    """`per_minute` requests a minute per caller, `burst` of them at once; `per_minute` 0 is no limit.
    `clock` gives seconds (monotonic); tests pass their own."""

    per_minute: int
    burst: int
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0 and self.burst > 0


class TokenBuckets:
    """One token bucket per caller key."""

    def __init__(self, limit: RateLimit, max_buckets: int = MAX_BUCKETS) -> None:
        self.capacity = float(limit.burst)
        self.per_second = limit.per_minute / 60
        self.clock = limit.clock
        self.max_buckets = max_buckets
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Take a token for `key`: 0.0 when there was one, else the seconds until there is one."""
        with self._lock:
            now = self.clock()
            tokens = self._tokens(key, now)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > self.max_buckets:
                    self._forget_full(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.per_second

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - at) * self.per_second)

    def _forget_full(self, now: float) -> None:
        for key in [key for key in self._buckets if self._tokens(key, now) >= self.capacity]:
            del self._buckets[key]


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


def caller_key(users: UserDirectory) -> Callable[[Headers, str], str]:
    """Who a request counts against: `key:<key id>` for a known API key, else `ip:<client address>`."""

    def key(headers: Headers, client: str) -> str:
        try:
            api_key = api_key_from_headers(headers)
            user = users.authenticate(api_key)
        except CityQAError:  # the route answers 401; the attempts still count against the address
            return f"ip:{client}"
        return f"key:{user.key_id}" if api_key else f"ip:{client}"

    return key


class RateLimitMiddleware:
    """Answers 429 to a request on a rate-limited path whose caller's bucket is empty. Installed
    inside the request id middleware, so the 429 carries the request's id."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets, key: Callable[[Headers, str], str]) -> None:
        self.app = app
        self.buckets = buckets
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in RATE_LIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(self.key(Headers(scope=scope), client[0] if client else "unknown"))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id") or new_request_id()
        code = ErrorCode.RATE_LIMITED
        retry_after = retry_after_seconds(wait)
        response = JSONResponse(
            error_body(code, f"too many requests: try again in {retry_after} s", request_id, scope["path"]),
            status_code=code.http_status,
            headers={"retry-after": str(retry_after), **error_headers(code, request_id)},
        )
        await response(scope, receive, send)


def install_rate_limit(app: FastAPI, limit: RateLimit | None, users: UserDirectory) -> None:
    """Limit the answering routes of `app` per caller (nothing when `limit` is None or off), and say
    so in the OpenAPI document: their 429, with `Retry-After`."""
    if limit is None or not limit.enabled:
        return
    app.add_middleware(RateLimitMiddleware, buckets=TokenBuckets(limit), key=caller_key(users))
    _document_rate_limit(app, limit)


def _document_rate_limit(app: FastAPI, limit: RateLimit) -> None:
    derived = app.openapi

    def openapi() -> dict[str, Any]:
        document = derived()
        for path, item in document.get("paths", {}).items():
            if path not in RATE_LIMITED_PATHS:
                continue
            body = "OpenAIErrorBody" if path.startswith(OPENAI_PATH_PREFIX + "/") else "ErrorBody"
            for operation in item.values():
                operation["responses"]["429"] = _too_many_requests(body, limit)
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document


def _too_many_requests(body: str, limit: RateLimit) -> dict[str, Any]:
    return {
        "description": f"Too many requests from this API key (or, without one, this address): "
        f"{limit.per_minute} a minute, {limit.burst} at once. Retry after `Retry-After` seconds.",
        "headers": {
            "retry-after": {
                "description": "Whole seconds (at least 1) until a request is accepted again.",
                "schema": {"type": "integer", "minimum": 1},
            },
            "x-request-id": {
                "description": "The request's id: the caller's own x-request-id when it is a short plain "
                "token ([A-Za-z0-9._:-]{1,64}), else a new one.",
                "schema": {"type": "string"},
            },
        },
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
    }
