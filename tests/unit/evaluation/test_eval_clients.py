"""Answer clients: over HTTP against a tiny in-process FastAPI app (no network), and in-process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from eval_factories import POLICY_DOC, make_answer, make_case
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Answer
from evaluation.clients import AnswerClient, HttpClient, InProcessClient
from evaluation.runner import run_case


def _app(seen: list[dict[str, Any]]) -> FastAPI:
    app = FastAPI()

    @app.post("/api/chat")
    async def chat(request: Request) -> JSONResponse:
        body = await request.json()
        auth = request.headers.get("authorization")
        seen.append({"body": body, "auth": auth})
        if auth == "Bearer bad-key":
            return JSONResponse(
                {"ok": False, "error_code": "unauthorized", "detail": "unknown API key", "request_id": "r1"},
                status_code=401,
            )
        if body["question"] == "crash":
            return JSONResponse(
                {"ok": False, "error_code": "internal", "detail": "boom", "request_id": "r2"}, 500
            )
        answer = make_answer(f"Echo: {body['question']} [1].").model_copy(
            update={
                "conversation_id": body.get("conversation_id") or "conv-new",
                "question": body["question"],
            }
        )
        return JSONResponse(answer.model_dump(mode="json"))

    return app


@pytest.fixture
def seen() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def http_client(seen: list[dict[str, Any]]) -> HttpClient:
    return HttpClient("http://testserver/", api_key="fallback-key", http_client=TestClient(_app(seen)))


def test_http_client_posts_question_and_parses_answer(
    http_client: HttpClient, seen: list[dict[str, Any]]
) -> None:
    assert isinstance(http_client, AnswerClient)
    answer = http_client.ask("How many days?", "demo-internal-key", None)
    assert isinstance(answer, Answer)
    assert answer.answer == "Echo: How many days? [1]."
    assert answer.citations[0].source_id == POLICY_DOC
    assert seen[-1] == {
        "body": {"question": "How many days?", "conversation_id": None},
        "auth": "Bearer demo-internal-key",
    }


def test_anonymous_sends_no_key_and_no_user_sends_api_key(
    http_client: HttpClient, seen: list[dict[str, Any]]
) -> None:
    http_client.ask("q", "anonymous", "c9")
    assert seen[-1]["auth"] is None and seen[-1]["body"]["conversation_id"] == "c9"
    http_client.ask("q", "", None)
    assert seen[-1]["auth"] == "Bearer fallback-key"


def test_user_keys_map_case_users_to_real_secrets(seen: list[dict[str, Any]]) -> None:
    client = HttpClient(
        "http://testserver", http_client=TestClient(_app(seen)), user_keys={"internal": "s3cret"}
    )
    client.ask("q", "internal", None)
    assert seen[-1]["auth"] == "Bearer s3cret"


def test_error_json_becomes_cityqa_error(http_client: HttpClient) -> None:
    with pytest.raises(CityQAError) as raised:
        http_client.ask("q", "bad-key", None)
    assert raised.value.code == ErrorCode.UNAUTHORIZED
    assert "HTTP 401: unknown API key" in raised.value.detail


def test_error_response_is_a_failed_case_not_a_crash(http_client: HttpClient) -> None:
    case = make_case("document").model_copy(update={"question": "crash"})
    result = run_case(http_client, case)
    assert not result.passed
    assert result.error == "internal: HTTP 500: boom"
    assert result.checks[0].name == "answered"


def test_conversation_turns_are_asked_first_in_one_conversation(
    http_client: HttpClient, seen: list[dict[str, Any]]
) -> None:
    case = make_case("document").model_copy(
        update={"conversation": ["first question"], "question": "and then?"}
    )
    result = run_case(http_client, case)
    assert [s["body"] for s in seen] == [
        {"question": "first question", "conversation_id": None},
        {"question": "and then?", "conversation_id": "conv-new"},
    ]
    assert result.answer == "Echo: and then? [1]."
    assert result.latency_ms == 12.0  # taken from timings_ms["total"]


def test_transport_failures_and_non_answers_are_upstream_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = HttpClient("http://nowhere", http_client=httpx.Client(transport=httpx.MockTransport(refuse)))
    with pytest.raises(CityQAError) as raised:
        client.ask("q", "anonymous", None)
    assert raised.value.code == ErrorCode.UPSTREAM_FAILED

    garbage = httpx.MockTransport(lambda request: httpx.Response(200, json={"hello": "world"}))
    with pytest.raises(CityQAError, match="not an Answer"):
        HttpClient("http://x", http_client=httpx.Client(transport=garbage)).ask("q", "anonymous", None)
    html = httpx.MockTransport(lambda request: httpx.Response(502, text="<html>bad gateway</html>"))
    with pytest.raises(CityQAError, match="not JSON"):
        HttpClient("http://x", http_client=httpx.Client(transport=html)).ask("q", "anonymous", None)


def test_in_process_client_passes_arguments_through() -> None:
    calls: list[tuple[str, str, str | None]] = []

    def answer_fn(question: str, user: str, conversation_id: str | None) -> Answer:
        calls.append((question, user, conversation_id))
        return make_answer()

    client = InProcessClient(answer_fn)
    assert isinstance(client, AnswerClient)
    client.ask("q", "demo-internal-key", "c1")
    assert calls == [("q", "demo-internal-key", "c1")]


def test_in_process_crash_is_a_failed_case() -> None:
    def broken(question: str, user: str, conversation_id: str | None) -> Answer:
        raise RuntimeError("kaput")

    result = run_case(InProcessClient(broken), make_case("document"))
    assert result.error == "internal: RuntimeError: kaput" and not result.passed
