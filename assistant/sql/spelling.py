"""Close misspellings of Busan's district names and of the tables' words, corrected before the
question is parsed.

"Haeundea-gu", "Kumjeong-gu", "Busan-jin", "해운데구": a place the gazetteer nearly knows. Without
this the name is lost and the question is answered for the whole city. A word is corrected only when
it is no name itself, looks like a place (a -gu/-gun or 구/군 ending, or a long Latin word) and is
within a small edit distance of exactly one district's spellings; anything less certain is left to
the coverage audit, which refuses what it cannot place.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from assistant.sql.gazetteer import Gazetteer, Place

_LATIN_PLACE = re.compile(r"\b([a-z]+(?:-(?!gun?\b)[a-z]+)*)(-(?:gu|gun))?\b")
_KOREAN_PLACE = re.compile(r"[가-힣]{2,4}[구군](?=[^가-힣]|$|[은는이가의에와과도을를만])")
_MIN_LATIN_FUZZY = 6
_MIN_KOREAN_FUZZY = 4  # shorter words are too often ordinary words one letter away from a name


_SPELLINGS: dict[int, dict[str, Place]] = {}


def _spellings(gazetteer: Gazetteer) -> dict[str, Place]:
    """Every known spelling of a district, lower case and without hyphens or a -gu/-gun suffix."""
    cached = _SPELLINGS.get(id(gazetteer))
    if cached is not None:
        return cached
    known: dict[str, Place] = {}
    for place in gazetteer.districts:
        for name in place.names:
            key = _key(name)
            if key:
                known.setdefault(key, place)
    _SPELLINGS[id(gazetteer)] = known  # gazetteers are loaded once and live as long as the process
    return known


def _key(name: str) -> str:
    lowered = name.lower().strip()
    lowered = re.sub(r"-(gu|gun)$", "", lowered)
    return lowered.replace("-", "").replace(" ", "")


def _closest(word: str, known: dict[str, Place], max_distance: int) -> Place | None:
    matches = {
        place.name
        for spelling, place in known.items()
        if abs(len(spelling) - len(word)) <= max_distance
        and Levenshtein.distance(word, spelling, score_cutoff=max_distance) <= max_distance
    }
    if len(matches) != 1:
        return None
    name = matches.pop()
    return next(place for place in known.values() if place.name == name)


def correct_place_spellings(text: str, gazetteer: Gazetteer) -> str:
    """`text` (normalised, lower case) with close misspellings of district names replaced."""
    known = _spellings(gazetteer)

    def latin(match: re.Match[str]) -> str:
        word, suffix = match.group(1), match.group(2)
        key = word.replace("-", "")
        if key in known or (not suffix and len(key) < _MIN_LATIN_FUZZY):
            if key in known and "-" in word:  # "busan-jin" is Busanjin
                return known[key].name_en.lower()
            return match.group(0)
        place = _closest(key, known, 1 if len(key) < 8 else 2)
        return place.name_en.lower() if place else match.group(0)

    def korean(match: re.Match[str]) -> str:
        # One syllable replaced in a name of four or more ("해운데구"); shorter names are too close to
        # real places outside Busan (진해구 is one syllable from 진구).
        word = match.group(0)
        if _key(word) in known or len(word) < _MIN_KOREAN_FUZZY:
            return word
        place = _closest(word, {k: p for k, p in known.items() if len(k) == len(word)}, 1)
        return place.name if place else word

    return _KOREAN_PLACE.sub(korean, _LATIN_PLACE.sub(latin, text))


_RATE_SUFFIX = re.compile(r"(?<=[가-힣])[률율]")
_LATIN_WORD = re.compile(r"\b[a-z]{5,}\b")
_MIN_LATIN_WORD_FUZZY = 5


def correct_rate_suffix(text: str) -> str:
    """율 after a vowel or ㄴ, 률 after any other final consonant: "고령화률" and "출산률" are
    common misspellings of 고령화율 and 출산율 (and "사망율" of 사망률)."""

    def fix(match: re.Match[str]) -> str:
        final = (ord(text[match.start() - 1]) - 0xAC00) % 28  # 0: no final consonant, 4: ㄴ
        return "율" if final in (0, 4) else "률"

    return _RATE_SUFFIX.sub(fix, text)


def correct_word_spellings(text: str, vocabulary: frozenset[str]) -> str:
    """English words one letter away (two for words of nine letters or more) from exactly one word
    the tables are known by, replaced by it: "fertilty" → "fertility". Words the vocabulary has,
    and words near none or several of its words, stay as written."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in vocabulary:
            return word
        distance = 1 if len(word) < 9 else 2
        near = {
            known
            for known in vocabulary
            if len(known) >= _MIN_LATIN_WORD_FUZZY
            and abs(len(known) - len(word)) <= distance
            and Levenshtein.distance(word, known, score_cutoff=distance) <= distance
        }
        # a plural, a singular or a verb form of a known word is no misspelling
        if len(near) != 1 or any(word.startswith(known) or known.startswith(word) for known in near):
            return word
        return near.pop()

    return _LATIN_WORD.sub(fix, text)
