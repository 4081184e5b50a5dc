"""The chat model backend from settings: CITYQA_LLM=none|openai, ChatOpenAI's options, and the startup
check of the server's /models — every way it can go wrong named by a status, the API key never shown.

The server is faked with httpx's own `MockTransport` (the check's real client, a fake network), and
once for real: a port on 127.0.0.1 that nobody listens on."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator

import httpx
import pytest
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.config import LLMBackend, Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.llm import (
    NO_API_KEY,
    ChatModelCheckStatus,
    build_chat_model,
    check_chat_model_server,
    describe_chat_model,
    redacted_url,
)

SECRET = "sk-city-secret-0123456789"
BASE = "http://models.busan.example:8080/v1"


def openai_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "llm": "openai",
        "llm_base_url": BASE,
        "llm_model": "qwen2.5-7b-instruct",
        "llm_api_key": SECRET,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def models_server(
    status: int = 200, body: object = None, seen: list[httpx.Request] | None = None
) -> httpx.MockTransport:
    payload = {"object": "list", "data": [{"id": "qwen2.5-7b-instruct", "object": "model"}]}

    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=payload if body is None else body)

    return httpx.MockTransport(handle)


def failing_server(error: Callable[[httpx.Request], Exception]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        raise error(request)

    return httpx.MockTransport(handle)


# -- settings ---------------------------------------------------------------------------------------
def test_the_default_is_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITYQA_LLM", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.llm == LLMBackend.NONE
    assert build_chat_model(settings) is None


def test_llm_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CITYQA_LLM": "openai",
        "CITYQA_LLM_BASE_URL": "http://127.0.0.1:11434/v1",
        "CITYQA_LLM_MODEL": "llama3.2",
        "CITYQA_LLM_API_KEY": SECRET,
        "CITYQA_LLM_TEMPERATURE": "0.2",
        "CITYQA_LLM_TIMEOUT_S": "12.5",
        "CITYQA_LLM_MAX_TOKENS": "256",
        "CITYQA_LLM_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.llm == LLMBackend.OPENAI and settings.llm_model == "llama3.2"
    assert settings.llm_base_url == "http://127.0.0.1:11434/v1"
    assert (settings.llm_temperature, settings.llm_timeout_s) == (0.2, 12.5)
    assert (settings.llm_max_tokens, settings.llm_max_retries) == (256, 0)
    assert isinstance(settings.llm_api_key, SecretStr)
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="llm"):
        Settings(_env_file=None, llm="anthropic")  # type: ignore[call-arg, arg-type]


# -- building the chat model ------------------------------------------------------------------------
def test_openai_builds_chat_openai_with_every_setting() -> None:
    settings = openai_settings(llm_temperature=0.3, llm_timeout_s=7, llm_max_tokens=99, llm_max_retries=2)
    model = build_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "qwen2.5-7b-instruct"
    assert model.openai_api_base == BASE
    assert model.openai_api_key is not None and model.openai_api_key.get_secret_value() == SECRET
    assert (model.temperature, model.request_timeout, model.max_retries) == (0.3, 7, 2)


def test_the_request_carries_the_model_key_and_max_tokens_as_every_compatible_server_reads_them() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = {"role": "assistant", "content": "SELECT 1"}
        return httpx.Response(
            200,
            json={
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": "qwen2.5-7b-instruct",
                "choices": [{"index": 0, "message": reply, "finish_reason": "stop"}],
            },
        )

    settings = openai_settings(llm_max_tokens=99, llm_temperature=0.3)
    model = build_chat_model(settings, http_client=httpx.Client(transport=httpx.MockTransport(handle)))
    assert model is not None
    assert model.invoke("How many people live in Haeundae-gu?").content == "SELECT 1"
    [request] = seen
    assert str(request.url) == f"{BASE}/chat/completions"
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    body = json.loads(request.content)
    assert body["model"] == "qwen2.5-7b-instruct" and body["temperature"] == 0.3
    assert body["max_tokens"] == 99 and "max_completion_tokens" not in body


def test_a_local_server_without_a_key_gets_a_placeholder_never_the_environments_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-someone-elses-environment")
    model = build_chat_model(openai_settings(llm_api_key=None))
    assert isinstance(model, ChatOpenAI) and model.openai_api_key is not None
    assert model.openai_api_key.get_secret_value() == NO_API_KEY


def test_openai_without_a_model_name_is_a_config_error() -> None:
    with pytest.raises(CityQAError) as raised:
        build_chat_model(openai_settings(llm_model=None))
    assert raised.value.code == ErrorCode.INVALID_CONFIG
    assert "CITYQA_LLM_MODEL" in raised.value.detail


def test_the_description_names_the_backend_and_never_the_key() -> None:
    line = describe_chat_model(openai_settings(llm_base_url="http://cityqa:hunter2@models.busan.example/v1"))
    assert "ChatOpenAI" in line and "qwen2.5-7b-instruct" in line and "api key set" in line
    assert SECRET not in line and "hunter2" not in line
    assert describe_chat_model(Settings(_env_file=None)).startswith("none")  # type: ignore[call-arg]


def test_redacted_url_drops_user_and_password() -> None:
    assert redacted_url("https://user:pw@models.example:8443/v1?x=1") == "https://models.example:8443/v1?x=1"
    assert redacted_url(BASE) == BASE


# -- the startup check ------------------------------------------------------------------------------
def test_a_server_that_serves_the_model_passes_and_gets_the_key_as_a_bearer_token() -> None:
    seen: list[httpx.Request] = []
    check = check_chat_model_server(openai_settings(), transport=models_server(seen=seen))
    assert check.status == ChatModelCheckStatus.OK and check.ok and check.usable
    assert check.served_models == ("qwen2.5-7b-instruct",)
    assert [str(request.url) for request in seen] == [f"{BASE}/models"]
    assert seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in check.detail


def test_ollama_tags_count_as_the_untagged_name() -> None:
    served = {"data": [{"id": "llama3.2:latest"}, {"id": "qwen2.5:7b"}]}
    assert check_chat_model_server(
        openai_settings(llm_model="llama3.2"), transport=models_server(body=served)
    ).ok
    missing = check_chat_model_server(
        openai_settings(llm_model="qwen2.5"), transport=models_server(body=served)
    )
    assert missing.status == ChatModelCheckStatus.MODEL_NOT_SERVED


def test_a_model_the_server_does_not_serve_is_named_with_what_it_serves() -> None:
    check = check_chat_model_server(
        openai_settings(llm_model="gpt-4o"), transport=models_server(body={"data": [{"id": "smollm2"}]})
    )
    assert check.status == ChatModelCheckStatus.MODEL_NOT_SERVED and not check.usable
    assert "'gpt-4o'" in check.detail and "smollm2" in check.detail


@pytest.mark.parametrize(
    ("status", "body", "expected", "words"),
    [
        (401, {"error": "bad key"}, ChatModelCheckStatus.AUTH_FAILED, "CITYQA_LLM_API_KEY"),
        (403, {"error": "forbidden"}, ChatModelCheckStatus.AUTH_FAILED, "HTTP 403"),
        (404, {"detail": "Not Found"}, ChatModelCheckStatus.NOT_OPENAI_COMPATIBLE, "/v1"),
        (500, {"error": "boom"}, ChatModelCheckStatus.SERVER_ERROR, "HTTP 500"),
        (200, "<html>a web page</html>", ChatModelCheckStatus.NOT_OPENAI_COMPATIBLE, "model list"),
        (200, {"models": ["x"]}, ChatModelCheckStatus.NOT_OPENAI_COMPATIBLE, "model list"),
    ],
)
def test_what_the_server_answered_is_named(
    status: int, body: object, expected: ChatModelCheckStatus, words: str
) -> None:
    check = check_chat_model_server(openai_settings(), transport=models_server(status, body))
    assert check.status == expected and not check.usable
    assert words in check.detail and SECRET not in check.detail


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (lambda request: httpx.ConnectError("[Errno 111] Connection refused", request=request), "refused"),
        (lambda request: httpx.ReadTimeout("timed out", request=request), "did not answer within 10 s"),
    ],
)
def test_a_server_that_cannot_be_reached_is_unreachable(
    error: Callable[[httpx.Request], Exception], words: str
) -> None:
    check = check_chat_model_server(openai_settings(llm_timeout_s=60), transport=failing_server(error))
    assert check.status == ChatModelCheckStatus.UNREACHABLE and words in check.detail


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that is bound (so nobody else takes it) but never listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


def test_a_real_closed_port_is_unreachable(closed_port: int) -> None:
    settings = openai_settings(llm_base_url=f"http://127.0.0.1:{closed_port}/v1")
    check = check_chat_model_server(settings)
    assert check.status == ChatModelCheckStatus.UNREACHABLE
    assert f"127.0.0.1:{closed_port}" in check.detail


@pytest.mark.parametrize(
    ("overrides", "words"),
    [({"llm_model": None}, "CITYQA_LLM_MODEL"), ({"llm_base_url": "models.busan.example/v1"}, "http(s)")],
)
def test_a_misconfiguration_is_named_before_any_request(overrides: dict[str, object], words: str) -> None:
    seen: list[httpx.Request] = []
    check = check_chat_model_server(openai_settings(**overrides), transport=models_server(seen=seen))
    assert check.status == ChatModelCheckStatus.MISCONFIGURED and words in check.detail
    assert seen == []


def test_no_model_is_nothing_to_check() -> None:
    check = check_chat_model_server(Settings(_env_file=None))  # type: ignore[call-arg]
    assert check.status == ChatModelCheckStatus.DISABLED and check.usable and not check.ok
