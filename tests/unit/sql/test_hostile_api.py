"""Every hostile statement, sent to the API: refused with the one error shape, database unchanged.

The same statements are also asked as chat questions: the assistant must never run them (the only
SQL it runs is its own, generated from the semantic layer and guarded)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hostile_statements import HOSTILE_STATEMENTS

from assistant.api.app import create_app
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_builder: Any) -> Any:
    built = stack_builder(tmp_path_factory.mktemp("hostile") / "home")
    cards = [DEMO_TABLES / "population_by_district_2025.yaml", DEMO_TABLES / "district_land_area.yaml"]
    report = built.ingestor.ingest(cards, SourceDefaults())
    assert report.failed == [], report.failed
    yield built
    built.warehouse.close()


@pytest.fixture(scope="module")
def client(stack: Any) -> TestClient:
    return TestClient(create_app(stack.assistant, stack.users, stack.sources), raise_server_exceptions=False)


def _fingerprint(stack: Any) -> str:
    """Tables, columns and every row, in a stable order."""
    digest = hashlib.sha256()
    for name, columns in sorted(stack.warehouse.tables().items()):
        rows = stack.warehouse.run_readonly(
            f"SELECT * FROM {name} ORDER BY ALL", 5000, 100_000, tables=[name]
        ).rows
        digest.update(repr((name, columns, rows)).encode())
    return digest.hexdigest()


def _files(stack: Any) -> set[str]:
    """Files under the home, leaving out the sandboxes (a cache the warehouse builds as queries come)."""
    return {path.name for path in stack.home.parent.rglob("*") if not path.parent.name.endswith(".sandboxes")}


def test_there_are_at_least_a_hundred_hostile_statements() -> None:
    assert len(HOSTILE_STATEMENTS) >= 100


def test_every_hostile_statement_is_refused_by_the_api(client: TestClient, stack: Any) -> None:
    before = _fingerprint(stack)
    files_before = _files(stack)
    accepted = []
    for statement in HOSTILE_STATEMENTS:
        response = client.post("/api/sql", json={"sql": statement})
        body = response.json()
        if response.status_code == 200 or body.get("ok") is not False:
            accepted.append(statement)
            continue
        assert response.status_code in (400, 408, 422), (statement, response.text)
        assert body["error_code"] in {"sql_rejected", "sql_failed", "sql_timeout", "bad_request"}, statement
        assert body["detail"] and "Traceback" not in body["detail"], statement
    assert accepted == []
    assert _fingerprint(stack) == before
    assert _files(stack) - files_before <= {"audit.jsonl"}


def test_hostile_statements_asked_as_questions_never_run(client: TestClient, stack: Any) -> None:
    before = _fingerprint(stack)
    for statement in HOSTILE_STATEMENTS[::4]:
        response = client.post("/api/chat", json={"question": statement[:2000]})
        assert response.status_code == 200, (statement, response.text)
        sql = response.json()["sql"]
        if sql is not None:  # only the assistant's own, guarded SELECT over curated tables
            assert sql["query"].upper().startswith(("SELECT", "WITH")), statement
            assert set(sql["tables"]) <= {"population_by_district_2025", "district_land_area"}
    assert _fingerprint(stack) == before
