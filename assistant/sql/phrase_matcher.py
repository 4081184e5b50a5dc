"""Longest-match phrase finding over a question in Korean and English.

Phrases are matched case-insensitively on a normalised text. English (Latin) phrases must sit on word
boundaries; Korean phrases may be followed by particles (해운대구의, 인구는) but a short Korean place
name must not run into another syllable (사상 in 사상자 "casualties", 해운대 in 해운대해수욕장).
Overlaps are resolved longest-first, so 초미세먼지 wins over 미세먼지 and 부산진구 over 부산.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_SPACES = re.compile(r"\s+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Particles and endings that may follow a bare (short) Korean name.
_PARTICLES = (
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "도",
    "와",
    "과",
    "만",
    "랑",
    "하고",
    "보다",
    "까지",
    "부터",
    "구",
    "군",
    "항",
    "시",
    "지역",
    "에서",
    "으로",
    "로",
    "께",
)
_SINGLE_SYLLABLE_PARTICLES = set("은는이가을를의별에도와과")


def normalise(text: str) -> str:
    """NFKC, lower case, unify dashes and quotes, collapse spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("–", "-").replace("—", "-").replace("’", "'").replace("‘", "'")
    text = text.replace("·", "·").replace("µ", "µ")
    return _SPACES.sub(" ", text).strip()


@dataclass
class Entry:
    phrase: str
    payloads: list[Any] = field(default_factory=list)
    strict_korean_end: bool = False  # a short Korean name: the next syllable must be a particle


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    phrase: str
    payloads: tuple[Any, ...]


def _is_latin(char: str) -> bool:
    return char.isascii() and (char.isalnum())


class PhraseMatcher:
    """A dictionary of phrases, each with one or more payloads."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def add(self, phrase: str, payload: Any, *, strict_korean_end: bool = False) -> None:
        key = normalise(phrase)
        if not key:
            return
        entry = self._entries.setdefault(key, Entry(key))
        if payload not in entry.payloads:
            entry.payloads.append(payload)
        entry.strict_korean_end = entry.strict_korean_end or strict_korean_end

    def add_all(self, phrases: Iterable[str], payload: Any) -> None:
        for phrase in phrases:
            self.add(phrase, payload)

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches in `text` (already normalised), longest first, then left to right."""
        candidates: list[Match] = []
        for key, entry in self._entries.items():
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if self._boundary_ok(text, start, end, entry):
                    candidates.append(Match(start, end, key, tuple(entry.payloads)))
                start = text.find(key, start + 1)
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Match] = []
        used = [False] * (len(text) + 1)
        for match in candidates:
            if any(used[match.start : match.end]):
                continue
            for i in range(match.start, match.end):
                used[i] = True
            taken.append(match)
        return sorted(taken, key=lambda m: m.start)

    @staticmethod
    def _boundary_ok(text: str, start: int, end: int, entry: Entry) -> bool:
        first, last = entry.phrase[0], entry.phrase[-1]
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if _is_latin(first) and _is_latin(before):
            return False
        if _is_latin(last) and _is_latin(after):
            # allow English plurals / possessives: "districts", "port's"
            return after == "s" and (end + 1 >= len(text) or not _is_latin(text[end + 1]))
        if len(entry.phrase) == 1 and _HANGUL.match(entry.phrase):
            if _HANGUL.match(before):
                return False
            return not _HANGUL.match(after) or after in _SINGLE_SYLLABLE_PARTICLES
        if entry.strict_korean_end and _HANGUL.match(after):
            return any(text.startswith(particle, end) for particle in _PARTICLES)
        return True
