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
from assistant.models import Chunk, Citation, Passage, SourceKind, SqlResult
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
# Weight of the share of the question a document's section heading covers on its own: the article
# titled "개인정보 보호의 날" answers "개인정보 보호의 날이 며칠?", where another article merely holds
# the same words apart ("…보호 … 날부터").
_HEADING_BONUS = 0.25
_HEADING_NAMES_SUBJECT = 0.5
_LIST_MARK = re.compile(r"^(?:[-*+•]|\d+[.)])\s+")
_MIN_SENTENCE_CHARS = 15
_MAX_SENTENCE_CHARS = 320
_SNIPPET_CHARS = 240
# A sentence that opens a list the answer is in: "다음 각 호의 사항을 포함하여야 한다", "… as follows:".
_LIST_INTRO = re.compile(r"다음\s*각\s*(호|목)|:$|as follows|the following\W*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[가-하][.)]|\(\w{1,3}\)|[-*•])\s+")
_MAX_LIST_ITEMS = 5
_MAX_LIST_CHARS = 500


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


def _list_items_after(text: str, sentence: str) -> list[str]:
    """The list items that follow `sentence` in `text` (its first items, within limits)."""
    lines = text.splitlines()
    probe = " ".join(sentence.split())[-25:]
    start = next((i for i, line in enumerate(lines) if probe and probe in " ".join(line.split())), None)
    if start is None:
        return []
    items: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        if not _LIST_ITEM.match(line) or len(items) == _MAX_LIST_ITEMS:
            break
        items.append(line.strip())
        if sum(len(item) for item in items) > _MAX_LIST_CHARS:
            break
    return items


