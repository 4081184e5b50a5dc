"""POST /api/feedback: a rating of an answer the caller was given, stored durably (SQLite) and
linked to the answer's row in the audit log."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.feedback import FeedbackRequest, FeedbackStore
from assistant.models import User

QUESTION = "How many days does the agency have to decide on a public data request?"
INTERNAL_KEY = "demo-internal-key"
PERSONNEL_KEY = "demo-personnel-key"


@pytest.fixture(scope="module")
def client(stack) -> TestClient:
    return TestClient(create_app(stack.assistant, stack.users, stack.sources), raise_server_exceptions=False)


def ask(client: TestClient, key: str | None = None) -> str:
    headers = {"x-api-key": key} if key else None
    response = client.post("/api/chat", json={"question": QUESTION}, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["answer_id"])


def audit_rows(stack) -> list[dict]:
    return [json.loads(line) for line in stack.audit_log_path.read_text(encoding="utf-8").splitlines()]


def test_a_rating_is_stored_and_logged_beside_its_answer(client: TestClient, stack) -> None:
    answer_id = ask(client, INTERNAL_KEY)
    response = client.post(
        "/api/feedback",
        json={"answer_id": answer_id, "rating": "down", "comment": "the deadline is wrong", "channel": "web"},
        headers={"x-api-key": INTERNAL_KEY},
    )
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["answer_id"] == answer_id and record["rating"] == "down" and record["channel"] == "web"
    assert record["user"] == stack.users.authenticate(INTERNAL_KEY).key_id
    assert INTERNAL_KEY not in response.text  # the key id, never the key

    (stored,) = stack.assistant.feedback.for_answer(answer_id)
    assert stored.comment == "the deadline is wrong" and stored.feedback_id == record["feedback_id"]
    rows = [row for row in audit_rows(stack) if row.get("answer_id") == answer_id]
    assert [row["kind"] for row in rows] == ["answer", "feedback"]
    assert rows[1]["rating"] == "down" and rows[1]["user"] == rows[0]["user"]


def test_a_second_rating_by_the_same_person_replaces_the_first(client: TestClient, stack) -> None:
    answer_id = ask(client)
    for rating in ("down", "up"):
        response = client.post("/api/feedback", json={"answer_id": answer_id, "rating": rating})
        assert response.status_code == 201, response.text
    (stored,) = stack.assistant.feedback.for_answer(answer_id)
    assert stored.rating == "up" and stored.comment is None


def test_unknown_and_other_peoples_answers_are_the_same_not_found(client: TestClient) -> None:
    theirs = ask(client, PERSONNEL_KEY)
    unknown = client.post("/api/feedback", json={"answer_id": "a_0123456789abcdef", "rating": "up"})
    other = client.post(
        "/api/feedback", json={"answer_id": theirs, "rating": "up"}, headers={"x-api-key": INTERNAL_KEY}
    )
    assert unknown.status_code == other.status_code == 404
    assert unknown.json()["error_code"] == other.json()["error_code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"answer_id": "a_00", "rating": "meh"},
        {"answer_id": "../etc/passwd", "rating": "up"},
        {"answer_id": "a_00", "rating": "up", "comment": "x" * 2001},
        {"answer_id": "a_00", "rating": "up", "channel": "fax"},
        {"rating": "up"},
    ],
    ids=["rating", "answer-id", "long-comment", "channel", "missing-answer-id"],
)
def test_malformed_feedback_is_400(client: TestClient, body: dict) -> None:
    response = client.post("/api/feedback", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "bad_request"


def test_shared_answers_may_be_rated_by_others(stack, client: TestClient) -> None:
    """As in a Slack channel: a colleague who saw the answer may rate it."""
    answer_id = ask(client, PERSONNEL_KEY)
    colleague = stack.users.authenticate(INTERNAL_KEY)
    record = stack.assistant.record_feedback(
        colleague, FeedbackRequest(answer_id=answer_id, rating="up", channel="slack"), shared=True
    )
    assert record.user == colleague.key_id


def test_ratings_survive_a_new_store_on_the_same_file(tmp_path) -> None:
    path = tmp_path / "feedback.sqlite3"
    first = FeedbackStore(path)
    first.record(User(key_id="k1"), FeedbackRequest(answer_id="a_1", rating="up"))
    first.close()
    reopened = FeedbackStore(path)
    assert [(record.user, record.rating) for record in reopened.all()] == [("k1", "up")]
