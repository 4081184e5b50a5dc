"""cityqa as an OpenAI chat model: messages in, a chat completion (or its chunks) out.

An OpenAI client keeps the conversation itself and sends all of it every time, so the earlier
messages become the pipeline's `history` (in place of the server's conversation store). A chat
front-end shows only a message's text, so the sources and the SQL follow the answer in a footer;
the whole `Answer` rides along in the extra field `cityqa`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from assistant.api.openai_models import (
    MODEL_ID,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatMessage,
    ChunkChoice,
    ChunkDelta,
    CompletionChoice,
    CompletionMessage,
    UserMessage,
    message_text,
)
from assistant.api.sse import pipeline_events, sse_comment, sse_message, stream_error_body
from assistant.conversations import MAX_TURNS
from assistant.models import Answer, Citation, Turn
from assistant.streaming import AnswerEvent
from assistant.tokens import is_korean


@dataclass(frozen=True)
class _Labels:
    sources: str
    suggestions: str
    sql: str
    as_of: str
    corrected: str


_ENGLISH = _Labels(
    sources="Sources:",
    suggestions="Closest datasets:",
    sql="SQL:",
    as_of="as of {}",
    corrected="(Corrected: the text above did not pass the final source check. The answer:)",
)
_KOREAN = _Labels(
    sources="출처:",
    suggestions="가까운 데이터셋:",
    sql="SQL:",
    as_of="{} 기준",
    corrected="(정정: 위 내용은 최종 출처 확인을 통과하지 못했습니다. 답변:)",
)
# The footer starts with a thematic break (a rule in Markdown) and one of the labels; that is how an
# earlier reply of cityqa, sent back as an assistant message, is told apart from its answer.
FOOTER_RULE = "\n\n---\n"
_FOOTER_LABELS = {
    label for labels in (_ENGLISH, _KOREAN) for label in (labels.sources, labels.suggestions, labels.sql)
}
_FOOTER = re.compile(re.escape(FOOTER_RULE) + "(?:" + "|".join(map(re.escape, sorted(_FOOTER_LABELS))) + ")")


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The question (the last user message) and the turns before it: each user message with the
    assistant replies that followed it (without cityqa's footer), the last `MAX_TURNS` of them.
    System messages and replies after the question are ignored."""
    last = max(index for index, message in enumerate(messages) if isinstance(message, UserMessage))
    history: list[Turn] = []
    for message in messages[:last]:
        if isinstance(message, UserMessage):
            history.append(Turn(question=message_text(message)))
        elif isinstance(message, AssistantMessage) and history:
            reply = without_footer(message_text(message))
            history[-1].answer = f"{history[-1].answer} {reply}".strip()
    return message_text(messages[last]), history[-MAX_TURNS:]


def without_footer(content: str) -> str:
    match = _FOOTER.search(content)
    return content[: match.start()] if match else content


def footer(answer: Answer) -> str:
    """The sources (`[n] title — locator, url, as of`), else the closest datasets, and the SQL."""
    labels = _labels(answer)
    blocks = []
    if answer.citations:
        lines = [f"- {_source_line(citation, labels)}" for citation in answer.citations]
        blocks.append("\n".join([labels.sources, *lines]))
    elif answer.suggestions:
        lines = [f"- {', '.join(filter(None, [s.title, s.url]))}" for s in answer.suggestions]
        blocks.append("\n".join([labels.suggestions, *lines]))
    if answer.sql is not None:
        blocks.append(f"{labels.sql}\n```sql\n{answer.sql.query}\n```")
    return FOOTER_RULE + "\n\n".join(blocks) if blocks else ""


def message_content(answer: Answer) -> str:
    """The assistant message of a completion: the answer, then its footer."""
    return answer.answer + footer(answer)


def closing_text(streamed: str, answer: Answer) -> str:
    """What a stream that sent `streamed` as content still has to send so that its message reads
    `message_content(answer)`. When the final checks replaced text already sent (an append-only
    stream cannot take it back), it says so and states the answer again."""
    if answer.answer.startswith(streamed):
        return answer.answer[len(streamed) :] + footer(answer)
    return f"\n\n{_labels(answer).corrected}\n\n{message_content(answer)}"


def _labels(answer: Answer) -> _Labels:
    return _KOREAN if is_korean(answer.question) else _ENGLISH


def _source_line(citation: Citation, labels: _Labels) -> str:
    as_of = labels.as_of.format(citation.as_of) if citation.as_of else None
    where = ", ".join(filter(None, [citation.locator, citation.url, as_of]))
    return f"[{citation.n}] {citation.title}" + (f" — {where}" if where else "")


@dataclass(frozen=True)
class CompletionHeader:
    """What every chunk of one completion (and the completion itself) shares."""

    id: str
    created: int
    model: str = MODEL_ID

    def completion(self, answer: Answer) -> ChatCompletion:
        message = CompletionMessage(content=message_content(answer))
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=self.model,
            choices=[CompletionChoice(message=message)],
            cityqa=answer,
        )

    def chunk(self, delta: ChunkDelta, answer: Answer | None = None) -> str:
        """One `chat.completion.chunk` event; the one carrying the answer is the last (`stop`)."""
        choice = ChunkChoice(delta=delta, finish_reason="stop" if answer is not None else None)
        chunk = ChatCompletionChunk(
            id=self.id, created=self.created, model=self.model, choices=[choice], cityqa=answer
        )
        return sse_message(chunk.payload())


async def completion_chunks(
    events: Iterator[AnswerEvent], header: CompletionHeader, request_id: str, path: str
) -> AsyncIterator[str]:
    """The streamed completion: the role, the answer's text as the pipeline releases it, the rest
    of the message (the footer), a last chunk with `stop` and `cityqa`, then `[DONE]`. A step that
    starts is sent as an SSE comment, which clients ignore and which keeps idle proxies from closing
    the connection; a failure is an event with the error body (OpenAI's clients raise it)."""
    yield header.chunk(ChunkDelta(role="assistant", content=""))
    streamed = ""
    async for event in pipeline_events(events):
        if event.type == "status":
            yield sse_comment(event.step or "")
        elif event.type == "token" and event.text:
            streamed += event.text
            yield header.chunk(ChunkDelta(content=event.text))
        elif event.type == "done" and event.answer is not None:
            if rest := closing_text(streamed, event.answer):
                yield header.chunk(ChunkDelta(content=rest))
            yield header.chunk(ChunkDelta(), answer=event.answer)
        elif event.type == "error":
            yield sse_message(stream_error_body(event, request_id, path))
    yield sse_message("[DONE]")
