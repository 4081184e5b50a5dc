"""`cityqa doctor` names the backend of every step and checks the chat model's server, without ever
printing the API key; it exits 1 when a configured model cannot be used. The server is a small real
HTTP server on 127.0.0.1 that lists models the way OpenAI-compatible servers do."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

SECRET = "sk-doctor-secret-987654321"


class ModelsHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.headers.get("Authorization") != f"Bearer {SECRET}":
            status, body = 401, {"error": {"message": "invalid api key"}}
        elif self.path == "/v1/models":
            status, body = 200, {"object": "list", "data": [{"id": "smollm2", "object": "model"}]}
        else:
            status, body = 404, {"detail": "Not Found"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def models_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ModelsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def doctor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env of the work tree
    monkeypatch.setenv("CITYQA_HOME", str(tmp_path / "home"))
    for name in ("CITYQA_LLM", "CITYQA_LLM_MODEL", "CITYQA_LLM_BASE_URL", "CITYQA_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    def run(**environment: str) -> tuple[int, str]:
        for name, value in environment.items():
            monkeypatch.setenv(f"CITYQA_{name.upper()}", value)
        result = CliRunner().invoke(app, ["doctor"])
        return result.exit_code, " ".join(result.output.split())  # unwrap the table's lines

    return run


STEPS = ["embedding model", "vector store", "keyword index", "warehouse", "SQL generator", "composer"]


def test_offline_every_step_is_named_and_nothing_is_checked(doctor) -> None:  # type: ignore[no-untyped-def]
    code, output = doctor()
    assert code == 0, output
    for step in [*STEPS, "chat model"]:
        assert step in output
    assert "all-MiniLM-L6-v2" in output and "SemanticParserGenerator" in output
    assert "ExtractiveComposer" in output and "CITYQA_LLM=none" in output
    assert "chat model check: disabled" in output
    assert "Traceback" not in output


def test_a_served_model_passes_the_check(doctor, models_url: str) -> None:  # type: ignore[no-untyped-def]
    code, output = doctor(llm="openai", llm_model="smollm2", llm_base_url=models_url, llm_api_key=SECRET)
    assert code == 0, output
    assert "LLMSqlGenerator" in output and "ChatOpenAI" in output and "api key set" in output
    assert "chat model check: ok" in output and "serves 'smollm2'" in output
    assert SECRET not in output


@pytest.mark.parametrize(
    ("environment", "status", "words"),
    [
        ({"llm_model": "llama3.1"}, "model_not_served", "it serves: smollm2"),
        ({"llm_model": "smollm2", "llm_api_key": "sk-wrong"}, "auth_failed", "CITYQA_LLM_API_KEY"),
    ],
)
def test_what_is_wrong_with_the_server_is_said_and_exits_1(  # type: ignore[no-untyped-def]
    doctor, models_url: str, environment: dict[str, str], status: str, words: str
) -> None:
    settings = {"llm": "openai", "llm_base_url": models_url, "llm_api_key": SECRET, **environment}
    code, output = doctor(**settings)
    assert code == 1, output
    assert f"chat model check: {status}" in output and words in output
    assert SECRET not in output and "sk-wrong" not in output and "Traceback" not in output


def test_a_dead_server_is_unreachable(doctor) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        code, output = doctor(llm="openai", llm_model="smollm2", llm_base_url=f"http://127.0.0.1:{port}/v1")
    assert code == 1 and "chat model check: unreachable" in output and f"127.0.0.1:{port}" in output


def test_a_missing_model_name_still_shows_every_step(doctor) -> None:  # type: ignore[no-untyped-def]
    code, output = doctor(llm="openai", llm_api_key=SECRET)
    assert code == 1
    for step in STEPS:
        assert step in output
    assert "chat model check: misconfigured" in output and "CITYQA_LLM_MODEL" in output
    assert SECRET not in output


def test_serve_logs_the_check_at_startup_and_warns_when_the_model_cannot_be_used(
    models_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant.cli import _log_chat_model_check
    from assistant.config import Settings

    def settings(**values: str) -> Settings:
        return Settings(_env_file=None, llm="openai", llm_base_url=models_url, **values)  # type: ignore[call-arg, arg-type]

    with caplog.at_level("INFO", logger="cityqa"):
        _log_chat_model_check(settings(llm_model="smollm2", llm_api_key=SECRET))
        _log_chat_model_check(settings(llm_model="smollm2", llm_api_key="sk-wrong"))
    cityqa_records = [record for record in caplog.records if record.name == "cityqa"]
    assert [record.levelname for record in cityqa_records] == ["INFO", "INFO", "INFO", "WARNING"]
    assert "chat model check: ok" in cityqa_records[1].getMessage()
    assert (
        "auth_failed" in cityqa_records[3].getMessage() and "offline path" in cityqa_records[3].getMessage()
    )
    assert all(
        SECRET not in record.getMessage() and "sk-wrong" not in record.getMessage()
        for record in caplog.records
    )
