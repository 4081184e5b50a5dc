"""A real `cityqa serve` process on 127.0.0.1 over an empty CITYQA_HOME: every line it writes to
stderr is one JSON object, each request has one access line under the id its `x-request-id` header
carries, no library chatter below WARNING; `/metrics` counts what was asked; the rate limit from the
settings answers 429 with Retry-After."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.e2e

SERVE = "from assistant.cli import app; app()"
STARTUP_SECONDS = 120


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    stderr: Path

    def log_lines(self) -> list[str]:
        return [line for line in self.stderr.read_text(encoding="utf-8").splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("CITYQA_")}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment |= {
        "CITYQA_HOME": str(folder / "home"),  # nothing ingested: serve starts on empty stores
        "CITYQA_RATE_LIMIT_PER_MINUTE": "60",
        "CITYQA_RATE_LIMIT_BURST": "2",
        "HF_HUB_OFFLINE": "1",
    }
    port = _free_port()
    stderr = folder / "stderr.log"
    with stderr.open("wb") as errors, (folder / "stdout.log").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,  # no .env of the repository
            env=environment,
            stdout=output,
            stderr=errors,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, stderr.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "cityqa serve did not start"
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield Served(url=url, process=process, stderr=stderr)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_json_logs_with_request_ids_metrics_and_the_rate_limit(served: Served) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        health = client.get("/healthz", headers={"x-request-id": "e2e-health-1"})
        sql = [client.post("/api/sql", json={"sql": "SELECT 1"}) for _ in range(3)]
        missing = client.get("/no/such/page")
        metrics = client.get("/metrics")
    responses = [health, *sql, missing]

    assert health.status_code == 200 and health.headers["x-request-id"] == "e2e-health-1"
    assert [response.status_code for response in sql[:2]] == [422, 422]  # the warehouse has no table
    limited = sql[2]
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert limited.json()["error_code"] == "rate_limited"
    assert limited.json()["request_id"] == limited.headers["x-request-id"]
    assert missing.status_code == 404

    assert metrics.status_code == 200
    samples = _samples(metrics.text)
    requests = "cityqa_http_requests_total"
    assert samples[(requests, frozenset({("route", "/api/sql"), ("method", "POST"), ("status", "422")}))] == 2
    assert samples[(requests, frozenset({("route", "/api/sql"), ("method", "POST"), ("status", "429")}))] == 1
    assert samples[(requests, frozenset({("route", "unmatched"), ("method", "GET"), ("status", "404")}))] == 1
    # /healthz was also polled while the server started.
    assert samples[(requests, frozenset({("route", "/healthz"), ("method", "GET"), ("status", "200")}))] >= 1
    bucket = "cityqa_http_request_duration_seconds_bucket"
    assert samples[(bucket, frozenset({("route", "/api/sql"), ("method", "POST"), ("le", "+Inf")}))] == 3
    assert samples[("cityqa_indexed_chunks", frozenset())] == 0

    served.process.terminate()  # uvicorn's shutdown lines are part of the log to check
    served.process.wait(timeout=30)
    lines = [json.loads(line) for line in served.log_lines()]  # every line is JSON
    assert all(isinstance(line, dict) for line in lines)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines), lines
    assert not [line for line in lines if line["level"] == "DEBUG"]
    libraries = ("bm25s", "sentence_transformers", "chromadb", "httpx", "urllib3", "transformers")
    assert not [
        line for line in lines if line["logger"].startswith(libraries) and line["level"] in ("DEBUG", "INFO")
    ]
    messages = [line["message"] for line in lines]
    assert any(message.startswith("Uvicorn running on") for message in messages), messages
    assert any(message.startswith("Finished server process") for message in messages), messages

    access: dict[str, dict[str, Any]] = {
        line["request_id"]: line for line in lines if line["logger"] == "cityqa.access"
    }
    for response in [*responses, metrics]:
        line = access[response.headers["x-request-id"]]
        assert (line["method"], line["path"], line["status"]) == (
            response.request.method,
            response.request.url.path,
            response.status_code,
        )
        assert line["duration_ms"] >= 0
    assert access["e2e-health-1"]["route"] == "/healthz"
    assert access[limited.headers["x-request-id"]]["route"] == "/api/sql"
