"""Every hostile statement, sent to the API: refused with the one error shape, database unchanged.

The same statements are also asked as chat questions: the assistant must never run them (the only
SQL it runs is its own, generated from the semantic layer and guarded)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hostile_statements import HOSTILE_STATEMENTS, READS_OF_HIDDEN_RELATIONS, SECRET

from assistant.api.app import create_app
from ingestion.loaders import SourceDefaults

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"


HR_KEY = "demo-personnel-key"  # data/demo/api_keys.toml: restricted clearance, 인사과

# A restricted table (인사과 only) whose values must never reach an anonymous caller.
SECRET_EMPLOYEES = ("SENTINEL-김민수-7f3a", "SENTINEL-이지은-91c2")
SECRET_SALARIES = (52_000_731, 61_000_917)
SECRET_CARD = """
name: staff_salaries_2025
title: {ko: 직원 급여, en: Staff salaries}
description: {ko: 직원별 급여, en: Salary per employee}
source: {name: test}
licence: internal
as_of: "2025-05-31"
grain: one employee
file: staff_salaries_2025.csv
classification: restricted
departments: [인사과]
columns:
  - {name: employee, type: VARCHAR, role: dimension, description: {ko: 직원, en: employee}}
  - {name: salary, type: BIGINT, role: measure, description: {ko: 급여, en: salary}}
"""


def _write_secret_table(folder: Path) -> Path:
    folder.mkdir(parents=True)
    rows = "\n".join(
        f"{name},{salary}" for name, salary in zip(SECRET_EMPLOYEES, SECRET_SALARIES, strict=True)
    )
    (folder / "staff_salaries_2025.csv").write_text("employee,salary\n" + rows + "\n", encoding="utf-8")
    card = folder / "staff_salaries_2025.yaml"
    card.write_text(SECRET_CARD, encoding="utf-8")
    return card


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_builder: Any) -> Any:
    root = tmp_path_factory.mktemp("hostile")
    built = stack_builder(root / "home")
    cards = [
        DEMO_TABLES / "population_by_district_2025.yaml",
        DEMO_TABLES / "district_land_area.yaml",
        _write_secret_table(root / "secret"),
    ]
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


def _leaks(text: str) -> list[str]:
    secrets = [*SECRET_EMPLOYEES, *(str(salary) for salary in SECRET_SALARIES), "card_json"]
    return [secret for secret in secrets if secret in text]


def test_every_hostile_statement_is_refused_by_the_api(client: TestClient, stack: Any) -> None:
    """Refused with the error shape, never a 500, nothing leaked, each within the time limit + 1 s."""
    time_limit_s = stack.assistant.statistics.timeout_ms / 1000
    before = _fingerprint(stack)
    files_before = _files(stack)
    accepted = []
    slow = []
    for statement in HOSTILE_STATEMENTS:
        started = time.perf_counter()
        response = client.post("/api/sql", json={"sql": statement})
        if time.perf_counter() - started > time_limit_s + 1:
            slow.append(statement[:120])
        assert not _leaks(response.text), (statement, response.text[:300])
        body = response.json()
        if response.status_code == 200 or body.get("ok") is not False:
            accepted.append(statement)
            continue
        assert response.status_code in (400, 408, 422), (statement, response.text)
        assert body["error_code"] in {"sql_rejected", "sql_failed", "sql_timeout", "bad_request"}, statement
        assert body["detail"] and "Traceback" not in body["detail"], statement
    assert accepted == []
    assert slow == []
    assert _fingerprint(stack) == before
    assert _files(stack) - files_before <= {"audit.jsonl"}


def test_the_restricted_table_is_unreadable_through_every_trick(client: TestClient) -> None:
    """Each way of naming the restricted table, through the API as an anonymous caller; and the same
    statements asked as chat questions."""
    assert client.post("/api/sql", json={"sql": f"SELECT * FROM {SECRET}"}).status_code == 422
    for statement in READS_OF_HIDDEN_RELATIONS:
        response = client.post("/api/sql", json={"sql": statement})
        assert response.status_code in (400, 408, 422), (statement, response.text[:300])
        assert not _leaks(response.text), (statement, response.text[:300])
    for statement in READS_OF_HIDDEN_RELATIONS[::5]:
        response = client.post("/api/chat", json={"question": statement})
        assert response.status_code == 200
        body = response.json()
        del body["question"]  # the caller's own words come back as they were sent
        assert not _leaks(json.dumps(body, ensure_ascii=False)), (statement, body)
        # The caller's own words may come back (notes quote what was not understood); what the
        # assistant found must not name the table.
        found = [body["citations"], body["sql"], body["suggestions"], body["retrieved_source_ids"]]
        assert SECRET not in json.dumps(found, ensure_ascii=False), (statement, found)


def test_the_owning_department_reads_the_restricted_table(client: TestClient) -> None:
    """The same table through the same route, for a key whose clearance and department allow it."""
    response = client.post(
        "/api/sql",
        json={"sql": f"SELECT employee FROM {SECRET} ORDER BY salary DESC"},
        headers={"Authorization": f"Bearer {HR_KEY}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [[SECRET_EMPLOYEES[1]], [SECRET_EMPLOYEES[0]]]


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
