"""Per-caller rate limits on the answering routes: 429 in the one error shape with Retry-After, one
bucket per API key (per address without one), refilled over time (a test clock, never a sleep), and
documented in the OpenAPI document only when on."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.errors import ErrorBody, OpenAIErrorBody
from assistant.api.rate_limit import RATE_LIMITED_PATHS, RateLimit, TokenBuckets, retry_after_seconds

INTERNAL_KEY = "demo-internal-key"
PERSONNEL_KEY = "demo-personnel-key"
# Cheap requests to the limited routes: feedback on an unknown answer is a 404 after the limiter.
FEEDBACK = {"answer_id": "a_0123456789abcdef", "rating": "up"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def limited_client(stack, clock: FakeClock, per_minute: int = 60, burst: int = 2) -> TestClient:
    app = create_app(
        stack.assistant, stack.users, stack.sources, rate_limit=RateLimit(per_minute, burst, clock=clock)
    )
    return TestClient(app, raise_server_exceptions=False)


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def feedback(client: TestClient, headers: dict[str, str] | None = None) -> Any:
    return client.post("/api/feedback", json=FEEDBACK, headers=headers)


def assert_rate_limited(response: Any, retry_after: int) -> dict[str, Any]:
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == str(retry_after)
    body = response.json()
    openai = response.request.url.path.startswith("/v1/")
    (OpenAIErrorBody if openai else ErrorBody).model_validate(body)
    assert set(body) == {"ok", "error_code", "detail", "request_id"} | ({"error"} if openai else set())
    assert body["ok"] is False and body["error_code"] == "rate_limited"
    assert body["request_id"] == response.headers["x-request-id"]
    assert f"{retry_after} s" in body["detail"]
    return body


def test_over_the_burst_is_429_with_retry_after_in_the_error_shape(stack) -> None:
    client = limited_client(stack, FakeClock())
    assert [feedback(client).status_code for _ in range(2)] == [404, 404]
    refused = feedback(client, headers={"x-request-id": "req-429"})
    body = assert_rate_limited(refused, retry_after=1)  # 60 a minute: the next token in 1 s
    assert body["request_id"] == "req-429"


def test_every_answering_route_draws_from_the_same_bucket(stack) -> None:
    client = limited_client(stack, FakeClock(), burst=len(RATE_LIMITED_PATHS))
    requests = {
        "/api/chat": {"question": "10 days?"},
        "/api/chat/stream": {"question": "10 days?"},
        "/v1/chat/completions": {"model": "cityqa", "messages": [{"role": "user", "content": "10 days?"}]},
        "/api/sql": {"sql": "SELECT district FROM district_land_area"},
        "/api/feedback": FEEDBACK,
    }
    assert set(requests) == RATE_LIMITED_PATHS
    for path, body in requests.items():
        assert client.post(path, json=body).status_code != 429, path
    for path, body in requests.items():
        response = client.post(path, json=body)
        error = assert_rate_limited(response, retry_after=1)
        if path.startswith("/v1/"):  # OpenAI's clients read the error object there
            assert error["error"]["code"] == "rate_limited"
            assert error["error"]["type"] == "invalid_request_error"
    # Routes that only read are never limited.
    for path in ("/healthz", "/api/sources", "/metrics", "/v1/models"):
        assert client.get(path).status_code == 200, path


def test_each_api_key_and_each_address_has_its_own_bucket(stack) -> None:
    client = limited_client(stack, FakeClock(), burst=1)
    assert feedback(client, bearer(INTERNAL_KEY)).status_code == 404
    assert_rate_limited(feedback(client, bearer(INTERNAL_KEY)), retry_after=1)
    # The same key in the other header is the same caller.
    assert_rate_limited(feedback(client, {"x-api-key": INTERNAL_KEY}), retry_after=1)
    assert feedback(client, bearer(PERSONNEL_KEY)).status_code == 404
    assert feedback(client).status_code == 404  # anonymous: the client's address
    assert_rate_limited(feedback(client), retry_after=1)
    # A credential the route would refuse counts against the address, not a bucket of its own.
    assert_rate_limited(feedback(client, bearer("stolen-1")), retry_after=1)
    assert_rate_limited(feedback(client, bearer("stolen-2")), retry_after=1)


def test_tokens_come_back_with_time(stack) -> None:
    clock = FakeClock()
    client = limited_client(stack, clock, per_minute=6, burst=2)  # a token every 10 s
    assert [feedback(client).status_code for _ in range(2)] == [404, 404]
    assert_rate_limited(feedback(client), retry_after=10)
    clock.advance(4)
    assert_rate_limited(feedback(client), retry_after=6)
    clock.advance(5.5)
    assert_rate_limited(feedback(client), retry_after=1)  # 0.5 s left: never "0"
    clock.advance(0.5)
    assert feedback(client).status_code == 404
    assert_rate_limited(feedback(client), retry_after=10)
    clock.advance(3600)  # a long pause refills only up to the burst
    assert [feedback(client).status_code for _ in range(3)] == [404, 404, 429]


def test_off_by_default_and_with_zero_per_minute(stack) -> None:
    for app in (
        create_app(stack.assistant, stack.users, stack.sources),
        create_app(stack.assistant, stack.users, stack.sources, rate_limit=RateLimit(0, 5)),
    ):
        client = TestClient(app)
        assert {feedback(client).status_code for _ in range(30)} == {404}
        assert not any("429" in operation["responses"] for operation in _operations(client).values())


def _operations(client: TestClient) -> dict[tuple[str, str], dict[str, Any]]:
    document = client.get("/openapi.json").json()
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_the_openapi_document_states_the_429_when_on(stack) -> None:
    operations = _operations(limited_client(stack, FakeClock(), per_minute=90, burst=7))
    for (_, path), operation in operations.items():
        if path not in RATE_LIMITED_PATHS:
            assert "429" not in operation["responses"], path
            continue
        too_many = operation["responses"]["429"]
        assert "90 a minute, 7 at once" in too_many["description"]
        assert {"retry-after", "x-request-id"} <= set(too_many["headers"])
        body = "OpenAIErrorBody" if path.startswith("/v1/") else "ErrorBody"
        assert too_many["content"] == {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
        }
    assert {path for _, path in operations} >= RATE_LIMITED_PATHS


@pytest.mark.parametrize(("wait", "seconds"), [(0.001, 1), (1.0, 1), (1.2, 2), (59.9, 60)])
def test_retry_after_is_whole_seconds_never_zero(wait: float, seconds: int) -> None:
    assert retry_after_seconds(wait) == seconds


def test_buckets_that_refilled_are_forgotten_past_the_cap() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(RateLimit(60, 2, clock=clock), max_buckets=3)
    for caller in ("a", "b", "c"):
        assert buckets.take(caller) == 0
    assert len(buckets) == 3
    clock.advance(0.5)
    assert buckets.take("d") == 0  # past the cap, but nobody has refilled yet: all kept
    assert len(buckets) == 4
    clock.advance(1)
    assert buckets.take("e") == 0  # a, b, c and d are full again: forgotten
    assert len(buckets) == 1
    assert buckets.take("e") == 0 and buckets.take("e") == pytest.approx(1.0)
