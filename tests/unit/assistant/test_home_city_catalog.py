"""With the national catalog beside the city's own (issue 12), a dataset question about the city's data
is answered from the city's entries; another agency's answers when the question names it, its place
or the whole country.

The catalog is written so that the other agencies' entries name the subject better than the city's:
without the home city (`AnswerPolicy.home_region_names` empty) they would lead."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.catalog_search import place_names
from assistant.models import User
from assistant.pipeline import NOT_FOUND_KO, AnswerPolicy
from ingestion.loaders.common import SourceDefaults

HEADER = (
    "목록키,목록유형,목록명,목록설명,조회수,분류체계,기관코드,기관명,국가중점여부,표준데이터여부,"
    "목록.등록일,목록.수정일"
)


def _row(key: str, title: str, description: str, agency: str) -> str:
    fixed = ["10", "분류", "1", agency, "N", "N", "2020-01-01", "2022-01-01"]
    return ",".join([key, "FILE", title, description, *fixed])


ROWS = [
    _row(
        "800001", "부산교통공사_도시철도 역사 와이파이 설치 정보",
        "부산 지하철역 와이파이 설치 위치 목록입니다.", "부산교통공사",
    ),
    _row(
        "800002", "대구광역시_지하철역 와이파이 설치 현황",
        "대구 지하철역 와이파이 설치 위치와 설치 현황입니다.", "대구광역시",
    ),
    _row("800003", "부산광역시_약국 현황", "부산 약국 목록입니다.", "부산광역시"),
    _row("800004", "경기도 성남시_약국 현황", "성남시 약국 현황 데이터입니다.", "경기도 성남시"),
    _row(
        "800005", "한국전력공사_전기차 충전소 현황",
        "전국 전기차 충전소 위치와 충전기 현황입니다.", "한국전력공사",
    ),
]  # fmt: skip


@pytest.fixture
def stacks(make_stack, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "catalogs"
    folder.mkdir()
    (folder / "national.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    home = make_stack(tmp_path / "home", policy=AnswerPolicy(home_region_names=("부산",)))
    assert home.ingestor.ingest([folder], SourceDefaults()).failed == []
    plain = make_stack(tmp_path / "home", policy=AnswerPolicy())
    return home, plain


def lead(stack, question: str) -> str | None:  # type: ignore[no-untyped-def]
    answer = stack.assistant.answer(question, User())
    return answer.citations[0].source_id if answer.citations else None


def test_a_question_naming_no_place_is_answered_from_the_citys_own_entry(stacks) -> None:
    home, plain = stacks
    question = "지하철역 와이파이 설치 현황 데이터가 있나요?"
    assert lead(plain, question) == "catalog:datagokr:800002"  # names the subject best
    assert lead(home, question) == "catalog:datagokr:800001"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("대구 지하철역 와이파이 데이터가 있나요?", "catalog:datagokr:800002"),  # another city
        ("성남시 약국 현황 데이터는 어디서 받나요?", "catalog:datagokr:800004"),  # another city's district
        ("한국전력공사 전기차 충전소 데이터가 있나요?", "catalog:datagokr:800005"),  # another agency
        ("전국 전기차 충전소 데이터가 있나요?", "catalog:datagokr:800005"),  # the whole country
        ("약국 현황 데이터가 있나요?", "catalog:datagokr:800003"),  # no place: the city's
    ],
)
def test_naming_another_place_agency_or_the_country_opens_every_entry(
    stacks, question: str, expected: str
) -> None:
    home, _ = stacks
    assert lead(home, question) == expected


def test_a_question_naming_the_city_is_not_answered_with_another_agencys_dataset(stacks) -> None:
    home, plain = stacks
    question = "부산 전기차 충전소 데이터가 있나요?"
    assert lead(plain, question) == "catalog:datagokr:800005"
    answer = home.assistant.answer(question, User())
    # The city has no such dataset: another agency's is not its answer. (Its subway Wi-Fi entry covers
    # "부산" and, through the glossary, "station" for 충전소: half the topic, stated at confidence low.)
    assert lead(home, question) != "catalog:datagokr:800005"
    assert answer.answer.startswith(NOT_FOUND_KO) or answer.confidence == "low"


def test_place_names_of_agencies() -> None:
    assert place_names("경기도 성남시") == {"경기도", "경기", "성남시", "성남"}
    assert place_names("경찰청 인천광역시경찰청") == {"인천광역시", "인천"}
    assert place_names("부산광역시 동구") == {"부산광역시", "부산", "동구"}  # 동 alone names nothing
    assert place_names("한국전력공사") == frozenset()
