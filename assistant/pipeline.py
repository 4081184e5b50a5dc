"""The answer pipeline: retrieve → (statistics) → compose → verify citations → audit.

`Assistant` receives every seam ready-made (see assistant/factory.py) and never reads settings.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer_types import AnswerType, expected_answer_type
from assistant.audit import AuditLog
from assistant.catalog_search import (
    about_city,
    datasets_covering,
    is_home_entry,
    names_department,
    rank_catalog,
)
from assistant.citations import verify_citations
from assistant.compose import AnswerComposer, Composition, StatisticsPart
from assistant.conversations import ConversationStore
from assistant.errors import CityQAError, ErrorCode
from assistant.feedback import FeedbackRecord, FeedbackRequest, FeedbackStore
from assistant.followups import FollowUpRewriter
from assistant.intent import asks_for_dataset, asks_which_department
from assistant.models import Answer, Confidence, Passage, SourceKind, SqlResult, Suggestion, Turn, User
from assistant.retrieval import HybridRetriever, QueryTerms
from assistant.streaming import AnswerEvent, EventSink, answer_events
from assistant.tokens import is_korean, search_tokens

NOT_FOUND_EN = "I could not find an answer to this in the indexed sources."
NOT_FOUND_KO = "색인된 자료에서 이 질문의 답을 찾지 못했습니다."
_FOLLOW_UP_MAX_TOKENS = 3
_DIGIT = re.compile(r"\d")
# A question that names Korea asks about Korean law or bodies, which only Korean texts state.
_ASKS_ABOUT_KOREA = re.compile(r"\bkorea(?:n|'s)?\b|대한민국|한국", re.IGNORECASE)
# The leading sentence must cover at least this share of the question's key terms, by its own words,
# for confidence high or medium (medium: the passage as a whole is less relevant). Below it the
# answer is low: in the blind document set half of the answers between 0.5 and 0.7 were wrong, and
# once English words were stemmed (round 3) English policy sentences covered 0.7 of English questions
# about Korean statutes; from 0.8 the confident-wrong answers of the document sets halved, no right
# answer lost.
_CONFIDENT_SENTENCE_COVERAGE = 0.8
# The leading sentence must score at least this much above the best sentence of any other section
# for confidence high or medium: with two sections answering about equally well the question is read
# two ways, and in the blind document set such ties were wrong more often than right.
_MIN_LEAD_MARGIN = 0.02
# A question the tables could not compute is answered from a document only from this coverage up.
_DOCUMENT_FALLBACK_COVERAGE = 0.5
# A statistic computed without this share of the question's key terms gives way to a document
# sentence that covers the question (the statistic answers something else).
_MOSTLY_IGNORED = 0.5


@dataclass
class StatisticsOutcome:
    """What the statistics path made of a question."""

    is_statistical: bool
    part: StatisticsPart | None = None
    sql: SqlResult | None = None
    slots: dict[str, object] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    # Words of the question the computed statistic does not use: it may not be what was asked.
    ignored: list[str] = field(default_factory=list)
    error: str | None = None
    # When the statistic answered one clause of a longer question, the rest of it (for documents).
    remainder: str | None = None
    # How the SQL came about, when the answer should say so (a language model that failed …).
    notes: list[str] = field(default_factory=list)


@dataclass
class _Retrieved:
    """What retrieval found for one question."""

    terms: QueryTerms
    candidates: list[Passage]  # retrieved for this user, best first
    relevant: list[Passage]  # good enough to answer from
    dataset_question: bool
    catalog: list[Passage] = field(default_factory=list)  # a dataset question's entries, best first
    datasets: list[Passage] = field(default_factory=list)  # those good enough to answer it


class StatisticsAnswerer(Protocol):
    def answer(self, question: str, user: User, history: list[Turn]) -> StatisticsOutcome: ...

    def run_user_sql(self, sql: str, user: User) -> SqlResult: ...


@dataclass
class AnswerPolicy:
    top_k: int = 5
    relevance_threshold: float = 0.5
    # A document joins a statistics answer only when the question asks for more than the table
    # speaks to (a number and the rule behind it): at least this share of the question's weight
    # is left uncovered by the table ...
    mixed_residual_share: float = 0.25
    # ... and the document covers at least this share of that remainder.
    mixed_document_coverage: float = 0.6
    max_suggestions: int = 3
    # Passages more than this below the best passage's relevance are left out of the answer.
    relevance_margin: float = 0.15
    # A dataset question is answered from a catalog entry that covers at least this share of the
    # question's topic; an entry covering less is suggested only from `catalog_suggestion_coverage`.
    catalog_min_coverage: float = 0.5
    catalog_min_title_coverage: float = 0.25
    catalog_suggestion_coverage: float = 0.34
    # Names of the home city: its own catalog entries come first among equals for a dataset question
    # about the city's data and answer it alone (`assistant.catalog_search.about_city`); empty: none.
    home_region_names: tuple[str, ...] = ()
    # A document question is read over more than the passages good enough to answer from: up to
    # `top_k` further documents among the candidates covering at least this share of the question.
    # The article that answers often covers fewer of the question's words than one that merely holds
    # them all ("개인정보 보호의 날" vs "…보호 … 받은 날부터"); the sentence decides, not the passage.
    reading_floor: float = 0.4
    # ... and the `sections_within` sections of each of the first `sources_read_within` documents
    # among the candidates that cover the question best.
    sources_read_within: int = 2
    sections_within: int = 3


@dataclass(frozen=True)
class Corpus:
    """What one answer reads: the retriever and the statistics layer over one generation of the
    stores. An answer takes the corpus once, so a switch to a new generation (`assistant.live`)
    never mixes two generations in one answer."""

    retriever: HybridRetriever
    statistics: StatisticsAnswerer | None = None


class Assistant:
    def __init__(
        self,
        retriever: HybridRetriever,
        composer: AnswerComposer,
        audit_log: AuditLog,
        conversations: ConversationStore,
        policy: AnswerPolicy,
        statistics: StatisticsAnswerer | None = None,
        rewriter: FollowUpRewriter | None = None,
        feedback: FeedbackStore | None = None,
    ) -> None:
        self._corpus = Corpus(retriever, statistics)
        self.composer = composer
        self.audit_log = audit_log
        self.conversations = conversations
        self.policy = policy
        # Rewrites a follow-up into a standalone question (a chat model); None: offline, where a
        # short follow-up is searched together with the previous question.
        self.rewriter = rewriter
        self.feedback = feedback

    @property
    def corpus(self) -> Corpus:
        return self._corpus

    @property
    def retriever(self) -> HybridRetriever:
        return self._corpus.retriever

    @property
    def statistics(self) -> StatisticsAnswerer | None:
        return self._corpus.statistics

    def switch_corpus(self, corpus: Corpus) -> None:
        """Answer from `corpus` from now on; answers already begun finish on the one they took."""
        self._corpus = corpus

    def answer(
        self,
        question: str,
        user: User,
        conversation_id: str | None = None,
        *,
        history: list[Turn] | None = None,
        on_event: EventSink | None = None,
    ) -> Answer:
        """Answer `question` for `user`. Earlier turns come from the conversation store, or from
        `history` when the caller keeps them (an OpenAI-style client sends every message again);
        `on_event` receives the streaming form (see assistant/streaming.py)."""
        emit = on_event or _ignore
        corpus = self._corpus
        started = time.perf_counter()
        timings: dict[str, float] = {}
        asked = question.strip()
        conversation_id, stored = self.conversations.history(conversation_id, user.key_id)
        kept_by_caller = history is not None  # then the caller remembers this turn, not the store
        history = stored if history is None else history
        notes: list[str] = []

        question = asked
        if history and self.rewriter is not None:
            emit(AnswerEvent(type="status", step="rewriting"))
            with _timed(timings, "rewrite"):
                rewrite = self.rewriter.rewrite(asked, history)
            question = rewrite.question
            notes += rewrite.notes
        outcome: StatisticsOutcome | None = None
        if corpus.statistics is not None:
            emit(AnswerEvent(type="status", step="computing"))
            with _timed(timings, "sql"):
                outcome = corpus.statistics.answer(question, user, history)
            notes += outcome.notes
        emit(AnswerEvent(type="status", step="retrieving"))
        with _timed(timings, "retrieve"):
            search_question = question if question != asked else _with_context(question, history)
            found = self._retrieve(corpus.retriever, search_question, question, user, outcome)

        answer = Answer(
            answer_id="a_" + uuid.uuid4().hex[:16],
            conversation_id=conversation_id,
            question=asked,
            answer="",
            retrieved_source_ids=list(dict.fromkeys(p.chunk.source_id for p in found.candidates)),
            notes=notes,
        )
        emit(AnswerEvent(type="status", step="composing"))
        relay = _TextRelay(emit)
        with _timed(timings, "compose"):
            self._compose(corpus.retriever, answer, question, found, outcome, user, relay)
        if not answer.citations:
            self._not_found(answer, question, self._suggestable(found), outcome)

        timings["total"] = _elapsed_ms(started)
        answer.timings_ms = {name: round(value, 1) for name, value in timings.items()}
        if not kept_by_caller:
            self.conversations.append(
                conversation_id,
                user.key_id,
                Turn(question=question, answer=answer.answer, slots=dict(outcome.slots) if outcome else {}),
            )
        self.audit_log.record(user, answer)
        if not relay.sent or not answer.citations:
            emit(AnswerEvent(type="token", text=answer.answer))  # the offline path: in one piece
        if answer.sql is not None:
            emit(AnswerEvent(type="sql", text=answer.sql.query))
            emit(AnswerEvent(type="table", sql=answer.sql))
        emit(AnswerEvent(type="citations", citations=answer.citations))
        return answer

    def _retrieve(
        self,
        retriever: HybridRetriever,
        search_question: str,
        question: str,
        user: User,
        outcome: StatisticsOutcome | None,
    ) -> _Retrieved:
        """The passages for the question, and for a dataset question its catalog entries."""
        terms = retriever.query_terms(search_question)
        candidates = retriever.retrieve_passages_for_user(search_question, user, self.policy.top_k * 2, terms)
        found = _Retrieved(
            terms=terms,
            candidates=candidates,
            relevant=_answerable_passages(candidates, self.policy, question),
            dataset_question=asks_for_dataset(question),
        )
        if found.dataset_question and not (outcome is not None and outcome.part):
            found.catalog, home = self._catalog_entries(retriever, search_question, user, terms)
            # a question about the city's own data is answered by the city's entries alone
            answering = [p for p in found.catalog if is_home_entry(p, home)] if home else found.catalog
            found.datasets = datasets_covering(
                answering,
                terms,
                self.policy.catalog_min_coverage,
                self.policy.catalog_min_title_coverage,
            )[: self.policy.top_k]
            if found.datasets:
                found.candidates = found.datasets + [
                    p for p in candidates if p.chunk.kind != SourceKind.CATALOG
                ]
            else:
                # No dataset matches: say so rather than list unrelated ones. A document may still
                # answer when it speaks to the subject, not merely to "which department publishes".
                found.relevant = self._documents_on_topic(retriever, found.relevant, terms)
        return found

    def _compose(
        self,
        retriever: HybridRetriever,
        answer: Answer,
        question: str,
        found: _Retrieved,
        outcome: StatisticsOutcome | None,
        user: User,
        relay: _TextRelay,
    ) -> None:
        """Compose by route — a statistic, a dataset question, a statistics question the tables could
        not compute, anything else from the passages — and state it in `answer` once verified."""
        terms, relevant = found.terms, found.relevant
        composition: Composition | None
        no_department = False  # a dataset question for a department, answered by an entry naming none
        pool = self._reading_pool(retriever, found, user)
        document_answer = self._document_answer(question, pool, terms, outcome)
        if outcome is not None and outcome.part is not None and document_answer is None:
            documents = self._documents_beside_statistics(retriever, outcome, user, terms)
            composition = self.composer.compose(question, documents, terms, outcome.part, relay)
            answer.sql = outcome.sql
            if outcome.part.written_by_model:
                answer.notes.append(
                    "SQL written by the language model: check the query before using the figure"
                )
            if outcome.ignored:
                answer.notes.append("not used from the question: " + ", ".join(outcome.ignored))
        elif found.datasets:
            # A dataset question (even one the tables tried and could not map: "사회지표 통계는
            # 조사주기가 어떻게 되나요?") is answered by the catalog entries that name its subject.
            relevant = found.datasets
            composition = self.composer.compose(question, relevant, terms.topic_terms(), None, relay)
            led = composition.provided.get(1)
            entry = next((p for p in relevant if led and p.chunk.source_id == led.source_id), relevant[0])
            no_department = asks_which_department(question) and not names_department(entry)
            if no_department:
                answer.notes.append("the catalog entry names the agency but no department")
        elif outcome is not None and outcome.is_statistical:
            # The tables cannot answer it as asked; a document sentence that answers the question
            # well may (a rule, a figure in a text). When no table has what it measures at all
            # ("국가통계 발전 기본계획은 몇 년 주기로?"), it was never a question for the tables:
            # the documents answer it as any other question.
            answer.notes.extend(f"could not map {part}" for part in outcome.unmapped)
            if outcome.error:
                answer.notes.append(outcome.error)
            composition = document_answer
            if composition is None and any(part.startswith("measure ") for part in outcome.unmapped):
                # only passages that clear the relevance bar: it read like a question for the tables
                documents = [passage for passage in relevant if passage.chunk.kind == SourceKind.DOCUMENT]
                composition = self.composer.compose(question, documents, terms, None, relay)
                if (composition.lead_coverage or 0.0) < _DOCUMENT_FALLBACK_COVERAGE:
                    composition = None  # a sentence about some of it; not an answer to it
                document_answer = composition
        else:
            composition = self.composer.compose(question, pool, terms, None, relay)
        if composition is None:
            return
        answer.notes += composition.notes
        answer.prompt = composition.prompt
        self._state(answer, composition, relevant, outcome, composition is document_answer)
        lead = composition.provided.get(1)
        catalog_lead = bool(answer.citations) and lead is not None and lead.kind == SourceKind.CATALOG
        if catalog_lead and (not found.dataset_question or no_department):
            # "해운대구 1인 가구 수": a dataset about it is a lead to follow, not the answer;
            # "어느 부서 소관?" answered with an agency alone leaves the question open
            answer.confidence = "low"
        if (
            bool(answer.citations)
            and lead is not None
            and lead.kind == SourceKind.DOCUMENT
            and not any(
                passage.chunk.source_id == lead.source_id and passage.chunk.locator == lead.locator
                for passage in relevant
            )
        ):
            answer.confidence = "low"  # read from a passage below the relevance bar: a lead, no more
        foreign_lead = (
            bool(answer.citations)
            and lead is not None
            and lead.kind == SourceKind.DOCUMENT
            and not (is_korean(lead.title) or is_korean(lead.snippet))
        )
        if foreign_lead and _ASKS_ABOUT_KOREA.search(question):
            # "How often is Korea's statistics master plan made?" answered by a US city's policy: the
            # words meet, the jurisdiction does not.
            answer.confidence = "low"
            answer.notes.append("the question is about Korea; the leading source is not a Korean text")

    def _reading_pool(self, retriever: HybridRetriever, found: _Retrieved, user: User) -> list[Passage]:
        """The passages good enough to answer from, then further documents: among the candidates,
        those covering at least `reading_floor` of the question, and within the leading documents
        their other sections that cover the question best (the right law, another article)."""
        if found.dataset_question:
            return found.relevant  # "is there data on …" is answered by the catalog, not read from texts
        kept = {passage.chunk.chunk_id for passage in found.relevant}
        further = [
            passage
            for passage in found.candidates
            if passage.chunk.kind == SourceKind.DOCUMENT
            and passage.relevance >= self.policy.reading_floor
            and passage.chunk.chunk_id not in kept
        ][: self.policy.top_k]
        kept |= {passage.chunk.chunk_id for passage in further}
        documents = [p.chunk.source_id for p in found.candidates if p.chunk.kind == SourceKind.DOCUMENT]
        for source_id in list(dict.fromkeys(documents))[: self.policy.sources_read_within]:
            within = retriever.passages_within(source_id, found.terms, user, self.policy.sections_within)
            for passage in within:
                if passage.relevance >= self.policy.reading_floor and passage.chunk.chunk_id not in kept:
                    further.append(passage)
                    kept.add(passage.chunk.chunk_id)
        return found.relevant + further

    def _suggestable(self, found: _Retrieved) -> list[Passage]:
        """Where the datasets suggested with a not-found answer come from: for a dataset question only
        entries that share some of the subject, in their title too; else whatever was retrieved."""
        if not found.catalog:
            return found.candidates
        return datasets_covering(
            found.catalog,
            found.terms,
            self.policy.catalog_suggestion_coverage,
            self.policy.catalog_min_title_coverage,
        )

    def answer_events(
        self,
        question: str,
        user: User,
        conversation_id: str | None = None,
        *,
        history: list[Turn] | None = None,
    ) -> Iterator[AnswerEvent]:
        """The streaming form of `answer`: status, tokens, SQL, table, citations, done."""
        return answer_events(
            lambda sink: self.answer(question, user, conversation_id, history=history, on_event=sink)
        )

    def run_sql(self, sql: str, user: User) -> SqlResult:
        """Run an official's own SQL through the same guard and read-only warehouse; audited."""
        started = time.perf_counter()
        statistics = self._corpus.statistics
        if statistics is None:
            raise CityQAError(ErrorCode.NOT_FOUND, "no statistics warehouse is configured")
        try:
            result = statistics.run_user_sql(sql, user)
        except CityQAError as error:
            self.audit_log.record_sql(user, sql, f"{error.code.value}: {error.detail}", _elapsed_ms(started))
            raise
        self.audit_log.record_sql(user, sql, f"ok: {result.row_count} row(s)", _elapsed_ms(started))
        return result

    def record_feedback(self, user: User, feedback: FeedbackRequest, shared: bool = False) -> FeedbackRecord:
        """Store a rating of an earlier answer and log it beside that answer in the audit log.

        Only the person the answer was given to may rate it, unless it was `shared` (posted where
        others saw it, as in a Slack channel). An unknown answer and someone else's answer get the
        same "not found": answer ids are not disclosed.
        """
        if self.feedback is None:
            raise CityQAError(ErrorCode.NOT_FOUND, "no feedback store is configured")
        owner = self.audit_log.answer_owner(feedback.answer_id)
        if owner is None or (owner != user.key_id and not shared):
            raise CityQAError(ErrorCode.NOT_FOUND, f"no answer {feedback.answer_id}")
        record = self.feedback.record(user, feedback)
        self.audit_log.record_feedback(record)
        return record

    @staticmethod
    def _state(
        answer: Answer,
        composition: Composition,
        relevant: list[Passage],
        outcome: StatisticsOutcome | None,
        from_documents_for_statistics: bool,
    ) -> None:
        """Put a composition into the answer once its citations are verified (not at all without a
        valid one), with its confidence and notes."""
        verified = verify_citations(composition.text, composition.provided)
        if not verified.has_valid_citation:
            return
        answer.answer = verified.text
        answer.citations = verified.citations
        answer.confidence = _confidence(
            relevant, outcome, verified.removed, verified.uncited_sentences, composition
        )
        if from_documents_for_statistics:
            # The question read like one for the tables, so a document's figure may not be the one meant.
            answer.confidence = "low"
            answer.notes.append("answered from the documents: the tables could not compute this as asked")
        if verified.removed:
            answer.notes.append(f"removed citations to passages never provided: {verified.removed}")
        if verified.uncited_sentences:
            answer.notes.append(f"{verified.uncited_sentences} sentence(s) without a citation")

    def _catalog_entries(
        self, retriever: HybridRetriever, question: str, user: User, terms: QueryTerms
    ) -> tuple[list[Passage], tuple[str, ...]]:
        """Catalog entries for a dataset question, best first, and the home city's names when the
        question is about the city's own data (`about_city`; else none). The search looks further
        down the fused list than for other questions, for what the question is about without its
        asking words: the entry that names the subject in its title may rank below entries sharing
        them."""
        wide = retriever.retrieve_passages_for_user(
            question, user, retriever.candidate_k, terms, topic_only=True
        )
        names = self.policy.home_region_names
        entries = [passage for passage in wide if passage.chunk.kind == SourceKind.CATALOG]
        home = names if about_city(terms, entries, names) else ()
        return rank_catalog(wide, terms, retriever.keyword_index, home), home

    def _documents_on_topic(
        self, retriever: HybridRetriever, passages: list[Passage], terms: QueryTerms
    ) -> list[Passage]:
        """The documents among `passages` that cover the question's subject well."""
        topic = terms.topic_terms()
        index = retriever.keyword_index
        return [
            passage
            for passage in passages
            if passage.chunk.kind != SourceKind.CATALOG
            and topic.coverage(index.tokens_of(passage.chunk)) >= self.policy.relevance_threshold
        ]

    def _documents_beside_statistics(
        self, retriever: HybridRetriever, outcome: StatisticsOutcome, user: User, terms: QueryTerms
    ) -> list[Passage]:
        """The best document for what the question asks beyond the statistic, if it asks more.

        That rest is searched on its own: mixed with the statistic's words, the table's own sources
        would crowd the document out. It is the other clause when the statistic came from one
        clause, else the question's terms that the tables do not speak to."""
        index = retriever.keyword_index
        if outcome.remainder:
            rest = outcome.remainder
            wanted = retriever.query_terms(rest)
        else:
            table_tokens: set[str] = set()
            for citation in outcome.part.citations if outcome.part else []:
                table_tokens |= index.tokens_of_source(citation.source_id)
            wanted = terms.not_covered_by(table_tokens)
            if (
                not terms.total_weight
                or wanted.total_weight / terms.total_weight < self.policy.mixed_residual_share
            ):
                return []
            rest = " ".join(wanted.tokens)
        # The remainder's own terms are `wanted`; a residual's text is re-analysed from its tokens.
        known_terms = wanted if outcome.remainder else None
        for passage in retriever.retrieve_passages_for_user(rest, user, retriever.candidate_k, known_terms):
            covers = wanted.coverage(index.tokens_of(passage.chunk)) >= self.policy.mixed_document_coverage
            if passage.chunk.kind == SourceKind.DOCUMENT and covers:
                return [passage]
        return []

    def _document_answer(
        self, question: str, relevant: list[Passage], terms: QueryTerms, outcome: StatisticsOutcome | None
    ) -> Composition | None:
        """For a question the tables could not compute: a document answer, when one of the documents'
        sentences covers most of the question and carries the kind of fact it asks for. (A statistic
        computed without some of the question's words is stated with confidence low, beside the
        documents that speak to the rest.)

        Only documents: a table card or a catalog entry is no answer to "how many …" (the not-found
        answer suggests the datasets instead)."""
        if outcome is None or not outcome.is_statistical:
            return None
        if outcome.part is not None and not outcome.part.written_by_model and not outcome.ignored:
            # The parser computed it from the whole question. A model's SQL, or a statistic that left
            # some of the asker's words out, gives way to a document that answers well.
            return None
        documents = [passage for passage in relevant if passage.chunk.kind == SourceKind.DOCUMENT]
        if not documents:
            return None
        composition = self.composer.compose(question, documents, terms, None)
        lead = composition.provided.get(1)
        if lead is None or (composition.lead_coverage or 0.0) < _DOCUMENT_FALLBACK_COVERAGE:
            return None
        if outcome.part is not None and _ignored_share(terms, outcome.ignored) >= _MOSTLY_IGNORED:
            # "Can people use Topeka's open data without an account?" → "the population of Busan
            # was …": a statistic that leaves most of the question out answers something else.
            return composition
        if composition.answer_type_met and (
            # a question for a number wants a figure, not a mention; "누구 승인?" wants an office
            expected_answer_type(question) == AnswerType.WHO or _DIGIT.search(lead.snippet)
        ):
            return composition
        return None

    def _not_found(
        self, answer: Answer, question: str, candidates: list[Passage], outcome: StatisticsOutcome | None
    ) -> None:
        korean = is_korean(question)
        text = NOT_FOUND_KO if korean else NOT_FOUND_EN
        if outcome is not None and outcome.is_statistical and outcome.unmapped:
            parts = ", ".join(outcome.unmapped)
            text += (
                f" 통계표에서 다음을 찾을 수 없습니다: {parts}."
                if korean
                else f" The statistics tables have no match for: {parts}."
            )
        answer.answer = text
        answer.confidence = "none"
        answer.sql = None
        answer.citations = []
        seen: set[str] = set()
        for passage in candidates:
            chunk = passage.chunk
            if chunk.kind in (SourceKind.CATALOG, SourceKind.TABLE) and chunk.source_id not in seen:
                seen.add(chunk.source_id)
                answer.suggestions.append(
                    Suggestion(source_id=chunk.source_id, title=chunk.title, url=chunk.url)
                )
            if len(answer.suggestions) == self.policy.max_suggestions:
                break


