"""chunk_source: size limits, overlap inside a section only, exact locators, stable ids."""

from __future__ import annotations

import pytest

from assistant.models import Classification, LoadedSource, Section, Source, SourceKind
from ingestion.chunking import chunk_source, split_text

KOREAN_ARTICLE = (
    "공공기관의 장은 제공신청을 받은 날부터 10일 이내에 제공 여부를 결정하여야 한다. "
    "부득이한 사유로 기간 이내에 결정할 수 없는 때에는 10일의 범위에서 한 번 연장할 수 있다. "
    "연장한 때에는 그 사실과 사유를 신청인에게 지체 없이 통지해야 해요. "
    "제공을 결정한 때에는 제공 방법과 절차를 신청인에게 알려야 한다."
)


def _loaded(sections: list[Section]) -> LoadedSource:
    source = Source(
        source_id="doc:documents/open_data_request_procedure_ko.md",
        kind=SourceKind.DOCUMENT,
        title="공공데이터 제공신청 절차 안내",
        url="https://www.busan.go.kr/opendata/request",
        classification=Classification.INTERNAL,
        departments=["빅데이터통계과"],
        as_of="2025-04-15",
        origin="documents/open_data_request_procedure_ko.md",
    )
    return LoadedSource(source=source, sections=sections)


def _long_english_section(paragraphs: int = 6) -> str:
    return "\n\n".join(
        f"Paragraph {number} explains step {number} of the request procedure in plain words. "
        f"It ends with a sentence marker{number}."
        for number in range(paragraphs)
    )


def test_short_sections_become_one_chunk_each_with_metadata_and_locator() -> None:
    loaded = _loaded(
        [Section(text="처리 기한은 10일입니다.", locator="§ 처리 기한"), Section(text="  ", locator="x")]
    )
    [chunk] = chunk_source(loaded, max_chars=500, overlap=50)
    assert chunk.chunk_id == "doc:documents/open_data_request_procedure_ko.md#0"
    assert chunk.source_id == loaded.source.source_id
    assert chunk.kind == SourceKind.DOCUMENT
    assert chunk.title == "공공데이터 제공신청 절차 안내"
    assert chunk.text == "처리 기한은 10일입니다."
    assert chunk.locator == "§ 처리 기한"
    assert chunk.url == "https://www.busan.go.kr/opendata/request"
    assert chunk.classification == Classification.INTERNAL
    assert chunk.departments == ["빅데이터통계과"]
    assert chunk.as_of == "2025-04-15"
    assert chunk.index_text == ""


def test_long_section_splits_on_paragraphs_within_the_limit() -> None:
    text = _long_english_section()
    chunks = chunk_source(_loaded([Section(text=text, locator="§ Procedure")]), max_chars=300, overlap=0)
    assert len(chunks) > 1
    assert all(0 < len(chunk.text) <= 300 for chunk in chunks)
    assert all(chunk.locator == "§ Procedure" for chunk in chunks)
    # Without overlap every paragraph appears exactly once, whole.
    rebuilt = "\n\n".join(chunk.text for chunk in chunks)
    assert rebuilt == text


def test_overlap_repeats_the_previous_tail_inside_a_section_only() -> None:
    first = Section(text=_long_english_section(), locator="§ Procedure")
    second = Section(text="A short closing section.", locator="§ Closing")
    chunks = chunk_source(_loaded([first, second]), max_chars=300, overlap=60)
    procedure = [chunk for chunk in chunks if chunk.locator == "§ Procedure"]
    assert len(procedure) > 2
    for previous, current in zip(procedure, procedure[1:], strict=False):
        head = current.text.split("Paragraph", 1)[0].strip()
        assert head, "a continued chunk starts with the previous chunk's tail"
        assert previous.text.endswith(head)
        assert len(head) <= 60
        assert len(current.text) <= 300
    closing = chunks[-1]
    assert closing.locator == "§ Closing"
    assert closing.text == "A short closing section."  # nothing carried over from the section before


def test_overlap_starts_at_a_word_boundary() -> None:
    text = " ".join(f"word{number:03d}" for number in range(200))
    chunks = split_text(text, max_chars=100, overlap=25)
    assert len(chunks) > 2
    words = set(text.split())
    for chunk in chunks:
        assert set(chunk.split()) <= words, "no chunk contains a cut word"
        assert len(chunk) <= 100


def test_korean_sentences_are_split_at_sentence_ends() -> None:
    chunks = split_text(KOREAN_ARTICLE, max_chars=60, overlap=0)
    assert len(chunks) == 4
    assert chunks[0] == "공공기관의 장은 제공신청을 받은 날부터 10일 이내에 제공 여부를 결정하여야 한다."
    assert all(chunk.endswith(("다.", "요.")) for chunk in chunks)


def test_korean_sentence_end_without_a_space_is_a_boundary() -> None:
    text = "첫 번째 문장은 여기에서 끝난다.두 번째 문장은 띄어쓰기 없이 바로 이어진다.세 번째 문장도 같다."
    chunks = split_text(text, max_chars=30, overlap=0)
    assert chunks == [
        "첫 번째 문장은 여기에서 끝난다.",
        "두 번째 문장은 띄어쓰기 없이 바로 이어진다.",
        "세 번째 문장도 같다.",
    ]


def test_lines_are_kept_together_before_sentences_are_split() -> None:
    items = "\n".join(f"{number}. 공공데이터 제공 항목 {number}번의 내용이다." for number in range(1, 9))
    chunks = split_text(items, max_chars=80, overlap=0)
    for chunk in chunks:
        for line in chunk.splitlines():
            assert line.endswith("내용이다."), "an enumerated item is never cut in the middle"


def test_a_word_longer_than_the_limit_is_cut_as_a_last_resort() -> None:
    url = "https://www.data.go.kr/" + "x" * 250
    chunks = split_text(f"See {url} for details.", max_chars=100, overlap=10)
    assert all(0 < len(chunk) <= 100 for chunk in chunks)
    assert "".join(chunks).replace(" ", "").count("x") >= 250


def test_chunk_ids_are_sequential_across_sections_and_stable() -> None:
    sections = [
        Section(text=_long_english_section(4), locator="§ A"),
        Section(text="Short B.", locator="§ B"),
        Section(text=_long_english_section(3), locator="§ C"),
    ]
    first_run = chunk_source(_loaded(sections), max_chars=200, overlap=40)
    second_run = chunk_source(_loaded(sections), max_chars=200, overlap=40)
    prefix = "doc:documents/open_data_request_procedure_ko.md#"
    assert [chunk.chunk_id for chunk in first_run] == [f"{prefix}{i}" for i in range(len(first_run))]
    assert [chunk.model_dump() for chunk in first_run] == [chunk.model_dump() for chunk in second_run]
    assert [chunk.locator for chunk in first_run] == sorted(chunk.locator for chunk in first_run)
    assert all(chunk.text.strip() for chunk in first_run)


@pytest.mark.parametrize(("max_chars", "overlap"), [(0, 0), (100, 100), (100, -1)])
def test_invalid_sizes_are_rejected(max_chars: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        chunk_source(_loaded([Section(text="text", locator="")]), max_chars=max_chars, overlap=overlap)
