"""English words of a question the corpus does not know, read as the indexed word they misspell
("buss stop" → bus, "bycicle" → bicycle), so a typo does not sink the right passage (issue 8).

The corpus's own vocabulary is the dictionary: a word is replaced only when it occurs nowhere in the
index and exactly one indexed word of similar length lies within one edit (two from six letters:
tokens are stems, shorter than the words). Korean typos are left alone: one changed syllable is
usually another real word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz.distance import Levenshtein

_MIN_LENGTH = 4
_LATIN = re.compile(r"[a-z]+")


class IndexSpeller:
    def __init__(self) -> None:
        self._vocabulary_id: int | None = None
        self._by_length: dict[int, list[str]] = {}

    def correct(self, token: str, vocabulary: Mapping[str, int]) -> str:
        """`token` (a search token), or the one indexed token it misspells."""
        if len(token) < _MIN_LENGTH or not _LATIN.fullmatch(token) or token in vocabulary:
            return token
        # a doubled letter typed once too often ("buss", "adress") is the commonest slip: try it first
        undoubled = {token[:i] + token[i + 1 :] for i in range(1, len(token)) if token[i] == token[i - 1]}
        known = [word for word in undoubled if word in vocabulary]
        if len(known) == 1:
            return known[0]
        self._index(vocabulary)
        distance = 1 if len(token) < 6 else 2
        near = {
            known
            for length in range(len(token) - distance, len(token) + distance + 1)
            for known in self._by_length.get(length, ())
            if Levenshtein.distance(token, known, score_cutoff=distance) <= distance
        }
        return near.pop() if len(near) == 1 else token

    def _index(self, vocabulary: Mapping[str, int]) -> None:
        if self._vocabulary_id == id(vocabulary):
            return
        by_length: dict[int, list[str]] = {}
        for word in vocabulary:
            if _LATIN.fullmatch(word) and len(word) >= _MIN_LENGTH - 1:
                by_length.setdefault(len(word), []).append(word)
        self._by_length, self._vocabulary_id = by_length, id(vocabulary)