def _ignored_share(terms: QueryTerms, ignored: list[str]) -> float:
    """The share of the question's key-term weight in the words a statistic did not use."""
    if not ignored or not terms.total_weight:
        return 0.0
    words = {token for word in ignored for token in search_tokens(word)}
    left_out = sum(weight for group, weight in zip(terms.groups, terms.weights, strict=True) if group & words)
    return left_out / terms.total_weight


def _answerable_passages(passages: list[Passage], policy: AnswerPolicy, question: str) -> list[Passage]:
    """Passages good enough to answer from: above the threshold and close to the best one.

    A passage far below the best adds a sentence about something else, which reads as noise and
    cites a source the answer does not need. Among equally good passages, the question's language
    comes first so an English question is answered in English when the corpus allows."""
    usable = [p for p in passages if p.relevance >= policy.relevance_threshold]
    if not usable:
        return []
    best = max(p.relevance for p in usable)
    usable = [p for p in usable if p.relevance >= best - policy.relevance_margin]
    korean = is_korean(question)
    return sorted(usable, key=lambda p: (-round(p.relevance, 1), is_korean(p.chunk.text) != korean, -p.score))


def _confidence(
    relevant: list[Passage],
    outcome: StatisticsOutcome | None,
    removed: list[int],
    uncited: int,
    composition: Composition,
) -> Confidence:
    """High only when the answer is what was asked: a statistic computed from the whole question, or
    a sentence that covers most of the question and carries the kind of fact it asks for."""
    if removed or composition.downgraded:
        return "low"  # a model's answer lost a sentence to the checks: what is left is suspect too
    if outcome is not None and outcome.part is not None:
        if outcome.ignored or outcome.part.written_by_model:
            # the statistic answers a question without some of the asker's words, or a model wrote
            # the SQL (guarded, so safe to run, but nothing checks it computes what was asked)
            return "low"
        return "high" if not uncited else "medium"
    if composition.answer_type_met is False:
        return "low"  # "몇 년마다?" answered by a sentence that names no period
    lead = composition.provided.get(1)
    if lead is not None and lead.kind == SourceKind.TABLE:
        return "low"  # a table card describes data; without a computed figure it vouches for nothing
    if composition.lead_margin is not None and composition.lead_margin < _MIN_LEAD_MARGIN:
        return "low"  # another section answers about as well: which one is meant is a guess
    best = max((passage.relevance for passage in relevant), default=0.0)
    # A composer that reports no sentence evidence (e.g. a model's answer) is judged by its passages.
    coverage = composition.lead_coverage if composition.lead_coverage is not None else best
    if best >= 0.8 and coverage >= _CONFIDENT_SENTENCE_COVERAGE and not uncited:
        return "high"
    if best >= 0.7 and coverage >= _CONFIDENT_SENTENCE_COVERAGE:
        return "medium"
    return "low"  # the best sentence covers too little of the question to vouch for it


class _TextRelay:
    """Passes a composer's checked sentences on as `token` events and remembers that it did."""

    def __init__(self, emit: EventSink) -> None:
        self.emit = emit
        self.sent = False

    def __call__(self, text: str) -> None:
        self.sent = True
        self.emit(AnswerEvent(type="token", text=text))


def _ignore(event: AnswerEvent) -> None:
    """The event sink of a caller that does not stream."""


def _with_context(question: str, history: list[Turn]) -> str:
    """A short follow-up ("and the extension?") is searched together with the previous question."""
    if history and len(search_tokens(question)) <= _FOLLOW_UP_MAX_TOKENS:
        return f"{history[-1].question} {question}"
    return question


@contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    """Record how long the block took, in ms, under `step`."""
    mark = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = _elapsed_ms(mark)


def _elapsed_ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000
