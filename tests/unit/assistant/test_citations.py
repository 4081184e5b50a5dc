"""The server-side citation check, alone and inside the answer pipeline."""

from __future__ import annotations

import json

from assistant.citations import verify_citations
from assistant.compose import Composition, StatisticsPart, TextSink, citation_for
from assistant.models import Citation, Passage, SourceKind, User
from assistant.pipeline import NOT_FOUND_EN, NOT_FOUND_KO
from assistant.retrieval import QueryTerms

DEADLINE_QUESTION = "How many days does the agency have to decide on a public data request?"


def _citation(n: int, source_id: str = "doc:a.md") -> Citation:
    return Citation(n=n, source_id=source_id, kind=SourceKind.DOCUMENT, title="A")


PROVIDED = {1: _citation(1, "doc:a.md"), 2: _citation(2, "doc:b.md")}


def test_valid_citations_are_kept() -> None:
    verified = verify_citations("The deadline is 10 days [1]. Extensions exist [2].", PROVIDED)
    assert verified.text == "The deadline is 10 days [1]. Extensions exist [2]."
    assert [citation.n for citation in verified.citations] == [1, 2]
    assert verified.removed == []
    assert verified.uncited_sentences == 0
    assert verified.has_valid_citation


def test_citations_never_provided_are_removed() -> None:
    verified = verify_citations("The deadline is 10 days [1][7]. Extensions exist [9].", PROVIDED)
    assert "[7]" not in verified.text and "[9]" not in verified.text
    assert verified.text == "The deadline is 10 days [1]. Extensions exist."
    assert verified.removed == [7, 9]
    assert [citation.source_id for citation in verified.citations] == ["doc:a.md"]
    assert verified.uncited_sentences == 1


def test_only_used_citations_are_returned() -> None:
    verified = verify_citations("Only the second source says so [2].", PROVIDED)
    assert [citation.n for citation in verified.citations] == [2]


def test_only_invalid_citations_leave_no_valid_citation() -> None:
    verified = verify_citations("Paris is the capital [7].", PROVIDED)
    assert not verified.has_valid_citation
    assert verified.citations == []
    assert verified.removed == [7]
    assert verified.text == "Paris is the capital."


def test_uncited_sentences_are_counted() -> None:
    text = "First claim [1]. Second claim without source. Third claim? Fourth claim [2].\nFifth line"
    assert verify_citations(text, PROVIDED).uncited_sentences == 3


def test_korean_text_is_checked_the_same_way() -> None:
    verified = verify_citations("10일 이내에 결정합니다 [1]. 연장할 수 있습니다 [3].", PROVIDED)
    assert verified.removed == [3]
    assert verified.uncited_sentences == 1


class FixedTextComposer:
    """An `AnswerComposer` double: cites every passage it was given, then answers with fixed text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.passages_seen: list[Passage] = []

    def compose(
        self,
        question: str,
        passages: list[Passage],
        terms: QueryTerms,
        statistics: StatisticsPart | None,
        on_text: TextSink | None = None,
    ) -> Composition:
        self.passages_seen = list(passages)
        provided = {n: citation_for(passage, n) for n, passage in enumerate(passages, start=1)}
        return Composition(text=self.text, provided=provided)


def test_an_answer_whose_only_citation_is_invalid_becomes_not_found(
    make_stack, corpus_dir, corpus_ingester
) -> None:
    composer = FixedTextComposer("Decisions take 30 days [7].")
    stack = make_stack(composer=composer)
    corpus_ingester(stack, corpus_dir)

    answer = stack.assistant.answer(DEADLINE_QUESTION, User())

    assert composer.passages_seen, "the composer must have been given passages for this test to mean anything"
    assert answer.answer == NOT_FOUND_EN
    assert answer.confidence == "none"
    assert answer.citations == []
    assert "30 days" not in answer.answer


def test_korean_question_gets_korean_not_found(make_stack, corpus_dir, corpus_ingester) -> None:
    composer = FixedTextComposer("30일입니다 [7].")
    stack = make_stack(composer=composer)
    corpus_ingester(stack, corpus_dir)
    answer = stack.assistant.answer("해운대해수욕장 방문객 현황 데이터", User())
    assert composer.passages_seen
    assert answer.answer.startswith(NOT_FOUND_KO)
    assert answer.citations == []


def test_one_invalid_and_one_valid_citation_is_low_confidence(
    make_stack, corpus_dir, corpus_ingester
) -> None:
    composer = FixedTextComposer("The agency decides within 10 days [1]. It may take longer [7].")
    stack = make_stack(composer=composer)
    corpus_ingester(stack, corpus_dir)

    answer = stack.assistant.answer(DEADLINE_QUESTION, User())

    assert answer.confidence == "low"
    assert [citation.n for citation in answer.citations] == [1]
    assert answer.citations[0].source_id == composer.passages_seen[0].chunk.source_id
    assert "[7]" not in answer.answer and "[1]" in answer.answer
    assert any("7" in note for note in answer.notes)
    audit_rows = [json.loads(line) for line in stack.audit_log_path.read_text("utf-8").splitlines()]
    assert audit_rows[-1]["confidence"] == "low"
    assert audit_rows[-1]["sources"] == [answer.citations[0].source_id]


def test_fully_cited_answer_is_not_low_confidence(make_stack, corpus_dir, corpus_ingester) -> None:
    composer = FixedTextComposer("The agency decides within 10 days [1].")
    stack = make_stack(composer=composer)
    corpus_ingester(stack, corpus_dir)
    answer = stack.assistant.answer(DEADLINE_QUESTION, User())
    assert answer.confidence in ("high", "medium")
    assert [citation.n for citation in answer.citations] == [1]
