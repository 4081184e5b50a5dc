"""Logging: JSON lines with the request id while a request is served (and none outside), extra
fields and tracebacks in the object; libraries quiet below WARNING unless the level is DEBUG."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import bm25s
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.errors import CityQAError
from assistant.logging_setup import (
    REQUEST_ID,
    JsonFormatter,
    LogFormat,
    TextFormatter,
    configure_logging,
    log_level_number,
)

JsonLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put back the root logger's handlers and level, and the quieted loggers' levels, afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("bm25s", "sentence_transformers", "chromadb")}
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def json_lines(restored_logging: None) -> JsonLines:
    """Records at INFO and above, as cityqa serve writes them (JSON), parsed back."""
    stream = io.StringIO()
    configure_logging("INFO", LogFormat.JSON, stream=stream)
    return lambda: [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_outside_a_request_has_no_request_id(json_lines: JsonLines) -> None:
    logging.getLogger("assistant.pipeline").info("indexed %d chunks", 3, extra={"files": 2})
    [line] = json_lines()
    assert set(line) == {"time", "level", "logger", "message", "files"}
    assert (line["level"], line["logger"], line["message"], line["files"]) == (
        "INFO",
        "assistant.pipeline",
        "indexed 3 chunks",
        2,
    )
    assert line["time"].endswith("+00:00") and "T" in line["time"]


@pytest.fixture
def probed_app(tmp_path, stack_builder) -> Iterator[FastAPI]:
    """The real app (empty stores), with one extra route that logs from the thread pool."""
    stack = stack_builder(tmp_path / "home")
    app = create_app(stack.assistant, stack.users, stack.sources)

    def probe() -> dict[str, bool]:  # a sync route: FastAPI runs it in a worker thread
        logging.getLogger("assistant.probe").warning("inside the route", extra={"answer_id": "a_1"})
        return {"ok": True}

    app.add_api_route("/probe", probe)
    yield app
    stack.warehouse.close()


def test_records_inside_a_request_carry_its_id(json_lines: JsonLines, probed_app: FastAPI) -> None:
    client = TestClient(probed_app)
    given = client.get("/probe", headers={"x-request-id": "req-probe-1"})
    generated = client.get("/healthz")
    logging.getLogger("assistant").info("after the requests")

    lines = json_lines()
    probe = next(line for line in lines if line["message"] == "inside the route")
    assert probe["request_id"] == "req-probe-1" == given.headers["x-request-id"]
    assert probe["answer_id"] == "a_1" and probe["level"] == "WARNING"
    access = {line["path"]: line for line in lines if line["logger"] == "cityqa.access"}
    assert access["/probe"]["request_id"] == "req-probe-1"
    assert access["/healthz"]["request_id"] == generated.headers["x-request-id"]
    assert access["/healthz"]["request_id"].startswith("r_")
    assert {key: access["/healthz"][key] for key in ("method", "route", "status")} == {
        "method": "GET",
        "route": "/healthz",
        "status": 200,
    }
    assert access["/healthz"]["duration_ms"] >= 0
    after = next(line for line in lines if line["message"] == "after the requests")
    assert "request_id" not in after
    assert REQUEST_ID.get() is None


def test_an_exception_goes_into_the_object_and_odd_extras_become_text(json_lines: JsonLines) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("ingestion").exception("failed", extra={"path": object()})
    [line] = json_lines()
    assert line["level"] == "ERROR"
    assert "Traceback" in line["exception"] and "ValueError: boom" in line["exception"]
    assert line["path"].startswith("<object object")


def test_an_explicit_request_id_wins_and_text_lines_show_it() -> None:
    record = logging.LogRecord("cityqa", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    token = REQUEST_ID.set("r_context")
    try:
        assert json.loads(JsonFormatter().format(record))["request_id"] == "r_context"
        assert TextFormatter().format(record).endswith("INFO cityqa: hello you [r_context]")
        record.request_id = "r_given"
        assert json.loads(JsonFormatter().format(record))["request_id"] == "r_given"
    finally:
        REQUEST_ID.reset(token)
    plain = logging.LogRecord("cityqa", logging.INFO, __file__, 1, "hello", None, None)
    assert TextFormatter().format(plain).endswith("INFO cityqa: hello")


def _emit_the_usual_noise() -> None:
    """What officials used to see: bm25s building its index (DEBUG, from a logger bm25s sets to DEBUG
    itself), sentence-transformers and chromadb at INFO; then a library warning and cityqa's INFO."""
    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # as `import bm25s` does, whenever it runs
    bm25s.BM25().index([["harbour", "bridge"], ["bridge", "toll"]], show_progress=False)
    logging.getLogger("sentence_transformers.base.model").info("Loading SentenceTransformer model")
    logging.getLogger("chromadb.config").info("Starting component System")
    logging.getLogger("some_new_library").info("hello from a library nobody listed")
    logging.getLogger("chromadb.api").warning("collection is large")
    logging.getLogger("assistant.factory").info("stores opened")
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://127.0.0.1:8000")


