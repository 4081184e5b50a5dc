"""load_file dispatch, origins, sidecar metadata and the failures every file type shares."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification
from ingestion.loaders import SUPPORTED_SUFFIXES, SourceDefaults, load_file
from ingestion.loaders.metadata import detect_language

FRONT_MATTER_DOC = """---
title: From front matter
classification: public
departments: [총무과]
as_of: 2025-01-01
---

# Heading

본문입니다. 부산광역시 데이터 안내.
"""


def _error(path: Path, root: Path) -> CityQAError:
    with pytest.raises(CityQAError) as caught:
        load_file(path, root, SourceDefaults())
    assert caught.value.code == ErrorCode.INGEST_FAILED
    return caught.value


def test_supported_suffixes_are_the_contract() -> None:
    expected = {
        *(".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".hwp", ".hwpx"),
        *(".csv", ".json", ".jsonld"),
    }
    assert set(SUPPORTED_SUFFIXES) == expected
    assert isinstance(SUPPORTED_SUFFIXES, frozenset)


@pytest.mark.parametrize("name", ["empty.md", "empty.csv", "empty.pdf", "blank.txt"])
def test_empty_files_are_rejected(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"" if name.startswith("empty") else b"  \n\n\t\n")
    assert f"{name}: the file is empty" in _error(path, tmp_path).detail


@pytest.mark.parametrize("name", ["population.xlsx", "card.yaml", "slides.pptx", "README"])
def test_unsupported_types_are_rejected(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"content")
    detail = _error(path, tmp_path).detail
    assert f"{name}: unsupported file type" in detail
    assert ".md" in detail


def test_undecodable_document_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "garbage.md"
    path.write_bytes(b"\x80\xff\x00\x81" * 64)
    assert "cannot decode garbage.md" in _error(path, tmp_path).detail


def test_document_without_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "only_headings.md"
    path.write_text("# Title\n\n## Chapter\n", encoding="utf-8")
    assert "only_headings.md: no text could be extracted" in _error(path, tmp_path).detail


def test_suffix_match_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "NOTES.MD"
    path.write_text("Some English notes.\n", encoding="utf-8")
    [loaded] = load_file(path, tmp_path, SourceDefaults())
    assert loaded.source.source_id == "doc:NOTES.MD"


def test_origin_is_the_file_name_outside_the_root(tmp_path: Path) -> None:
    inside = tmp_path / "root"
    inside.mkdir()
    path = tmp_path / "elsewhere.txt"
    path.write_text("Some English text.\n", encoding="utf-8")
    [loaded] = load_file(path, inside, SourceDefaults())
    assert loaded.source.origin == "elsewhere.txt"
    assert loaded.source.source_id == "doc:elsewhere.txt"


def test_defaults_apply_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("내부 검토 중인 자료입니다.\n", encoding="utf-8")
    defaults = SourceDefaults(classification=Classification.RESTRICTED, departments=["인사과"])
    [loaded] = load_file(path, tmp_path, defaults)
    assert loaded.source.classification == Classification.RESTRICTED
    assert loaded.source.departments == ["인사과"]
    assert loaded.source.language == "ko"


def test_sidecar_overrides_front_matter_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(FRONT_MATTER_DOC, encoding="utf-8")
    (tmp_path / "guide.md.meta.yaml").write_text(
        "title: From sidecar\nclassification: restricted\ndepartments: 인사과\n"
        "language: ko\nowner: 김주무관\n",
        encoding="utf-8",
    )
    defaults = SourceDefaults(classification=Classification.INTERNAL, departments=["빅데이터통계과"])
    [loaded] = load_file(path, tmp_path, defaults)
    source = loaded.source
    assert source.title == "From sidecar"
    assert source.classification == Classification.RESTRICTED
    assert source.departments == ["인사과"]
    assert source.as_of == "2025-01-01"  # not in the sidecar: the front matter still counts
    assert source.extra == {"owner": "김주무관"}


def test_sidecar_applies_to_binary_documents(tmp_path: Path) -> None:
    path = tmp_path / "directory.pdf"
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Department directory")
    pdf.output(str(path))
    (tmp_path / "directory.pdf.meta.yaml").write_text(
        "title: 부산광역시 데이터 소관 부서 안내\nclassification: internal\nas_of: '2025-05-01'\n",
        encoding="utf-8",
    )
    [loaded] = load_file(path, tmp_path, SourceDefaults())
    assert loaded.source.title == "부산광역시 데이터 소관 부서 안내"
    assert loaded.source.classification == Classification.INTERNAL
    assert loaded.source.as_of == "2025-05-01"


def test_invalid_classification_in_sidecar_names_the_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(FRONT_MATTER_DOC, encoding="utf-8")
    (tmp_path / "guide.md.meta.yaml").write_text("classification: secret\n", encoding="utf-8")
    detail = _error(path, tmp_path).detail
    assert "invalid classification 'secret' in guide.md.meta.yaml" in detail
    assert "public, internal, restricted" in detail


def test_invalid_classification_in_front_matter_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(FRONT_MATTER_DOC.replace("classification: public", "classification: top-secret"), "utf-8")
    assert "invalid classification 'top-secret' in guide.md" in _error(path, tmp_path).detail


def test_malformed_sidecar_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("Some text.\n", encoding="utf-8")
    (tmp_path / "memo.txt.meta.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    assert "invalid sidecar memo.txt.meta.yaml" in _error(path, tmp_path).detail


def test_pdf_content_wins_over_a_wrong_suffix(tmp_path: Path) -> None:
    path = tmp_path / "exported.txt"
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Exported with the wrong extension")
    pdf.output(str(path))
    [loaded] = load_file(path, tmp_path, SourceDefaults())
    assert [section.locator for section in loaded.sections] == ["p. 1"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("부산광역시 해운대구 방문객 현황", "ko"),
        ("Haeundae beach visitors", "en"),
        ("Haeundae-gu 해운대구 visitors by month and district", "en"),
        ("해운대구 CSV 파일 2021", "ko"),
        ("2021-10-13 12345", "en"),
    ],
)
def test_language_detection_by_hangul_share(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_meta_yml_sidecar_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("Some text.\n", encoding="utf-8")
    (tmp_path / "memo.txt.meta.yml").write_text("classification: internal\n", encoding="utf-8")
    [loaded] = load_file(path, tmp_path, SourceDefaults())
    assert loaded.source.classification == Classification.INTERNAL
