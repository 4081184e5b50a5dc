"""Follow-up questions made standalone by a chat model, before retrieval and SQL.

"그럼 수영구는?" after "해운대구 인구는?" is searched and computed as "수영구 인구는?". The rewrite is
checked before it is used: one line of sensible length, and no figure the conversation never
mentioned (a model that "helpfully" adds a year changes the question). A failed or rejected rewrite
leaves the question as asked, and the answer's notes say so.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.llm import reply_text
from assistant.models import Turn
from assistant.prompts import load_prompt

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

HISTORY_TURNS = 3
_ANSWER_CHARS = 300  # of each earlier answer shown to the model: enough to name what it was about
_MAX_GROWTH_CHARS = 200  # a standalone question is the follow-up plus what it left out, not an essay
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LABEL = re.compile(r"^\s*(?:standalone question|question|질문|q)\s*[:：]\s*", re.IGNORECASE)


@dataclass
class Rewrite:
    question: str
    notes: list[str] = field(default_factory=list)


class FollowUpRewriter(Protocol):
    def rewrite(self, question: str, history: list[Turn]) -> Rewrite: ...


def _history_text(history: list[Turn]) -> str:
    lines = []
    for turn in history[-HISTORY_TURNS:]:
        lines.append(f"Q: {turn.question}")
        if turn.answer:
            lines.append(f"A: {' '.join(turn.answer.split())[:_ANSWER_CHARS]}")
    return "\n".join(lines)


def _clean(reply: str) -> str:
    line = next((line for line in reply.strip().splitlines() if line.strip()), "")
    return _LABEL.sub("", line).strip().strip("\"'“”‘’`").strip()


class LLMFollowUpRewriter:
    def __init__(self, chat_model: BaseChatModel) -> None:
        self.chat_model = chat_model
        self.prompt = load_prompt("followup_rewrite")

    def rewrite(self, question: str, history: list[Turn]) -> Rewrite:
        from langchain_core.messages import HumanMessage  # loaded with a chat model only (cold start)

        prompt = self.prompt.render(history=_history_text(history), question=question)
        try:
            reply = reply_text(self.chat_model.invoke([HumanMessage(content=prompt)]).content)
        except Exception as error:  # any adapter failure: the question is used as asked
            logger.warning("follow-up rewrite failed: %s: %s", type(error).__name__, error)
            return Rewrite(
                question, [f"the language model could not read the follow-up ({type(error).__name__})"]
            )
        rewritten = _clean(reply)
        problem = self._problem(question, rewritten, history)
        if problem:
            logger.info("follow-up rewrite rejected (%s): %r", problem, rewritten[:300])
            return Rewrite(
                question, [f"the language model's reading of the follow-up was not used: {problem}"]
            )
        if rewritten == question:
            return Rewrite(question)
        return Rewrite(rewritten, [f"read as: {rewritten}"])

    @staticmethod
    def _problem(question: str, rewritten: str, history: list[Turn]) -> str | None:
        if not rewritten:
            return "it was empty"
        if len(rewritten) > len(question) + _MAX_GROWTH_CHARS:
            return "it was too long"
        if rewritten != question and any(rewritten == turn.question for turn in history):
            return "it repeated an earlier question"  # a small model echoes the conversation
        said = question + " " + " ".join(f"{turn.question} {turn.answer}" for turn in history)
        known = set(_NUMBER.findall(said))
        invented = [number for number in _NUMBER.findall(rewritten) if number not in known]
        if invented:
            return f"it added figures the conversation never mentioned ({', '.join(invented)})"
        return None
