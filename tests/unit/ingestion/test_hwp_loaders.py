"""Hancom documents: HWPX (zipped OWPML XML) and HWP 5 (OLE compound file), read with python-hwpx.

The two fixtures are built by `tests/fixtures/ingestion/make_hwp_fixtures.py` and committed: the
HWPX part by part by hand, the HWP 5 file by python-hwpx's writer from such a package. Variants
(damaged, protected, edited) are made here from their bytes.
"""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import olefile
import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification, LoadedSource, SourceKind, User
from ingestion.loaders import SourceDefaults, load_file, load_file_reporting_skips
from ingestion.loaders.owpml import located_sections
from ingestion.loaders.sections import Block
from ingestion.loaders.statute_headings import statute_heading

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"
GUIDELINE_HWPX = FIXTURES / "open_data_guideline_ko.hwpx"
BEACH_HWP = FIXTURES / "beach_operation_rules_ko.hwp"

ARTICLE_5 = "§ section 1 > 제2장 제공 절차 > 제5조(제공 기한)"
GUIDELINE_LOCATORS = [
    "section 1",
    "§ section 1 > 제1장 총칙 > 제1조(목적)",
    "§ section 1 > 제1장 총칙 > 제2조(정의)",
    ARTICLE_5,
    "§ section 1 > 제2장 제공 절차 > 제6조(제공 형식)",
    "§ section 1 > 제2장 제공 절차 > 제7조(비용)",
    "§ section 2 > 별표 1 문의처 > 데이터 제공 문의",
    "§ section 2 > 별표 1 문의처 > 개인정보 문의",
]
BEACH_LOCATORS = [
    "§ section 1 > 제1장 개장 > 제3조(개장 기간)",
    "§ section 1 > 제1장 개장 > 제4조(입욕 시간)",
    "§ section 2 > 제2장 안전 > 제9조(안전요원)",
]


def _load_one(path: Path, root: Path | None = None) -> LoadedSource:
    [loaded] = load_file(path, root or path.parent, SourceDefaults())
    return loaded


def _locators(loaded: LoadedSource) -> list[str]:
    return [section.locator for section in loaded.sections]


def _section(loaded: LoadedSource, locator: str) -> str:
    return next(section.text for section in loaded.sections if section.locator == locator)


def _failure(path: Path) -> str:
    with pytest.raises(CityQAError) as caught:
        load_file(path, path.parent, SourceDefaults())
    assert caught.value.code == ErrorCode.INGEST_FAILED
    return caught.value.detail


