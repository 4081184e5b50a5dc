"""`POST /api/chat/stream`: the answer as server-sent events, in the pipeline's order, ending with the
answer `/api/chat` gives; credentials and bodies refused before the stream starts; a failure once it
has started is an `error` event with the error body; the pipeline runs off the event loop."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from event_streams import ServerSentEvent, read_events
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_api import (
    PERSONNEL_DOC,
    PERSONNEL_KEY,
    PUBLIC_DOC,
    QUESTION,
    assert_error,
    bearer,
    client_whose_composer_fails,
)

from assistant.api.app import create_app
from assistant.models import Answer
from assistant.users import UserDirectory

LAND_AREA = "What is the land area of Haeundae-gu?"  # the demo table district_land_area (conftest)
WALRUS = "How long are personnel records kept in the walrusvault archive?"
# What differs between two answers to the same question.
PER_ANSWER = {"answer_id", "conversation_id", "timings_ms"}


@pytest.fixture(scope="module")
def app(stack) -> FastAPI:
    return create_app(stack.assistant, stack.users, stack.sources)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def stream(client: TestClient, question: str, headers: dict[str, str] | None = None) -> list[ServerSentEvent]:
    response = client.post("/api/chat/stream", json={"question": question}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-request-id"]
    for line in response.text.split("\n"):  # every event's data is one line of JSON
        assert not line.startswith("data:") or json.loads(line.removeprefix("data:"))
    events, comments = read_events(response.text)
    assert comments == []
    return events


def answer_of(events: list[ServerSentEvent]) -> dict[str, Any]:
    assert events[-1].event == "done", events[-1]
    assert [event.event for event in events].count("done") == 1
    answer = events[-1].json()["answer"]
    Answer.model_validate(answer)
    return answer


def without_ids(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key not in PER_ANSWER}


def test_events_come_in_the_pipeline_order_and_done_is_the_chat_answer(client: TestClient) -> None:
    events = stream(client, QUESTION)
    kinds = [event.event for event in events]
    first_token = kinds.index("token")
    assert first_token > 0 and set(kinds[:first_token]) == {"status"}
    assert [event.json()["step"] for event in events[:first_token]] == [
        "computing",
        "retrieving",
        "composing",
    ]
    assert kinds[first_token:] == ["token", "citations", "done"]  # no statistics: no sql, no table
    answer = answer_of(events)
    assert "".join(event.json()["text"] for event in events if event.event == "token") == answer["answer"]
    assert events[-2].json() == {"citations": answer["citations"]}
    assert answer["citations"][0]["source_id"] == PUBLIC_DOC and "10 days" in answer["answer"]

    chat = client.post("/api/chat", json={"question": QUESTION}).json()
    assert without_ids(answer) == without_ids(chat)
    assert answer["answer_id"] != chat["answer_id"]


def test_a_statistics_answer_streams_its_sql_and_table(client: TestClient) -> None:
    events = stream(client, LAND_AREA)
    kinds = [event.event for event in events]
    assert kinds[kinds.index("token") :] == ["token", "sql", "table", "citations", "done"]
    answer = answer_of(events)
    sql, table = events[kinds.index("sql")].json(), events[kinds.index("table")].json()
    assert sql == {"text": answer["sql"]["query"]}
    assert "FROM district_land_area" in sql["text"] and "해운대구" in sql["text"]
    assert table == {"sql": answer["sql"]}
    assert table["sql"]["rows"] == [[51.54]] and table["sql"]["columns"] == ["land_area_km2"]
    assert "51.54" in answer["answer"]
    assert without_ids(answer) == without_ids(client.post("/api/chat", json={"question": LAND_AREA}).json())


def test_the_stream_answers_as_the_caller(client: TestClient) -> None:
    """The caller's clearance reaches the pipeline: a restricted source streams only to its department."""
    anonymous = client.post("/api/chat/stream", json={"question": WALRUS}).text
    assert PERSONNEL_DOC not in anonymous and "5 years" not in anonymous
    personnel = answer_of(stream(client, WALRUS, headers=bearer(PERSONNEL_KEY)))
    assert PERSONNEL_DOC in {citation["source_id"] for citation in personnel["citations"]}


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({"authorization": "Bearer stolen"}, {"question": QUESTION}, 401, "unauthorized"),
        ({"authorization": "Basic ZGVtbzpkZW1v"}, {"question": QUESTION}, 401, "unauthorized"),
        ({"x-api-key": ""}, {"question": QUESTION}, 401, "unauthorized"),
        ({}, {"question": "   "}, 400, "bad_request"),
        ({}, {"question": QUESTION, "conversation_id": "c" * 65}, 400, "bad_request"),
        ({}, {}, 400, "bad_request"),
    ],
    ids=["unknown-key", "basic", "empty-api-key", "blank-question", "long-conversation-id", "no-question"],
)
def test_bad_credentials_and_bodies_are_answered_before_the_stream(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], status: int, code: str
) -> None:
    response = client.post("/api/chat/stream", json=body, headers={**headers, "x-request-id": "req-pre"})
    assert response.headers["content-type"] == "application/json"
    assert assert_error(response, status, code)["request_id"] == "req-pre"


