"""The offline answer composer: a short answer made of the best sentences of the best passages.

No LLM is involved, so nothing can be invented: every sentence is copied from a passage (or, for a
catalog entry, assembled from its fields) and carries that passage's [n].
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer_types import AnswerType, expected_answer_type, fact_span, gives_answer_type
from assistant.catalog_search import catalog_field, name_tokens, title_coverage
from assistant.grounding import INSTRUCTION
from assistant.models import Citation, Passage, SourceKind, SqlResult
from assistant.retrieval import QueryTerms
from assistant.tokens import is_korean, search_tokens

_BLOCK_SPLIT = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+•]\s|\d+[.)]\s|#|\|))")
_LINE_MARK = "\x1f"
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。])[\s\x1f]+")
_MAX_LINES_PER_SENTENCE = 4
_HEADING = re.compile(r"^\s*#{1,6}\s")
_ANSWER_TYPE_BONUS = 0.25
# Weight of the share of the question a sentence covers in the question's own words (not through
# the bilingual glossary), added to its coverage when sentences are ranked.
_LITERAL_BONUS = 0.25
_LIST_MARK = re.compile(r"^(?:[-*+•]|\d+[.)])\s+")
_MIN_SENTENCE_CHARS = 15
_MAX_SENTENCE_CHARS = 320
_SNIPPET_CHARS = 240


@dataclass
class Composition:
    """Answer text with [n] markers, and the citations for every passage given to the composer."""

    text: str
    provided: dict[int, Citation] = field(default_factory=dict)
    # How much of the question the leading sentence covers, and whether it carries the kind of fact
    # the question asks for (None: nothing was composed). The pipeline's confidence reads them.
    lead_coverage: float | None = None
    answer_type_met: bool | None = None
    # How far the leading sentence's score stands above the best sentence of any other section:
    # two sections answering about equally well means the question is read two ways.
    lead_margin: float | None = None
    # What the answer's notes should say about how it was written (a model that failed, sentences
    # removed by the grounding check); `downgraded`: something was removed, so confidence is low.
    notes: list[str] = field(default_factory=list)
    downgraded: bool = False
    prompt: str | None = None  # name@version of the prompt a model was given


@dataclass
class StatisticsPart:
    """A computed statistic to state first, with the tables it came from (numbered from 1)."""

    sentence: str
    citations: list[Citation]
    sql: SqlResult | None = None
    # SQL a language model wrote: its sentence is a plain listing of the rows (there are no slots
    # saying what was computed), which a model composer words from the rows.
    written_by_model: bool = False


TextSink = Callable[[str], None]


class AnswerComposer(Protocol):
    def compose(
        self,
        question: str,
        passages: list[Passage],
        terms: QueryTerms,
        statistics: StatisticsPart | None,
        on_text: TextSink | None = None,
    ) -> Composition:
        """Compose the answer. A composer that writes in pieces passes each checked piece to
        `on_text` as it goes (streaming); one that does not may ignore it."""
        ...


def citation_for(passage: Passage, n: int, snippet: str | None = None) -> Citation:
    chunk = passage.chunk
    return Citation(
        n=n,
        source_id=chunk.source_id,
        kind=chunk.kind,
        title=chunk.title,
        locator=chunk.locator,
        url=chunk.url,
        snippet=_shorten(snippet or chunk.text, _SNIPPET_CHARS),
        as_of=chunk.as_of,
    )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _excerpt(description: str, answer_type: AnswerType | None, limit: int = 200) -> str:
    """The description's start, or the stretch around the asked-for kind of fact when it lies further
    on ("… 보건환경연구원 주관 연1회 시행")."""
    span = fact_span(answer_type, description) if answer_type else None
    if span is None or span[1] <= limit - 1:
        return _shorten(description, limit)
    start = max(0, span[0] - limit // 2)
    return "…" + _shorten(description[start:], limit)


def _sentences(text: str, heading: str = "", title: str = "") -> list[str]:
    """Candidate sentences of a passage.

    Source lines are often hard-wrapped (Markdown, PDF text), so lines are joined within a block
    and split at sentence ends; each line is also a candidate on its own, because PDF tables and
    short "Label: value" lines carry their facts per line. The section heading (already in the
    locator) and joined runs too long to be one sentence are not candidates."""
    candidates: list[str] = []
    for block in _BLOCK_SPLIT.split(text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and (_HEADING.match(lines[0]) or lines[0] == heading):
            lines = lines[1:]
        lines = [_LIST_MARK.sub("", line).replace("**", "") for line in lines]
        # Lines are joined with a marker so a piece can tell how many source lines it spans: a
        # "sentence" running over several unpunctuated lines is a table, not a statement.
        joined = _LINE_MARK.join(lines)
        pieces = [p for p in _SENTENCE_SPLIT.split(joined) if p.count(_LINE_MARK) < _MAX_LINES_PER_SENTENCE]
        # A line stands alone only when no sentence ends inside it: a table row or a "Label: value"
        # line, not a hard-wrapped piece of prose that straddles two sentences.
        # (A line opening in lower case continues the sentence above it.)
        rows = (
            [line for line in lines if not _SENTENCE_SPLIT.search(line) and not line[:1].islower()]
            if len(lines) > 1
            else []
        )
        for piece in [*pieces, *rows]:
            piece = piece.replace(_LINE_MARK, " ").strip(" >\t|")
            is_title = piece.rstrip(".") == title
            if (
                _MIN_SENTENCE_CHARS <= len(piece) <= _MAX_SENTENCE_CHARS
                and piece not in candidates
                and not is_title
                and not INSTRUCTION.search(piece)  # text aimed at an AI is no answer to quote
            ):
                candidates.append(piece)
    return candidates


class ExtractiveComposer:
    """Picks up to `max_passages` passages and the sentence of each that best covers the question."""

    def __init__(
        self,
        max_passages: int = 3,
        min_sentence_coverage: float = 0.35,
        follow_margin: float = 1.0,
        min_catalog_title_coverage: float = 0.0,
    ) -> None:
        self.max_passages = max_passages
        # A further source is quoted only when its sentence scores within this of the leading one.
        self.follow_margin = follow_margin
        # A catalog entry is an answer only when its title and keywords cover this much of the question.
        self.min_catalog_title_coverage = min_catalog_title_coverage
        # A sentence that covers less of the question than this does not answer it, however
        # relevant its passage looked as a whole (calibrated on the dev set).
        self.min_sentence_coverage = min_sentence_coverage

    def compose(
        self,
        question: str,
        passages: list[Passage],
        terms: QueryTerms,
        statistics: StatisticsPart | None,
        on_text: TextSink | None = None,
    ) -> Composition:
        """The composition; `on_text` is not used (the pipeline sends the whole text at once)."""
        composition = Composition(text="")
        sentences: list[str] = []
        if statistics is not None:
            for citation in statistics.citations:
                composition.provided[citation.n] = citation
            markers = "".join(f"[{citation.n}]" for citation in statistics.citations)
            sentences.append(f"{statistics.sentence} {markers}")
        # One sentence per source, the best over all of that source's passages: the fact may sit
        # in its second-ranked chunk (another page or section), which then gives the locator. The
        # source whose sentence answers best leads; others follow only when nearly as good.
        by_source: dict[str, list[Passage]] = {}
        for passage in passages:
            by_source.setdefault(passage.chunk.source_id, []).append(passage)
        answer_type = expected_answer_type(question)
        best_per_source: list[tuple[float, float, str, Passage]] = []
        scored_places: list[tuple[float, str, str, str]] = []  # each passage's best: score, place, sentence
        for source_passages in by_source.values():
            found = [
                (choice, passage)
                for passage in source_passages
                if (choice := self._sentence_for(passage, terms, question, answer_type)) is not None
            ]
            scored_places += [
                (score, passage.chunk.source_id, passage.chunk.locator, sentence)
                for (score, _, sentence), passage in found
            ]
            if found:
                (score, coverage, sentence), passage = max(found, key=lambda item: item[0][0])
                best_per_source.append((score, coverage, sentence, passage))
        best_per_source.sort(key=lambda item: -item[0])
        lead_score = best_per_source[0][0] if best_per_source else 0.0
        if best_per_source:
            _, _, lead_sentence, lead_passage = best_per_source[0]
            lead = (lead_passage.chunk.source_id, lead_passage.chunk.locator)
            rivals = [  # the same sentence found again in an overlapping chunk is no rival
                score
                for score, source, locator, sentence in scored_places
                if (source, locator) != lead and sentence != lead_sentence
            ]
            composition.lead_margin = lead_score - max(rivals, default=0.0)
        for score, coverage, sentence, passage in best_per_source[: self.max_passages]:
            if score < lead_score - self.follow_margin:
                break
            n = len(composition.provided) + 1
            composition.provided[n] = citation_for(passage, n, snippet=sentence)
            sentences.append(f"{sentence} [{n}]")
            if composition.lead_coverage is None:
                composition.lead_coverage = coverage
                composition.answer_type_met = passage.chunk.kind != SourceKind.DOCUMENT or gives_answer_type(
                    answer_type, sentence
                )
        composition.text = " ".join(sentences)
        return composition

    def _sentence_for(
        self, passage: Passage, terms: QueryTerms, question: str, answer_type: AnswerType | None
    ) -> tuple[float, float, str] | None:
        """The passage's best sentence with its score and coverage, or None when none answers enough."""
        chunk = passage.chunk
        korean = is_korean(question)
        if chunk.kind == SourceKind.CATALOG:
            # A dataset answers when its title and keywords name what is asked for; a description
            # that mentions it in passing ("… 좌표 등") does not make it the dataset.
            coverage = title_coverage(passage, terms)
            if coverage < self.min_catalog_title_coverage:
                return None
            sentence = self._catalog_sentence(passage, korean, answer_type)
            return coverage + passage.relevance / 2, coverage, sentence
        heading = chunk.locator.removeprefix("§ ").rpartition(" > ")[2]
        candidates = _sentences(chunk.text, heading, chunk.title)
        if not candidates:
            return None
        # A sentence is read in its place: the article or section heading and the document title
        # say what it is about ("제13조의2 (개인정보 보호의 날)" → "매년 9월 30일을 …로 정한다"),
        # which the sentence itself often leaves to its heading.
        context: frozenset[str] = frozenset()
        if chunk.kind == SourceKind.DOCUMENT:
            context = name_tokens(heading) | name_tokens(chunk.title)
        # Best coverage first; a sentence that carries the asked-for kind of fact (a period, a head
        # count, an office …) wins over one that only repeats the question's words; among equals the
        # shorter sentence, which says less beside the point.
        scored = []
        for sentence in candidates:
            tokens = set(search_tokens(sentence))
            in_place = terms.coverage(context | tokens)
            if in_place < self.min_sentence_coverage:
                continue  # too little of the question, whatever kind of fact it carries
            bonus = _ANSWER_TYPE_BONUS if answer_type and gives_answer_type(answer_type, sentence) else 0.0
            # Chosen by what it covers in its place, the question's own words counting more than
            # glossary bridges; vouched for (confidence) by its own words alone.
            score = in_place + _LITERAL_BONUS * terms.literal_coverage(context | tokens) + bonus
            scored.append((score, terms.literal_coverage(tokens), -len(sentence), sentence))
        if not scored:
            return None
        score, coverage, _, best = max(scored)
        if chunk.kind == SourceKind.TABLE:
            prefix = "통계표" if korean else "The table"
            return score, coverage, f"{prefix} “{chunk.title}”: {best}"
        best = best if best.endswith((".", "다", "요", "!", "?")) else best + "."
        if not korean and is_korean(best):
            # An English question answered from a Korean text: say in English where the quoted
            # sentence comes from; it is not translated, so nothing is invented.
            place = f", {heading}" if heading and heading != chunk.title else ""
            best = f"The Korean text of “{chunk.title}”{place} says: “{best}”"
        return score, coverage, best

    @staticmethod
    def _catalog_sentence(passage: Passage, korean: bool, answer_type: AnswerType | None = None) -> str:
        """Title and publisher first, then what an official needs to use it: format or API, when it
        was last updated, what it holds (the part that says what was asked, "분기별 갱신", when the
        question asks how often), and the link."""
        chunk = passage.chunk
        publisher = catalog_field(chunk.text, "제공기관 publisher")
        description = catalog_field(chunk.text, "설명 description")
        formats = re.search(r"형식 format:\s*([^|\n]+)", chunk.text)
        kind = re.search(r"유형 type:\s*([^|\n]+)", chunk.text)
        modified = catalog_field(chunk.text, "수정일 modified")
        facts = [
            (("형식 " if korean else "format: ") + formats.group(1).strip()) if formats else "",
            (("유형 " if korean else "type: ") + kind.group(1).strip()) if kind else "",
            (("수정일 " if korean else "last updated ") + modified) if modified else "",
        ]
        details = ("; " if not korean else " · ").join(fact for fact in facts if fact)
        if korean:
            sentence = f"데이터셋 “{chunk.title}”" + (f"({publisher})" if publisher else "")
            sentence += f" [{details}]" if details else ""
            sentence += f": {_excerpt(description, answer_type)}" if description else "을(를) 참고하세요."
        else:
            sentence = f"The dataset “{chunk.title}”" + (f" published by {publisher}" if publisher else "")
            sentence += f" ({details})" if details else ""
            sentence += f" covers this: {_excerpt(description, answer_type)}" if description else "."
        if chunk.url:
            sentence += f" ({chunk.url})"
        return sentence
