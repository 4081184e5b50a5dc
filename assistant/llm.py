"""The chat model seam: build a langchain chat model from settings, check its server, read its replies.

`build_chat_model` turns `CITYQA_LLM=openai` into a `ChatOpenAI` talking to any OpenAI-compatible
server (vLLM, a llama.cpp server, Ollama's `/v1`); `CITYQA_LLM=none` means no chat model at all (the
offline path). Building is free: nothing talks to the server until a request needs the model.

`check_chat_model_server` asks the server's `/models` once and returns a `ChatModelCheck` whose
status says what is wrong (unreachable, authentication failed, model not served, …) in one line.
It never raises for a server problem and never puts the API key in what it returns.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from assistant.config import LLMBackend, Settings
from assistant.errors import CityQAError, ErrorCode

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

# Local servers (llama.cpp, Ollama, vLLM without --api-key) need no key, but the OpenAI client
# refuses to start without one; this placeholder is sent instead of a real key.
NO_API_KEY = "not-needed"
CHECK_TIMEOUT_CAP_S = 10.0


def reply_text(content: object) -> str:
    """A message's content as text (providers return a string or a list of content parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
    return str(content)


def redacted_url(url: str) -> str:
    """The URL without user name or password (safe to log and print)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _require_model(settings: Settings) -> str:
    if not settings.llm_model:
        raise CityQAError(
            ErrorCode.INVALID_CONFIG,
            "CITYQA_LLM=openai needs CITYQA_LLM_MODEL (the model name the server lists at /v1/models)",
        )
    return settings.llm_model


def _api_key(settings: Settings) -> str:
    return settings.llm_api_key.get_secret_value() if settings.llm_api_key else NO_API_KEY


def build_chat_model(settings: Settings, http_client: httpx.Client | None = None) -> BaseChatModel | None:
    """The configured chat model, or None for the offline path (`CITYQA_LLM=none`).

    `http_client` replaces the OpenAI client's own (tests pass one over a fake transport)."""
    if settings.llm == LLMBackend.NONE:
        return None
    model = _require_model(settings)
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=model,
        base_url=settings.llm_base_url,
        api_key=SecretStr(_api_key(settings)),
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        # ChatOpenAI sends its max_tokens as `max_completion_tokens`, which llama.cpp's servers and
        # older vLLM/Ollama ignore (the reply then runs to the context's end); every OpenAI-compatible
        # server reads the classic `max_tokens`, sent as is through extra_body.
        extra_body={"max_tokens": settings.llm_max_tokens},
        http_client=http_client,
    )


def describe_chat_model(settings: Settings) -> str:
    """One line naming the chat model backend and its limits, never the API key."""
    if settings.llm == LLMBackend.NONE:
        return "none (CITYQA_LLM=none: offline, no chat model)"
    key = "api key set" if settings.llm_api_key else "no api key"
    return (
        f"ChatOpenAI, model {settings.llm_model or '(not set)'} at {redacted_url(settings.llm_base_url)} "
        f"(temperature {settings.llm_temperature:g}, timeout {settings.llm_timeout_s:g} s, "
        f"max tokens {settings.llm_max_tokens}, retries {settings.llm_max_retries}, {key})"
    )


# -- the startup check -----------------------------------------------------------------------------
class ChatModelCheckStatus(enum.StrEnum):
    OK = "ok"
    DISABLED = "disabled"  # CITYQA_LLM=none: nothing to check
    MISCONFIGURED = "misconfigured"  # no model name, or a base URL that is not an http(s) URL
    UNREACHABLE = "unreachable"  # refused, unknown host, no answer in time
    AUTH_FAILED = "auth_failed"  # 401/403
    NOT_OPENAI_COMPATIBLE = "not_openai_compatible"  # no /models, or not the OpenAI list shape
    SERVER_ERROR = "server_error"  # any other non-2xx status
    MODEL_NOT_SERVED = "model_not_served"


@dataclass(frozen=True)
class ChatModelCheck:
    """What `check_chat_model_server` found: a status, one line saying it, and the served model ids."""

    status: ChatModelCheckStatus
    detail: str
    served_models: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status == ChatModelCheckStatus.OK

    @property
    def usable(self) -> bool:
        """True when requests can go to the model, or when no model is configured (nothing to fail)."""
        return self.status in (ChatModelCheckStatus.OK, ChatModelCheckStatus.DISABLED)


def _model_is_served(model: str, served: tuple[str, ...]) -> bool:
    # Ollama lists "llama3.2:latest" and answers to "llama3.2" as well.
    return model in served or (":" not in model and f"{model}:latest" in served)


def _served_model_ids(payload: Any) -> tuple[str, ...] | None:
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list):
        return None
    ids = [item.get("id") for item in data if isinstance(item, dict)]
    return tuple(model_id for model_id in ids if isinstance(model_id, str))


def check_chat_model_server(
    settings: Settings, transport: httpx.BaseTransport | None = None
) -> ChatModelCheck:
    """Ask the configured server's `/models` whether it is up, accepts the key and serves the model."""
    if settings.llm == LLMBackend.NONE:
        return ChatModelCheck(ChatModelCheckStatus.DISABLED, "CITYQA_LLM=none: the offline path is used")
    if not settings.llm_model:
        return ChatModelCheck(ChatModelCheckStatus.MISCONFIGURED, "CITYQA_LLM_MODEL is not set")
    base = settings.llm_base_url.rstrip("/")
    shown = redacted_url(base)
    if urlsplit(base).scheme not in ("http", "https"):
        return ChatModelCheck(
            ChatModelCheckStatus.MISCONFIGURED,
            f"CITYQA_LLM_BASE_URL must be an http(s) URL ending in /v1, not {shown!r}",
        )
    timeout = min(settings.llm_timeout_s, CHECK_TIMEOUT_CAP_S)
    headers = {"Authorization": f"Bearer {_api_key(settings)}"}
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.get(f"{base}/models", headers=headers)
    except httpx.TimeoutException:
        return ChatModelCheck(
            ChatModelCheckStatus.UNREACHABLE, f"{shown} did not answer within {timeout:g} s"
        )
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        return ChatModelCheck(ChatModelCheckStatus.UNREACHABLE, f"cannot connect to {shown}: {reason}")
    if response.status_code in (401, 403):
        return ChatModelCheck(
            ChatModelCheckStatus.AUTH_FAILED,
            f"{shown} refused the API key (HTTP {response.status_code}): check CITYQA_LLM_API_KEY",
        )
    if response.status_code == 404:
        return ChatModelCheck(
            ChatModelCheckStatus.NOT_OPENAI_COMPATIBLE,
            f"{shown}/models not found (HTTP 404): is it an OpenAI-compatible base URL ending in /v1?",
        )
    if response.status_code >= 400:
        return ChatModelCheck(
            ChatModelCheckStatus.SERVER_ERROR, f"{shown}/models answered HTTP {response.status_code}"
        )
    try:
        served = _served_model_ids(response.json())
    except ValueError:
        served = None
    if served is None:
        return ChatModelCheck(
            ChatModelCheckStatus.NOT_OPENAI_COMPATIBLE,
            f"{shown}/models did not answer with an OpenAI model list",
        )
    model = settings.llm_model
    if not _model_is_served(model, served):
        listed = ", ".join(served) if served else "no models"
        return ChatModelCheck(
            ChatModelCheckStatus.MODEL_NOT_SERVED,
            f"{shown} does not serve model {model!r} (it serves: {listed})",
            served,
        )
    return ChatModelCheck(ChatModelCheckStatus.OK, f"{shown} serves {model!r}", served)
