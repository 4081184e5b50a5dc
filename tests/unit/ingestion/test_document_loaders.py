"""Document loaders: Markdown (front matter, statutes, HTML bodies), text, HTML, PDF and DOCX."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification, LoadedSource, SourceKind
from ingestion.loaders import SourceDefaults, load_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"

PROCEDURE_MD = """---
title: 공공데이터 제공신청 절차 안내
classification: internal
departments: [빅데이터통계과]
as_of: 2025-04-15
url: https://www.busan.go.kr/opendata/request
reviewed_by: 정보화담당관
---

# 제목보다 앞선 H1

부산광역시가 공개한 데이터는 누구나 내려받을 수 있습니다.

## 신청 방법

### 온라인 신청

공공데이터 포털에서 **데이터 제공신청** 메뉴를 이용합니다.

## 처리 기한

시는 신청을 받은 날부터 10일 이내에 제공 여부를 결정합니다.
"""


def _load_one(path: Path, root: Path, defaults: SourceDefaults | None = None) -> LoadedSource:
    [loaded] = load_file(path, root, defaults or SourceDefaults())
    return loaded


def _locators(loaded: LoadedSource) -> list[str]:
    return [section.locator for section in loaded.sections]


# --- Markdown -------------------------------------------------------------------------------------


def test_markdown_front_matter_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "documents" / "open_data_request_procedure_ko.md"
    path.parent.mkdir()
    path.write_text(PROCEDURE_MD, encoding="utf-8")
    defaults = SourceDefaults(classification=Classification.PUBLIC, departments=["총무과"])
    source = _load_one(path, tmp_path, defaults).source
    assert source.source_id == "doc:documents/open_data_request_procedure_ko.md"
    assert source.origin == "documents/open_data_request_procedure_ko.md"
    assert source.kind == SourceKind.DOCUMENT
    assert source.title == "공공데이터 제공신청 절차 안내"
    assert source.classification == Classification.INTERNAL
    assert source.departments == ["빅데이터통계과"]
    assert source.as_of == "2025-04-15"
    assert source.url == "https://www.busan.go.kr/opendata/request"
    assert source.language == "ko"
    assert source.extra == {"reviewed_by": "정보화담당관"}


def test_markdown_heading_sections_and_locators(tmp_path: Path) -> None:
    path = tmp_path / "procedure.md"
    path.write_text(PROCEDURE_MD, encoding="utf-8")
    loaded = _load_one(path, tmp_path)
    assert _locators(loaded) == [
        "§ 제목보다 앞선 H1",
        "§ 신청 방법 > 온라인 신청",
        "§ 제목보다 앞선 H1 > 처리 기한",
    ]
    online = loaded.sections[1].text
    assert online.startswith("온라인 신청\n\n")
    assert "**" not in online and "데이터 제공신청 메뉴" in online


def test_markdown_title_falls_back_to_first_h1_then_stem(tmp_path: Path) -> None:
    with_h1 = tmp_path / "handbook.md"
    with_h1.write_text("Intro text.\n\n# Data Governance Handbook\n\nBody.\n", encoding="utf-8")
    assert _load_one(with_h1, tmp_path).source.title == "Data Governance Handbook"
    without = tmp_path / "notes_2025.md"
    without.write_text("Just a paragraph of English notes.\n", encoding="utf-8")
    loaded = _load_one(without, tmp_path)
    assert loaded.source.title == "notes_2025"
    assert loaded.source.language == "en"
    assert _locators(loaded) == ["lines 1–1"]


def test_statute_headings_give_chapter_and_article_locators() -> None:
    loaded = _load_one(FIXTURES / "statute_excerpt_ko.md", FIXTURES)
    source = loaded.source
    # law.go.kr front matter says 제목 / 출처 / 시행일자; the other keys are kept as extras.
    assert source.title == "공공데이터의 제공 및 이용 활성화에 관한 법률"
    assert source.url == "https://www.law.go.kr/법령/공공데이터의제공및이용활성화에관한법률"
    assert source.as_of == "2026-08-28"
    assert source.extra["소관부처"] == "행정안전부"
    assert source.extra["공포일자"] == "2026-02-27"
    assert _locators(loaded) == [
        "§ 제1장 총칙 > 제1조 (목적)",
        "§ 제4장 공공데이터의 제공절차 등 > 제26조 (공공데이터의 제공)",
        "§ 제4장 공공데이터의 제공절차 등 > 제27조 (공표 제공대상 외의 공공데이터 제공신청 등)",
        "§ 제4장 공공데이터의 제공절차 등 > 제28조 (공공데이터의 제공중단)",
    ]
    article_27 = loaded.sections[2].text
    assert article_27.startswith("제27조 (공표 제공대상 외의 공공데이터 제공신청 등)")
    assert "① 제공대상 공공데이터 목록에" in article_27  # bold markers removed
    assert "제28조" not in article_27


def test_markdown_with_html_body_reads_as_text(tmp_path: Path) -> None:
    loaded = _load_one(FIXTURES / "policy_html_body_en.md", FIXTURES)
    assert loaded.source.language == "en"
    assert loaded.source.as_of == "2012-12-10"
    assert loaded.source.url == "http://www.cityofchicago.org/city/en/narr/foia/open_data_executiveorder.html"
    assert loaded.source.extra["legal_custom"] == "Executive Order"
    texts = "\n".join(section.text for section in loaded.sections)
    assert "<p>" not in texts and "<span" not in texts and "<h2>" not in texts
    assert "transparency, honesty and accountability to the public" in texts
    assert _locators(loaded)[-1] == "§ 1. Definitions"
    assert _locators(loaded)[0].startswith("lines 11–")


def test_section_titles_set_as_plain_paragraphs_become_locators(tmp_path: Path) -> None:
    """Policies pasted as HTML mark their sections with numbered, bold or capitalised paragraphs."""
    body = (
        "<p>EXECUTIVE ORDER NO. 1</p> <p>The Mayor orders as follows.</p>"
        "<p>Section 5. <span>Open Data Report and Policy Review.</span></p>"
        "<p>(A) Within one year, the team shall submit an annual Open Data Report.</p>"
        "<p><strong>Data Stewards</strong></p> <p>Each department names a steward. It keeps the list.</p>"
        "<p>Section 6. This order takes effect at once. It replaces the earlier order.</p>"
    )
    path = tmp_path / "policy.md"
    path.write_text(f"---\nplace: somewhere\n---\n\n{body}\n", encoding="utf-8")
    loaded = _load_one(path, tmp_path)
    locators = _locators(loaded)
    assert "§ EXECUTIVE ORDER NO. 1" in locators
    assert "§ Section 5. Open Data Report and Policy Review." in locators
    assert "§ Data Stewards" in locators
    # a numbered paragraph of two sentences is text, not a title
    assert not any(locator.startswith("§ Section 6") for locator in locators)
    report = next(section for section in loaded.sections if section.locator.startswith("§ Section 5"))
    assert "annual Open Data Report" in report.text


# --- Plain text -----------------------------------------------------------------------------------


def test_text_file_sections_by_paragraph_groups_with_line_locators(tmp_path: Path) -> None:
    first = "First paragraph about data requests. " * 30
    second = "Second paragraph about processing deadlines. " * 30
    path = tmp_path / "memo.txt"
    path.write_text(f"{first}\n\n\n{second}\nstill second\n", encoding="utf-8")
    loaded = _load_one(path, tmp_path)
    assert loaded.source.title == "memo"
    assert _locators(loaded) == ["lines 1–1", "lines 4–5"]
    assert loaded.sections[1].text.endswith("still second")


def test_short_text_paragraphs_share_a_section(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("one\n\ntwo\nthree\n\nfour\n", encoding="utf-8")
    loaded = _load_one(path, tmp_path)
    assert _locators(loaded) == ["lines 1–6"]
    assert loaded.sections[0].text == "one\n\ntwo\nthree\n\nfour"


# --- HTML -----------------------------------------------------------------------------------------

HTML_PAGE = """<!doctype html>
<html><head><title>Requesting Public Data from Busan</title>
<style>p { color: red; }</style><script>var tracking = "secret";</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/en">English</a></nav>
<h1>Requesting Public Data</h1>
<p>Anyone may request data the city holds but has not yet published.</p>
<h2>How long it takes</h2>
<p>The city decides within <b>10 days</b>.<br>It may extend the period once.</p>
<table><tr><th>Step</th><th>Days</th></tr><tr><td>Decision</td><td>10</td></tr></table>
</body></html>
"""


def test_html_sections_title_and_dropped_chrome(tmp_path: Path) -> None:
    path = tmp_path / "request.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    loaded = _load_one(path, tmp_path)
    assert loaded.source.title == "Requesting Public Data from Busan"
    assert loaded.source.language == "en"
    assert _locators(loaded) == ["§ Requesting Public Data", "§ Requesting Public Data > How long it takes"]
    deadline = loaded.sections[1].text
    assert "The city decides within 10 days.\nIt may extend the period once." in deadline
    assert "Step | Days" in deadline and "Decision | 10" in deadline
    everything = "\n".join(section.text for section in loaded.sections)
    assert "tracking" not in everything and "color: red" not in everything and "Home" not in everything


def test_html_title_falls_back_to_first_h1(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text("<h1>부산 데이터 안내</h1><p>부산광역시 데이터 포털 안내입니다.</p>", encoding="utf-8")
    loaded = _load_one(path, tmp_path)
    assert loaded.source.title == "부산 데이터 안내"
    assert loaded.source.language == "ko"


# --- PDF ------------------------------------------------------------------------------------------


def _write_pdf(path: Path, pages: list[str], title: str | None = None) -> None:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
    pdf.output(str(path))


def test_pdf_one_section_per_page_with_page_locators(tmp_path: Path) -> None:
    path = tmp_path / "classification_guideline.pdf"
    _write_pdf(
        path,
        ["Data Classification Guideline. Public data is open.", "Restricted data is stored encrypted."],
        title="Data Classification Guideline",
    )
    loaded = _load_one(path, tmp_path)
    assert loaded.source.title == "Data Classification Guideline"
    assert _locators(loaded) == ["p. 1", "p. 2"]
    assert "Public data is open." in loaded.sections[0].text
    assert "Restricted data is stored encrypted." in loaded.sections[1].text


def test_pdf_blank_page_keeps_real_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gap.pdf"
    _write_pdf(path, ["Cover page text.", "", "Third page text."])
    loaded = _load_one(path, tmp_path)
    assert loaded.source.title == "gap"
    assert _locators(loaded) == ["p. 1", "p. 3"]


def test_pdf_without_text_is_reported_as_needing_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scanned.pdf"
    _write_pdf(path, ["", ""])
    with pytest.raises(CityQAError, match="scanned.pdf: no text extracted"):
        load_file(path, tmp_path, SourceDefaults())


def test_corrupt_pdf_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf\n")
    with pytest.raises(CityQAError) as caught:
        load_file(path, tmp_path, SourceDefaults())
    assert caught.value.code == ErrorCode.INGEST_FAILED
    assert "broken.pdf" in caught.value.detail


def test_truncated_pdf_is_rejected(tmp_path: Path) -> None:
    whole = tmp_path / "whole.pdf"
    _write_pdf(whole, ["Some text on a page."])
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole.read_bytes()[:200])
    with pytest.raises(CityQAError, match="truncated.pdf"):
        load_file(path, tmp_path, SourceDefaults())


def test_password_protected_pdf_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Confidential")
    pdf.output(str(path))
    with pytest.raises(CityQAError, match="locked.pdf: the PDF is encrypted"):
        load_file(path, tmp_path, SourceDefaults())


# --- DOCX -----------------------------------------------------------------------------------------


def _write_docx(path: Path, core_title: str = "") -> None:
    document = docx.Document()
    document.core_properties.title = core_title
    document.add_paragraph("이 기준은 부산광역시 데이터를 세 등급으로 나눈다.")
    document.add_heading("1. 등급의 정의", level=1)
    document.add_heading("1.1 공개", level=2)
    document.add_paragraph("누구에게나 제공할 수 있는 데이터이다.")
    document.add_heading("1.2 제한", level=2)
    document.add_paragraph("소관 부서의 지정된 직원만 열람한다.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "등급"
    table.cell(0, 1).text = "예시"
    table.cell(1, 0).text = "제한"
    table.cell(1, 1).text = "인사 기록"
    document.add_heading("2. 등급 지정 절차", level=1)
    document.add_paragraph("데이터를 만든 부서가 등급을 정한다.")
    document.save(str(path))


def test_docx_heading_sections_tables_and_core_title(tmp_path: Path) -> None:
    path = tmp_path / "guideline_ko.docx"
    _write_docx(path, core_title="데이터 등급 분류 기준")
    loaded = _load_one(path, tmp_path)
    assert loaded.source.title == "데이터 등급 분류 기준"
    assert loaded.source.language == "ko"
    assert _locators(loaded) == [
        "",
        "§ 1. 등급의 정의 > 1.1 공개",
        "§ 1. 등급의 정의 > 1.2 제한",
        "§ 2. 등급 지정 절차",
    ]
    assert "등급 | 예시\n제한 | 인사 기록" in loaded.sections[2].text


def test_docx_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "untitled.docx"
    _write_docx(path)
    assert _load_one(path, tmp_path).source.title == "1. 등급의 정의"


def test_corrupt_docx_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip archive")
    with pytest.raises(CityQAError, match="broken.docx: corrupt or unreadable DOCX"):
        load_file(path, tmp_path, SourceDefaults())
