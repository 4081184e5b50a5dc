"""OpenAI's chat-completion and model shapes, as far as cityqa speaks them (`/v1/…`).

A request may carry any of OpenAI's other fields (temperature, max_tokens, tools, stream_options …):
chat front-ends send them by default, so they are accepted and ignored. Messages are system (or
developer), user and assistant ones, their content a string or a list of text parts. Only user
messages are constrained: each is a question, as on `/api/chat`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from assistant.api.question_text import MAX_QUESTION_CHARS, QuestionText
from assistant.models import Answer

MODEL_ID = "cityqa"


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class QuestionPart(BaseModel):
    type: Literal["text"]
    text: QuestionText


class InstructionMessage(BaseModel):
    """A system or developer message: accepted and ignored (cityqa's own rules decide its answers)."""

    role: Literal["system", "developer"]
    content: str | list[TextPart]


class UserMessage(BaseModel):
    role: Literal["user"]
    content: QuestionText | Annotated[list[QuestionPart], Field(min_length=1)] = Field(
        description="A question: 1–2,000 characters with a non-blank one (text parts are joined by a "
        "line break, each part and the whole within the limit)."
    )


class AssistantMessage(BaseModel):
    role: Literal["assistant"]
    content: str | list[TextPart] | None = None


ChatMessage = Annotated[InstructionMessage | UserMessage | AssistantMessage, Field(discriminator="role")]


def message_text(message: InstructionMessage | UserMessage | AssistantMessage) -> str:
    """A message's text: its string, or its text parts joined by a line break."""
    content = message.content
    if content is None or isinstance(content, str):
        return content or ""
    return "\n".join(part.text for part in content)


class ChatCompletionRequest(BaseModel):
    model: str = Field(max_length=256, description=f"The model: `{MODEL_ID}` (another name is 404).")
    messages: list[ChatMessage] = Field(
        min_length=1,
        description="The conversation. The last user message is the question; earlier user and "
        "assistant messages are the conversation it continues; system messages are ignored.",
        json_schema_extra={"contains": {"properties": {"role": {"const": "user"}}, "required": ["role"]}},
    )
    # Strict: pydantic would read "no" as false and "yes" as true, which the schema (a boolean) does not say.
    stream: bool = Field(
        False, strict=True, description="Answer as server-sent `chat.completion.chunk` events."
    )

    @model_validator(mode="after")
    def _asks_a_question(self) -> ChatCompletionRequest:
        questions = [message for message in self.messages if isinstance(message, UserMessage)]
        if not questions:
            raise ValueError("messages: no user message (the last user message is the question)")
        if len(message_text(questions[-1])) > MAX_QUESTION_CHARS:
            raise ValueError(
                f"messages: the question (last user message) is over {MAX_QUESTION_CHARS} characters"
            )
        return self


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = Field(description="When this server started (Unix seconds).")
    owned_by: str = "cityqa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer, then its sources and (for statistics) its SQL.")


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Zeros: cityqa does not count tokens (a configured model's usage is not passed on)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage = Field(default_factory=Usage)
    cityqa: Answer = Field(description="cityqa's whole answer: citations, SQL, confidence, notes.")


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: ChunkDelta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    cityqa: Answer | None = Field(None, description="The last chunk only: cityqa's whole answer.")

    def payload(self) -> dict[str, Any]:
        """The chunk as OpenAI sends it: a delta names only what it carries, and `cityqa` is on the
        last chunk only; `finish_reason` is there (null) on every chunk."""
        data = self.model_dump(mode="json", exclude={"cityqa"} if self.cityqa is None else set())
        for choice, sent in zip(self.choices, data["choices"], strict=True):
            sent["delta"] = choice.delta.model_dump(mode="json", exclude_none=True)
        return data
