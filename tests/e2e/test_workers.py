"""`cityqa serve --workers 2`: a real server of two worker processes on 127.0.0.1 over a small home
(the small corpus and one demo table, ingested by `cityqa ingest` with the real embedding model).

Mixed requests at 8-way concurrency get no error; a conversation begun on one worker is continued on
the other (conversations live in SQLite, shared by the workers); `/metrics`, answered by either
worker, adds up the counts of both; `/readyz` says 200 on each worker once it has warmed up. Which
worker answers a request is read from /proc: the worker process holding the server end of the
request's connection. No timing is asserted.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from assistant.api.metrics import MULTIPROCESS_DIR_VARIABLE
from assistant.api.service import metrics_folder_for_workers

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_KEYS_FILE = REPO_ROOT / "data" / "demo" / "api_keys.toml"
LAND_AREA_CARD = REPO_ROOT / "data" / "demo" / "tables" / "district_land_area.yaml"
CLI = "from assistant.cli import app; app()"
STARTUP_SECONDS = 300  # two workers loading models on 2 cores that may be busy with other tests
FIRST = "How many days does the agency have to decide on a public data request?"
FOLLOW_UP = "and afterwards?"  # answerable only in FIRST's conversation
PUBLIC_DOC = "doc:request_procedure.md"
MIXED_REQUESTS = 240


def environment(home: Path) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CITYQA_") and name != MULTIPROCESS_DIR_VARIABLE
    }
    return inherited | {
        "CITYQA_HOME": str(home),
        "CITYQA_API_KEYS_FILE": str(DEMO_KEYS_FILE),
        "CITYQA_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1",
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory, corpus_writer) -> Path:
    folder = tmp_path_factory.mktemp("workers")
    corpus = corpus_writer(folder / "corpus")
    paths = [corpus / "documents", corpus / "catalogs", LAND_AREA_CARD]
    subprocess.run(
        [sys.executable, "-c", CLI, "ingest", *map(str, paths)],
        env=environment(folder / "home"),
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return folder / "home"


@dataclass
class Workers:
    """`cityqa serve --workers 2` in its own process group."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_of(self, response: httpx.Response) -> int:
        """The worker process that holds the server end of the connection `response` came on."""
        client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
        inode = server_socket_inode(self.port, client_port)
        for pid in child_processes(self.process.pid):
            try:
                if any(os.readlink(fd) == f"socket:[{inode}]" for fd in Path(f"/proc/{pid}/fd").iterdir()):
                    return pid
            except OSError:  # a process that ended meanwhile
                continue
        raise AssertionError(f"no worker holds the connection from port {client_port}")


def server_socket_inode(server_port: int, client_port: int) -> str:
    """The inode of the server's socket of the connection between the two ports on 127.0.0.1."""
    wanted = (f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}")
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if (fields[1], fields[2]) == wanted:
            return fields[9]
    raise AssertionError(f"no connection from port {client_port} to port {server_port}")