@dataclass
class _Choice:
    """A passage's best sentence: its ranking score, the score that vouches for it against rival
    sections, how much of the question its own words cover, and the sentence as stated and as written."""

    score: float
    evidence: float
    coverage: float
    stated: str
    raw: str


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
        best_per_source: list[tuple[_Choice, Passage]] = []
        scored_places: list[tuple[_Choice, Passage]] = []  # each passage's best sentence
        for source_passages in by_source.values():
            found = [
                (choice, passage)
                for passage in source_passages
                if (choice := self._sentence_for(passage, terms, question, answer_type)) is not None
            ]
            scored_places += found
            if found:
                best_per_source.append(max(found, key=lambda item: item[0].score))
        best_per_source.sort(key=lambda item: -item[0].score)
        lead_score = best_per_source[0][0].score if best_per_source else 0.0
        if best_per_source:
            lead_choice, lead_passage = best_per_source[0]
            lead = (lead_passage.chunk.source_id, lead_passage.chunk.locator)
            rivals = [  # the same sentence found again in an overlapping chunk is no rival
                choice.evidence
                for choice, passage in scored_places
                if (passage.chunk.source_id, passage.chunk.locator) != lead
                and choice.stated != lead_choice.stated
            ]
            composition.lead_margin = lead_choice.evidence - max(rivals, default=0.0)
        for choice, passage in best_per_source[: self.max_passages]:
            if choice.score < lead_score - self.follow_margin:
                break
            n = len(composition.provided) + 1
            composition.provided[n] = citation_for(passage, n, snippet=choice.stated)
            sentences.append(f"{choice.stated} [{n}]")
            if composition.lead_coverage is None:
                completion = self._completion(passage, choice.raw, terms, question, answer_type)
                if (
                    statistics is None  # beside a statistic, the asked-for kind is the statistic's
                    and passage.chunk.kind == SourceKind.DOCUMENT
                    and not gives_answer_type(answer_type, choice.raw)
                    and not any(gives_answer_type(answer_type, more) for more in completion)
                ):
                    # "몇 년마다?" where the passage that covers the question names no period at all:
                    # it speaks to the subject, it does not answer the question.
                    del composition.provided[n]
                    sentences.pop()
                    composition.lead_margin = 0.0  # a section that covers less answers: a guess
                    continue
                sentences += [f"{more} [{n}]" for more in completion]
                composition.lead_coverage = choice.coverage
                composition.answer_type_met = passage.chunk.kind != SourceKind.DOCUMENT or gives_answer_type(
                    answer_type, choice.stated
                )
        composition.text = " ".join(sentences)
        return composition

    def _sentence_for(
        self, passage: Passage, terms: QueryTerms, question: str, answer_type: AnswerType | None
    ) -> _Choice | None:
        """The passage's best sentence, or None when none answers enough."""
        chunk = passage.chunk
        korean = is_korean(question)
        if chunk.kind == SourceKind.CATALOG:
            # A dataset answers when its title and keywords name what is asked for; a description
            # that mentions it in passing ("… 좌표 등") does not make it the dataset.
            coverage = title_coverage(passage, terms)
            if coverage < self.min_catalog_title_coverage:
                return None
            sentence = self._catalog_sentence(passage, korean, answer_type)
            score = coverage + passage.relevance / 2
            return _Choice(score, score, coverage, sentence, sentence)
        heading = chunk.locator.removeprefix("§ ").rpartition(" > ")[2]
        candidates = _sentences(chunk.text, heading, chunk.title)
        if not candidates:
            return None
        # A sentence is read in its place: the article or section heading and the document title
        # say what it is about ("제13조의2 (개인정보 보호의 날)" → "매년 9월 30일을 …로 정한다"),
        # which the sentence itself often leaves to its heading.
        context: frozenset[str] = frozenset()
        heading_bonus = 0.0
        if chunk.kind == SourceKind.DOCUMENT:
            context = name_tokens(heading) | name_tokens(chunk.title)
            named = terms.coverage(name_tokens(heading))
            # only a heading that names the subject: one shared word ("신청") says little
            heading_bonus = _HEADING_BONUS * named if named >= _HEADING_NAMES_SUBJECT else 0.0
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
            literal = _LITERAL_BONUS * terms.literal_coverage(context | tokens)
            score = in_place + literal + bonus + heading_bonus
            scored.append((score, terms.literal_coverage(tokens), -len(sentence), sentence))
        if not scored:
            return None
        score, coverage, _, best = max(scored)
        stated = self._stated(best, chunk, heading, korean)
        # the heading's share ranks sections; it does not make one section's lead over another surer
        return _Choice(score, score - heading_bonus, coverage, stated, best)

    @staticmethod
    def _stated(sentence: str, chunk: Chunk, heading: str, korean: bool) -> str:
        """A passage's sentence as the answer states it."""
        if chunk.kind == SourceKind.TABLE:
            prefix = "통계표" if korean else "The table"
            return f"{prefix} “{chunk.title}”: {sentence}"
        if not sentence.endswith((".", "다", "요", "!", "?", ":")):
            sentence += "."
        if not korean and is_korean(sentence):
            # An English question answered from a Korean text: say in English where the quoted
            # sentence comes from; it is not translated, so nothing is invented.
            place = f", {heading}" if heading and heading != chunk.title else ""
            return f"The Korean text of “{chunk.title}”{place} says: “{sentence}”"
        return sentence

    def _completion(
        self, passage: Passage, lead: str, terms: QueryTerms, question: str, answer_type: AnswerType | None
    ) -> list[str]:
        """What the leading sentence needs from its own passage to answer: the items of a list it
        opens ("다음 각 호의 사항", "the following:"), else, when it does not carry the asked-for kind
        of fact (a period, an amount …), the passage's best sentence that does (the article's other
        paragraph: "① … 교육을 실시할 수 있다" / "② … 반기별 1회 이상")."""
        chunk = passage.chunk
        if chunk.kind != SourceKind.DOCUMENT:
            return []
        heading = chunk.locator.removeprefix("§ ").rpartition(" > ")[2]
        korean = is_korean(question)
        if _LIST_INTRO.search(lead):
            items = _list_items_after(chunk.text, lead)
            return [self._stated(item, chunk, heading, korean) for item in items]
        if answer_type is None or gives_answer_type(answer_type, lead):
            return []
        context = name_tokens(heading) | name_tokens(chunk.title)
        carrying = [
            (terms.coverage(context | set(search_tokens(sentence))), -len(sentence), sentence)
            for sentence in _sentences(chunk.text, heading, chunk.title)
            if sentence != lead and gives_answer_type(answer_type, sentence)
        ]
        if not carrying:
            return []
        return [self._stated(max(carrying)[2], chunk, heading, korean)]

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
