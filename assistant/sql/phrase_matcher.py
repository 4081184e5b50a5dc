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
    is_name: bool = False  # a place name: never cut by a phrase that begins inside it


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

    def add(
        self, phrase: str, payload: Any, *, strict_korean_end: bool = False, is_name: bool = False
    ) -> None:
        key = normalise(phrase)
        if not key:
            return
        entry = self._entries.setdefault(key, Entry(key))
        if payload not in entry.payloads:
            entry.payloads.append(payload)
        entry.strict_korean_end = entry.strict_korean_end or strict_korean_end
        entry.is_name = entry.is_name or is_name

    def add_all(self, phrases: Iterable[str], payload: Any) -> None:
        for phrase in phrases:
            self.add(phrase, payload)

    def __len__(self) -> int:
        return len(self._entries)

    def latin_words(self) -> frozenset[str]:
        """The Latin-letter words of all phrases: the English vocabulary the tables are known by."""
        return frozenset(word for key in self._entries for word in re.findall(r"[a-z]+", key))

    def names_in(self, text: str) -> list[Match]:
        """Every occurrence of a name (`is_name`) written as a word, overlapping ones included: what
        the question names, to check against what `find` kept."""
        return [
            match for match, entry in self._candidates(text) if entry.is_name and _starts_a_word(text, match)
        ]

    def _candidates(self, text: str) -> list[tuple[Match, Entry]]:
        candidates: list[tuple[Match, Entry]] = []
        for key, entry in self._entries.items():
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if self._boundary_ok(text, start, end, entry):
                    candidates.append((Match(start, end, key, tuple(entry.payloads)), entry))
                start = text.find(key, start + 1)
        return candidates

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches in `text` (already normalised), longest first, then left to right."""
        found = self._candidates(text)
        candidates = [match for match, _entry in found]
        names = [match for match, entry in found if entry.is_name and _starts_a_word(text, match)]
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Match] = []
        used = [False] * (len(text) + 1)
        for match in candidates:
            if any(used[match.start : match.end]) or _cuts_a_name(match, names):
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


def _starts_a_word(text: str, match: Match) -> bool:
    return match.start == 0 or not (_HANGUL.match(text[match.start - 1]) or _is_latin(text[match.start - 1]))


def _cuts_a_name(match: Match, names: list[Match]) -> bool:
    """Whether `match` begins inside a place name written as a word and runs past its end: "중구 면적"
    holds the district 중구 and the phrase "구 면적" (district area); longest-first would keep
    "구 면적" and lose the place, so a phrase crossing into a name from inside loses to the name."""
    return any(name.start < match.start < name.end < match.end for name in names)
