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
from assistant.stores.keyword_index import BM25KeywordIndex
from assistant.stores.vector_store import ChromaVectorStore
from assistant.tokens import is_korean, predicate_tokens, search_tokens

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
# updated) rather than what the source is about (as search tokens: "publishes" is "publishe"):
# "어느 부서가 올렸나요" must not make a dataset
# titled "…_부서정보" the answer. They weigh no more than a predicate.
_ASKING_WORDS = frozenset(
    "부서 기관 담당 공개 제공 올리 게시 현황 데이터 자료 데이터셋 파일 형식 포맷 갱신 업데이트 주기 다운로드 "
    "department agency team unit office publish publishe provide maintain format dataset data file "
    "download update updated often frequently".split()
)


def _stable(hits: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    return sorted(hits, key=lambda hit: (-round(hit[1], _SCORE_DIGITS), hit[0].chunk_id))


@dataclass
class QueryTerms:
    """The question's key terms, each with its glossary synonyms and a weight (idf)."""

    groups: list[set[str]]
    weights: list[float]
    tokens: list[str] = field(default_factory=list)

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
        covered = sum(weight for group, weight in zip(groups, self.weights, strict=True) if group & tokens)
        return covered / total

    def not_covered_by(self, tokens: set[str]) -> QueryTerms:
        """The terms `tokens` leave uncovered (what a statistic's table does not speak to)."""
        kept = [
            (g, w, t)
            for g, w, t in zip(self.groups, self.weights, self.tokens, strict=True)
            if not g & tokens
        ]
        return QueryTerms(
            groups=[g for g, _, _ in kept], weights=[w for _, w, _ in kept], tokens=[t for *_, t in kept]
        )

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

    def query_terms(self, question: str) -> QueryTerms:
        tokens = list(dict.fromkeys(search_tokens(question)))
        groups = self.glossary.synonym_groups(tokens)
        predicates = predicate_tokens(question)
        weights = [
            min(self._idf(group), _PREDICATE_WEIGHT_CAP)
            if token in predicates or token in _ASKING_WORDS
            else self._idf(group)
            for token, group in zip(tokens, groups, strict=True)
        ]
        return QueryTerms(groups=groups, weights=weights, tokens=tokens)

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
        self, question: str, user: User, k: int, terms: QueryTerms | None = None
    ) -> list[Passage]:
        """The k best passages for this user, best first, each with its relevance to the question."""
        expanded = self.glossary.expand(question)
        dense = _stable(self.vector_store.search(self.embedder.embed_query(expanded), self.candidate_k, user))
        keyword = _stable(self.keyword_index.search(search_tokens(expanded), self.candidate_k, user))

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

        terms = terms or self.query_terms(question)
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
