"""The admin ingest routes in-process: only admin keys (401 without a key even while anonymous access
is on, 403 for another key), paths confined to the ingest roots (400 for `..`, absolute paths and
symlinks out of them), 202 with the job, 404 for an unknown one, the job list, cancelling, 409 with no
roots configured, the audit log, and a job run to its end by the runner with the ingest metrics."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ingest_job_doubles import FAKE_CITYQA_COMMAND
from prometheus_client.parser import text_string_to_metric_families

from assistant.api.admin import IngestAdmin, IngestJobMetrics
from assistant.api.app import create_app
from assistant.audit import AuditLog
from assistant.config import Settings
from assistant.ingest_job_runner import IngestJobRunner, settings_environment
from assistant.ingest_jobs import IngestJobStore
from assistant.users import key_id

ADMIN_KEY = "demo-internal-key"  # admin = true in data/demo/api_keys.toml
OTHER_KEY = "demo-personnel-key"  # restricted clearance, but no admin
ERROR_KEYS = {"ok", "error_code", "detail", "request_id"}


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


ADMIN = bearer(ADMIN_KEY)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS and body["ok"] is False and body["error_code"] == code
    assert body["request_id"] == response.headers["x-request-id"] and body["detail"]
    return dict(body)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An ingest root with a document and a folder, a symlink out of it, and a file beside it."""
    root = tmp_path / "city"
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "new_policy.md").write_text("# New\n\nA new policy.\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (root / "link_out.md").symlink_to(tmp_path / "secret.md")
    (root / "folder_out").symlink_to(tmp_path, target_is_directory=True)
    return root


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


@pytest.fixture
def store(tmp_path: Path) -> IngestJobStore:
    return IngestJobStore(tmp_path / "state.sqlite3")


@pytest.fixture
def client(stack, root: Path, store: IngestJobStore, audit_path: Path) -> TestClient:
    admin = IngestAdmin([root], store, AuditLog(audit_path))  # no runner: jobs stay queued
    return TestClient(create_app(stack.assistant, stack.users, stack.sources, ingest_admin=admin))


def audit_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def request_ingest(client: TestClient, *paths: str, **options: Any) -> Any:
    return client.post("/api/admin/ingest", json={"paths": list(paths), **options}, headers=ADMIN)


def test_an_admin_queues_a_job_and_follows_it(client: TestClient, root: Path, audit_path: Path) -> None:
    response = request_ingest(
        client, "policies/new_policy.md", "policies", classification="internal", departments=["인사과"]
    )

    assert response.status_code == 202, response.text
    job = response.json()
    assert job["job_id"].startswith("j_") and job["status"] == "queued"
    assert response.headers["location"] == f"/api/admin/ingest/{job['job_id']}"
    assert job["requested_by"] == key_id(ADMIN_KEY)
    assert job["paths"] == [str(root / "policies" / "new_policy.md"), str(root / "policies")]
    assert job["options"] == {
        "prune": False,
        "draft_cards": False,
        "classification": "internal",
        "departments": ["인사과"],
    }
    assert job["progress"]["files_done"] == 0 and job["report"] is None and job["error"] is None

    followed = client.get(response.headers["location"], headers=ADMIN)
    assert followed.status_code == 200 and followed.json() == job
    (row,) = [row for row in audit_rows(audit_path) if row["action"] == "ingest_requested"]
    assert row["kind"] == "admin" and row["user"] == key_id(ADMIN_KEY) and row["job_id"] == job["job_id"]
    assert row["paths"] == job["paths"] and row["classification"] == "internal"
    assert ADMIN_KEY not in audit_path.read_text(encoding="utf-8")


def test_absolute_paths_inside_a_root_are_taken_as_they_resolve(client: TestClient, root: Path) -> None:
    response = request_ingest(client, str(root / "policies" / ".." / "policies" / "new_policy.md"), ".")
    assert response.status_code == 202, response.text
    assert response.json()["paths"] == [str(root / "policies" / "new_policy.md"), str(root)]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../secret.md", "outside the ingest roots"),
        ("policies/../../secret.md", "outside the ingest roots"),
        ("/etc/passwd", "outside the ingest roots"),
        ("link_out.md", "outside the ingest roots"),  # a symlink in a root pointing out of it
        ("folder_out/secret.md", "outside the ingest roots"),
        ("policies/no_such.md", "no such file or folder"),
        ("bad\x00name.md", "not a usable path"),
        ("\udcff.md", "unicode"),  # a lone surrogate: refused by the JSON parser already
    ],
    ids=[
        "dot-dot",
        "dot-dot-inside",
        "absolute",
        "symlink-out",
        "folder-symlink-out",
        "missing",
        "nul",
        "lone-surrogate",
    ],
)
def test_paths_outside_the_roots_are_refused_and_audited(
    client: TestClient, store: IngestJobStore, audit_path: Path, path: str, why: str
) -> None:
    response = client.post(
        "/api/admin/ingest",
        content=json.dumps({"paths": ["policies", path]}).encode(),
        headers={**ADMIN, "content-type": "application/json"},
    )
    assert why in assert_error(response, 400, "bad_request")["detail"]
    assert store.recent() == [], "no job for a refused request"
    if why != "unicode":  # (what the JSON parser refuses never reaches the route)
        assert [row["action"] for row in audit_rows(audit_path)] == ["ingest_refused"]


