"""The data.go.kr file-data export (dataset_id, org, title, publisher, department, created,
published, modified, formats, keywords, description, file_names): rows shaped like those of the
2022 national file-data catalog load with data.go.kr's own dataset name and the right fields."""

from __future__ import annotations

import csv
from pathlib import Path

from ingestion.loaders import SourceDefaults, load_file
from ingestion.loaders.catalog import filedata_title

HEADER = (
    "dataset_id,org,title,publisher,department,created,published,modified,formats,keywords,description,"
    "file_names"
)


def cells(org: str, title: str, publisher: str, file_names: str) -> dict[str, str]:
    return {"org": org, "title": title, "publisher": publisher, "file_names": file_names}


def test_the_title_is_the_datagokr_name() -> None:
    # "｜" stands for the name's own "_"; the listed file keeps the whole name.
    assert (
        filedata_title(
            cells(
                "경기도 성남시",
                "어디서나민원｜취급종류",
                "경기도 성남시",
                "경기도 성남시_어디서나민원_취급종류.csv",
            )
        )
        == "경기도 성남시_어디서나민원_취급종류"
    )
    # org is the province, publisher the county: the file name says how data.go.kr joined them.
    assert (
        filedata_title(
            cells("충청북도", "음성군｜전국대회 정보", "충청북도 음성군", "충청북도_음성군_전국대회 정보.csv")
        )
        == "충청북도_음성군_전국대회 정보"
    )
    # No org; the title already starts with the publisher.
    assert (
        filedata_title(
            cells("", "광주광역시 지적측량기준점 정보", "광주광역시", "광주광역시 지적측량기준점 정보.csv")
        )
        == "광주광역시 지적측량기준점 정보"
    )
    # A file name that does not start with the agency is not the dataset's name: title rebuilt.
    assert (
        filedata_title(cells("충청남도 서산시", "음식점현황", "충청남도 서산시", "list.csv"))
        == "충청남도 서산시_음식점현황"
    )
    assert (
        filedata_title(cells("고용노동부", "강소기업｜선정 현황", "고용노동부", ""))
        == "고용노동부_강소기업_선정 현황"
    )


def test_a_filedata_row_becomes_a_complete_catalog_entry(tmp_path: Path) -> None:
    path = tmp_path / "datagokr_filedata_catalog_2022.csv"
    row = [
        "15000890",
        "경기도 성남시",
        "의료기관｜현황",
        "경기도 성남시",
        "정책기획과",
        "2022-02-10",
        "2022-02-17",
        "2022-02-18",
        "CSV;XLSX",
        "병원;의원;의료",
        "경기도 성남시 의료기관 현황에 대한 데이터로, 구별,의료기관명,주소,전화번호 등의 항목을 제공합니다.",
        "경기도 성남시_의료기관_현황.csv",
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n")
        csv.writer(handle).writerow(row)

    [loaded] = load_file(path, tmp_path, SourceDefaults())

    source = loaded.source
    assert source.source_id == "catalog:datagokr:15000890"
    assert source.title == "경기도 성남시_의료기관_현황"
    assert source.url == "https://www.data.go.kr/data/15000890/fileData.do"
    assert source.departments == ["정책기획과"]
    assert source.as_of == "2022-02-18"  # modified: the update date
    assert source.extra == {
        "agency": "경기도 성남시",
        "type": "FILE",
        "formats": "CSV, XLSX",
        "keywords": "병원, 의원, 의료",
        "registered": "2022-02-17",
    }
    card = loaded.sections[0].text
    assert card.splitlines()[0] == "데이터셋 dataset: 경기도 성남시_의료기관_현황"
    assert "제공기관 publisher: 경기도 성남시 (정책기획과)" in card
    assert "형식 format: CSV, XLSX" in card and "수정일 modified: 2022-02-18" in card
