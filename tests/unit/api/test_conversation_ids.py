"""Conversation ids over HTTP: the server issues them, a follow-up continues with the id of the
first answer, and an id the server never gave (or gave someone else) starts a new conversation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from event_streams import read_events
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assistant.api.app import ChatRequest, create_app
from assistant.conversations import CONVERSATION_ID_MAX_CHARS

FIRST = "How many days does the agency have to decide on a public data request?"
FOLLOW_UP = "and afterwards?"  # not answerable alone: only in the context of FIRST
PUBLIC_DOC = "doc:request_procedure.md"
INTERNAL_KEY = "demo-internal-key"
PERSONNEL_KEY = "demo-personnel-key"
ISSUED_ID = re.compile(r"^c_[A-Za-z0-9_-]{32}$")


@pytest.fixture(scope="module")
def client(stack) -> TestClient:
    return TestClient(create_app(stack.assistant, stack.users, stack.sources), raise_server_exceptions=False)


def chat(
    client: TestClient, question: str, conversation_id: str | None = None, key: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    headers = {"authorization": f"Bearer {key}"} if key else None
    response = client.post("/api/chat", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def cited(answer: dict[str, Any]) -> set[str]:
    return {citation["source_id"] for citation in answer["citations"]}


def test_the_follow_up_alone_is_not_answered(client: TestClient) -> None:
    """What the tests below rely on: FOLLOW_UP is answered only in FIRST's conversation."""
    assert chat(client, FOLLOW_UP)["confidence"] == "none"


def test_a_follow_up_continues_with_the_id_of_the_first_answer(client: TestClient) -> None:
    first = chat(client, FIRST)
    follow_up = chat(client, FOLLOW_UP, first["conversation_id"])

    assert ISSUED_ID.match(first["conversation_id"]), first["conversation_id"]
    assert follow_up["conversation_id"] == first["conversation_id"]
    assert PUBLIC_DOC in cited(follow_up)


def test_the_stream_gives_and_takes_the_same_ids(client: TestClient) -> None:
    first = chat(client, FIRST, key=INTERNAL_KEY)
    response = client.post(
        "/api/chat/stream",
        json={"question": FOLLOW_UP, "conversation_id": first["conversation_id"]},
        headers={"authorization": f"Bearer {INTERNAL_KEY}"},
    )
    events, _ = read_events(response.text)
    follow_up = events[-1].json()["answer"]

    assert follow_up["conversation_id"] == first["conversation_id"]
    assert PUBLIC_DOC in cited(follow_up)


@pytest.mark.parametrize(
    "made_up",
    ["c_1", "my-conversation", "c_" + "x" * 32, "c" * CONVERSATION_ID_MAX_CHARS],
    ids=["short", "word", "issued-shape", "longest"],
)
def test_a_made_up_id_gets_a_different_id_and_no_context(client: TestClient, made_up: str) -> None:
    answer = chat(client, FOLLOW_UP, made_up)

    assert answer["conversation_id"] != made_up
    assert ISSUED_ID.match(answer["conversation_id"])
    assert answer["confidence"] == "none"
    # and the made-up id did not become a conversation: asking with it again is new again
    assert chat(client, FIRST, made_up)["conversation_id"] not in (made_up, answer["conversation_id"])


def test_another_callers_id_starts_a_new_conversation(client: TestClient) -> None:
    internal = chat(client, FIRST, key=INTERNAL_KEY)

    as_personnel = chat(client, FOLLOW_UP, internal["conversation_id"], key=PERSONNEL_KEY)
    as_anonymous = chat(client, FOLLOW_UP, internal["conversation_id"])

    for answer in (as_personnel, as_anonymous):
        assert answer["conversation_id"] != internal["conversation_id"]
        assert answer["confidence"] == "none", "someone else's earlier question must not be seen"
    continued = chat(client, FOLLOW_UP, internal["conversation_id"], key=INTERNAL_KEY)
    assert continued["conversation_id"] == internal["conversation_id"]


def test_the_api_takes_back_every_id_it_issues(client: TestClient) -> None:
    issued = chat(client, FIRST)["conversation_id"]
    assert ChatRequest(question=FIRST, conversation_id=issued).conversation_id == issued
    ChatRequest(question=FIRST, conversation_id="c" * CONVERSATION_ID_MAX_CHARS)
    with pytest.raises(ValidationError):
        ChatRequest(question=FIRST, conversation_id="c" * (CONVERSATION_ID_MAX_CHARS + 1))
