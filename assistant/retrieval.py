"""Hybrid retrieval: dense (Chroma) + keyword (BM25) fused by reciprocal rank, filtered per user."""

from __future__ import annotations

import functools
import math
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from assistant.access import visible_to
from assistant.glossary import Glossary
from assistant.models import Chunk, Passage, User
from assistant.query_spelling import IndexSpeller
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore
from assistant.tokens import english_stem, is_korean, predicate_tokens, search_tokens

RRF_K = 60  # the constant of Cormack et al. (2009); damps the head of each ranking
# Final order blends how much of the question a passage covers with its fused rank. Coverage is
# the sharper signal across languages (the glossary bridges it); rank breaks ties and rescues
# paraphrases that share no words. Weights chosen on the dev set (benchmarks/retrieval_options.py).
RELEVANCE_WEIGHT = 0.6
# Scores are compared at this precision, ties broken by chunk id: the embedding model's floats vary
# in the last bits between calls (CPU kernels), which must not reorder near-equal candidates.
_SCORE_DIGITS = 5
# A verb or adjective stem weighs at most this much: "세우다" asks what "수립하다" says, so a
# paraphrased predicate must not sink a passage the way a missing subject (a noun) should.
_PREDICATE_WEIGHT_CAP = 2.0
# Words that say what is asked about a source (who publishes it, in what format, how often it is
# updated, where to get it) rather than what the source is about (English ones as search tokens):
# "어느 부서가 올렸나요" must not make a dataset titled "…_부서정보" the answer. They weigh no
# more than a predicate, and a dataset is judged without them (`QueryTerms.topic_terms`).
_ASKING_WORDS = frozenset(
    "부서 기관 담당 공개 제공 올리 게시 현황 데이터 데이타 자료 데이터셋 파일 형식 포맷 갱신 업데이트 "
    "주기 다운로드 잇 받 구하".split()
) | frozenset(
    english_stem(word)
    for word in "department agency team unit office publish provide maintain format dataset data file "
    "download update often frequently where get find available".split()
)


