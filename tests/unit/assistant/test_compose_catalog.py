"""A catalog answer states what an official needs to use the dataset (issue 8)."""

from __future__ import annotations

from assistant.compose import ExtractiveComposer
from assistant.models import Chunk, Passage, SourceKind

CATALOG_TEXT = "\n".join(
    [
        "데이터셋 dataset: 부산교통공사_역사 내 와이파이 설치 정보",
        "제공기관 publisher: 부산교통공사 (정보통신처)",
        "분류 category: 교통및물류 | 유형 type: FILE (파일데이터) | 형식 format: CSV",
        "설명 description: 도시철도 역사 내 공공 와이파이 설치 위치와 개수",
        "수정일 modified: 2022-03-14",
    ]
)


def _passage() -> Passage:
    chunk = Chunk(
        chunk_id="c1",
        source_id="catalog:datagokr:3077196",
        kind=SourceKind.CATALOG,
        title="부산교통공사_역사 내 와이파이 설치 정보",
        text=CATALOG_TEXT,
        url="https://www.data.go.kr/data/3077196/fileData.do",
    )
    return Passage(chunk=chunk, score=1.0, relevance=0.9)


def test_the_catalog_sentence_gives_publisher_format_type_update_and_link() -> None:
    korean = ExtractiveComposer._catalog_sentence(_passage(), korean=True)
    english = ExtractiveComposer._catalog_sentence(_passage(), korean=False)
    for sentence in (korean, english):
        for fact in ("부산교통공사 (정보통신처)", "CSV", "FILE", "2022-03-14", "data.go.kr/data/3077196"):
            assert fact in sentence, (fact, sentence)
    assert english.startswith("The dataset “부산교통공사_역사 내 와이파이 설치 정보” published by")


def test_a_sentence_with_the_asked_kind_of_fact_does_not_hide_one_that_covers_the_question() -> None:
    """'주기' asks for a cycle; a sentence listing cycles but covering little of the question must not
    push out the sentence that answers (and then be refused for covering too little)."""
    from assistant.glossary import Glossary
    from assistant.retrieval import QueryTerms
    from assistant.tokens import search_tokens

    text = (
        "Every dataset declares an update cycle: real-time, daily, monthly, quarterly or annual.\n\n"
        "A dataset that misses two consecutive update cycles is marked stale on the internal inventory."
    )
    chunk = Chunk(
        chunk_id="c2", source_id="doc:handbook.md", kind=SourceKind.DOCUMENT, title="Handbook", text=text
    )
    question = "갱신 주기를 몇 번 놓치면 데이터셋이 stale로 표시되나요?"
    tokens = list(dict.fromkeys(search_tokens(question)))
    groups = Glossary.load().synonym_groups(tokens)
    terms = QueryTerms(groups=groups, weights=[1.0] * len(groups), tokens=tokens)
    composition = ExtractiveComposer().compose(
        question, [Passage(chunk=chunk, score=1.0, relevance=0.9)], terms, None
    )
    assert "two consecutive update cycles" in composition.text


def test_asked_how_often_the_catalog_sentence_quotes_the_part_of_the_description_that_says_it() -> None:
    from assistant.answer_types import AnswerType

    description = (
        "부산도시철도 전 호선 열차 내 소음을 측정한 결과로 측정 위치, 측정 일자, 호선, 구간, 측정값(dB)과 "
        "기준 초과 여부를 제공하며 노선별 비교와 연도별 추이 분석에 활용할 수 있도록 구성한 자료입니다. "
        "객실 내 소음은 운행 속도, 선로 상태, 차량 형식에 따라 달라지므로 구간별 측정값을 함께 제공하고, "
        "기준을 넘은 구간에는 개선 조치 계획을 덧붙였습니다. "
        "측정은 부산광역시 보건환경연구원 주관으로 연1회 시행합니다."
    )
    passage = _passage()
    text = CATALOG_TEXT.replace("도시철도 역사 내 공공 와이파이 설치 위치와 개수", description)
    passage = passage.model_copy(update={"chunk": passage.chunk.model_copy(update={"text": text})})
    plain = ExtractiveComposer._catalog_sentence(passage, korean=True)
    asked = ExtractiveComposer._catalog_sentence(passage, korean=True, answer_type=AnswerType.CYCLE)
    assert "연1회" not in plain  # the description's start is cut before it
    assert "연1회" in asked
