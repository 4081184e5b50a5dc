"""Dataset questions are answered from the catalog entry that names their subject (issue 8, round 3).

The catalog below is written so that the asking words ("데이터", "부서", "정보") point at the wrong
entries: an answer that let them count would lead with the department-list or the information-system
dataset instead of the one the question is about.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.intent import asks_for_dataset
from assistant.models import SourceKind, User
from assistant.pipeline import NOT_FOUND_EN, NOT_FOUND_KO
from ingestion.loaders.common import SourceDefaults

HEADER = (
    "목록키,목록유형,목록명,목록설명,조회수,분류체계,기관코드,기관명,국가중점여부,표준데이터여부,"
    "목록.등록일,목록.수정일,부서,제공형식,키워드"
)
NOISE_DESCRIPTION = (
    "부산도시철도 열차 내 소음측정 결과 정보입니다. 측정 구간과 측정값(dB)을 호선별로 제공하며 "
    "노선별 비교와 연도별 추이 분석에 활용할 수 있도록 구성되어 있고 기준을 넘은 구간에는 개선 조치 "
    "계획을 덧붙였습니다. 측정은 부산광역시 보건환경연구원 주관으로 연1회 시행합니다."
)

def _row(key: str, kind: str, title: str, description: str, agency: str, modified: str, *rest: str) -> str:
    """A row of the data.go.kr list export; `rest` is department, format, keywords."""
    fixed = ["10", "분류", "1", agency, "N", "N", "2020-01-01", modified]
    return ",".join([key, kind, title, description, *fixed, *rest])


ROWS = [
    _row(
        "900001", "FILE", "부산광역시 해운대구_재정정보공개시스템_부서정보",
        "해운대구 재정정보공개시스템의 부서 코드와 부서명 데이터입니다.",
        "부산광역시 해운대구", "2022-01-01", "재정과", "CSV", "부서;재정",
    ),
    _row(
        "900002", "FILE", "부산광역시 해운대구_키즈카페 현황",
        "해운대구 관내 키즈카페의 상호명과 소재지 데이터입니다.",
        "부산광역시 해운대구", "2022-03-02", "관광문화과", "CSV", "키즈카페;놀이시설",
    ),
    _row(
        "900003", "API", "부산교통공사_소음측정 정보", NOISE_DESCRIPTION,
        "부산교통공사", "2021-01-19", "", "", "",
    ),
    _row(
        "900004", "FILE", "부산광역시_정보공개 청구 처리 현황",
        "정보공개 청구 접수와 처리 결과 데이터입니다.",
        "부산광역시", "2022-01-01", "총무과", "CSV", "정보공개",
    ),
]  # fmt: skip


@pytest.fixture
def catalog_stack(make_stack, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "catalogs"
    folder.mkdir()
    (folder / "catalog.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    stack = make_stack()
    report = stack.ingestor.ingest([folder], SourceDefaults())
    assert report.failed == []
    return stack


def _cited(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [citation.source_id for citation in answer.citations]


def test_the_dataset_named_by_the_subject_leads_not_the_one_sharing_the_asking_words(catalog_stack) -> None:
    answer = catalog_stack.assistant.answer("해운대구 키즈카페 현황 데이터는 어느 부서가 올렸나요?", User())
    assert _cited(answer)[0] == "catalog:datagokr:900002"
    assert "관광문화과" in answer.answer


def test_asked_how_often_the_answer_quotes_the_cycle_from_the_description(catalog_stack) -> None:
    answer = catalog_stack.assistant.answer("도시철도 소음측정 자료는 얼마나 자주 측정하나요?", User())
    assert _cited(answer)[0] == "catalog:datagokr:900003"
    assert "연1회" in answer.answer


def test_a_dataset_nobody_publishes_is_not_found_and_no_unrelated_dataset_is_suggested(catalog_stack) -> None:
    answer = catalog_stack.assistant.answer("해운대구 반려견 순찰 기록 데이터가 있나요?", User())
    assert answer.answer.startswith(NOT_FOUND_KO)
    assert answer.confidence == "none"
    assert answer.suggestions == []


def test_an_english_dataset_question_with_no_match_is_not_found(catalog_stack) -> None:
    answer = catalog_stack.assistant.answer("Is there a dataset of typhoon damage?", User())
    assert answer.answer.startswith(NOT_FOUND_EN)
    assert all(passage.kind != SourceKind.CATALOG for passage in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "부산 공공와이파이 위치 데이터가 있나요?",
        "자동심장충격기 위치를 조회하는 API가 있나요?",
        "빈집 현황 데이타 잇나요?",
        "노인정 위치 데이터는 어디서 받을 수 있나요?",
        "도시철도 전기설비 현황 자료는 어떤 파일 형식으로 받을 수 있나요?",
        "Is there data on taxi companies in Busan?",
        "Which department publishes the bus stop dataset?",
        "Where can I get the shapefile of bike lanes?",
        "How often is the restaurant list updated?",
    ],
)
def test_dataset_questions_are_recognised(question: str) -> None:
    assert asks_for_dataset(question)


@pytest.mark.parametrize(
    "question",
    [
        "통계청장은 몇 년마다 통계발전기본계획을 세우나요?",
        "How many days does an agency have to decide on a public data request?",
        "데이터기반행정 활성화 기본계획은 몇 년마다 세우나요?",
        "공공데이터 담당자 교육은 1년에 몇 번 해야 하나요?",
        "How many days after creating a dataset must it be registered?",
        "Who approves the open data policy?",
        "다른 기관이 데이터 제공을 요청하면 며칠 안에 답해야 하나요?",
        "해운대구 인구는 몇 명인가요?",
        "What is the term of office of a commissioner?",
    ],
)
def test_questions_about_facts_are_not_dataset_questions(question: str) -> None:
    assert not asks_for_dataset(question)


def test_a_dataset_found_for_a_question_that_asked_for_no_dataset_is_stated_with_low_confidence(
    catalog_stack,
) -> None:
    # it asks for a fact (how many kids cafés), which a catalog entry about them does not give
    answer = catalog_stack.assistant.answer("해운대구 키즈카페는 몇 곳이에요?", User())
    assert not asks_for_dataset("해운대구 키즈카페는 몇 곳이에요?")
    assert _cited(answer)[:1] == ["catalog:datagokr:900002"]
    assert answer.confidence == "low"


def test_asked_for_a_department_an_entry_naming_only_the_agency_is_not_vouched_for(catalog_stack) -> None:
    answer = catalog_stack.assistant.answer("도시철도 소음측정 자료는 어느 부서가 관리하나요?", User())
    assert _cited(answer)[0] == "catalog:datagokr:900003"
    assert "the catalog entry names the agency but no department" in answer.notes
    assert answer.confidence == "low"