def _stable(hits: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    return sorted(hits, key=lambda hit: (-round(hit[1], _SCORE_DIGITS), hit[0].chunk_id))


@dataclass
class QueryTerms:
    """The question's key terms, each with its glossary synonyms and a weight (idf)."""

    groups: list[set[str]]
    weights: list[float]
    tokens: list[str] = field(default_factory=list)
    # Whether each term names what is asked about (a noun or name), not how it is asked: predicates
    # ("있나요", "세우다") and asking words ("부서", "format") are not topic terms.
    topic: list[bool] = field(default_factory=list)
    # A Korean compound's parts ("키즈카페" → 키즈, 카페): the term is also covered by a text holding
    # all of them, since kiwi splits the same compound in some contexts and not in others.
    parts: list[frozenset[str]] = field(default_factory=list)

    def coverage(self, tokens: AbstractSet[str]) -> float:
        return self._covered(self.groups, tokens)

    def literal_coverage(self, tokens: AbstractSet[str]) -> float:
        """Coverage counting only synonyms written in the question word's own script: a match made
        through the bilingual glossary finds a passage, but vouches less for a sentence."""
        return self._covered(self._literal_groups, tokens)

    @functools.cached_property
    def _literal_groups(self) -> list[set[str]]:
        return [
            {form for form in group if is_korean(form) == is_korean(token)}
            for token, group in zip(self.tokens, self.groups, strict=True)
        ]

    def _covered(self, groups: list[set[str]], tokens: AbstractSet[str]) -> float:
        total = sum(self.weights)
        if total == 0:
            return 0.0
        parts = self.parts or [frozenset()] * len(groups)
        covered = sum(
            weight
            for group, weight, joint in zip(groups, self.weights, parts, strict=True)
            if group & tokens or (joint and joint <= tokens)
        )
        return covered / total

    def not_covered_by(self, tokens: set[str]) -> QueryTerms:
        """The terms `tokens` leave uncovered (what a statistic's table does not speak to)."""
        return self._kept([not group & tokens for group in self.groups])

    def topic_terms(self) -> QueryTerms:
        """Only the terms that name what is asked about: a dataset is judged by its subject, and
        "데이터가 있나요" or "which department publishes" says nothing about which one is meant.
        All terms when none is a topic term."""
        return self._kept(self.topic) if any(self.topic) else self

    def _kept(self, keep: list[bool]) -> QueryTerms:
        flags = self.topic or [True] * len(self.tokens)
        parts = self.parts or [frozenset()] * len(self.tokens)
        columns = zip(self.groups, self.weights, self.tokens, flags, parts, strict=True)
        rows = [row for row, kept in zip(columns, keep, strict=True) if kept]
        return QueryTerms(
            groups=[row[0] for row in rows],
            weights=[row[1] for row in rows],
            tokens=[row[2] for row in rows],
            topic=[row[3] for row in rows],
            parts=[row[4] for row in rows],
        )

    def search_tokens(self) -> list[str]:
        """The terms and their compounds' parts, as keyword-search tokens."""
        return self.tokens + self.part_tokens()

    def part_tokens(self) -> list[str]:
        """The parts of the terms that are Korean compounds ("키즈카페" → 카페, 키즈)."""
        return [part for joint in self.parts for part in sorted(joint)]

    @property
    def total_weight(self) -> float:
        return sum(self.weights)


class HybridRetriever:
    def __init__(
        self,
        embedder: Embeddings,
        vector_store: ChromaVectorStore,
        keyword_index: BM25KeywordIndex,
        glossary: Glossary,
        candidate_k: int = 40,
    ) -> None:
        self.embedder = embedder
        self.vector_store = vector_store
        self.keyword_index = keyword_index
        self.glossary = glossary
        self.candidate_k = candidate_k
        self.speller = IndexSpeller()

    def query_terms(self, question: str) -> QueryTerms:
        words = self._spelled(search_tokens(question))
        tokens = list(dict.fromkeys(token for word in words for token in self._unknown_compound(word)))
        groups = self.glossary.synonym_groups(tokens)
        predicates = predicate_tokens(question)
        framing = [token in predicates or token in _ASKING_WORDS for token in tokens]
        weights = [
            # a one-syllable Korean word (역, 정) names little on its own, like a predicate
            min(self._idf(group), _PREDICATE_WEIGHT_CAP)
            if frames or (len(token) == 1 and is_korean(token))
            else self._idf(group)
            for token, group, frames in zip(tokens, groups, framing, strict=True)
        ]
        return QueryTerms(
            groups=groups,
            weights=weights,
            tokens=tokens,
            topic=[not f for f in framing],
            parts=[frozenset(self._split(token)) if len(token) > 3 else frozenset() for token in tokens],
        )

    def _spelled(self, tokens: list[str]) -> list[str]:
        vocabulary = self.keyword_index.vocabulary()
        return [self.speller.correct(token, vocabulary) for token in tokens]

    def _unknown_compound(self, word: str) -> list[str]:
        """A Korean compound no chunk contains, as two words the chunks do ("지하철역" → 지하철, 역):
        Korean writes compounds with and without spaces, and kiwi keeps an unknown one whole."""
        if self.keyword_index.document_frequency(word) > 0 or self.glossary.matching_concepts({word}):
            return [word]
        return self._split(word) or [word]

    def _split(self, word: str) -> list[str]:
        """Two indexed words that make up a Korean word of three syllables or more, if any."""
        index = self.keyword_index
        if len(word) < 3 or not is_korean(word):
            return []
        for cut in range(len(word) - 1, 1, -1):
            head, tail = word[:cut], word[cut:]
            if index.document_frequency(head) > 0 and index.document_frequency(tail) > 0:
                return [head, tail]
        return []

    def _idf(self, group: set[str]) -> float:
        """Inverse document frequency of the group's most distinctive indexed form.

        A term no chunk contains gets the weight of the rarest possible term: the question asks about
        something the corpus does not have, which must pull relevance down."""
        documents = max(len(self.keyword_index), 1)
        frequencies = [self.keyword_index.document_frequency(token) for token in group]
        present = [frequency for frequency in frequencies if frequency > 0]
        frequency = min(present) if present else 0.5
        return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))

    def retrieve_passages_for_user(
        self,
        question: str,
        user: User,
        k: int,
        terms: QueryTerms | None = None,
        *,
        topic_only: bool = False,
    ) -> list[Passage]:
        """The k best passages for this user, best first, each with its relevance to the question.

        `topic_only` searches for what the question is about without the words that frame the ask
        (a dataset question: "which department publishes" would otherwise pull in every dataset
        about departments, through the glossary's many words for "department")."""
        terms = terms or self.query_terms(question)
        if topic_only:
            wanted = terms.topic_terms()
            synonyms = " ".join(self.glossary.expansion(" ".join(wanted.tokens)))
            expanded = f"{question}\n{synonyms}"
            keyword_tokens = wanted.search_tokens() + search_tokens(synonyms)
        else:
            expanded = self.glossary.expand(question)
            keyword_tokens = self._spelled(search_tokens(expanded)) + terms.part_tokens()
        # The keyword index holds the same chunks: how many this user may not see lets the vector
        # store skip its costly metadata filter when they are few (`ChromaVectorStore.search`).
        hidden = self.keyword_index.hidden_from(user)
        vector = self.embedder.embed_query(expanded)
        dense = _stable(self.vector_store.search(vector, self.candidate_k, user, hidden=hidden))
        keyword = _stable(self.keyword_index.search(keyword_tokens, self.candidate_k, user))

        fused: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        similarity: dict[str, float] = {}
        keyword_score: dict[str, float] = {}
        for rank, (chunk, value) in enumerate(dense):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks[chunk.chunk_id] = chunk
            similarity[chunk.chunk_id] = value
        for rank, (chunk, value) in enumerate(keyword):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks[chunk.chunk_id] = chunk
            keyword_score[chunk.chunk_id] = value

        best_fused = max(fused.values(), default=1.0)
        passages = []
        for chunk_id, fused_score in fused.items():
            chunk = chunks[chunk_id]
            if not visible_to(user, chunk):  # checked again after the store's own filter
                continue
            relevance = terms.coverage(self.keyword_index.tokens_of(chunk))
            passages.append(
                Passage(
                    chunk=chunk,
                    score=RELEVANCE_WEIGHT * relevance + (1 - RELEVANCE_WEIGHT) * fused_score / best_fused,
                    dense_similarity=similarity.get(chunk_id),
                    keyword_score=keyword_score.get(chunk_id),
                    relevance=relevance,
                )
            )
        passages.sort(key=lambda passage: (-round(passage.score, _SCORE_DIGITS), passage.chunk.chunk_id))
        return passages[:k]

    def passages_within(self, source_id: str, terms: QueryTerms, user: User, k: int) -> list[Passage]:
        """The k chunks of one source that cover most of the question, for this user.

        The fused ranking finds the right statute more often than its right article: the article that
        answers may share few words with the question beyond the ones every article of that law
        repeats. Within one source those common words no longer decide, so the article's own terms do,
        its heading first: "통계의 날" is the article titled so, not one that says "통계 … 날부터"."""
        scored = []
        for chunk in self.keyword_index.chunks_of_source(source_id):
            if not visible_to(user, chunk):
                continue
            relevance = terms.coverage(self.keyword_index.tokens_of(chunk))
            heading = terms.coverage(set(search_tokens(chunk.locator.rpartition(" > ")[2])))
            passage = Passage(chunk=chunk, score=relevance + heading, relevance=relevance)
            scored.append(passage)
        scored.sort(key=lambda passage: (-round(passage.score, _SCORE_DIGITS), passage.chunk.chunk_id))
        return scored[:k]
