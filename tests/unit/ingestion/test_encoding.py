"""read_text / decode_bytes: the encodings Korean public data arrives in, and honest failure."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.errors import CityQAError, ErrorCode
from ingestion.encoding import decode_bytes, read_text

AIR_QUALITY_ROW = "2014-11-12 01,부산 기장군,기장읍,221231,0.004,1.2,0.017,0.033,67,"


def test_utf8_is_read_as_is(tmp_path: Path) -> None:
    path = tmp_path / "row.csv"
    path.write_bytes(AIR_QUALITY_ROW.encode("utf-8"))
    assert read_text(path) == AIR_QUALITY_ROW


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "row.csv"
    path.write_bytes(codecs.BOM_UTF8 + AIR_QUALITY_ROW.encode("utf-8"))
    text = read_text(path)
    assert text == AIR_QUALITY_ROW
    assert not text.startswith("\ufeff")


def test_cp949_headerless_air_quality_row(tmp_path: Path) -> None:
    path = tmp_path / "busan_airkorea_2014.csv"
    path.write_bytes((AIR_QUALITY_ROW + "\n").encode("cp949"))
    assert read_text(path).splitlines() == [AIR_QUALITY_ROW]


def test_euc_kr_bytes_decode_through_cp949() -> None:
    assert decode_bytes("부산광역시 해운대구".encode("euc-kr"), "x.txt") == "부산광역시 해운대구"


def test_utf16_with_bom_falls_back_to_detection() -> None:
    assert (
        decode_bytes("부산광역시 해운대구 방문객".encode("utf-16"), "x.txt") == "부산광역시 해운대구 방문객"
    )


def test_undecodable_bytes_raise_ingest_failed_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x80\xff\x00\x81" * 64)
    with pytest.raises(CityQAError) as caught:
        read_text(path)
    assert caught.value.code == ErrorCode.INGEST_FAILED
    assert "cannot decode garbage.csv" in caught.value.detail


def test_bom_followed_by_invalid_utf8_is_rejected() -> None:
    with pytest.raises(CityQAError, match="cannot decode bad.txt"):
        decode_bytes(codecs.BOM_UTF8 + "부산".encode("cp949"), "bad.txt")


def test_missing_file_is_an_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(CityQAError, match="cannot read missing.txt"):
        read_text(tmp_path / "missing.txt")
