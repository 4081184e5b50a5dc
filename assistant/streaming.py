"""The streaming form of an answer: what the pipeline reports while it works, in order.

`Assistant.answer(..., on_event=…)` calls back with `AnswerEvent`s; `answer_events` turns that into
an iterator (the pipeline runs in a worker thread) for the HTTP layer, the chat page and the bot.

Order: `status` (each step as it starts) → `token` (answer text: a model's answer sentence by
sentence, each released only after its citations and figures were checked; the offline answer in
one piece) → `sql` and `table` (statistics only) → `citations` → `done` (the whole `Answer`, which
is authoritative: a client shows it in place of the tokens it collected).
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Literal

from pydantic import BaseModel, Field

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Answer, Citation, SqlResult

logger = logging.getLogger(__name__)

EventType = Literal["status", "token", "sql", "table", "citations", "done", "error"]
# What each step is called in `status` events (clients may show them: "searching the sources …").
Step = Literal["rewriting", "computing", "retrieving", "composing"]


class AnswerEvent(BaseModel):
    """One event of a streamed answer; only the field of its type is set."""

    type: EventType
    step: Step | None = Field(None, description="status: the step that starts.")
    text: str | None = Field(None, description="token: a piece of the answer text; error: what failed.")
    sql: SqlResult | None = Field(None, description="sql / table: the query run and its result.")
    citations: list[Citation] | None = Field(None, description="citations: the verified sources.")
    answer: Answer | None = Field(None, description="done: the whole answer (authoritative).")
    code: str | None = Field(None, description="error: the error code (as in the API's error body).")

    def payload(self) -> dict[str, object]:
        """The event's content without its type and unset fields (the `data:` of a server-sent event).

        Only the event's own unset fields are left out: what it carries keeps its null fields, so a
        `done` event's answer is the very JSON `/api/chat` returns."""
        data = self.model_dump(mode="json", exclude={"type"})
        return {name: value for name, value in data.items() if value is not None}


EventSink = Callable[[AnswerEvent], None]


def answer_events(run: Callable[[EventSink], Answer]) -> Iterator[AnswerEvent]:
    """Events of `run(sink)` as they happen, ending with `done` (or `error` when it raises).

    `run` executes in a worker thread; the iterator yields from a queue, so a slow consumer never
    holds the pipeline's locks. Abandoning the iterator leaves the worker to finish on its own."""
    events: queue.Queue[AnswerEvent | None] = queue.Queue()

    def work() -> None:
        try:
            answer = run(events.put)
            events.put(AnswerEvent(type="done", answer=answer))
        except CityQAError as error:
            events.put(AnswerEvent(type="error", code=error.code.value, text=error.detail))
        except Exception:  # details stay in the log: they may name what the user may not see
            logger.exception("streamed answer failed")
            events.put(AnswerEvent(type="error", code=ErrorCode.INTERNAL.value, text="internal error"))
        finally:
            events.put(None)

    # In a copy of the caller's context: the request id (a context variable) reaches the pipeline's logs.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(work,), name="cityqa-answer", daemon=True).start()
    while (event := events.get()) is not None:
        yield event
