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


def rank_catalog(passages: list[Passage], terms: QueryTerms, index: BM25KeywordIndex) -> list[Passage]:
    """The catalog entries among `passages`, re-scored for a dataset question, best first; each
    passage's relevance becomes the share of the question's topic it covers."""
    topic = terms.topic_terms()
    best_score = max((passage.score for passage in passages), default=1.0) or 1.0
    ranked = []
    for passage in passages:
        if passage.chunk.kind != SourceKind.CATALOG:
            continue
        covered = topic.coverage(index.tokens_of(passage.chunk))
        score = (
            _TITLE_WEIGHT * title_coverage(passage, topic)
            + _TEXT_WEIGHT * covered
            + _RANK_WEIGHT * passage.score / best_score
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
