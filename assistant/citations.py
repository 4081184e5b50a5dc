"""Server-side citation check: every [n] must point to a passage that was given to the composer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Citation

CITATION_MARK = re.compile(r"\[(\d{1,3})\]")
# A sentence ends at . ! ? (or after its trailing citation markers), not before a marker: in
# "… 10 days. [1] You may …" the marker belongs to the sentence before it.
_SENTENCE_END = re.compile(r"(?<=[.!?。\]])\s+(?!\[)|\n+")


@dataclass
class VerifiedText:
    text: str
    citations: list[Citation]
    removed: list[int] = field(default_factory=list)
    uncited_sentences: int = 0

    @property
    def has_valid_citation(self) -> bool:
        return bool(self.citations)


def verify_citations(text: str, provided: dict[int, Citation]) -> VerifiedText:
    """Drop markers for passages that were never provided; keep only citations the text uses.

    Returns the cleaned text, the citations actually referenced (in order of n), the numbers that
    were removed, and how many sentences carry no citation at all (each is an unsupported claim).
    """
    removed: list[int] = []

    def keep_or_drop(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number in provided:
            return match.group(0)
        removed.append(number)
        return ""

    cleaned = CITATION_MARK.sub(keep_or_drop, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    used = sorted({int(number) for number in CITATION_MARK.findall(cleaned)})
    uncited = sum(1 for sentence in split_sentences(cleaned) if not CITATION_MARK.search(sentence))
    return VerifiedText(
        text=cleaned,
        citations=[provided[number] for number in used],
        removed=removed,
        uncited_sentences=uncited,
    )


def split_sentences(text: str) -> list[str]:
    """The text's sentences, each with the citation markers that follow it."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]
