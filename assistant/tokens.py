"""Search tokens for Korean and English text, from kiwipiepy's morpheme analysis.

One tokenizer serves the keyword index, the glossary and the relevance check, so that a word counts
the same everywhere. Kiwi separates Korean content morphemes from particles and endings
("해운대해수욕장의" -> 해운대, 해수욕장), which plain whitespace splitting cannot.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Content morphemes: nouns, roots, verb/adjective stems, foreign words, numbers, hanja.
_CONTENT_TAGS = ("NNG", "NNP", "NR", "XR", "VV", "VA", "SL", "SN", "SH")
_ENGLISH_STOPWORDS = frozenset(
    (
        "a an the of to in on for and or is are was were be been by with what which who whom how "
        "many much does do did has have had at as from this that these those it its there their "
        "our we you i about into per than then any all can could should would will may might must "
        "not no yes along across around inside outside near via onto upon over under beside behind"
    ).split()
)
_KOREAN_STOPWORDS = frozenset(
    ("것 수 등 및 때 곳 거 어디 무엇 누구 언제 어떻 어떤 있 하 되 알 주 보 기준").split()
)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LETTER = re.compile(r"[A-Za-z\uac00-\ud7a3]")


@functools.lru_cache(maxsize=1)
def _kiwi() -> Any:
    """The one Kiwi of the process (the SQL layer's `assistant.sql.korean.kiwi` is this one too):
    loading one takes ~2 s, most of it holding the GIL."""
    from kiwipiepy import Kiwi

    return Kiwi()


def shared_kiwi() -> Any:
    """The process's Kiwi analyser, created on first use."""
    return _kiwi()


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case English word: "measured" meets "measure",
    "companies" meets "company" (kiwipiepy has no English stemmer)."""
    return str(_stemmer().stemWord(word))


def _normalise(form: str, tag: str) -> str | None:
    word = form.lower()
    if tag == "SL":
        if word in _ENGLISH_STOPWORDS or len(word) < 2:
            return None
        return english_stem(word)
    if tag in ("VV", "VA") and form in _KOREAN_STOPWORDS:
        return None
    if form in _KOREAN_STOPWORDS:
        return None
    return word


def _content_tokens(analysed: Any) -> list[str]:
    """The normalised content morphemes of one kiwi analysis."""
    tokens: list[str] = []
    for token in analysed:
        if token.tag.startswith(_CONTENT_TAGS):
            word = _normalise(token.form, token.tag)
            if word:
                tokens.append(word)
    return tokens


def search_tokens(text: str) -> list[str]:
    """Content tokens of a text, lower-cased, in order (duplicates kept for term frequency)."""
    return _content_tokens(_kiwi().tokenize(text))


def predicate_tokens(text: str) -> set[str]:
    """The text's verb and adjective stems ("세우", "바뀌"): paraphrasable words, unlike its nouns."""
    return {
        word
        for token in _kiwi().tokenize(text)
        if token.tag.startswith(("VV", "VA")) and (word := _normalise(token.form, token.tag))
    }


def search_tokens_many(texts: list[str]) -> list[list[str]]:
    """Tokens of many texts; kiwi's batch mode uses its worker threads."""
    return [_content_tokens(analysed) for analysed in _kiwi().tokenize(texts)]


def is_korean(text: str) -> bool:
    """True when Hangul makes up more than 30% of the letters."""
    letters = _LETTER.findall(text)
    if not letters:
        return False
    return len(_HANGUL.findall(text)) / len(letters) > 0.3
