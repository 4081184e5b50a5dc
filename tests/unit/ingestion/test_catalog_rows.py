"""Malformed data.go.kr catalog rows: set aside by line number with a reason, never indexed silently.

A file with some bad rows indexes the good ones and lists the bad ones (again on an unchanged re-run);
a file whose rows are all bad is a failed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CityQAError, ErrorCode
from ingestion.loaders import SourceDefaults, load_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"
HEADER = FIXTURES.joinpath("datagokr_catalog_sample.csv").read_text("utf-8").splitlines()[0]


def _row(key: str, title: str) -> str:
    """A well-formed 15-column 목록 row."""
    description = f'"{title} 설명, 쉼표 포함"'
    return f"{key},FILE,{title},{description},10,문화관광,3330000,부산광역시,N,N,2019-07-16,2021-10-13,,,"


def _catalog(folder: Path, lines: list[str], name: str = "catalog.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", "utf-8")
    return path


def test_short_rows_are_left_out_with_their_line_numbers_and_good_rows_indexed(
    make_stack, tmp_path: Path
) -> None:
    catalog = _catalog(
        tmp_path / "catalogs",
        [
            _row("15000001", "해운대 방문객"),  # line 2
            "15000002,FILE,짧은 행",  # line 3: 3 of 15 columns
            '15000003,FILE,"여러 줄\n제목",설명,1,분류,1,기관,N,N,2020-01-01,2020-01-02,,,',  # lines 4-5
            "15000004,API,또 짧은 행",  # line 6
            _row("15000005", "광안리 방문객"),  # line 7
        ],
    )
    stack = make_stack()

    report = stack.ingestor.ingest([catalog], SourceDefaults())

    assert report.failed == []
    assert [path for path, _ in report.indexed] == [str(catalog)]
    [(path, reason)] = report.skipped
    assert path == str(catalog)
    assert "2 of 5 catalog rows" in reason
    assert "lines 3, 6" in reason and "3 of 15 columns" in reason
    ids = stack.sources.all_source_ids()
    assert {"catalog:datagokr:15000001", "catalog:datagokr:15000003", "catalog:datagokr:15000005"} <= ids
    assert "catalog:datagokr:15000002" not in ids and "catalog:datagokr:15000004" not in ids

    again = stack.ingestor.ingest([catalog], SourceDefaults())

    assert again.unchanged == [str(catalog)] and again.indexed == []
    assert again.skipped == report.skipped, "an unchanged file's left-out rows are still reported"


def test_a_row_without_a_dataset_key_is_left_out_not_the_whole_file(make_stack, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, [_row("15000001", "좋은 행"), _row("", "키 없는 행")])
    stack = make_stack()

    report = stack.ingestor.ingest([catalog], SourceDefaults())

    assert report.failed == []
    assert [path for path, _ in report.indexed] == [str(catalog)]
    [(_, reason)] = report.skipped
    assert "1 of 2 catalog rows" in reason and "line 3" in reason and "no dataset key" in reason


def test_a_catalog_whose_rows_are_all_malformed_fails_with_the_reason(make_stack, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, ["15000002,FILE,짧은 행", "15000003,FILE,또 짧은 행", "15000004,API,셋째"])
    stack = make_stack()

    report = stack.ingestor.ingest([catalog], SourceDefaults())

    assert report.indexed == []
    [(path, reason)] = report.failed
    assert path == str(catalog)
    assert "no valid catalog rows" in reason
    assert "lines 2, 3, 4" in reason and "3 of 15 columns" in reason
    assert not stack.sources.all_source_ids()


def test_the_loader_refuses_an_all_malformed_catalog(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, ["15000002,FILE,짧은 행"])
    with pytest.raises(CityQAError, match="no valid catalog rows") as raised:
        load_file(catalog, tmp_path, SourceDefaults())
    assert raised.value.code == ErrorCode.INGEST_FAILED


def test_a_row_with_extra_columns_is_malformed_but_trailing_empty_cells_are_not(
    make_stack, tmp_path: Path
) -> None:
    catalog = _catalog(
        tmp_path,
        [
            _row("15000001", "빈 칸이 더 붙은 행") + ",,",  # empty cells past the header: harmless
            _row("15000002", "값이 더 붙은 행") + ",extra",
        ],
    )
    stack = make_stack()

    report = stack.ingestor.ingest([catalog], SourceDefaults())

    assert [path for path, _ in report.indexed] == [str(catalog)]
    [(_, reason)] = report.skipped
    assert "line 3" in reason and "16 of 15 columns" in reason
    assert "catalog:datagokr:15000001" in stack.sources.all_source_ids()


def test_many_bad_lines_are_summarised(make_stack, tmp_path: Path) -> None:
    bad = [f"150001{n:02d},FILE,짧은 행" for n in range(30)]
    catalog = _catalog(tmp_path, [_row("15000001", "좋은 행"), *bad])
    stack = make_stack()

    [(_, reason)] = stack.ingestor.ingest([catalog], SourceDefaults()).skipped

    assert "30 of 31 catalog rows" in reason
    assert "lines 3, 4, 5" in reason and "20 more" in reason
    assert len(reason) < 300
