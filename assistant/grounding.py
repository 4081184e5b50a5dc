"""Checks on text a language model wrote, before any of it reaches an official.

- **Figures**: every number in a model's sentence must appear in the sources it cites (passage
  text, SQL rows), at the precision the sentence states it ("37.4만" ← 374,321; "34.1%" ← 34.08
  or 0.3408), or be computed exactly from two of them (a difference, sum, ratio or percentage).
- **Support**: most of a sentence's content words must be in the sources it cites; a sentence
  about something the sources never mention (an address a poisoned document asked for, a rule
  from the model's memory) is not an answer from the sources.
- **Instructions inside documents** are data: sentences that address an AI assistant ("ignore
  previous instructions …", "이전 지시를 무시하고 …") are removed from a passage before a model
  sees it, and the answer notes that a source contained such text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from assistant.citations import CITATION_MARK

# 1,234,567.89 · 2025 · 0.3408 · 34.08 — a number's digits, without the citation markers' [n].
_NUMBER = re.compile(r"(?<![A-Za-z\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![A-Za-z\d.,])\d+(?:\.\d+)?")
# What may follow a number and scale it: Korean myriads, English words, a percent sign.
_SCALE = re.compile(r"\s?(만|억|조|천|thousand|million|billion|%|퍼센트|percent)", re.IGNORECASE)
_SCALES = {
    "천": 1e3,
    "만": 1e4,
    "억": 1e8,
    "조": 1e12,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
}
_PERCENT = {"%", "퍼센트", "percent"}
# A figure this small and this round is grounded only by appearing, not by arithmetic: two
# numbers of any passage differ by 1, 2 or 3 somewhere.
_MIN_COMPUTED = 10
_MAX_MAGNITUDE_RATIO = 100
# Arithmetic is tried over at most this many distinct source values (pairs grow quadratically).
_MAX_VALUES_FOR_ARITHMETIC = 400

# Sentences addressing an AI model rather than the document's reader.
INSTRUCTION = re.compile(
    r"ignore\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|other)\s+(?:instructions|prompts?|rules)"
    r"|disregard\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|your)\b"
    r"|(?:system|developer)\s+prompt"
    r"|you\s+are\s+now\b"
    r"|(?:ai|assistant|chatbot|language\s+model)s?\s+(?:must|should|shall)\s+(?:always\s+)?"
    r"(?:answer|reply|respond|say|tell|state)"
    r"|(?:이전|앞의|위의|기존)\s*(?:의\s*)?(?:모든\s*)?(?:지시|명령|지침|규칙)\S{0,2}\s*(?:모두\s*)?무시"
    r"|시스템\s*프롬프트"
    r"|(?:AI|인공지능|챗봇|어시스턴트|언어\s*모델)\S{0,2}\s.{0,40}?(?:답하|답변하|말하|안내하)(?:라|세요|십시오)",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"((?<=[.!?。])\s+|\n\s*\n)")
REDACTED = "[instructions to the assistant removed]"


@dataclass(frozen=True)
class Figure:
    """A number as written: its value, how many decimals it shows and what scales it may carry."""

    text: str
    value: float
    decimals: int
    scales: tuple[float, ...]  # 1 and, when a scale word follows, that scale (or 0.01 for a percent)


def figures_in(text: str) -> list[Figure]:
    """The numbers of a text, citation markers left out."""
    text = CITATION_MARK.sub(" ", text)
    found = []
    for match in _NUMBER.finditer(text):
        digits = match.group(0).replace(",", "")
        decimals = len(digits.partition(".")[2])
        scales: tuple[float, ...] = (1.0,)
        scale = _SCALE.match(text, match.end())
        if scale:
            word = scale.group(1).lower()
            scales = (1.0, 0.01) if word in _PERCENT else (1.0, _SCALES[word])
        found.append(Figure(match.group(0), float(digits), decimals, scales))
    return found


def source_values(texts: Iterable[str], rows: Iterable[Iterable[object]] = ()) -> list[float]:
    """Every number the sources state, with each scale a source writes next to it applied too."""
    values: set[float] = set()
    for text in texts:
        for figure in figures_in(text):
            values.update(figure.value * scale for scale in figure.scales)
    for row in rows:
        for cell in row:
            if isinstance(cell, bool):
                continue
            if isinstance(cell, int | float) and math.isfinite(cell):
                values.add(float(cell))
            elif isinstance(cell, str):
                values.update(source_values([cell]))
    return sorted(values)


def _shown_as(figure: Figure, value: float) -> bool:
    """Whether `value` written at the figure's precision (and one of its scales) is the figure."""
    tolerance = 0.5 * 10**-figure.decimals + 1e-9
    return any(abs(abs(value) / scale - figure.value) <= tolerance for scale in figure.scales)


def is_grounded(figure: Figure, values: list[float]) -> bool:
    """The figure appears among the values, or is one simple computation over two of them."""
    if any(_shown_as(figure, value) for value in values):
        return True
    if figure.value < _MIN_COMPUTED and figure.decimals == 0:
        return False
    pool = values[:_MAX_VALUES_FOR_ARITHMETIC]
    for a, b in combinations(pool, 2):
        computed = []
        if _comparable(a, b):
            computed += [a + b, a - b]
        if b:
            computed += [a / b, a / b * 100]
        if a:
            computed += [b / a, b / a * 100]
        if any(_shown_as(figure, value) for value in computed):
            return True
    return False


def _comparable(a: float, b: float) -> bool:
    """Whether adding or subtracting the two means anything: values of one order of magnitude or
    two (2,024 − 2.3 is no figure anyone computes, but would "ground" 2022)."""
    small, large = sorted((abs(a), abs(b)))
    return small > 0 and large / small <= _MAX_MAGNITUDE_RATIO


def ungrounded_figures(sentence: str, values: list[float]) -> list[str]:
    """The numbers of `sentence` that the sources' values do not ground, as written."""
    return [figure.text for figure in figures_in(sentence) if not is_grounded(figure, values)]


def without_instructions(text: str) -> tuple[str, bool]:
    """The text with each sentence that addresses an AI model replaced by a marker; whether any was.

    Sentences run across single line breaks (hard-wrapped text), so an instruction wrapped over
    two lines goes as a whole; they end at . ! ? or a blank line."""
    pieces = _SENTENCE_BREAK.split(text)  # sentence, break, sentence, break, …
    found = False
    for position in range(0, len(pieces), 2):
        if INSTRUCTION.search(pieces[position]):
            pieces[position] = REDACTED
            found = True
    return "".join(pieces), found