def _hwpx_variant(target: Path, member: str, change: Callable[[str], str]) -> Path:
    """The guideline HWPX with one part's XML changed."""
    output = io.BytesIO()
    with zipfile.ZipFile(GUIDELINE_HWPX) as source, zipfile.ZipFile(output, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            copy.writestr(info, data)
    target.write_bytes(output.getvalue())
    return target


def _hwp_with_flags(target: Path, flags: int) -> Path:
    """The beach HWP with property bits set in its FileHeader (HWP 5.0 spec: a uint32 at offset 36)."""
    data = bytearray(BEACH_HWP.read_bytes())
    start = data.find(b"HWP Document File")
    (current,) = struct.unpack_from("<I", data, start + 36)
    struct.pack_into("<I", data, start + 36, current | flags)
    target.write_bytes(bytes(data))
    return target


# --- HWPX -----------------------------------------------------------------------------------------


def test_hwpx_title_sections_and_statute_locators() -> None:
    loaded = _load_one(GUIDELINE_HWPX)
    source = loaded.source
    assert source.title == "부산광역시 공공데이터 관리 지침"  # opf:title in Contents/content.hpf
    assert source.source_id == "doc:open_data_guideline_ko.hwpx"
    assert source.kind == SourceKind.DOCUMENT
    assert source.language == "ko"
    assert _locators(loaded) == GUIDELINE_LOCATORS


def test_hwpx_article_text_is_intact_and_opens_with_its_heading() -> None:
    loaded = _load_one(GUIDELINE_HWPX)
    assert _section(loaded, ARTICLE_5) == (
        "제5조(제공 기한)\n\n시장은 제공신청을 받은 날부터 10일 이내에 제공 여부를 결정하여야 한다."
    )
    definitions = _section(loaded, "§ section 1 > 제1장 총칙 > 제2조(정의)")
    clause = "1. “공공데이터”란 시가 법령 등에서 정하는 목적을 위하여 생성하거나 취득한 자료를 말한다."
    assert clause in definitions
    assert "제5조" not in definitions


def test_hwpx_table_cells_are_text_rows() -> None:
    loaded = _load_one(GUIDELINE_HWPX)
    article_6 = _section(loaded, "§ section 1 > 제2장 제공 절차 > 제6조(제공 형식)")
    assert "데이터 | 형식 | 갱신 주기\n주민등록 인구 | CSV | 매월\n해수욕장 방문객 | XLSX | 매일" in article_6


def test_hwpx_outline_headings_of_the_second_section() -> None:
    loaded = _load_one(GUIDELINE_HWPX)
    contact = _section(loaded, "§ section 2 > 별표 1 문의처 > 데이터 제공 문의")
    assert contact == (
        "데이터 제공 문의\n\n데이터 제공에 관한 문의는 빅데이터통계과 공공데이터팀(051-888-3000)이 받는다."
    )


def test_hwpx_page_headers_are_left_out_and_footnotes_kept(tmp_path: Path) -> None:
    def add_header_and_footnote(xml: str) -> str:
        header = (
            '<hp:ctrl><hp:header id="1" applyPageType="BOTH"><hp:subList id="" textDirection="HORIZONTAL">'
            '<hp:p id="1" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>대외비 머리말</hp:t>'
            "</hp:run></hp:p></hp:subList></hp:header></hp:ctrl>"
        )
        footnote = (
            '<hp:ctrl><hp:footNote number="1" instId="7"><hp:subList id="" textDirection="HORIZONTAL">'
            '<hp:p id="2" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>공휴일은 기한에 넣지 '
            "않는다.</hp:t></hp:run></hp:p></hp:subList></hp:footNote></hp:ctrl>"
        )
        text = xml.rindex("<hp:t>", 0, xml.index("결정하여야 한다."))  # article 5's text, in its run
        return xml[:text] + header + footnote + xml[text:]

    path = _hwpx_variant(tmp_path / "annotated.hwpx", "Contents/section0.xml", add_header_and_footnote)
    loaded = _load_one(path)
    texts = "\n".join(section.text for section in loaded.sections)
    assert "대외비 머리말" not in texts
    assert "공휴일은 기한에 넣지 않는다." in _section(loaded, ARTICLE_5)


def test_outline_styled_clauses_inside_an_article_are_text(tmp_path: Path) -> None:
    """개요 styles also number an article's clauses; only outside an article do they open a section."""

    def clause_in_outline_style(xml: str) -> str:
        clause = xml.index("1. “공공데이터”란")
        paragraph_start = xml.rindex("<hp:p ", 0, clause)
        opening_end = xml.index(">", paragraph_start)
        opening = xml[paragraph_start:opening_end].replace('paraPrIDRef="0"', 'paraPrIDRef="2"')
        # A short clause that does not end a sentence would read as a title by itself.
        clause_end = xml.index("</hp:t>", clause)
        return xml[:paragraph_start] + opening + xml[opening_end:clause] + "1. 공공데이터" + xml[clause_end:]

    path = _hwpx_variant(tmp_path / "clauses.hwpx", "Contents/section0.xml", clause_in_outline_style)
    loaded = _load_one(path)
    assert _locators(loaded) == GUIDELINE_LOCATORS
    definitions = _section(loaded, "§ section 1 > 제1장 총칙 > 제2조(정의)")
    assert definitions.endswith("다음과 같다.\n\n1. 공공데이터")


def test_outline_paragraphs_that_read_as_sentences_are_text(tmp_path: Path) -> None:
    def annex_text_in_outline_style(xml: str) -> str:
        sentence = xml.index("데이터 제공에 관한 문의는")
        paragraph_start = xml.rindex("<hp:p ", 0, sentence)
        opening_end = xml.index(">", paragraph_start)
        opening = xml[paragraph_start:opening_end].replace('paraPrIDRef="0"', 'paraPrIDRef="2"')
        return xml[:paragraph_start] + opening + xml[opening_end:]

    path = _hwpx_variant(tmp_path / "annex.hwpx", "Contents/section1.xml", annex_text_in_outline_style)
    assert _locators(_load_one(path)) == GUIDELINE_LOCATORS


def test_hwpx_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    def without_title(xml: str) -> str:
        return xml.replace("<opf:title>부산광역시 공공데이터 관리 지침</opf:title>", "<opf:title/>")

    path = _hwpx_variant(tmp_path / "data_guideline.hwpx", "Contents/content.hpf", without_title)
    # The document opens with a plain paragraph and its first level-1 heading is an annex: neither
    # names the document.
    assert _load_one(path).source.title == "data_guideline"


def test_sidecar_metadata_applies_to_hancom_documents(tmp_path: Path) -> None:
    for fixture in (GUIDELINE_HWPX, BEACH_HWP):
        path = tmp_path / fixture.name
        shutil.copy(fixture, path)
        path.with_name(path.name + ".meta.yaml").write_text(
            "title: 내부 검토본\nclassification: internal\n"
            "departments: [빅데이터통계과]\nas_of: 2025-07-01\n",
            encoding="utf-8",
        )
        source = _load_one(path).source
        assert (source.title, source.classification, source.departments, source.as_of) == (
            "내부 검토본",
            Classification.INTERNAL,
            ["빅데이터통계과"],
            "2025-07-01",
        )


# --- HWP 5 ----------------------------------------------------------------------------------------


def test_hwp_title_sections_and_locators() -> None:
    loaded_file = load_file_reporting_skips(BEACH_HWP, FIXTURES, SourceDefaults())
    assert loaded_file.skipped_parts == []
    [loaded] = loaded_file.sources
    assert loaded.source.title == "해수욕장 운영 규정"  # from the HwpSummaryInformation stream
    assert loaded.source.source_id == "doc:beach_operation_rules_ko.hwp"
    assert loaded.source.language == "ko"
    assert _locators(loaded) == BEACH_LOCATORS
    opening = _section(loaded, BEACH_LOCATORS[0])
    assert opening.startswith(
        "제3조(개장 기간)\n\n해운대해수욕장은 매년 6월 1일부터 9월 10일까지 개장한다.\n\n"
    )


def test_hwp_table_cells_are_text_rows() -> None:
    opening = _section(_load_one(BEACH_HWP), BEACH_LOCATORS[0])
    assert opening.endswith(
        "해수욕장 | 개장일 | 폐장일\n광안리 | 7월 1일 | 8월 31일\n송정 | 7월 1일 | 8월 31일"
    )


def test_the_hwp_fixture_is_a_genuine_hwp5_compound_file() -> None:
    """Checked without python-hwpx: olefile for the container, zlib and the record layout of the
    HWP 5.0 spec (a 32-bit header: tag 10 bits, level 10 bits, size 12 bits) for the body text."""
    with olefile.OleFileIO(str(BEACH_HWP)) as ole:
        streams = {"/".join(entry) for entry in ole.listdir()}
        header = ole.openstream("FileHeader").read()
        sections = [ole.openstream(f"BodyText/Section{n}").read() for n in (0, 1)]
    assert {"FileHeader", "DocInfo", "BodyText/Section0", "BodyText/Section1"} <= streams
    assert header.startswith(b"HWP Document File")
    version = struct.unpack_from("<I", header, 32)[0]
    flags = struct.unpack_from("<I", header, 36)[0]
    assert version >> 24 == 5 and flags & 1  # HWP 5.x, body streams compressed

    def paragraph_texts(stream: bytes) -> list[str]:
        data, texts, offset = zlib.decompress(stream, -15), [], 0
        while offset < len(data):
            (word,) = struct.unpack_from("<I", data, offset)
            tag, size, offset = word & 0x3FF, word >> 20, offset + 4
            if size == 0xFFF:
                (size,) = struct.unpack_from("<I", data, offset)
                offset += 4
            if tag == 0x10 + 51:  # HWPTAG_PARA_TEXT
                texts.append(data[offset : offset + size].decode("utf-16-le", errors="replace"))
            offset += size
        return texts

    first, second = (" ".join(paragraph_texts(section)) for section in sections)
    assert "해운대해수욕장은 매년 6월 1일부터 9월 10일까지 개장한다." in first
    assert "광안리" in first and "입욕 시간은 오전 9시부터" in first
    assert "구청장은 해수욕장마다 수상안전요원을 30명 이상 배치하여야 한다." in second


def test_content_decides_between_hwp_and_hwpx(tmp_path: Path) -> None:
    hwp_named_hwpx = tmp_path / "beach.hwpx"
    shutil.copy(BEACH_HWP, hwp_named_hwpx)
    hwpx_named_hwp = tmp_path / "guideline.hwp"
    shutil.copy(GUIDELINE_HWPX, hwpx_named_hwp)
    assert _locators(_load_one(hwp_named_hwpx)) == BEACH_LOCATORS
    assert _locators(_load_one(hwpx_named_hwp)) == GUIDELINE_LOCATORS


# --- failures -------------------------------------------------------------------------------------


def test_corrupt_and_protected_files_fail_with_a_reason(tmp_path: Path) -> None:
    cases: dict[Path, str] = {}
    garbage = tmp_path / "garbage.hwpx"
    garbage.write_bytes(b"PK\x03\x04 not really a zip archive")
    cases[garbage] = "garbage.hwpx: corrupt or unreadable HWPX (not a zip package"
    damaged = tmp_path / "damaged.hwpx"
    package = bytearray(GUIDELINE_HWPX.read_bytes())
    section = package.index(b"Contents/section0.xml") + 60  # inside the member's deflated data
    package[section : section + 40] = bytes(40)
    damaged.write_bytes(bytes(package))
    cases[damaged] = "damaged.hwpx: corrupt or unreadable HWPX (damaged zip package"
    truncated = tmp_path / "truncated.hwp"
    truncated.write_bytes(BEACH_HWP.read_bytes()[:3000])
    cases[truncated] = "truncated.hwp: corrupt or unreadable HWP ("
    broken_xml = _hwpx_variant(tmp_path / "broken_xml.hwpx", "Contents/section0.xml", lambda xml: xml[:500])
    cases[broken_xml] = "broken_xml.hwpx: corrupt or unreadable HWPX (malformed XML"
    locked = _hwpx_variant(
        tmp_path / "locked.hwpx",
        "META-INF/manifest.xml",
        lambda xml: xml.replace(
            "/>",
            '><odf:file-entry odf:full-path="Contents/section0.xml" odf:media-type="application/xml">'
            '<odf:encryption-data odf:checksum-type="SHA1" odf:checksum="AAAA"/></odf:file-entry>'
            "</odf:manifest>",
        ),
    )
    cases[locked] = "locked.hwpx: the HWPX document is password-protected"
    # FileHeader property bits 1, 2 and 4: password, distribution copy, DRM.
    for name, bit, reason in [
        ("password.hwp", 1, "password-protected"),
        ("distribution.hwp", 2, "a distribution copy"),
        ("drm.hwp", 4, "DRM-protected"),
    ]:
        cases[_hwp_with_flags(tmp_path / name, 1 << bit)] = f"{name}: the HWP document is {reason}"
    old = tmp_path / "hangul97.hwp"
    old.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + bytes(200))
    cases[old] = "hangul97.hwp: HWP 3 (Hangul 97 or older) cannot be read"
    wrapped = tmp_path / "wrapped.hwp"
    wrapped.write_bytes(b"<## DRM container ##>" + BEACH_HWP.read_bytes())
    cases[wrapped] = "wrapped.hwp: not an HWP 5 file"
    for path, expected in cases.items():
        assert _failure(path).startswith(expected), path.name


