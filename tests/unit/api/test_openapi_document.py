"""The OpenAPI document states the contract: every error status of every route with the one error
shape, the optional credentials, the request body limit; FastAPI's HTTPValidationError is gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.limits import DEFAULT_MAX_BODY_BYTES
from assistant.users import UserDirectory

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
OPENAI_ERROR_BODY = {"$ref": "#/components/schemas/OpenAIErrorBody"}  # under /v1/: ErrorBody + `error`
# Operations only an admin's key may use (always a key, even while anonymous access is on).
ADMIN = {
    ("post", "/api/admin/ingest"),
    ("get", "/api/admin/ingest"),
    ("get", "/api/admin/ingest/{job_id}"),
    ("post", "/api/admin/ingest/{job_id}/cancel"),
}
AUTHENTICATED = {
    ("post", "/api/chat"),
    ("post", "/api/chat/stream"),
    ("post", "/v1/chat/completions"),
    ("get", "/v1/models"),
    ("get", "/v1/models/{model}"),
    ("post", "/api/sql"),
    ("get", "/api/sources"),
    ("get", "/api/sources/{source_id}"),
    ("post", "/api/feedback"),
    *ADMIN,
}
# Statuses each operation can answer, beyond 200 (the tests in test_api.py provoke each of them).
EXPECTED_ERRORS = {
    ("get", "/healthz"): {"400", "413", "500"},
    ("get", "/readyz"): {"400", "413", "500", "503"},  # 503: tests/unit/assistant/test_warm_start.py
    ("post", "/api/chat"): {"400", "401", "413", "500"},
    ("post", "/api/chat/stream"): {"400", "401", "413", "500"},
    ("post", "/v1/chat/completions"): {"400", "401", "404", "413", "500"},
    ("get", "/v1/models"): {"400", "401", "413", "500"},
    ("get", "/v1/models/{model}"): {"400", "401", "404", "413", "500"},
    ("post", "/api/sql"): {"400", "401", "404", "408", "413", "422", "500"},
    ("get", "/api/sources"): {"400", "401", "413", "500"},
    ("get", "/api/sources/{source_id}"): {"400", "401", "404", "413", "500"},
    ("post", "/api/feedback"): {"400", "401", "404", "413", "500"},
    # 403: not an admin's key; 409: no ingest roots configured (tests/unit/api/test_admin_ingest.py)
    ("post", "/api/admin/ingest"): {"400", "401", "403", "409", "413", "500"},
    ("get", "/api/admin/ingest"): {"400", "401", "403", "409", "413", "500"},
    ("get", "/api/admin/ingest/{job_id}"): {"400", "401", "403", "404", "409", "413", "500"},
    ("post", "/api/admin/ingest/{job_id}/cancel"): {"400", "401", "403", "404", "409", "413", "500"},
}
SUCCESS_STATUS = {("post", "/api/feedback"): "201", ("post", "/api/admin/ingest"): "202"}  # others: 200


def _document(stack, allow_anonymous: bool = True, **options: Any) -> dict[str, Any]:
    users = UserDirectory({}, allow_anonymous=allow_anonymous)
    return (
        TestClient(create_app(stack.assistant, users, stack.sources, **options)).get("/openapi.json").json()
    )


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_documents_each_error_status_with_the_error_shape(stack) -> None:
    operations = _operations(_document(stack))
    assert set(operations) == set(EXPECTED_ERRORS)
    for key, operation in operations.items():
        responses = operation["responses"]
        success = SUCCESS_STATUS.get(key, "200")
        assert set(responses) == {success} | EXPECTED_ERRORS[key], key
        for status, response in responses.items():
            assert response["description"], (key, status)
            assert "x-request-id" in response["headers"], (key, status)
            if status != success:
                body = OPENAI_ERROR_BODY if key[1].startswith("/v1/") else ERROR_BODY
                assert response["content"] == {"application/json": {"schema": body}}, (key, status)


def test_the_error_shape_is_one_strict_model(stack) -> None:
    document = _document(stack)
    error_body = document["components"]["schemas"]["ErrorBody"]
    assert (
        set(error_body["required"])
        == set(error_body["properties"])
        == {
            "ok",
            "error_code",
            "detail",
            "request_id",
        }
    )
    assert error_body["properties"]["ok"]["const"] is False
    assert "payload_too_large" in document["components"]["schemas"]["ErrorCode"]["enum"]


def test_fastapi_validation_error_is_not_documented(stack) -> None:
    """Invalid input is a 400 with the error shape; 422 means refused SQL, and only on /api/sql."""
    document = _document(stack)
    assert "ValidationError" not in json.dumps(document)
    sql_422 = document["paths"]["/api/sql"]["post"]["responses"]["422"]
    assert sql_422["content"]["application/json"]["schema"] == ERROR_BODY
    assert "guard" in sql_422["description"]


@pytest.mark.parametrize("allow_anonymous", [True, False])
def test_credentials_are_optional_exactly_when_anonymous_access_is_on(stack, allow_anonymous: bool) -> None:
    document = _document(stack, allow_anonymous=allow_anonymous)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerApiKey"] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    assert (schemes["apiKeyHeader"]["in"], schemes["apiKeyHeader"]["name"]) == ("header", "X-API-Key")
    for key, operation in _operations(document).items():
        if key not in AUTHENTICATED:
            assert "security" not in operation and "401" not in operation["responses"], key
            continue
        requirements = operation["security"]
        assert {"bearerApiKey": []} in requirements and {"apiKeyHeader": []} in requirements
        # the admin routes need an admin's key, whether anonymous access is on or not
        assert ({} in requirements) is (allow_anonymous and key not in ADMIN), key
        assert "www-authenticate" in operation["responses"]["401"]["headers"]


def test_the_body_limit_is_documented(stack) -> None:
    default = _document(stack)["paths"]["/api/chat"]["post"]["responses"]["413"]["description"]
    assert str(DEFAULT_MAX_BODY_BYTES) in default
    small = _document(stack, max_body_bytes=1234)["paths"]["/api/chat"]["post"]["responses"]["413"]
    assert "1234 bytes" in small["description"]


def test_a_question_must_have_a_non_blank_character(stack) -> None:
    question = _document(stack)["components"]["schemas"]["ChatRequest"]["properties"]["question"]
    assert question["pattern"].startswith("[^") and "\\u3000" in question["pattern"]
    assert (question["minLength"], question["maxLength"]) == (1, 2000)


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_every_reference_resolves(stack) -> None:
    """Components only streamed events use (which FastAPI does not list) are in the document too."""
    document = _document(stack)
    schemas = document["components"]["schemas"]
    references = set(_references(document))
    assert {"#/components/schemas/AnswerEventData", "#/components/schemas/ChatCompletionChunk"} <= references
    for reference in references:
        assert reference.startswith("#/components/schemas/"), reference
        assert reference.removeprefix("#/components/schemas/") in schemas, reference


def test_the_streaming_routes_document_their_events(stack) -> None:
    paths = _document(stack)["paths"]
    answer_stream = paths["/api/chat/stream"]["post"]["responses"]["200"]["content"]
    assert set(answer_stream) == {"text/event-stream"}
    events = answer_stream["text/event-stream"]["itemSchema"]["oneOf"]
    data = [event["properties"]["data"] for event in events]
    assert {item["contentMediaType"] for item in data} == {"application/json"}
    assert [item["contentSchema"] for item in data] == [
        {"$ref": "#/components/schemas/AnswerEventData"},
        ERROR_BODY,
    ]
    assert events[0]["properties"]["event"]["enum"] == [
        "status",
        "token",
        "sql",
        "table",
        "citations",
        "done",
    ]
    completions = paths["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert completions["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatCompletion"}
    chunk = completions["text/event-stream"]["itemSchema"]["properties"]["data"]["anyOf"]
    assert chunk[0] == {"const": "[DONE]"}
    assert chunk[1]["contentSchema"] == {
        "anyOf": [{"$ref": "#/components/schemas/ChatCompletionChunk"}, OPENAI_ERROR_BODY]
    }
