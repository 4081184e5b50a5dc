"""The composer reads the article it leads with (issue 8): a sentence that opens a list brings the
list's items, a sentence that covers the question but not the kind of fact asked for brings the
paragraph that states it, and a section that states no such fact at all is no answer."""

from __future__ import annotations

import pytest

from assistant.answer_types import AnswerType, gives_answer_type
from assistant.compose import Composition, ExtractiveComposer
from assistant.glossary import Glossary
from assistant.models import Chunk, Passage, SourceKind
from assistant.retrieval import QueryTerms
from assistant.tokens import search_tokens


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def _terms(question: str, glossary: Glossary) -> QueryTerms:
    tokens = list(dict.fromkeys(search_tokens(question)))
    groups = glossary.synonym_groups(tokens)
    return QueryTerms(groups=groups, weights=[1.0] * len(groups), tokens=tokens)


def _article(n: int, heading: str, body: str, source: str = "doc:act.md") -> Passage:
    return Passage(
        chunk=Chunk(
            chunk_id=f"{source}#{n}",
            source_id=source,
            kind=SourceKind.DOCUMENT,
            title="어느 법률",
            locator=f"§ 제1장 > {heading}",
            text=f"{heading}\n{body}",
        ),
        score=1.0,
        relevance=0.9,
    )


def _compose(question: str, passages: list[Passage], glossary: Glossary) -> Composition:
    return ExtractiveComposer().compose(question, passages, _terms(question, glossary), None)


def test_a_sentence_that_opens_a_list_brings_its_items(glossary: Glossary) -> None:
    body = (
        "① 가덕도신공항 건설사업의 대상 지역은 다음 각 호와 같다.\n"
        "1. 부산광역시 강서구 가덕도 일원\n"
        "2. 그 밖에 대통령령으로 정하는 지역\n"
        "\n"
        "② 국토교통부장관은 대상 지역을 고시하여야 한다."
    )
    composition = _compose(
        "가덕도신공항 건설사업 대상 지역이 어디예요?", [_article(1, "제3조 (대상 지역)", body)], glossary
    )
    assert "다음 각 호와 같다. [1]" in composition.text
    assert "1. 부산광역시 강서구 가덕도 일원. [1]" in composition.text
    assert "2. 그 밖에 대통령령으로 정하는 지역. [1]" in composition.text
    assert "고시하여야" not in composition.text  # the next paragraph is no item of the list
    assert list(composition.provided) == [1]


def test_the_paragraph_that_states_the_asked_for_period_joins_the_one_that_covers_the_question(
    glossary: Glossary,
) -> None:
    body = (
        "① 국가기관등은 지능정보서비스 과의존 예방 교육을 학교에서 해야 한다.\n\n"
        "② 그 밖의 기관은 반기별 1회 이상 실시한다."
    )
    composition = _compose(
        "학교에서 과의존 예방 교육은 얼마나 자주 해야 하나요?",
        [_article(1, "제54조 (교육)", body)],
        glossary,
    )
    assert composition.text.startswith("① 국가기관등은 지능정보서비스 과의존 예방 교육을")
    assert "② 그 밖의 기관은 반기별 1회 이상 실시한다. [1]" in composition.text
    assert composition.answer_type_met is False  # the covering sentence itself names no cycle


def test_a_section_that_states_no_fact_of_the_asked_kind_is_no_answer(glossary: Glossary) -> None:
    """"몇 년마다?": the article about the plan that names no period does not answer; the one that
    does leads, and with the better-covering section passed over, the lead is no sure thing."""
    covering = _article(1, "제5조 (기본계획)", "① 국가데이터처장은 통계 발전 기본계획을 수립하여야 한다.")
    stating = _article(
        2, "제5조의2 (계획의 시기)", "통계 기본계획은 5년마다 세운다.", source="doc:decree.md"
    )
    composition = _compose("통계 발전 기본계획은 몇 년마다 수립하나요?", [covering, stating], glossary)
    assert composition.text.startswith("통계 기본계획은 5년마다 세운다.")
    assert composition.provided[1].source_id == "doc:decree.md"
    assert composition.lead_margin == 0.0  # the pipeline states it with confidence low

    alone = _compose("통계 발전 기본계획은 몇 년마다 수립하나요?", [covering], glossary)
    assert alone.text == "" and alone.provided == {}


@pytest.mark.parametrize(
    ("answer_type", "sentence"),
    [
        (AnswerType.COUNT, "The Board shall be comprised of nine members appointed by the Mayor."),
        (AnswerType.COUNT, "The Committee shall be comprised of the following ten (10) members:"),
        (AnswerType.COUNT, "A dataset that misses two consecutive update cycles is marked stale."),
        (AnswerType.PERIOD, "Within thirty (30) days of the effective date, each department shall report."),
        (AnswerType.PERIOD, "The plan is due within ninety days."),
    ],
)
def test_english_numbers_written_as_words_state_counts_and_periods(
    answer_type: AnswerType, sentence: str
) -> None:
    assert gives_answer_type(answer_type, sentence)


def test_a_number_word_used_as_a_pronoun_is_no_count() -> None:
    assert not gives_answer_type(AnswerType.COUNT, "Only one of the members may chair the meeting.")
