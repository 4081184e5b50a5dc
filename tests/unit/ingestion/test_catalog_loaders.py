"""Catalog loaders: data.go.kr CSV (both export shapes, UTF-8 and cp949), CKAN JSON and DCAT JSON-LD."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification, LoadedSource, SourceKind
from ingestion.loaders import SourceDefaults, load_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"


def _by_id(loaded: list[LoadedSource]) -> dict[str, LoadedSource]:
    return {item.source.source_id: item for item in loaded}


def _copy_fixture(name: str, directory: Path) -> Path:
    target = directory / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def test_datagokr_rows_become_catalog_sources_with_urls_by_type() -> None:
    loaded = _by_id(load_file(FIXTURES / "datagokr_catalog_sample.csv", FIXTURES, SourceDefaults()))
    assert set(loaded) == {
        "catalog:datagokr:15037510",
        "catalog:datagokr:15000522",
        "catalog:datagokr:15012890",
        "catalog:datagokr:15006063",
    }
    assert (
        loaded["catalog:datagokr:15037510"].source.url == "https://www.data.go.kr/data/15037510/fileData.do"
    )
    assert loaded["catalog:datagokr:15000522"].source.url == "https://www.data.go.kr/data/15000522/openapi.do"
    assert (
        loaded["catalog:datagokr:15012890"].source.url == "https://www.data.go.kr/data/15012890/standard.do"
    )


def test_datagokr_row_metadata_and_readable_record() -> None:
    loaded = _by_id(load_file(FIXTURES / "datagokr_catalog_sample.csv", FIXTURES, SourceDefaults()))
    beach = loaded["catalog:datagokr:15037510"]
    source = beach.source
    assert source.kind == SourceKind.CATALOG
    assert source.title == "부산광역시 해운대구_해운대해수욕장 방문객 현황"
    assert source.as_of == "2021-10-13"
    assert source.language == "ko"
    assert source.origin == "datagokr_catalog_sample.csv"
    assert source.departments == []
    assert source.extra["agency"] == "부산광역시 해운대구"
    assert source.extra["category"] == "문화관광"
    assert source.extra["type"] == "FILE"
    assert source.extra["registered"] == "2019-07-16"
    [section] = beach.sections
    assert section.locator == "catalog entry 15037510"
    assert "데이터셋 dataset: 부산광역시 해운대구_해운대해수욕장 방문객 현황" in section.text
    assert "방문객수" in section.text
    assert "수정일 modified: 2021-10-13" in section.text


def test_datagokr_department_formats_and_keywords_columns() -> None:
    loaded = _by_id(load_file(FIXTURES / "datagokr_catalog_sample.csv", FIXTURES, SourceDefaults()))
    bus = loaded["catalog:datagokr:15006063"]
    assert bus.source.departments == ["민원봉사과"]
    assert bus.source.extra["formats"] == "JPG"
    assert bus.source.extra["keywords"] == "대중교통, 정류소, 버스노선"
    assert "제공기관 publisher: 부산광역시 강서구 (민원봉사과)" in bus.sections[0].text
    assert "키워드 keywords: 대중교통, 정류소, 버스노선" in bus.sections[0].text


def test_cli_defaults_apply_where_the_row_names_no_department() -> None:
    defaults = SourceDefaults(classification=Classification.INTERNAL, departments=["빅데이터통계과"])
    loaded = _by_id(load_file(FIXTURES / "datagokr_catalog_sample.csv", FIXTURES, defaults))
    assert loaded["catalog:datagokr:15037510"].source.departments == ["빅데이터통계과"]
    assert loaded["catalog:datagokr:15006063"].source.departments == ["민원봉사과"]
    assert {item.source.classification for item in loaded.values()} == {Classification.INTERNAL}


def test_cp949_catalog_csv(tmp_path: Path) -> None:
    text = (FIXTURES / "datagokr_catalog_sample.csv").read_text(encoding="utf-8")
    path = tmp_path / "catalog_cp949.csv"
    path.write_bytes(text.encode("cp949"))
    loaded = _by_id(load_file(path, tmp_path, SourceDefaults()))
    assert (
        loaded["catalog:datagokr:15037510"].source.title == "부산광역시 해운대구_해운대해수욕장 방문객 현황"
    )
    assert loaded["catalog:datagokr:15006063"].source.departments == ["민원봉사과"]


def test_filedata_export_shape() -> None:
    loaded = _by_id(load_file(FIXTURES / "datagokr_filedata_sample.csv", FIXTURES, SourceDefaults()))
    bus = loaded["catalog:datagokr:15006063"].source
    assert bus.url == "https://www.data.go.kr/data/15006063/fileData.do"
    # data.go.kr's own name (목록명), as the listed file keeps it: "｜" is the export's "_"
    assert bus.title == "부산광역시_강서구_마을버스 운행정보"
    assert bus.departments == ["민원봉사과"]
    assert bus.as_of == "2021-10-19"
    assert bus.extra["agency"] == "부산광역시 강서구"
    # The title already starts with the publisher: no prefix is added twice.
    assert loaded["catalog:datagokr:15006230"].source.title == "부산광역시 강서구 식품접객업소 현황"


def test_statistics_csv_is_not_a_catalog(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text("district,population\n해운대구,380000\n", encoding="utf-8")
    with pytest.raises(CityQAError) as caught:
        load_file(path, tmp_path, SourceDefaults())
    assert caught.value.code == ErrorCode.INGEST_FAILED
    assert "population.csv: is not a dataset catalog; statistics tables need a table card (--card)" in str(
        caught.value
    )


def test_duplicate_catalog_keys_are_rejected(tmp_path: Path) -> None:
    lines = (FIXTURES / "datagokr_catalog_sample.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(CityQAError, match="15037510 appears twice"):
        load_file(path, tmp_path, SourceDefaults())


def test_ckan_package_search() -> None:
    loaded = _by_id(load_file(FIXTURES / "ckan_package_search.json", FIXTURES, SourceDefaults()))
    assert set(loaded) == {"catalog:ckan:haeundae-beach-visitors", "catalog:ckan:gangseo-village-bus"}
    beach = loaded["catalog:ckan:haeundae-beach-visitors"]
    source = beach.source
    assert source.kind == SourceKind.CATALOG
    assert source.title == "부산광역시 해운대구_해운대해수욕장 방문객 현황"
    assert source.url == "https://www.data.go.kr/data/15037510/fileData.do"
    assert source.as_of == "2021-10-13"
    assert source.departments == ["관광문화과"]
    assert source.extra["agency"] == "부산광역시 해운대구"
    assert source.extra["formats"] == "CSV"
    assert source.extra["keywords"] == "해수욕장, 방문객"
    assert source.language == "ko"
    assert beach.sections[0].locator == "catalog entry haeundae-beach-visitors"
    bus = loaded["catalog:ckan:gangseo-village-bus"].source
    assert bus.url == "https://example.org/gangseo-bus.jpg"  # no package url: first resource
    assert bus.language == "en"


def test_ckan_failure_response_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ckan.json"
    path.write_text('{"success": false, "result": null, "error": {"message": "Not found"}}', encoding="utf-8")
    with pytest.raises(CityQAError, match="success: false"):
        load_file(path, tmp_path, SourceDefaults())


def test_dcat_prefixed_keys_and_jsonld_values() -> None:
    loaded = _by_id(load_file(FIXTURES / "dcat_catalog.jsonld", FIXTURES, SourceDefaults()))
    assert set(loaded) == {"catalog:dcat:15000522", "catalog:dcat:15006170"}
    subway = loaded["catalog:dcat:15000522"].source
    assert subway.title == "부산교통공사_부산 도시철도 열차시각표 조회 서비스"  # the Korean literal
    assert subway.url == "https://www.data.go.kr/data/15000522/openapi.do"
    assert subway.extra["agency"] == "부산교통공사"
    assert subway.extra["keywords"] == "도시철도, 열차시각표"
    assert subway.extra["registered"] == "2013-07-24"
    assert subway.extra["formats"] == "JSON"
    assert subway.as_of == "2022-01-06"
    works = loaded["catalog:dcat:15006170"].source
    assert works.departments == ["영상콘텐츠산업과"]
    assert works.as_of == "2022-03-24"
    assert loaded["catalog:dcat:15006170"].sections[0].locator == "catalog entry 15006170"


def test_dcat_graph_with_unprefixed_keys() -> None:
    loaded = load_file(FIXTURES / "dcat_graph_unprefixed.jsonld", FIXTURES, SourceDefaults())
    assert [item.source.source_id for item in loaded] == ["catalog:dcat:15006230"]
    source = loaded[0].source
    assert source.title == "부산광역시 강서구 식품접객업소 현황"
    assert source.url == "https://www.data.go.kr/data/15006230/fileData.do"
    assert source.extra["agency"] == "부산광역시 강서구"
    assert source.as_of == "2021-10-19"


def test_json_that_is_no_catalog_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "dark"}', encoding="utf-8")
    with pytest.raises(CityQAError, match="neither a CKAN package_search response nor a DCAT catalog"):
        load_file(path, tmp_path, SourceDefaults())


def test_invalid_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"success": true, "result": ', encoding="utf-8")
    with pytest.raises(CityQAError, match="broken.json: invalid JSON"):
        load_file(path, tmp_path, SourceDefaults())


def test_catalog_sidecar_sets_classification_for_every_row(tmp_path: Path) -> None:
    path = _copy_fixture("ckan_package_search.json", tmp_path)
    (tmp_path / "ckan_package_search.json.meta.yaml").write_text(
        "classification: restricted\ndepartments: [정보화담당관]\n", encoding="utf-8"
    )
    loaded = _by_id(load_file(path, tmp_path, SourceDefaults()))
    assert {item.source.classification for item in loaded.values()} == {Classification.RESTRICTED}
    assert loaded["catalog:ckan:haeundae-beach-visitors"].source.departments == ["관광문화과"]
    assert loaded["catalog:ckan:gangseo-village-bus"].source.departments == ["정보화담당관"]


def test_dcat_single_dataset_object_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonld"
    path.write_text(
        '{"dcat:dataset": {"dct:identifier": "15037510", "dct:title": "해운대해수욕장 방문객 현황"}}',
        encoding="utf-8",
    )
    [loaded] = load_file(path, tmp_path, SourceDefaults())
    assert loaded.source.source_id == "catalog:dcat:15037510"
    assert loaded.source.url is None


def test_dcat_dataset_without_identifier_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "anonymous.jsonld"
    path.write_text('{"dataset": [{"title": "이름만 있는 데이터셋"}]}', encoding="utf-8")
    with pytest.raises(CityQAError, match="DCAT dataset 1 has no identifier"):
        load_file(path, tmp_path, SourceDefaults())
