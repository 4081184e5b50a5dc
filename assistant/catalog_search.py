"""Which catalog entries answer a dataset question, best first (issue 8).

A dataset is judged by what it is about, so only the question's topic terms count (not "데이터가
있나요" or "which department publishes"), and its title and keywords count most: a description that
mentions the thing in passing ("… 좌표 등") does not make the dataset. The fused retrieval rank
breaks ties between entries that name the subject equally well.
"""

from __future__ import annotations

import functools
import re

from assistant.models import Passage, SourceKind
from assistant.retrieval import QueryTerms
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.tokens import is_korean, search_tokens

# Weights of the entry's title-and-keywords coverage, whole-entry coverage and retrieval score.
_TITLE_WEIGHT = 0.5
_TEXT_WEIGHT = 0.3
_RANK_WEIGHT = 0.2
# What being the city's own entry is worth (a fifth of a title naming the whole topic) when a question
# is about the city's own data (`about_city`, issue 12): only the city's entries answer it then, and
# this keeps them ahead of other agencies' in the ranking its suggestions are taken from.
HOME_WEIGHT = _TITLE_WEIGHT * 0.2
# Words that ask about the whole country (search tokens): not the city's own data.
_NATIONWIDE = frozenset({"전국", "nationwid", "nation", "countrywid"})
# Endings of Korean place names in agency names (시도, 시군구).
_PLACE_SUFFIXES = ("특별자치시", "특별자치도", "특별시", "광역시", "도", "시", "군", "구")


def catalog_field(text: str, label: str) -> str | None:
    """A labelled line of a catalog entry's text ("키워드 keywords: …")."""
    match = re.search(rf"^{re.escape(label)}\s*:\s*(.+)$", text, flags=re.MULTILINE)
    return match.group(1).strip() if match else None


@functools.lru_cache(maxsize=8192)
def name_tokens(name: str) -> frozenset[str]:
    """Tokens of a dataset's title and keywords; the same entries come back question after question."""
    return frozenset(search_tokens(name))


def names_department(passage: Passage) -> bool:
    """Whether the entry names the publishing department ("부산교통공사 (기획예산처)"), not only the
    agency: many data.go.kr rows leave the department empty."""
    publisher = catalog_field(passage.chunk.text, "제공기관 publisher") or ""
    return publisher.endswith(")")


def title_coverage(passage: Passage, terms: QueryTerms) -> float:
    """Share of the terms the entry's title and keywords name. A Korean word also counts when it
    is written inside a longer title word: kiwi splits "…_제세동기" as 제세동 + 기 there, but reads
    "제세동기" whole in a question."""
    chunk = passage.chunk
    named = chunk.title + " " + (catalog_field(chunk.text, "키워드 keywords") or "")
    tokens = name_tokens(named)
    total = sum(terms.weights)
    if not total:
        return 0.0
    covered = sum(
        weight
        for group, weight in zip(terms.groups, terms.weights, strict=True)
        if group & tokens or any(len(form) > 1 and is_korean(form) and form in named for form in group)
    )
    return covered / total


def publisher_of(passage: Passage) -> str:
    """The entry's agency, without its department ("부산교통공사 (기획예산처)" → 부산교통공사)."""
    publisher = catalog_field(passage.chunk.text, "제공기관 publisher") or ""
    return publisher.split(" (", 1)[0].strip()


def is_home_entry(passage: Passage, home_names: tuple[str, ...]) -> bool:
    """Whether the entry is the home city's own: its title or agency names the city ("부산광역시
    해운대구_…", "부산교통공사_…", "경찰청 부산광역시경찰청_…", "한국전력공사_부산시 …")."""
    named = passage.chunk.title + " " + publisher_of(passage)
    return any(name in named for name in home_names)


@functools.lru_cache(maxsize=8192)
def place_names(agency: str) -> frozenset[str]:
    """The places an agency's name holds, with and without their administrative suffix:
    "경기도 성남시" → 경기도, 경기, 성남시, 성남; "경찰청 인천광역시경찰청" → 인천광역시, 인천."""
    places: set[str] = set()
    for token in name_tokens(agency):
        suffix = next((s for s in _PLACE_SUFFIXES if token.endswith(s) and len(token) > len(s)), None)
        if suffix is not None:
            places.add(token)
            if len(token) - len(suffix) >= 2:
                places.add(token[: -len(suffix)])
    return frozenset(places)


