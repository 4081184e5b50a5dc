"""The one error type of cityqa.

Every expected failure is a CityQAError with a code; the code decides the HTTP status. The API turns
it into `{"ok": false, "error_code", "detail", "request_id"}`, the CLI into one line and exit 1.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    BAD_REQUEST = "bad_request"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    SQL_REJECTED = "sql_rejected"
    SQL_FAILED = "sql_failed"
    SQL_TIMEOUT = "sql_timeout"
    INGEST_FAILED = "ingest_failed"
    INVALID_CONFIG = "invalid_config"
    INVALID_CASES = "invalid_cases"
    UPSTREAM_FAILED = "upstream_failed"
    NOT_READY = "not_ready"
    INTERNAL = "internal"

    @property
    def http_status(self) -> int:
        return _HTTP_STATUS[self]


_HTTP_STATUS = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.SQL_REJECTED: 422,
    ErrorCode.SQL_FAILED: 422,
    ErrorCode.SQL_TIMEOUT: 408,
    ErrorCode.INGEST_FAILED: 422,
    ErrorCode.INVALID_CONFIG: 500,
    ErrorCode.INVALID_CASES: 422,
    ErrorCode.UPSTREAM_FAILED: 502,
    ErrorCode.NOT_READY: 503,
    ErrorCode.INTERNAL: 500,
}


class CityQAError(Exception):
    """An expected failure with a code and a message that is safe to show to the user."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code.value}: {self.detail}"
