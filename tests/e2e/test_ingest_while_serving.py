"""Ingest while serving, with real processes: `cityqa serve` answers on 127.0.0.1 while `cityqa ingest`
runs in another process on the same CITYQA_HOME, every request during the ingest is answered, and
the server answers from the new content afterwards without a restart; `cityqa backup` copies the
home while it serves. The real embedding model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

CLI = "from assistant.cli import app; app()"
KNOWN = "How many days does the agency have to decide on a public data request?"
NEW_QUESTION = "How many days before the flight must a drone permit be requested?"
NEW_DOC = """# Drone permits at city buildings

Drone flights from the city hall roof need a permit from the General Affairs Division. The permit
must be requested seven days before the flight, with the flight plan and the pilot's licence.
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(*arguments: str, environment: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-c", CLI, *arguments], env=environment, cwd=cwd, stdout=output, stderr=output
        )


def _ask(url: str, question: str) -> httpx.Response:
    return httpx.post(f"{url}/api/chat", json={"question": question}, timeout=60)


def test_a_cli_ingest_is_served_without_a_restart_and_answers_never_stop(
    tmp_path: Path, corpus_writer
) -> None:
    corpus = corpus_writer(tmp_path / "corpus")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("CITYQA_")}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment |= {
        "CITYQA_HOME": str(tmp_path / "home"),
        "HF_HUB_OFFLINE": "1",
        "CITYQA_RATE_LIMIT_PER_MINUTE": "0",
    }
    log = tmp_path / "cli.log"
    first = _cli("ingest", str(corpus / "documents"), environment=environment, cwd=tmp_path, log=log)
    assert first.wait(timeout=300) == 0, log.read_text(encoding="utf-8")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _cli(
        "serve", "--port", str(port), environment=environment, cwd=tmp_path, log=tmp_path / "serve.log"
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "cityqa serve did not get ready"
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert _ask(url, NEW_QUESTION).json()["confidence"] == "none"
        chunks_before = httpx.get(f"{url}/healthz").json()["chunks"]

        (corpus / "documents" / "drone_permits.md").write_text(NEW_DOC, encoding="utf-8")
        second = _cli(
            "ingest",
            str(corpus / "documents"),
            str(corpus / "catalogs"),
            environment=environment,
            cwd=tmp_path,
            log=log,
        )
        during = []
        while second.poll() is None:  # answers go on while the other process ingests
            response = _ask(url, KNOWN)
            during.append(response.status_code)
            assert response.status_code == 200 and response.json()["citations"], response.text
        assert second.returncode == 0, log.read_text(encoding="utf-8")
        assert len(during) >= 3

        deadline = time.monotonic() + 60  # the server notices within seconds, then loads it
        while _ask(url, NEW_QUESTION).json()["confidence"] == "none":
            assert time.monotonic() < deadline, "the new generation was not served"
            time.sleep(0.5)
        answer = _ask(url, NEW_QUESTION).json()
        assert answer["citations"][0]["source_id"] == "doc:drone_permits.md"
        assert "7" in answer["answer"] or "seven" in answer["answer"]
        assert httpx.get(f"{url}/healthz").json()["chunks"] > chunks_before
        assert "cityqa_store_generation 2.0" in httpx.get(f"{url}/metrics").text
        sources = {source["source_id"] for source in httpx.get(f"{url}/api/sources").json()}
        assert "doc:drone_permits.md" in sources and any(s.startswith("catalog:") for s in sources)
        assert _ask(url, KNOWN).status_code == 200

        backup = _cli("backup", str(tmp_path / "backup"), environment=environment, cwd=tmp_path, log=log)
        assert backup.wait(timeout=300) == 0, log.read_text(encoding="utf-8")  # while it serves
        assert (tmp_path / "backup" / "stores" / "CURRENT").read_text().strip() == "2"
        assert (tmp_path / "backup" / "state.sqlite3").exists()
        assert server.poll() is None  # the same process throughout
    finally:
        server.terminate()
        server.wait(timeout=30)