def _asked_and_places(
    topic: QueryTerms, entries: list[Passage], home_names: tuple[str, ...]
) -> tuple[set[str], set[str], set[str]]:
    """The question's topic words (with their glossary synonyms), and the places named by the
    agencies of the city's own entries and of the others."""
    asked = set().union(*topic.groups) if topic.groups else set()
    home: set[str] = set()
    other: set[str] = set()
    for entry in entries:
        (home if is_home_entry(entry, home_names) else other).update(place_names(publisher_of(entry)))
    return asked, home, other


def names_other_agency(terms: QueryTerms, entries: list[Passage], home_names: tuple[str, ...]) -> bool:
    """Whether the question names the whole agency of an entry that is not the city's own
    ("국토교통부 …", "식품의약품안전처 …"; not "식품 …" for 식품의약품안전처)."""
    asked = set(terms.tokens)
    for entry in entries:
        if not is_home_entry(entry, home_names):
            agency = name_tokens(publisher_of(entry))
            if agency and agency <= asked:
                return True
    return False


def about_city(terms: QueryTerms, entries: list[Passage], home_names: tuple[str, ...]) -> bool:
    """Whether a dataset question is about the city's own data (issue 12), so that only the city's
    entries answer it and another agency's are at most suggested: it names the city or one of its
    places, or no place, agency or "nationwide" at all: a Busan official asking for "subway Wi-Fi
    data" means Busan's, not the first of seventeen cities' similar datasets. A question naming
    another place or agency, or the whole country, is answered from every entry. Without
    `home_names` there is no city.

    The question's terms are not changed: dropping the city's names (or its districts') from them
    lowered the share of the question the city's own entries cover, and the demo catalog sets lost
    4 points of accuracy."""
    if not home_names:
        return False
    asked, home, other = _asked_and_places(terms.topic_terms(), entries, home_names)
    if asked & home or any(word.startswith(home_names) for word in asked):
        return True
    return not (
        asked & _NATIONWIDE or asked & (other - home) or names_other_agency(terms, entries, home_names)
    )


def rank_catalog(
    passages: list[Passage], terms: QueryTerms, index: BM25KeywordIndex, preferred: tuple[str, ...] = ()
) -> list[Passage]:
    """The catalog entries among `passages`, re-scored for a dataset question, best first; each
    passage's relevance becomes the share of the question's topic it covers. Entries of the city
    named by `preferred` (given for a question `about_city`) come first among equals (`HOME_WEIGHT`):
    the suggestions are taken from this ranking."""
    best_score = max((passage.score for passage in passages), default=1.0) or 1.0
    topic = terms.topic_terms()
    ranked = []
    for passage in passages:
        if passage.chunk.kind != SourceKind.CATALOG:
            continue
        covered = topic.coverage(index.tokens_of(passage.chunk))
        home = bool(preferred) and is_home_entry(passage, preferred)
        score = (
            _TITLE_WEIGHT * title_coverage(passage, topic)
            + _TEXT_WEIGHT * covered
            + _RANK_WEIGHT * passage.score / best_score
            + (HOME_WEIGHT if home else 0.0)
        )
        ranked.append(passage.model_copy(update={"relevance": covered, "score": score}))
    ranked.sort(key=lambda passage: (-round(passage.score, 5), passage.chunk.chunk_id))
    return ranked


def datasets_covering(
    ranked: list[Passage], terms: QueryTerms, coverage: float, title: float
) -> list[Passage]:
    """The ranked entries that cover at least `coverage` of the question's topic and whose title
    or keywords name at least `title` of it (a description that mentions it in passing does not
    make the dataset)."""
    topic = terms.topic_terms()
    return [
        passage
        for passage in ranked
        if passage.relevance >= coverage and title_coverage(passage, topic) >= title
    ]