@pytest.mark.parametrize(
    "body",
    [{}, {"paths": []}, {"paths": [""]}, {"paths": ["a"] * 51}, {"paths": ["a"], "classification": "secret"}],
    ids=["no-paths", "empty-list", "empty-path", "too-many", "unknown-classification"],
)
def test_malformed_bodies_are_400(client: TestClient, body: dict[str, Any]) -> None:
    assert_error(client.post("/api/admin/ingest", json=body, headers=ADMIN), 400, "bad_request")


ROUTES = [
    ("POST", "/api/admin/ingest", {"paths": ["policies"]}),
    ("GET", "/api/admin/ingest", None),
    ("GET", "/api/admin/ingest/j_unknown", None),
    ("POST", "/api/admin/ingest/j_unknown/cancel", None),
]


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_only_admin_keys_may_use_the_admin_routes(
    client: TestClient, store: IngestJobStore, method: str, url: str, body: Any
) -> None:
    anonymous = assert_error(client.request(method, url, json=body), 401, "unauthorized")
    assert "admin" in anonymous["detail"]
    assert_error(client.request(method, url, json=body, headers=bearer("stolen")), 401, "unauthorized")
    other = assert_error(client.request(method, url, json=body, headers=bearer(OTHER_KEY)), 403, "forbidden")
    assert "admin" in other["detail"]
    assert store.recent() == []


def test_an_unknown_job_is_404(client: TestClient) -> None:
    assert_error(client.get("/api/admin/ingest/j_unknown", headers=ADMIN), 404, "not_found")
    assert_error(client.post("/api/admin/ingest/j_unknown/cancel", headers=ADMIN), 404, "not_found")


def test_the_job_list_is_newest_first(client: TestClient) -> None:
    first = request_ingest(client, "policies").json()["job_id"]
    second = request_ingest(client, "policies/new_policy.md").json()["job_id"]

    listed = client.get("/api/admin/ingest", headers=ADMIN)
    assert listed.status_code == 200
    assert [job["job_id"] for job in listed.json()] == [second, first]
    one = client.get("/api/admin/ingest", params={"limit": 1}, headers=ADMIN).json()
    assert [job["job_id"] for job in one] == [second]
    assert_error(client.get("/api/admin/ingest", params={"limit": 0}, headers=ADMIN), 400, "bad_request")


def test_a_queued_job_is_cancelled_once(client: TestClient, audit_path: Path) -> None:
    job_id = request_ingest(client, "policies").json()["job_id"]

    cancelled = client.post(f"/api/admin/ingest/{job_id}/cancel", headers=ADMIN)

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["finished_at"]
    assert cancelled.json()["error"] == f"cancelled by {key_id(ADMIN_KEY)}"
    again = client.post(f"/api/admin/ingest/{job_id}/cancel", headers=ADMIN)
    assert "already ended" in assert_error(again, 409, "conflict")["detail"]
    assert [row["action"] for row in audit_rows(audit_path)] == ["ingest_requested", "ingest_cancelled"]


def test_without_ingest_roots_the_admin_routes_say_so(stack) -> None:
    client = TestClient(create_app(stack.assistant, stack.users, stack.sources))
    for method, url, body in ROUTES:
        response = client.request(method, url, json=body, headers=ADMIN)
        assert "CITYQA_INGEST_ROOTS" in assert_error(response, 409, "conflict")["detail"]
    assert_error(client.get("/api/admin/ingest"), 401, "unauthorized")  # still: who asks comes first


def test_wrong_methods_name_every_method_of_the_path(client: TestClient) -> None:
    response = client.put("/api/admin/ingest", headers=ADMIN)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers.get_list("allow") == ["GET, POST"]


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = client.get("/metrics").text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_the_runner_runs_a_requested_job_to_its_end_and_counts_it(stack, root: Path, tmp_path: Path) -> None:
    """The route wakes the runner; the job's progress, written by its subprocess, is counted in the
    ingest metrics of the server's process."""
    settings = Settings(_env_file=None, home=tmp_path / "home")  # type: ignore[call-arg]
    store = IngestJobStore(settings.state_path)
    runner = IngestJobRunner(
        store,
        command=FAKE_CITYQA_COMMAND,  # plays `cityqa ingest` (tests/ingest_job_doubles.py)
        environment=settings_environment(settings),
        observer=IngestJobMetrics(),
        poll_interval_s=0.1,
        progress_interval_s=0.1,
    )
    (root / "ok.md").write_text("# OK\n", encoding="utf-8")
    admin = IngestAdmin([root], store, None, runner)
    client = TestClient(create_app(stack.assistant, stack.users, stack.sources, ingest_admin=admin))
    before = scrape(client)
    try:
        job_id = request_ingest(client, "ok.md").json()["job_id"]
        deadline = time.monotonic() + 30
        while (job := client.get(f"/api/admin/ingest/{job_id}", headers=ADMIN).json())["status"] in (
            "queued",
            "running",
        ):
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
    finally:
        runner.stop()
    after = scrape(client)

    assert job["status"] == "succeeded", job
    assert job["report"]["indexed"] == 1 and job["progress"]["chunks_indexed"] == 3
    assert job["started_at"] and job["finished_at"]

    def changed(name: str, **labels: str) -> float:
        key = (name, frozenset(labels.items()))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert changed("cityqa_ingest_runs_total") == 1
    assert changed("cityqa_ingest_files_total", outcome="indexed") == 1
    assert changed("cityqa_ingest_chunks_indexed_total") == 3
    assert after[("cityqa_ingest_running", frozenset())] == 0
    assert after[("cityqa_ingest_run_files", frozenset())] == 1
    assert after[("cityqa_ingest_last_finished_timestamp_seconds", frozenset())] > 1.7e9