def test_a_corrupt_hancom_file_is_listed_as_failed_and_the_others_indexed(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    shutil.copy(BEACH_HWP, folder / BEACH_HWP.name)
    (folder / "broken.hwp").write_bytes(BEACH_HWP.read_bytes()[:3000])
    stack = make_stack()

    report = stack.ingestor.ingest([folder], SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(folder / BEACH_HWP.name)]
    [(path, reason)] = report.failed
    assert path == str(folder / "broken.hwp")
    assert reason.startswith("broken.hwp: corrupt or unreadable HWP (")
    assert "Traceback" not in reason


# --- end to end -----------------------------------------------------------------------------------


def test_ingested_hwpx_and_hwp_answer_with_article_citations(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    for fixture in (GUIDELINE_HWPX, BEACH_HWP):
        shutil.copy(fixture, folder / fixture.name)
    stack = make_stack()

    report = stack.ingestor.ingest([folder], SourceDefaults())

    assert report.failed == [] and len(report.indexed) == 2
    asked = {
        "공공데이터 제공 여부는 신청을 받은 날부터 며칠 이내에 결정하나요?": (
            "doc:open_data_guideline_ko.hwpx",
            ARTICLE_5,
            "10일",
        ),
        "해운대해수욕장의 개장 기간은 언제인가요?": (
            "doc:beach_operation_rules_ko.hwp",
            "§ section 1 > 제1장 개장 > 제3조(개장 기간)",
            "6월 1일",
        ),
        "해수욕장에 수상안전요원을 몇 명 이상 배치해야 하나요?": (
            "doc:beach_operation_rules_ko.hwp",
            "§ section 2 > 제2장 안전 > 제9조(안전요원)",
            "30명",
        ),
    }
    for question, (source_id, locator, fact) in asked.items():
        answer = stack.assistant.answer(question, User())
        lead = answer.citations[0]
        assert (lead.source_id, lead.locator) == (source_id, locator), question
        assert fact in answer.answer, question


# --- the pieces -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("제2장 제공 절차", (2, "제2장 제공 절차", "")),
        ("제 3 절 통칙", (3, "제 3 절 통칙", "")),
        ("부칙 <제123호, 2025. 1. 1.>", (2, "부칙 <제123호, 2025. 1. 1.>", "")),
        ("제5조(제공 기한) 10일 이내에 결정한다.", (5, "제5조(제공 기한)", "10일 이내에 결정한다.")),
        ("제13조의2(보호의 날) 9월 30일로 한다.", (5, "제13조의2(보호의 날)", "9월 30일로 한다.")),
        ("제5조에 따라 신청한다.", None),
        ("제5조 및 제6조에 따른 신청", None),
        ("제2장에서 정한 바에 따른다.", None),
        ("부칙을 개정한다.", None),
    ],
)
def test_statute_headings_written_as_paragraphs(
    paragraph: str, expected: tuple[int, str, str] | None
) -> None:
    heading = statute_heading(paragraph)
    assert (None if heading is None else (heading.level, heading.heading, heading.rest)) == expected


def test_each_section_starts_its_own_heading_path() -> None:
    """Text before a section's first heading (an annex table, say) is not put under the previous
    section's last article: it is located by its section alone."""
    sections = located_sections(
        [
            [Block("제2장 제공 절차", 2), Block("제7조(비용)", 5), Block("비용은 받지 아니한다.")],
            [Block("[별표 1] 수수료 기준표"), Block("별표 1 문의처", 1), Block("빅데이터통계과가 받는다.")],
        ],
        "지침",
    )
    assert [(section.locator, section.text) for section in sections] == [
        ("§ section 1 > 제2장 제공 절차 > 제7조(비용)", "제7조(비용)\n\n비용은 받지 아니한다."),
        ("section 2", "[별표 1] 수수료 기준표"),
        ("§ section 2 > 별표 1 문의처", "별표 1 문의처\n\n빅데이터통계과가 받는다."),
    ]
