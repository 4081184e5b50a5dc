"""Helpers shared by everything that talks to a langchain chat model (SQL generator, LLM judge)."""

from __future__ import annotations


def reply_text(content: object) -> str:
    """A message's content as text (providers return a string or a list of content parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
    return str(content)
