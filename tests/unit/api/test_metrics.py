"""`/metrics`: Prometheus text with requests per route template, latency histograms, answers by
confidence and stage, refusals, SQL the guard refused (run directly or generated), ingest progress;
no API key, not in the OpenAPI document; several workers add up under PROMETHEUS_MULTIPROC_DIR.

The metrics are the process's (prometheus-client's default registry), so each test compares values
before and after what it does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from assistant.api.app import create_app
from assistant.api.metrics import IngestProgressMetrics
from assistant.compose import ExtractiveComposer
from assistant.models import Turn
from assistant.pipeline import AnswerPolicy, Assistant
from assistant.sql.generator import SqlDraft
from assistant.sql.semantic_layer import SemanticLayer
from assistant.statistics import TableStatisticsAnswerer
from assistant.users import UserDirectory
from ingestion.report import IngestReport

QUESTION = "How many days does the agency have to decide on a public data request?"
NOTHING = "What is the airspeed velocity of an unladen swallow?"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def app(stack) -> FastAPI:
    return create_app(stack.assistant, stack.users, stack.sources)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


Delta = Callable[..., float]


def delta(before: Samples, after: Samples) -> Delta:
    return lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)


def test_requests_are_counted_and_timed_under_their_route_template(client: TestClient, stack) -> None:
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/api/sources/doc:request_procedure.md").status_code == 200
    assert client.get("/api/sources/doc:no_such.md").status_code == 404
    assert client.post("/healthz").status_code == 405
    assert client.get("/no/such/route").status_code == 404
    assert client.request("PROPFIND", "/healthz").status_code == 405
    oversized = client.post("/api/chat", content=b"{}", headers={"content-length": "99999999"})
    assert oversized.status_code == 413
    changed = delta(before, scrape(client))

    assert changed("cityqa_http_requests_total", route="/healthz", method="GET", status="200") == 3
    source = "/api/sources/{source_id:path}"
    assert changed("cityqa_http_requests_total", route=source, method="GET", status="200") == 1
    assert changed("cityqa_http_requests_total", route=source, method="GET", status="404") == 1
    assert changed("cityqa_http_requests_total", route="/healthz", method="POST", status="405") == 1
    assert changed("cityqa_http_requests_total", route="unmatched", method="GET", status="404") == 1
    # Methods outside the standard ones share one label value: a client cannot add label values.
    assert changed("cityqa_http_requests_total", route="/healthz", method="other", status="405") == 1
    # Refused before routing, still counted under the route that would have taken it.
    assert changed("cityqa_http_requests_total", route="/api/chat", method="POST", status="413") == 1
    histogram = "cityqa_http_request_duration_seconds"
    assert changed(f"{histogram}_count", route="/healthz", method="GET") == 3
    assert changed(f"{histogram}_bucket", route="/healthz", method="GET", le="+Inf") == 3
    assert changed(f"{histogram}_bucket", route="/healthz", method="GET", le="60.0") == 3
    assert changed(f"{histogram}_sum", route="/healthz", method="GET") > 0
    assert value(scrape(client), "cityqa_http_requests_in_progress") == 1  # the scrape itself


def test_answers_are_counted_by_confidence_with_their_stage_latencies(client: TestClient) -> None:
    before = scrape(client)
    found = client.post("/api/chat", json={"question": QUESTION}).json()
    nothing = client.post("/api/chat", json={"question": NOTHING}).json()
    streamed = client.post("/api/chat/stream", json={"question": QUESTION})
    completion = client.post(
        "/v1/chat/completions", json={"model": "cityqa", "messages": [{"role": "user", "content": NOTHING}]}
    )
    changed = delta(before, scrape(client))

    assert found["confidence"] in ("high", "medium") and nothing["confidence"] == "none"
    assert streamed.status_code == 200 and "event: done" in streamed.text
    assert completion.status_code == 200
    assert changed("cityqa_answers_total", confidence=found["confidence"]) == 2  # chat and stream
    assert changed("cityqa_answers_total", confidence="none") == 2  # chat and /v1
    assert changed("cityqa_answer_refusals_total") == 2
    stages = "cityqa_answer_stage_duration_seconds"
    assert changed(f"{stages}_count", stage="total") == 4
    assert changed(f"{stages}_count", stage="retrieve") == 4
    assert changed(f"{stages}_bucket", stage="total", le="+Inf") == 4
    # The two answers read here and the two more (stream, /v1), in seconds.
    two = (found["timings_ms"]["total"] + nothing["timings_ms"]["total"]) / 1000
    assert changed(f"{stages}_sum", stage="total") >= two - 1e-9


def test_sql_the_guard_refuses_on_api_sql_is_counted(client: TestClient) -> None:
    before = scrape(client)
    refused = client.post("/api/sql", json={"sql": "SELECT * FROM read_csv('/etc/passwd')"})
    dropped = client.post("/api/sql", json={"sql": "DROP TABLE district_land_area"})
    failed = client.post("/api/sql", json={"sql": "SELECT CAST(district AS INTEGER) FROM district_land_area"})
    ran = client.post("/api/sql", json={"sql": "SELECT district FROM district_land_area"})
    changed = delta(before, scrape(client))

    assert [refused.json()["error_code"], dropped.json()["error_code"]] == ["sql_rejected"] * 2
    assert failed.status_code != 200 and failed.json()["error_code"] != "sql_rejected"
    assert ran.status_code == 200
    assert changed("cityqa_sql_guard_rejections_total", source="api") == 2
    assert changed("cityqa_sql_guard_rejections_total", source="generated") == 0


class FakeFileReadingSqlGenerator:
    """A SQL generator gone wrong: it answers every question with a query that reads a file."""

    def generate(self, question: str, layer: SemanticLayer, history: list[Turn]) -> SqlDraft:
        return SqlDraft(sql="SELECT * FROM read_csv('/etc/passwd') LIMIT 5", is_statistical=True)


def test_generated_sql_the_guard_refuses_is_counted(client: TestClient, stack) -> None:
    answerer = TableStatisticsAnswerer(stack.warehouse, FakeFileReadingSqlGenerator(), 2000, 200)
    misled = Assistant(
        retriever=stack.assistant.retriever,
        composer=ExtractiveComposer(),
        audit_log=stack.assistant.audit_log,
        conversations=stack.assistant.conversations,
        policy=AnswerPolicy(),
        statistics=answerer,
    )
    misled_client = TestClient(create_app(misled, stack.users, stack.sources))
    before = scrape(client)
    answer = misled_client.post("/api/chat", json={"question": "What is the land area of Haeundae-gu?"})
    changed = delta(before, scrape(client))

    assert answer.status_code == 200
    assert "read_csv" not in answer.text
    assert changed("cityqa_sql_guard_rejections_total", source="generated") == 1
    assert changed("cityqa_sql_guard_rejections_total", source="api") == 0


def test_ingest_progress_and_the_served_chunks(client: TestClient, stack) -> None:
    progress = IngestProgressMetrics()
    before = scrape(client)
    progress.started(files=4)
    running = scrape(client)
    progress.file_done("indexed", chunks=7)
    progress.file_done("failed")
    progress.finished()
    progress.record_report(
        IngestReport(indexed=[("a.md", 2)], unchanged=["b.md"], skipped=[("c.tmp", "not a source")])
    )
    after = scrape(client)
    changed = delta(before, after)

    assert value(running, "cityqa_ingest_running") == 1 and value(running, "cityqa_ingest_run_files") == 4
    assert value(after, "cityqa_ingest_running") == 0
    assert value(after, "cityqa_ingest_run_files") == 2  # the latest run: a.md and b.md
    assert changed("cityqa_ingest_runs_total") == 2
    assert changed("cityqa_ingest_files_total", outcome="indexed") == 2
    assert changed("cityqa_ingest_files_total", outcome="failed") == 1
    assert changed("cityqa_ingest_files_total", outcome="unchanged") == 1
    assert changed("cityqa_ingest_files_total", outcome="skipped") == 1
    assert changed("cityqa_ingest_chunks_indexed_total") == 9
    assert value(after, "cityqa_ingest_last_finished_timestamp_seconds") > 1.7e9
    assert value(after, "cityqa_indexed_chunks") == len(stack.keyword_index) > 0


def test_metrics_need_no_key_and_stay_out_of_the_openapi_document(stack) -> None:
    closed = TestClient(create_app(stack.assistant, UserDirectory({}, allow_anonymous=False), stack.sources))
    assert closed.post("/api/chat", json={"question": QUESTION}).status_code == 401
    response = closed.get("/metrics")
    assert response.status_code == 200 and "# TYPE cityqa_http_requests_total counter" in response.text
    assert response.headers["x-request-id"]
    assert "/metrics" not in closed.get("/openapi.json").json()["paths"]
    openmetrics = closed.get("/metrics", headers={"accept": "application/openmetrics-text"})
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.rstrip().endswith("# EOF")


# Two "workers" (the parent and a forked child) count, and one scrape adds them up.
_WORKERS = textwrap.dedent(
    """
    import os
    from assistant.api.metrics import cityqa_metrics, metrics_exposition
    from assistant.models import Answer

    answer = Answer(answer_id="a", conversation_id="c", question="q", answer="", timings_ms={"total": 5.0})
    child = os.fork()
    cityqa_metrics().observe_answer(answer)
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    print(metrics_exposition(None)[0].decode())
    """
)


def test_several_workers_add_up_under_prometheus_multiproc_dir(tmp_path: Path) -> None:
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", _WORKERS], env=environment, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(run.stdout)
        for sample in family.samples
    }
    assert value(samples, "cityqa_answers_total", confidence="none") == 2
    assert value(samples, "cityqa_answer_refusals_total") == 2
    assert value(samples, "cityqa_answer_stage_duration_seconds_count", stage="total") == 2
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file per process and kind of metric
