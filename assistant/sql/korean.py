"""Korean tokenisation for the SQL layer, with the Kiwi search tokens use (one load, ~2 s, serves both)."""

from __future__ import annotations

import functools
import re
from typing import Any

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_CONTENT_TAGS = {"NNG", "NNP", "SL", "XR"}


@functools.cache
def kiwi() -> Any:
    """The shared Kiwi analyser, created on first use: the one of `assistant.tokens` (the same default
    options, so the same morphemes; a second instance cost a cold start another ~2 s)."""
    from assistant.tokens import shared_kiwi

    return shared_kiwi()


def content_nouns(text: str) -> list[str]:
    """Nouns (and foreign words) of a Korean text, in order; [] for text without Hangul."""
    if not _HANGUL.search(text):
        return []
    return [token.form for token in kiwi().tokenize(text) if token.tag in _CONTENT_TAGS]


def tokens_for_similarity(text: str) -> list[str]:
    """Word tokens for example retrieval: Kiwi morphemes for Korean, lower-cased words otherwise."""
    lowered = text.lower()
    words = re.findall(r"[a-z0-9][a-z0-9\.\-]*", lowered)
    if _HANGUL.search(lowered):
        words += [
            token.form
            for token in kiwi().tokenize(lowered)
            if token.tag.startswith(("N", "V", "XR", "SL", "SN", "MM"))
        ]
    return words
