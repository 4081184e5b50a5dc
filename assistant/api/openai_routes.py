"""The OpenAI-compatible routes: `POST /v1/chat/completions`, `GET /v1/models`, `GET /v1/models/{model}`.

API keys are those of `/api/chat` (OpenAI's clients send `Authorization: Bearer <key>`). Errors have
the one error shape plus OpenAI's `error` object (`OpenAIErrorBody`), which OpenAI's clients read.

No `from __future__ import annotations` (see app.py): the routes' annotations use the closure-local
`CurrentUser` dependency.
"""

import time
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool

from assistant.api.contract import component, error_responses, event_stream_content, sse_event_schema
from assistant.api.errors import OpenAIErrorBody
from assistant.api.openai_compat import CompletionHeader, completion_chunks, question_and_history
from assistant.api.openai_models import (
    MODEL_ID,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ModelCard,
    ModelList,
)
from assistant.api.sse import EventStreamResponse
from assistant.errors import CityQAError, ErrorCode
from assistant.models import User
from assistant.pipeline import Assistant

# One event of a streamed completion: a chunk, the error body of a failure, or the closing `[DONE]`.
COMPLETION_STREAM_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "anyOf": [
                {"const": "[DONE]"},
                sse_event_schema({"anyOf": [component(ChatCompletionChunk), component(OpenAIErrorBody)]})[
                    "properties"
                ]["data"],
            ]
        }
    },
}


def add_openai_routes(
    app: FastAPI,
    assistant: Assistant,
    current_user: Callable[[Request], User],
    authenticated: dict[str, Any],
    max_body_bytes: int,
) -> None:
    CurrentUser = Annotated[User, Depends(current_user)]
    card = ModelCard(id=MODEL_ID, created=int(time.time()))

    def errors(*statuses: int, notes: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
        return error_responses(*statuses, max_body_bytes=max_body_bytes, notes=notes, body=OpenAIErrorBody)

    not_a_model = {404: f"No such model: this server has one, `{MODEL_ID}`."}

    @app.get("/v1/models", response_model=ModelList, responses=errors(401), openapi_extra=authenticated)
    def list_models(user: CurrentUser) -> ModelList:
        return ModelList(data=[card])

    @app.get(
        "/v1/models/{model}",
        response_model=ModelCard,
        responses=errors(401, 404, notes=not_a_model),
        openapi_extra=authenticated,
    )
    def get_model(model: str, user: CurrentUser) -> ModelCard:
        _known_model(model)
        return card

    @app.post(
        "/v1/chat/completions",
        response_model=None,
        responses={
            200: {
                "model": ChatCompletion,
                "description": "A `chat.completion` (JSON), or with `stream` its chunks (events).",
                "content": event_stream_content(COMPLETION_STREAM_EVENT),
            },
            **errors(401, 404, notes=not_a_model),
        },
        openapi_extra=authenticated,
    )
    async def chat_completions(
        body: ChatCompletionRequest, user: CurrentUser, request: Request
    ) -> ChatCompletion | EventStreamResponse:
        """cityqa as an OpenAI chat model. The last user message is the question, the user and
        assistant messages before it the conversation it continues (system messages are ignored).
        The reply's content is the answer, then a footer with its sources and (for statistics) its
        SQL; the extra field `cityqa` holds the whole answer (citations, SQL, confidence, notes).

        With `"stream": true`: OpenAI's `chat.completion.chunk` events (`data: <JSON>`): the first
        with `delta.role`, then `delta.content` pieces (the answer as the pipeline releases it, then
        the footer), a last chunk with `finish_reason: stop` and `cityqa`, then `data: [DONE]`.
        Comment lines (`: retrieving`) mark the steps. A failure once the stream has started is an
        event with the error body (OpenAI's clients raise it) before `[DONE]`."""
        _known_model(body.model)
        question, history = question_and_history(body.messages)
        header = CompletionHeader(id="chatcmpl-" + uuid.uuid4().hex[:24], created=int(time.time()))
        if body.stream:
            events = assistant.answer_events(question, user, history=history)
            return EventStreamResponse(
                completion_chunks(events, header, request.state.request_id, request.url.path)
            )
        answer = await run_in_threadpool(assistant.answer, question, user, history=history)
        return header.completion(answer)


def _known_model(model: str) -> None:
    if model != MODEL_ID:
        raise CityQAError(
            ErrorCode.NOT_FOUND, f"The model `{model}` does not exist: this server has `{MODEL_ID}`."
        )
