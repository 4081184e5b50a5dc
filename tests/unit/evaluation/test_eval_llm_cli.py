"""`cityqa eval --llm` refuses clearly, in one line and before opening any store, when it cannot run:
with --url, without a configured chat model, and when the model's server does not answer."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

EvalRun = Callable[..., tuple[int, str]]


@pytest.fixture
def eval_llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EvalRun:
    monkeypatch.chdir(tmp_path)  # no .env of the work tree
    monkeypatch.setenv("CITYQA_HOME", str(tmp_path / "home"))
    for name in ("CITYQA_LLM", "CITYQA_LLM_MODEL", "CITYQA_LLM_BASE_URL", "CITYQA_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    cases = tmp_path / "cases.yaml"
    cases.write_text("- {id: d1, question: 'Q?', lang: en, category: document}\n", encoding="utf-8")

    def run(*options: str, **environment: str) -> tuple[int, str]:
        for name, value in environment.items():
            monkeypatch.setenv(f"CITYQA_{name.upper()}", value)
        result = CliRunner().invoke(app, ["eval", str(cases), "--llm", *options])
        assert not (tmp_path / "home").exists(), "no store may be opened before the checks"
        return result.exit_code, " ".join(result.output.split())

    return run


def test_llm_with_url_is_an_error(eval_llm: EvalRun) -> None:
    code, output = eval_llm("--url", "http://127.0.0.1:8000", llm="openai", llm_model="m")
    assert code == 1
    assert output == (
        "error: bad_request: --llm runs both assistants in-process over the same stores; "
        "it cannot evaluate --url"
    )


def test_llm_without_a_configured_model_names_the_settings(eval_llm: EvalRun) -> None:
    code, output = eval_llm()
    assert code == 1
    assert output.startswith("error: invalid_config: --llm needs a chat model: set CITYQA_LLM=openai")
    assert "CITYQA_LLM_MODEL" in output and "Traceback" not in output


def test_llm_openai_without_model_name(eval_llm: EvalRun) -> None:
    code, output = eval_llm(llm="openai")
    assert code == 1
    assert output.startswith("error: invalid_config: CITYQA_LLM=openai needs CITYQA_LLM_MODEL")


def test_llm_with_a_dead_server_stops_before_running(eval_llm: EvalRun) -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, output = eval_llm(llm="openai", llm_model="m", llm_base_url=f"http://127.0.0.1:{port}/v1")
    assert code == 1
    assert output.startswith(
        f"error: upstream_failed: chat model check: unreachable: cannot connect to http://127.0.0.1:{port}/v1"
    )