def test_anonymous_streams_are_refused_when_anonymous_access_is_off(stack) -> None:
    known_keys = stack.users.keys()
    users = UserDirectory({key: stack.users.authenticate(key) for key in known_keys}, allow_anonymous=False)
    closed = TestClient(create_app(stack.assistant, users, stack.sources), raise_server_exceptions=False)
    assert_error(closed.post("/api/chat/stream", json={"question": QUESTION}), 401, "unauthorized")
    assert answer_of(stream(closed, QUESTION, headers=bearer(PERSONNEL_KEY)))["citations"]


def test_a_failure_in_the_stream_ends_it_with_an_error_event(stack) -> None:
    client = client_whose_composer_fails(stack)
    response = client.post(
        "/api/chat/stream", json={"question": QUESTION}, headers={"x-request-id": "req-err"}
    )
    assert response.status_code == 200  # the stream had started: the failure is its last event
    events, _ = read_events(response.text)
    assert [event.event for event in events] == ["status", "status", "error"]
    assert events[-1].json() == {
        "ok": False,
        "error_code": "internal",
        "detail": "internal error",
        "request_id": "req-err",
    }
    assert "secret internal state" not in response.text


class GatedComposer:
    """Composes like the real one once the test opens the gate; until then the pipeline waits."""

    def __init__(self, composer: Any) -> None:
        self.composer = composer
        self.waiting = threading.Event()
        self.gate = threading.Event()

    def compose(self, *args: Any, **kwargs: Any) -> Any:
        self.waiting.set()
        assert self.gate.wait(timeout=30), "the test never opened the gate"
        return self.composer.compose(*args, **kwargs)


def test_a_waiting_pipeline_does_not_hold_up_the_event_loop(stack) -> None:
    """While one stream waits for its answer, the server answers other requests: the pipeline's
    blocking iterator is read in the thread pool (read on the event loop, /healthz would hang)."""
    composer = GatedComposer(stack.assistant.composer)
    gated = type(stack.assistant)(
        retriever=stack.assistant.retriever,
        composer=composer,
        audit_log=stack.assistant.audit_log,
        conversations=stack.assistant.conversations,
        policy=stack.assistant.policy,
    )
    responses: dict[str, Any] = {}
    # As a context manager the client serves every request on one event loop (else one loop each).
    with TestClient(create_app(gated, stack.users, stack.sources)) as client:
        asking = threading.Thread(
            target=lambda: responses.update(
                stream=client.post("/api/chat/stream", json={"question": QUESTION})
            )
        )
        asking.start()
        try:
            assert composer.waiting.wait(timeout=30), "the pipeline never reached the composer"
            checking = threading.Thread(target=lambda: responses.update(health=client.get("/healthz")))
            checking.start()
            checking.join(timeout=10)
            assert not checking.is_alive(), "/healthz waited for the streamed answer"
            assert responses["health"].status_code == 200
        finally:
            composer.gate.set()
            asking.join(timeout=30)
    events, _ = read_events(responses["stream"].text)
    assert "10 days" in answer_of(events)["answer"]
