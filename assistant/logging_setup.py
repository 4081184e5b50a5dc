"""How cityqa logs: JSON lines (a server's logs, for a log collector) or text (a person at a terminal).

A JSON line is one object: `time` (UTC, ISO 8601), `level`, `logger`, `message`, `request_id` while a
request is served (from `REQUEST_ID`, which the API's `RequestObserver` middleware sets), any
`extra={…}` fields of the call, and `exception` with the traceback when there is one. Python
warnings are logged too (logger `py.warnings`), so a server's stderr holds nothing but log lines.

Libraries log a lot below WARNING (bm25s says "Building index from tokens" at DEBUG on every start,
and sets its own logger to DEBUG when imported; sentence-transformers announces each model load).
Their records below WARNING are dropped by the handler's filter, whatever their loggers' levels are,
unless the configured level is DEBUG. cityqa's own loggers, uvicorn's and the root logger keep the
configured level.

`configure_logging` is called once by the CLI; nothing here runs at import time.
"""

from __future__ import annotations

import enum
import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from assistant.errors import CityQAError, ErrorCode

# The id of the request being served (set by the API's request middleware), None outside a request.
REQUEST_ID: ContextVar[str | None] = ContextVar("cityqa_request_id", default=None)

# Loggers whose INFO lines an operator wants: cityqa's own, and the HTTP server's start and stop.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
OWN_LOGGERS = ("assistant", "ingestion", "evaluation", "benchmarks", "cityqa", "uvicorn")
# Libraries known to log below WARNING; set to WARNING (the filter below covers the ones not listed
# and those that set their own level when imported, as bm25s does).
QUIET_LOGGERS = (
    "bm25s",
    "sentence_transformers",
    "transformers",
    "huggingface_hub",
    "chromadb",
    "httpx",
    "httpcore",
    "urllib3",
    "openai",
    "langchain",
    "langchain_core",
    "langchain_openai",
    "kiwipiepy",
    "filelock",
    "fsspec",
    "asyncio",
    "multipart",
    "python_multipart",
    "slack_bolt",
    "slack_sdk",
    "posthog",
    "opentelemetry",
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_cityqa_handler"  # set on the handler configure_logging installs, so a second call replaces it

# Attributes every LogRecord has; anything else on a record came from `extra={…}`.
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
    "request_id",
}


class LogFormat(enum.StrEnum):
    """How log lines are written: one JSON object per line, or text for people."""

    JSON = "json"
    TEXT = "text"


def current_request_id(record: logging.LogRecord) -> str | None:
    """The request id of a record: given with `extra={"request_id": …}`, else the current request's."""
    given = getattr(record, "request_id", None)
    return str(given) if given else REQUEST_ID.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id(record)
        if request_id:
            line["request_id"] = request_id
        for name, value in record.__dict__.items():
            if name not in _STANDARD_ATTRIBUTES and name not in line:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, with the request id in brackets while a request is served."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = current_request_id(record)
        return f"{text} [{request_id}]" if request_id else text


class StderrHandler(logging.StreamHandler):
    """Writes to `sys.stderr` as it is when a record is written (a test runner may swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> IO[str]:
        return sys.stderr


class QuietLibrariesFilter(logging.Filter):
    """Drop records below WARNING from loggers that are not cityqa's own (nor uvicorn's, nor root)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__()
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        return self.debug or record.levelno >= logging.WARNING or is_own_logger(record.name)


def is_own_logger(name: str) -> bool:
    return name == "root" or any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


def log_level_number(level: str | int) -> int:
    """`"INFO"`, `"debug"`, `20` … as a logging level number (INVALID_CONFIG for an unknown name)."""
    if isinstance(level, int):
        return level
    number = logging.getLevelNamesMapping().get(level.strip().upper())
    if number is None:
        known = ", ".join(sorted(set(logging.getLevelNamesMapping()) - {"NOTSET", "WARN", "FATAL"}))
        raise CityQAError(ErrorCode.INVALID_CONFIG, f"unknown log level {level!r} (one of {known})")
    return number


def configure_logging(
    level: str | int, log_format: LogFormat, stream: IO[str] | None = None
) -> logging.Handler:
    """Send every log record at `level` and above to `stream` (stderr), formatted as `log_format`;
    libraries' records below WARNING only when `level` is DEBUG. Calling it again replaces the
    handler it installed before. Returns the handler."""
    number = log_level_number(level)
    debug = number <= logging.DEBUG
    handler = StderrHandler() if stream is None else logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format is LogFormat.JSON else TextFormatter())
    handler.addFilter(QuietLibrariesFilter(debug=debug))
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    for old in [existing for existing in root.handlers if getattr(existing, _MARK, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(number)
    logging.captureWarnings(True)  # Python warnings become records too (logger py.warnings)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if debug else logging.WARNING)
    for name in _UVICORN_LOGGERS:
        # uvicorn's records go through this handler (as JSON for `serve`), even when uvicorn configured
        # its loggers itself before (its default config gives them their own handlers, a level, and
        # no propagation to the root).
        uvicorn_logger = logging.getLogger(name)
        for own in list(uvicorn_logger.handlers):
            uvicorn_logger.removeHandler(own)
        uvicorn_logger.setLevel(logging.NOTSET)
        uvicorn_logger.propagate = True
    return handler