def child_processes(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(home: Path) -> Iterator[Workers]:
    port = free_port()
    log = home.parent / "serve.log"
    arguments = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", CLI, *arguments],
            env=environment(home),
            cwd=home.parent,  # no .env of the repository
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the supervisor and its workers: one process group to stop
        )
    workers = Workers(process, port, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "cityqa serve did not start"
            try:
                if httpx.get(f"{workers.url}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield workers
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def clients_on_two_workers(served: Workers, stack: ExitStack) -> dict[int, httpx.Client]:
    """Two clients of one connection each, whose connections two different workers took."""
    clients: dict[int, httpx.Client] = {}
    for _ in range(40):
        client = stack.enter_context(
            httpx.Client(base_url=served.url, timeout=60, limits=httpx.Limits(max_connections=1))
        )
        clients.setdefault(served.worker_of(client.get("/healthz")), client)
        if len(clients) == 2:
            return clients
    raise AssertionError("40 connections, all taken by one worker")


def chat(client: httpx.Client, question: str, conversation_id: str | None = None) -> httpx.Response:
    response = client.post("/api/chat", json={"question": question, "conversation_id": conversation_id})
    assert response.status_code == 200, response.text
    return response


def test_readyz_turns_200_on_each_worker(served: Workers) -> None:
    ready: set[int] = set()
    deadline = time.monotonic() + STARTUP_SECONDS
    while len(ready) < 2:
        assert time.monotonic() < deadline, f"/readyz was 200 on {len(ready)} worker(s) only"
        with httpx.Client(base_url=served.url, timeout=10) as client:  # a new connection each time
            response = client.get("/readyz")
            assert response.status_code in (200, 503), response.text
            if response.status_code == 200:
                ready.add(served.worker_of(response))
            else:
                assert response.json()["error_code"] == "not_ready"
                time.sleep(0.5)
    assert ready <= set(child_processes(served.process.pid))


def mixed_requests() -> list[tuple[str, str, dict[str, Any] | None, str | None]]:
    """(method, path, JSON body, API key), a quarter of them with an API key."""
    kinds: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", "/api/chat", {"question": FIRST}),
        ("POST", "/api/chat", {"question": "Which district has the largest land area?"}),
        ("POST", "/api/chat", {"question": "공공데이터 제공 결정 기한은 며칠인가요?"}),
        ("POST", "/api/sql", {"sql": "SELECT COUNT(*) AS districts FROM district_land_area"}),
        ("GET", "/api/sources", None),
        ("GET", "/api/sources/doc:request_procedure.md", None),
        ("GET", "/healthz", None),
        ("GET", "/metrics", None),
    ]
    keys = [None, None, None, "demo-internal-key"]
    return [(*kinds[n % len(kinds)], keys[n % len(keys)]) for n in range(MIXED_REQUESTS)]


def test_mixed_requests_at_8_way_concurrency_get_no_error(served: Workers) -> None:
    def send(client: httpx.Client, request: tuple[str, str, dict[str, Any] | None, str | None]) -> str:
        method, path, body, key = request
        headers = {"authorization": f"Bearer {key}"} if key else {}
        try:
            response = client.request(method, path, json=body, headers=headers)
        except httpx.TransportError as error:
            return f"{method} {path}: {type(error).__name__}"
        return "" if response.is_success else f"{method} {path}: {response.status_code} {response.text[:200]}"

    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    with (
        httpx.Client(base_url=served.url, timeout=120, limits=limits) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        failures = [failure for failure in pool.map(lambda r: send(client, r), mixed_requests()) if failure]

    assert failures == []


def test_a_conversation_begun_on_one_worker_continues_on_the_other(served: Workers) -> None:
    with ExitStack() as stack:
        (one, first_client), (other, second_client) = clients_on_two_workers(served, stack).items()
        alone = chat(second_client, FOLLOW_UP)
        first = chat(first_client, FIRST)
        follow_up = chat(second_client, FOLLOW_UP, first.json()["conversation_id"])

        assert (served.worker_of(first), served.worker_of(follow_up)) == (one, other)
    assert alone.json()["confidence"] == "none", "the follow-up alone must not be answerable"
    assert follow_up.json()["conversation_id"] == first.json()["conversation_id"]
    assert PUBLIC_DOC in {citation["source_id"] for citation in follow_up.json()["citations"]}


def chat_answers_counted(client: httpx.Client) -> float:
    samples = [
        sample
        for family in text_string_to_metric_families(client.get("/metrics").text)
        for sample in family.samples
        if sample.name == "cityqa_http_requests_total"
    ]
    return sum(s.value for s in samples if s.labels["route"] == "/api/chat" and s.labels["status"] == "200")


def test_metrics_add_up_the_counts_of_both_workers(served: Workers) -> None:
    with ExitStack() as stack:
        clients = clients_on_two_workers(served, stack)
        first_client = next(iter(clients.values()))
        before = chat_answers_counted(first_client)
        for worker, client in clients.items():
            for _ in range(3):
                assert served.worker_of(chat(client, FIRST)) == worker
        after = {worker: chat_answers_counted(client) for worker, client in clients.items()}

    assert list(after.values()) == [before + 6, before + 6]  # either worker reports both workers' answers


def test_the_metrics_folder_of_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR_VARIABLE, raising=False)
    with metrics_folder_for_workers() as made:
        assert os.environ[MULTIPROCESS_DIR_VARIABLE] == str(made) and made.is_dir()
        (made / "counter_1.db").write_bytes(b"")
    assert MULTIPROCESS_DIR_VARIABLE not in os.environ and not made.exists()

    given = tmp_path / "metrics"
    given.mkdir()
    (given / "counter_2.db").write_bytes(b"stale")
    (given / "notes.txt").write_text("kept")
    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(given))
    with metrics_folder_for_workers() as used:
        assert used == given and not (given / "counter_2.db").exists()
    assert os.environ[MULTIPROCESS_DIR_VARIABLE] == str(given) and (given / "notes.txt").exists()
