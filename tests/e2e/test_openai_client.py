"""cityqa as a model for the official `openai` client: a real server on 127.0.0.1 (as `cityqa
serve` runs it), `client.models.list()`, a chat completion streamed and not, and the errors the
client raises from cityqa's error bodies.

The stack is real but for the embedder (the fake, so no model is loaded): the small corpus of the
tests and one demo table.
"""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from live_server import live_server

from assistant.api.app import create_app

pytestmark = pytest.mark.e2e

QUESTION = "How many days does the agency have to decide on a public data request?"
LAND_AREA = "What is the land area of Haeundae-gu?"
KEY = "demo-internal-key"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, corpus_stack_builder) -> Iterator[str]:
    stack = corpus_stack_builder(tmp_path_factory.mktemp("e2e-openai"))
    with live_server(create_app(stack.assistant, stack.users, stack.sources)) as port:
        yield f"http://127.0.0.1:{port}/v1"
    stack.warehouse.close()


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=base_url, api_key=KEY, max_retries=0, timeout=60) as client:
        yield client


def ask(client: openai.OpenAI, question: str) -> tuple[str, dict, str, list[str | None]]:
    """The completion's content and `cityqa`, and the streamed content with its finish reasons."""
    messages: list[openai.types.chat.ChatCompletionMessageParam] = [{"role": "user", "content": question}]
    completion = client.chat.completions.create(model="cityqa", messages=messages)
    assert completion.object == "chat.completion" and completion.model == "cityqa"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.role == "assistant"
    content = completion.choices[0].message.content
    assert content is not None
    assert completion.model_extra is not None
    answer = completion.model_extra["cityqa"]

    pieces: list[str] = []
    finish_reasons: list[str | None] = []
    for chunk in client.chat.completions.create(model="cityqa", messages=messages, stream=True):
        assert chunk.object == "chat.completion.chunk"
        (choice,) = chunk.choices
        pieces.append(choice.delta.content or "")
        finish_reasons.append(choice.finish_reason)
    return content, answer, "".join(pieces), finish_reasons


def test_models_list_is_cityqa(client: openai.OpenAI) -> None:
    assert [model.id for model in client.models.list()] == ["cityqa"]
    assert client.models.retrieve("cityqa").id == "cityqa"


def test_a_document_answer_streamed_and_not(client: openai.OpenAI) -> None:
    content, answer, streamed, finish_reasons = ask(client, QUESTION)
    assert "within 10 days" in answer["answer"]
    assert content.startswith(answer["answer"])
    assert content.endswith(
        "\n\n---\nSources:\n- [1] Public Data Request Procedure — § Deadline, as of 2025-04-15"
    )
    assert answer["citations"][0]["source_id"] == "doc:request_procedure.md"
    assert streamed == content
    assert finish_reasons[-1] == "stop" and set(finish_reasons[:-1]) == {None}


def test_a_statistics_answer_shows_its_sql(client: openai.OpenAI) -> None:
    content, answer, streamed, _ = ask(client, LAND_AREA)
    assert "51.54" in answer["answer"] and content.startswith(answer["answer"])
    assert "\nSources:\n- [1] " in content
    assert content.endswith(f"SQL:\n```sql\n{answer['sql']['query']}\n```")
    assert streamed == content


def test_the_client_raises_cityqas_errors(base_url: str, client: openai.OpenAI) -> None:
    messages: list[openai.types.chat.ChatCompletionMessageParam] = [{"role": "user", "content": QUESTION}]
    with pytest.raises(openai.NotFoundError) as not_found:
        client.chat.completions.create(model="gpt-4o", messages=messages)
    assert "gpt-4o" in not_found.value.message and not_found.value.code == "not_found"
    # The client reads the request id from x-request-id, as from OpenAI: the id cityqa logs it under.
    assert not_found.value.request_id == not_found.value.response.json()["request_id"]

    with openai.OpenAI(base_url=base_url, api_key="sk-not-a-cityqa-key", max_retries=0) as stranger:
        with pytest.raises(openai.AuthenticationError) as refused:
            stranger.models.list()
        assert refused.value.code == "unauthorized"
        with pytest.raises(openai.AuthenticationError):
            next(iter(stranger.chat.completions.create(model="cityqa", messages=messages, stream=True)))

    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="cityqa", messages=[{"role": "system", "content": "Be brief."}])
    assert "user message" in bad.value.message
