"""Server-sent events: the wire format of the streaming routes (`/api/chat/stream`, and
`/v1/chat/completions` with `"stream": true`).

The answer pipeline's event iterator is synchronous and blocks between events (the pipeline runs in
its own worker thread), so it is consumed in the thread pool, never on the event loop.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from pydantic import create_model
from starlette.background import BackgroundTask
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import StreamingResponse

from assistant.api.errors import error_body
from assistant.errors import ErrorCode
from assistant.streaming import AnswerEvent

SSE_MEDIA_TYPE = "text/event-stream"


class EventStreamResponse(StreamingResponse):
    """A `text/event-stream` response that no cache or proxy holds back (nginx buffers otherwise)."""

    media_type = SSE_MEDIA_TYPE

    def __init__(
        self,
        content: AsyncIterator[str],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        unbuffered = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        super().__init__(content, status_code, {**unbuffered, **(headers or {})}, background=background)


def sse_message(data: Mapping[str, object] | str, event: str | None = None) -> str:
    """One event: an optional `event:` line and one `data:` line (compact JSON, or text as it is)."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f"event: {event}\n" if event else "") + f"data: {text}\n\n"


def sse_comment(text: str) -> str:
    """A comment line: clients ignore it, proxies see traffic (one line of text)."""
    return f": {text}\n\n"


def pipeline_events(events: Iterator[AnswerEvent]) -> AsyncIterator[AnswerEvent]:
    """The pipeline's events, each awaited from the thread pool."""
    return iterate_in_threadpool(events)


def stream_error_body(event: AnswerEvent, request_id: str, path: str) -> dict[str, object]:
    """An `error` event as the route's error body: the stream's client handles it like any error."""
    return error_body(
        ErrorCode(event.code or ErrorCode.INTERNAL), event.text or "internal error", request_id, path
    )


# The `data:` of an `/api/chat/stream` event other than `error`: `AnswerEvent.payload()`, the
# event's fields without its type (which is the `event:` line). For the OpenAPI document.
_DATA_FIELDS: dict[str, Any] = {
    name: (field.annotation, field) for name, field in AnswerEvent.model_fields.items() if name != "type"
}
AnswerEventData = create_model(
    "AnswerEventData", __doc__="The data of an answer event: the field its type sets.", **_DATA_FIELDS
)


async def answer_event_stream(
    events: Iterator[AnswerEvent], request_id: str, path: str
) -> AsyncIterator[str]:
    """`/api/chat/stream`'s body: every event as `event: <type>` with its payload as `data:`, except
    that an `error` event (last, in place of `done`) carries the API's error body with the request id."""
    async for event in pipeline_events(events):
        if event.type == "error":
            yield sse_message(stream_error_body(event, request_id, path), "error")
        else:
            yield sse_message(event.payload(), event.type)
