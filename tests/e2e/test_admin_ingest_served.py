"""Ingest while serving, over the admin API: a real `cityqa serve` process on 127.0.0.1 (real
embedding model) over a small home. A question whose answer is only in a new document is not answered
from it; an admin asks for an ingest of that document (`POST /api/admin/ingest`); while the job runs
(`cityqa ingest` in a subprocess of the server), other questions keep being answered; once it has
succeeded, the same server process answers the question citing the new document, without a restart.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
CITYQA = "from assistant.cli import main; main()"
STARTUP_SECONDS = 180
JOB_SECONDS = 300
SWITCH_SECONDS = 60  # a server switches to a newly published generation within seconds
ADMIN_KEY = "demo-internal-key"  # admin = true in data/demo/api_keys.toml

KNOWN = "How many days does the agency have to decide on a public data request?"
KNOWN_DOC = "doc:request_procedure.md"  # in the home from the start (tests/conftest.py)
NEW = "What is the maximum weight a delivery drone may carry in the Busan drone delivery pilot?"
NEW_DOC = "doc:drone_delivery_pilot.md"
NEW_DOCUMENT = """---
title: Busan Drone Delivery Pilot Policy (드론 배송 시범사업 운영 지침)
classification: public
as_of: "2026-11-20"
---

# Busan Drone Delivery Pilot Policy

## Payload limit

In the Busan drone delivery pilot, a delivery drone may carry a maximum weight of 7 kilograms.
Parcels heavier than 7 kilograms are delivered by van instead.

## 적재 한도

부산 드론 배송 시범사업에서 배송 드론 한 대가 운반할 수 있는 최대 무게는 7킬로그램입니다.
"""


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    stderr: Path
    root: Path

    def post(self, path: str, body: Any, key: str | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=120)

    def get(self, path: str, key: str | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return httpx.get(f"{self.url}{path}", headers=headers, timeout=60)

    def ask(self, question: str) -> dict[str, Any]:
        response = self.post("/api/chat", {"question": question})
        assert response.status_code == 200, response.text
        return dict(response.json())


def cited(answer: dict[str, Any]) -> set[str]:
    return {citation["source_id"] for citation in answer["citations"]}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory, corpus_writer) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("admin_ingest")
    root = folder / "city_documents"  # the ingest root; the new document is written there later
    root.mkdir()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("CITYQA_")}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment |= {
        "CITYQA_HOME": str(folder / "home"),
        "CITYQA_API_KEYS_FILE": str(REPO_ROOT / "data" / "demo" / "api_keys.toml"),
        "CITYQA_INGEST_ROOTS": str(root),
        "CITYQA_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1",
    }
    corpus = corpus_writer(folder / "corpus")
    subprocess.run(
        [sys.executable, "-c", CITYQA, "ingest", str(corpus / "documents")],
        cwd=folder,
        env=environment,
        check=True,
        capture_output=True,
        timeout=JOB_SECONDS,
    )
    port = _free_port()
    stderr = folder / "serve.stderr.log"
    with stderr.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", CITYQA, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,  # no .env of the repository
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, stderr.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "cityqa serve did not get ready"
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        yield Served(url=url, process=process, stderr=stderr, root=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_an_admin_ingests_a_new_document_while_the_server_answers(served: Served) -> None:
    before = served.ask(NEW)
    assert NEW_DOC not in cited(before)
    assert "7 kilograms" not in before["answer"]
    assert KNOWN_DOC in cited(served.ask(KNOWN))

    # only an admin may ask for an ingest, and only of what is inside the ingest roots
    (served.root / "drone_delivery_pilot.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    assert served.post("/api/admin/ingest", {"paths": ["drone_delivery_pilot.md"]}).status_code == 401
    refused = served.post("/api/admin/ingest", {"paths": ["../home/audit.jsonl"]}, ADMIN_KEY)
    assert refused.status_code == 400, refused.text
    requested = served.post("/api/admin/ingest", {"paths": ["drone_delivery_pilot.md"]}, ADMIN_KEY)
    assert requested.status_code == 202, requested.text
    job_url = requested.headers["location"]

    # the server keeps answering while the job runs
    statuses: list[int] = []
    answered_from: list[set[str]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            response = served.post("/api/chat", {"question": KNOWN})
            statuses.append(response.status_code)
            if response.status_code == 200:
                answered_from.append(cited(response.json()))

    askers = [threading.Thread(target=keep_asking) for _ in range(2)]
    for asker in askers:
        asker.start()
    seen: set[str] = set()
    try:
        deadline = time.monotonic() + JOB_SECONDS
        while True:
            job = served.get(job_url, ADMIN_KEY).json()
            seen.add(job["status"])
            if job["status"] not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
    finally:
        stop.set()
        for asker in askers:
            asker.join(timeout=180)

    assert job["status"] == "succeeded", (job, served.stderr.read_text(encoding="utf-8")[-4000:])
    assert "running" in seen or "queued" in seen
    assert job["report"]["indexed"] == 1 and job["report"]["failed"] == 0
    assert job["progress"]["files_total"] == job["progress"]["files_done"] == 1
    assert job["progress"]["chunks_indexed"] >= 1
    assert statuses and set(statuses) == {200}, statuses
    assert all(KNOWN_DOC in sources for sources in answered_from)
    listed = served.get("/api/admin/ingest", ADMIN_KEY).json()
    assert [item["job_id"] for item in listed] == [job["job_id"]]

    metrics = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(served.get("/metrics").text)
        for sample in family.samples
    }
    assert metrics[("cityqa_ingest_runs_total", frozenset())] == 1
    assert metrics[("cityqa_ingest_files_total", frozenset({("outcome", "indexed")}))] == 1
    assert metrics[("cityqa_ingest_running", frozenset())] == 0

    # the same server process answers from the new document, without a restart: it switches to the
    # generation the job published (assistant/live.py) within seconds
    deadline = time.monotonic() + SWITCH_SECONDS
    while NEW_DOC not in cited(after := served.ask(NEW)):
        assert time.monotonic() < deadline, after
        time.sleep(1)
    assert "7 kilograms" in after["answer"] or "7킬로그램" in after["answer"], after
    assert served.process.poll() is None, "the server was never restarted"
    assert KNOWN_DOC in cited(served.ask(KNOWN))