@pytest.mark.usefixtures("restored_logging")
def test_libraries_are_quiet_below_warning_by_default() -> None:
    stream = io.StringIO()
    configure_logging("INFO", LogFormat.TEXT, stream=stream)
    _emit_the_usual_noise()
    text = stream.getvalue()
    assert "Building index from tokens" not in text
    assert "SentenceTransformer" not in text and "Starting component" not in text
    assert "nobody listed" not in text
    assert "WARNING chromadb.api: collection is large" in text
    assert "INFO assistant.factory: stores opened" in text
    assert "INFO uvicorn.error: Uvicorn running" in text
    assert logging.getLogger("sentence_transformers").level == logging.WARNING


@pytest.mark.usefixtures("restored_logging")
def test_debug_shows_the_libraries_too() -> None:
    stream = io.StringIO()
    configure_logging("debug", LogFormat.TEXT, stream=stream)
    _emit_the_usual_noise()
    text = stream.getvalue()
    assert "DEBUG bm25s: Building index from tokens" in text
    assert "INFO sentence_transformers.base.model: Loading" in text
    assert "nobody listed" in text


@pytest.mark.usefixtures("restored_logging")
def test_configuring_again_replaces_the_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("INFO", LogFormat.TEXT, stream=first)
    configure_logging("WARNING", LogFormat.JSON, stream=second)
    logging.getLogger("assistant").info("not at WARNING")
    logging.getLogger("assistant").warning("once")
    assert first.getvalue() == ""
    assert [json.loads(line)["message"] for line in second.getvalue().splitlines()] == ["once"]


def test_an_unknown_level_is_a_configuration_error() -> None:
    assert log_level_number("warning") == logging.WARNING
    with pytest.raises(CityQAError, match="unknown log level 'verbose'") as raised:
        log_level_number("verbose")
    assert raised.value.code.value == "invalid_config"


@pytest.mark.usefixtures("restored_logging")
def test_by_default_lines_go_to_stderr_as_it_is_when_written(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", LogFormat.JSON)
    capsys.readouterr()
    logging.getLogger("cityqa").info("to stderr")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert [json.loads(line)["message"] for line in captured.err.splitlines()] == ["to stderr"]


@pytest.mark.usefixtures("restored_logging")
def test_uvicorns_records_come_through_even_after_uvicorn_configured_its_own_loggers() -> None:
    """uvicorn's default config (any earlier `uvicorn.Config`) gives its loggers their own handlers, a
    level and no propagation; `cityqa serve` wants their records as its own lines all the same."""
    uvicorn.Config(app="assistant.api.app:create_app", log_level="warning")  # configures uvicorn's logging
    stream = io.StringIO()
    configure_logging("INFO", LogFormat.TEXT, stream=stream)
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://127.0.0.1:8000")
    assert "INFO uvicorn.error: Uvicorn running" in stream.getvalue()
