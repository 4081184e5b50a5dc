"""Rebuild the generated parts of the bundled demo corpus under data/demo/.

Generated here:
  catalogs/busan_datagokr_catalog.csv      (from ../shared/data/catalogs, values copied unchanged)
  documents/data_classification_guideline_ko.docx (+ .meta.yaml)
  documents/data_classification_guideline_en.pdf  (+ .meta.yaml)
  documents/department_directory_ko.pdf           (+ .meta.yaml)

The Markdown and HTML documents, api_keys.toml and README.md are written by hand and checked in.
This script is for regeneration only; `make demo` ingests the checked-in files.

Usage:
  .venv/bin/python scripts/build_demo_corpus.py [--shared ../shared/data] [--out data/demo]

Build-only requirements: fpdf2 (dev extra) and the NanumGothic font (apt-get install fonts-nanum).
Outputs are byte-for-byte reproducible (fixed PDF creation dates, fixed DOCX zip timestamps).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import logging
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXED_DATE = dt.datetime(2025, 5, 1, 9, 0, 0, tzinfo=dt.UTC)
NANUM_REGULAR = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
NANUM_BOLD = Path("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")

CATALOG_COLUMNS = [
    "목록키",
    "목록유형",
    "목록명",
    "목록설명",
    "조회수",
    "분류체계",
    "기관코드",
    "기관명",
    "국가중점여부",
    "표준데이터여부",
    "목록.등록일",
    "목록.수정일",
]
EXTRA_COLUMNS = ["부서", "제공형식", "키워드"]
CHECK_ROW_ID = "15037510"
CHECK_ROW_TITLE = "부산광역시 해운대구_해운대해수욕장 방문객 현황"


# --------------------------------------------------------------------------- catalog


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _is_busan_filedata_row(row: dict[str, str]) -> bool:
    return any("부산" in (row.get(field) or "") for field in ("org", "publisher", "title"))


def build_busan_catalog(shared: Path, out_dir: Path) -> dict[str, int]:
    catalogs = shared / "catalogs"
    open_rows = _read_csv(catalogs / "datagokr_catalog_openData_busan.csv")
    file_rows = [
        r for r in _read_csv(catalogs / "datagokr_filedata_catalog_2022.csv") if _is_busan_filedata_row(r)
    ]
    if list(open_rows[0].keys()) != CATALOG_COLUMNS:
        raise SystemExit(f"unexpected header in openData catalog: {list(open_rows[0].keys())}")

    filedata_by_id: dict[str, dict[str, str]] = {}
    for row in file_rows:
        filedata_by_id.setdefault(row["dataset_id"], row)
    open_ids = {row["목록키"] for row in open_rows}

    output: list[dict[str, str]] = []
    joined = 0
    for row in open_rows:
        extra = filedata_by_id.get(row["목록키"])
        if extra is not None:
            joined += 1
        output.append(
            {
                **row,
                "부서": extra["department"] if extra else "",
                "제공형식": extra["formats"] if extra else "",
                "키워드": extra["keywords"] if extra else "",
            }
        )
    appended = 0
    for dataset_id, extra in filedata_by_id.items():
        if dataset_id in open_ids:
            continue
        appended += 1
        row = {column: "" for column in CATALOG_COLUMNS}
        row.update(
            {
                "목록키": dataset_id,
                "목록유형": "FILE",
                "목록명": extra["title"],
                "목록설명": extra["description"],
                "기관명": extra["publisher"] or extra["org"],
                "목록.등록일": extra["created"],
                "목록.수정일": extra["modified"],
                "부서": extra["department"],
                "제공형식": extra["formats"],
                "키워드": extra["keywords"],
            }
        )
        output.append(row)

    target = out_dir / "catalogs" / "busan_datagokr_catalog.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CATALOG_COLUMNS + EXTRA_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(output)

    check = [r for r in output if r["목록키"] == CHECK_ROW_ID]
    if not check or check[0]["목록명"] != CHECK_ROW_TITLE:
        raise SystemExit(f"check row {CHECK_ROW_ID} ({CHECK_ROW_TITLE}) missing from the catalog")
    return {
        "opendata_rows": len(open_rows),
        "filedata_busan_rows": len(filedata_by_id),
        "rows": len(output),
        "joined": joined,
        "appended": appended,
    }


# --------------------------------------------------------------------------- metadata


def write_sidecar(document: Path, meta: Mapping[str, object]) -> None:
    sidecar = document.with_name(document.name + ".meta.yaml")
    sidecar.write_text(yaml.safe_dump(dict(meta), allow_unicode=True, sort_keys=False), encoding="utf-8")


# --------------------------------------------------------------------------- DOCX (Korean guideline)

CLASSIFICATION_KO_META = {
    "title": "데이터 등급 분류 기준",
    "classification": "internal",
    "departments": ["빅데이터통계과"],
    "as_of": "2025-03-10",
    "language": "ko",
}

# (style, text) — style is "h1", "h2", "p" or "li"
CLASSIFICATION_KO_BODY: list[tuple[str, str]] = [
    ("h1", "데이터 등급 분류 기준"),
    (
        "p",
        "이 기준은 부산광역시가 생산하거나 수집한 데이터를 민감도에 따라 공개, 내부, 제한의 세 등급으로 "
        "나누는 방법과 등급을 정하고 바꾸는 절차를 정한다. 빅데이터통계과가 소관하며, 시 데이터 플랫폼에 "
        "등록되는 모든 데이터셋에 적용한다.",
    ),
    ("h1", "1. 등급의 정의"),
    ("h2", "1.1 공개"),
    (
        "p",
        "누구에게나 제공할 수 있는 데이터이다. 공공데이터 포털(data.go.kr)에 등록하는 데이터는 모두 "
        "공개 등급이어야 한다. 개인을 식별할 수 있는 정보가 들어 있지 않아야 한다.",
    ),
    ("h2", "1.2 내부"),
    (
        "p",
        "시 소속 직원이 업무에 이용할 수 있으나 외부에는 공개하지 않는 데이터이다. 정책 검토 중인 "
        "초안 자료, 공개 전 통계의 잠정치, 시스템 운영 기록 등이 여기에 속한다.",
    ),
    ("h2", "1.3 제한"),
    (
        "p",
        "법령에 따라 보호해야 하거나 유출될 경우 개인이나 시에 큰 피해가 생길 수 있는 데이터이다. "
        "데이터를 소관하는 부서의 지정된 직원만 이용할 수 있다.",
    ),
    ("h1", "2. 등급별 예시"),
    ("li", "공개: 구·군별 주민등록인구 통계, 대기질 측정값, 해수욕장 방문객 수, 공공시설 위치"),
    ("li", "내부: 부서별 예산 집행 잠정치, 데이터 품질 점검 결과, 시스템 접속 통계"),
    ("li", "제한: 직원 인사기록, 민원 원문과 민원인 정보, 개인별 복지 수급 내역, CCTV 원본 영상"),
    (
        "p",
        "한 데이터셋에 여러 등급의 항목이 섞여 있으면 가장 높은 등급을 데이터셋 전체의 등급으로 한다. "
        "등급이 지정되지 않은 데이터는 등급이 정해질 때까지 내부 등급으로 다룬다.",
    ),
    ("h1", "3. 등급 지정과 승인"),
    ("h2", "3.1 지정"),
    ("p", "데이터를 소관하는 부서의 데이터 관리 담당자(데이터 스튜어드)가 등급안을 작성한다."),
    ("h2", "3.2 승인권자"),
    ("li", "공개 등급과 내부 등급: 소관 부서의 과장이 승인한다."),
    ("li", "제한 등급: 소관 부서의 국장이 승인하고 빅데이터통계과에 통보한다."),
    ("li", "제한 등급에서 공개 등급으로 낮추는 경우: 데이터거버넌스위원회의 심의를 거친다."),
    ("h2", "3.3 이의 제기"),
    (
        "p",
        "등급 지정 결과에 이의가 있는 부서는 통보를 받은 날부터 14일 이내에 빅데이터통계과에 재검토를 "
        "요청할 수 있다. 빅데이터통계과는 요청을 받은 날부터 14일 이내에 검토 결과를 회신한다.",
    ),
    ("h1", "4. 등급별 취급 기준"),
    ("h2", "4.1 저장과 전송"),
    (
        "p",
        "제한 등급 데이터는 암호화하여 저장하고 시 내부망으로만 전송한다. 전자우편 첨부는 허용하지 않는다.",
    ),
    ("h2", "4.2 외부 반출"),
    (
        "p",
        "제한 등급 데이터를 USB 등 외부 저장매체로 반출하려면 소관 부서장과 최고데이터책임자(CDO)의 "
        "이중 승인을 받아야 하며, 반출 일자, 반출자, 용도를 반출 대장에 기록한다. 반출한 매체는 "
        "용도가 끝난 날부터 7일 이내에 회수하여 데이터를 지운다.",
    ),
    ("h2", "4.3 정기 재검토"),
    ("p", "공개 등급과 내부 등급의 분류 결과는 매년 1월에 소관 부서가 다시 검토한다."),
    ("p", "cityqa 데모용으로 작성한 문서이며 부산광역시의 공식 기준이 아니다."),
]


def _normalise_zip(raw: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps and order so rebuilds are byte-identical."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 5, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()


def build_classification_docx(out_dir: Path) -> Path:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    properties = document.core_properties
    properties.title = CLASSIFICATION_KO_META["title"]
    properties.author = "부산광역시 빅데이터통계과 (cityqa demo)"
    properties.language = "ko-KR"
    properties.created = FIXED_DATE.replace(tzinfo=None)
    properties.modified = FIXED_DATE.replace(tzinfo=None)
    properties.last_modified_by = "cityqa"
    properties.revision = 1
    normal = document.styles["Normal"]
    normal.font.name = "NanumGothic"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "NanumGothic")

    for style, text in CLASSIFICATION_KO_BODY:
        if style == "h1":
            document.add_heading(text, level=1)
        elif style == "h2":
            document.add_heading(text, level=2)
        elif style == "li":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)

    target = out_dir / "documents" / "data_classification_guideline_ko.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    target.write_bytes(_normalise_zip(buffer.getvalue()))
    write_sidecar(target, CLASSIFICATION_KO_META)
    return target


# --------------------------------------------------------------------------- PDFs

CLASSIFICATION_EN_META = {
    "title": "Data Classification Guideline",
    "classification": "internal",
    "departments": ["빅데이터통계과"],
    "as_of": "2025-03-10",
    "language": "en",
}

# One list per page: (kind, text) with kind "h1", "h2" or "p". Each page carries one distinctive fact.
CLASSIFICATION_EN_PAGES: list[list[tuple[str, str]]] = [
    [
        ("h1", "Data Classification Guideline"),
        ("p", "Busan Metropolitan City - Big Data & Statistics Division. Internal use only."),
        ("h2", "1. Purpose and scope"),
        (
            "p",
            "This guideline explains how the city classifies the data it produces or collects into three "
            "levels - Public, Internal and Restricted - and how those levels are assigned, reviewed and "
            "changed. It applies to every dataset registered on the city data platform, whichever division "
            "owns it, and to copies of those datasets held in other systems.",
        ),
        ("h2", "2. The three levels"),
        (
            "p",
            "Public data may be given to anyone and is the only level that may be published on data.go.kr. "
            "Internal data may be used by city staff for their work but is not released outside the city "
            "government. Restricted data is protected by law or would cause serious harm to individuals or "
            "to the city if disclosed; only designated staff of the owning division may use it.",
        ),
        ("h2", "3. When to classify"),
        (
            "p",
            "Every new dataset must be classified within 30 days of its creation. The owning division's data "
            "steward proposes the level and records it in the dataset inventory together with a one-line "
            "justification. Until a level is recorded, the dataset is handled as Internal.",
        ),
    ],
    [
        ("h2", "4. Examples by level"),
        (
            "p",
            "Public: registered population by district, air quality measurements, beach visitor counts, "
            "locations of public facilities. Internal: provisional budget execution figures, data quality "
            "check results, system usage statistics. Restricted: staff personnel records, the original text "
            "of citizen complaints and complainants' details, individual welfare benefit records, raw CCTV "
            "footage.",
        ),
        (
            "p",
            "When a dataset mixes fields of different levels, the whole dataset takes the highest level "
            "among its fields. Splitting a dataset into a public part and a restricted part is encouraged "
            "when the public part is useful on its own.",
        ),
        ("h2", "5. Periodic review"),
        (
            "p",
            "Restricted data must be reviewed every 6 months. At each review the owning division confirms "
            "that the level is still justified, that the list of staff with access is current, and that no "
            "copy of the data exists outside the approved systems. Public and Internal data are reviewed "
            "once a year. The results of every review are reported to the Big Data & Statistics Division "
            "within 15 working days of the review.",
        ),
    ],
    [
        ("h2", "6. Handling rules"),
        (
            "p",
            "Restricted data is stored encrypted and moves only over the city's internal network. It must "
            "not be attached to e-mail. Access to restricted data is logged, and access logs for restricted "
            "data are kept for 2 years. Internal data may be shared with another public agency only under a "
            "signed data-sharing agreement that names the purpose and the retention period.",
        ),
        ("h2", "7. Who approves a level"),
        (
            "p",
            "Public and Internal levels are approved by the head of the owning division. The Restricted "
            "level is approved by the Director-General of the owning bureau. Lowering a dataset from "
            "Restricted to Public requires a review by the Data Governance Committee before the change "
            "takes effect.",
        ),
        ("h2", "8. Breaches of this guideline"),
        (
            "p",
            "A dataset found at a lower level than it should have had is raised immediately by the Big Data "
            "& Statistics Division, and the owning division must report within 5 working days where copies "
            "of the data were sent while it was under-classified.",
        ),
        (
            "p",
            "Demonstration document written for the cityqa demo corpus; not an official guideline of Busan "
            "Metropolitan City.",
        ),
    ],
]

DIRECTORY_META = {
    "title": "부산광역시 데이터 소관 부서 안내",
    "classification": "public",
    "departments": ["빅데이터통계과"],
    "as_of": "2025-05-01",
    "language": "ko",
}

DIRECTORY_PAGES: list[list[tuple[str, object]]] = [
    [
        ("h1", "부산광역시 데이터 소관 부서 안내"),
        (
            "p",
            "이 안내는 부산광역시가 보유한 주요 데이터를 어느 부서가 소관하는지 알려 준다. 데이터에 대한 "
            "문의, 오류 신고, 제공신청은 아래 소관 부서로 하면 가장 빠르게 처리된다. 부서 이름은 2025년 "
            "5월 1일 조직 기준이다.",
        ),
        ("h2", "1. 시 본청"),
        (
            "table",
            [
                ["분야", "소관 부서", "주요 데이터"],
                ["인구·통계", "빅데이터통계과", "주민등록인구 통계, 연령별 인구, 시 데이터 플랫폼 운영"],
                [
                    "대기질·환경",
                    "환경정책과",
                    "대기오염 측정값(미세먼지, 초미세먼지, 오존), 대기질 경보 이력",
                ],
                ["교통", "교통정책과", "교통량 조사, 교통사고 통계, 버스 노선 정보"],
                ["항만·해양", "해양농수산국", "부산항 컨테이너 물동량, 항만 시설 현황, 수산물 위판 실적"],
                ["재난·소방", "소방재난본부", "화재 발생 현황, 119 안전센터 위치"],
                ["보건", "시민건강국", "의료기관 현황, 감염병 발생 통계"],
            ],
        ),
        (
            "p",
            "시 본청 부서가 소관하는 데이터셋은 공공데이터 포털에서 기관명 '부산광역시'로 검색된다. "
            "대기질 데이터 가운데 측정소별 실시간 값은 한국환경공단 에어코리아가 제공하고, 환경정책과는 "
            "부산 지역 연간 통계와 경보 이력을 관리한다.",
        ),
        (
            "p",
            "빅데이터통계과는 구·군별 주민등록인구 통계를 매월 말일 기준으로 집계하여 다음 달 15일까지 시 "
            "데이터 플랫폼에 갱신한다. 연령별 인구와 고령인구 비율도 같은 주기로 갱신한다.",
        ),
    ],
    [
        ("h2", "2. 구·군과 공사·공단"),
        (
            "table",
            [
                ["분야", "소관 기관·부서", "주요 데이터"],
                ["해수욕장 방문객", "해운대구 관광문화과", "해운대해수욕장 일별 방문객 수"],
                ["구·군 행정 현황", "각 구·군 기획 담당 부서", "구·군별 행정기관, 인허가 현황"],
                ["도시철도", "부산교통공사", "도시철도 열차 시각표, 역별 승하차 인원, 역사 시설물"],
                ["시설 관리", "부산시설공단", "공영주차장, 도로 시설물 관리 현황"],
                ["관광", "관광정책과", "관광객 통계, 주요 관광지 정보"],
            ],
        ),
        (
            "p",
            "해운대해수욕장 방문객 현황은 해운대구가 공공데이터 포털에 '부산광역시 해운대구_해운대해수욕장 "
            "방문객 현황'이라는 이름으로 공개한다(목록키 15037510). 구·군이 공개한 데이터의 수정 요청은 시가 "
            "아니라 해당 구·군 부서로 해야 한다.",
        ),
        ("h2", "3. 소관 부서가 분명하지 않을 때"),
        (
            "p",
            "두 부서 이상이 같은 데이터를 관리하거나 소관 부서가 분명하지 않으면 빅데이터통계과가 관련 "
            "부서와 협의하여 7일 이내에 소관 부서를 하나로 정한다. 협의가 이루어지지 않으면 "
            "데이터거버넌스위원회가 정한다.",
        ),
        ("h2", "4. 이 안내의 갱신"),
        (
            "p",
            "이 안내는 조직 개편이 있을 때마다, 그리고 적어도 매년 7월에 한 번 갱신한다. 소관 부서 정보가 "
            "실제와 다르면 빅데이터통계과에 알려 주기 바란다.",
        ),
        ("p", "cityqa 데모용으로 작성한 문서이며 부산광역시의 공식 안내가 아니다."),
    ],
]


def _new_pdf(title: str, language: str, footer_label: str):  # type: ignore[no-untyped-def]
    from fpdf import FPDF

    class DemoPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Nanum", size=9)
            self.cell(0, 10, f"{footer_label} {self.page_no()}", align="C")

    pdf = DemoPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author("Busan Metropolitan City (cityqa demo)")
    pdf.set_creator("cityqa scripts/build_demo_corpus.py")
    pdf.set_producer("fpdf2")
    pdf.set_lang(language)
    pdf.add_font("Nanum", "", str(NANUM_REGULAR))
    pdf.add_font("Nanum", "B", str(NANUM_BOLD))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    return pdf


def _render_pages(pdf, pages: list[list[tuple[str, object]]]) -> None:  # type: ignore[no-untyped-def]
    for page in pages:
        pdf.add_page()
        for kind, content in page:
            if kind == "h1":
                pdf.start_section(str(content), level=0)
                pdf.set_font("Nanum", "B", 16)
                pdf.multi_cell(0, 9, str(content), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            elif kind == "h2":
                pdf.start_section(str(content), level=1)
                pdf.set_font("Nanum", "B", 12.5)
                pdf.ln(2)
                pdf.multi_cell(0, 7, str(content), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif kind == "table":
                pdf.set_font("Nanum", size=10)
                with pdf.table(col_widths=(25, 40, 105), line_height=6.5, text_align="LEFT") as table:
                    for row_values in content:  # type: ignore[attr-defined]
                        row = table.row()
                        for value in row_values:
                            row.cell(value)
                pdf.ln(3)
            else:
                pdf.set_font("Nanum", size=11)
                pdf.multi_cell(0, 6.5, str(content), new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(2)
    if pdf.page_no() != len(pages):
        raise SystemExit(f"{pdf.title}: expected {len(pages)} pages, got {pdf.page_no()} (text overflowed)")


def build_pdf(out_dir: Path, filename: str, meta: Mapping[str, object], pages, footer_label: str) -> Path:  # type: ignore[no-untyped-def]
    pdf = _new_pdf(str(meta["title"]), str(meta["language"]), footer_label)
    _render_pages(pdf, pages)
    target = out_dir / "documents" / filename
    pdf.output(str(target))
    write_sidecar(target, meta)
    return target


# --------------------------------------------------------------------------- verification


def verify_pdf_text(path: Path, expected_per_page: list[list[str]]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if len(reader.pages) != len(expected_per_page):
        raise SystemExit(f"{path.name}: {len(reader.pages)} pages, expected {len(expected_per_page)}")
    for number, (page, expected) in enumerate(zip(reader.pages, expected_per_page, strict=True), start=1):
        text = " ".join((page.extract_text() or "").split())
        for phrase in expected:
            if phrase not in text:
                raise SystemExit(
                    f"{path.name} p. {number}: pypdf did not extract {phrase!r}; got {text[:300]!r}"
                )


def verify_docx_headings(path: Path) -> None:
    import docx

    document = docx.Document(str(path))
    styles = {p.style.name for p in document.paragraphs if p.style is not None}
    if not {"Heading 1", "Heading 2"} <= styles:
        raise SystemExit(f"{path.name}: missing Heading 1/Heading 2 styles, found {sorted(styles)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", default="../shared/data", help="shared data folder (relative to the repo root)"
    )
    parser.add_argument("--out", default="data/demo", help="output folder (relative to the repo root)")
    args = parser.parse_args(argv)
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # silence 'TSI0 NOT subset' noise
    shared = (REPO_ROOT / args.shared).resolve()
    out_dir = (REPO_ROOT / args.out).resolve()
    if not (shared / "catalogs").is_dir():
        raise SystemExit(f"shared data not found: {shared}")
    for font in (NANUM_REGULAR, NANUM_BOLD):
        if not font.is_file():
            raise SystemExit(f"font missing: {font} (apt-get install -y fonts-nanum)")
    (out_dir / "documents").mkdir(parents=True, exist_ok=True)

    counts = build_busan_catalog(shared, out_dir)
    print(
        "catalog: {rows} rows ({opendata_rows} openData rows, {joined} joined with "
        "{filedata_busan_rows} Busan filedata rows, {appended} appended)".format(**counts)
    )

    docx_path = build_classification_docx(out_dir)
    verify_docx_headings(docx_path)
    print(f"wrote {docx_path.relative_to(REPO_ROOT)}")

    guideline = build_pdf(
        out_dir,
        "data_classification_guideline_en.pdf",
        CLASSIFICATION_EN_META,
        CLASSIFICATION_EN_PAGES,
        "Page",
    )
    verify_pdf_text(
        guideline,
        [
            ["within 30 days of its creation"],
            ["Restricted data must be reviewed every 6 months"],
            ["access logs for restricted data are kept for 2 years"],
        ],
    )
    print(f"wrote {guideline.relative_to(REPO_ROOT)} (3 pages, text verified with pypdf)")

    directory = build_pdf(out_dir, "department_directory_ko.pdf", DIRECTORY_META, DIRECTORY_PAGES, "쪽")
    verify_pdf_text(
        directory,
        [
            [
                "부산광역시 데이터 소관 부서 안내",
                "빅데이터통계과",
                "환경정책과",
                "교통정책과",
                "해양농수산국",
            ],
            ["해운대구 관광문화과", "7일 이내에 소관 부서를 하나로 정한다"],
        ],
    )
    print(f"wrote {directory.relative_to(REPO_ROOT)} (2 pages, Korean text verified with pypdf)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
