"""Ingesting one statistics table with an explicit card or a drafted one, over real stores
(real DuckDB, real Chroma, fake embedder): validation, encodings, XLSX, idempotence, reuse of drafts."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import CityQAError, ErrorCode
from assistant.models import User
from assistant.sql.cards import DRAFT_TITLE_SUFFIX, load_table_card
from ingestion.loaders import SourceDefaults
from ingestion.manifest import Manifest, file_key

DEMO_TABLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "tables"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ingestion"

KOREAN_CSV = (
    "연도,구,인구,인구밀도,비고\n"
    "2023,해운대구,374321,7000.5,해안\n"
    "2024,해운대구,370000,6900.25,해안\n"
    "2024,수영구,170000,16900,\n"
)


def _rows(stack, sql: str) -> list[list[object]]:
    return stack.warehouse.run_readonly(sql, 5000, 100, tables=stack.warehouse.tables()).rows


def _land_area(folder: Path, card_text: str | None = None) -> tuple[Path, Path]:
    """The demo land-area data renamed, and its card (optionally edited) elsewhere without `file`."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "land.csv"
    shutil.copy(DEMO_TABLES / "district_land_area.csv", data)
    raw = yaml.safe_load((DEMO_TABLES / "district_land_area.yaml").read_text("utf-8"))
    del raw["file"]
    cards = folder / "cards"
    cards.mkdir(exist_ok=True)
    card = cards / "land_card.yaml"
    card.write_text(card_text or yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return data, card


def test_an_explicit_card_indexes_and_loads_the_given_data_file(make_stack, tmp_path: Path) -> None:
    data, card = _land_area(tmp_path / "in")
    stack = make_stack()

    report = stack.ingestor.ingest([data], SourceDefaults(), card=card)

    assert report.failed == [] and report.drafted == []
    assert [path for path, _ in report.indexed] == [str(data)]
    assert _rows(stack, "SELECT COUNT(*), SUM(admin_dong_count) FROM district_land_area")[0][0] == 16
    source = stack.sources.get_for_user("table:district_land_area", User())
    assert source is not None and source.kind.value == "table"
    assert not source.title.endswith(DRAFT_TITLE_SUFFIX)
    assert file_key(card) in Manifest.load(stack.manifest_path).files

    again = stack.ingestor.ingest([data], SourceDefaults(), card=card)
    assert again.indexed == [] and again.failed == [] and again.unchanged == [str(data)]


def test_the_given_data_file_wins_over_the_cards_file(make_stack, tmp_path: Path) -> None:
    data, card = _land_area(tmp_path / "in")
    raw = yaml.safe_load(card.read_text("utf-8"))
    card.write_text(yaml.safe_dump({**raw, "file": "elsewhere.csv"}, allow_unicode=True), "utf-8")
    stack = make_stack()

    report = stack.ingestor.ingest([data], SourceDefaults(), card=card)

    assert report.failed == []
    assert _rows(stack, "SELECT COUNT(*) FROM district_land_area") == [[16]]


def test_a_utf8_bom_csv_with_a_card(make_stack, tmp_path: Path) -> None:
    data, card = _land_area(tmp_path / "in")
    data.write_bytes(codecs.BOM_UTF8 + data.read_bytes())
    stack = make_stack()

    assert stack.ingestor.ingest([data], SourceDefaults(), card=card).failed == []
    assert _rows(stack, "SELECT district FROM district_land_area WHERE district_en = 'Jung-gu'") == [["중구"]]


def test_a_card_naming_a_column_the_data_lacks_fails_with_the_reason(make_stack, tmp_path: Path) -> None:
    data, card = _land_area(tmp_path / "in")
    card.write_text(card.read_text("utf-8").replace("name: land_area_km2", "name: area_sq_km"), "utf-8")
    stack = make_stack()

    report = stack.ingestor.ingest([data], SourceDefaults(), card=card)

    assert report.indexed == []
    [(path, reason)] = report.failed
    assert path == str(data) and "area_sq_km" in reason and "missing" in reason
    assert "district_land_area" not in stack.warehouse.tables()
    assert "table:district_land_area" not in stack.sources.all_source_ids()


def test_a_card_whose_type_does_not_fit_the_data_fails(make_stack, tmp_path: Path) -> None:
    data, card = _land_area(tmp_path / "in")
    text = card.read_text("utf-8").replace(
        "- name: district_en\n  type: VARCHAR", "- name: district_en\n  type: INTEGER"
    )
    card.write_text(text, "utf-8")
    stack = make_stack()

    [(_, reason)] = stack.ingestor.ingest([data], SourceDefaults(), card=card).failed

    assert "district_en" in reason and "INTEGER" in reason


def test_a_missing_or_invalid_card_is_a_failure_not_a_crash(make_stack, tmp_path: Path) -> None:
    data, card = _land_area(tmp_path / "in")
    stack = make_stack()

    missing = stack.ingestor.ingest([data], SourceDefaults(), card=card.with_name("nope.yaml"))
    card.write_text("name: Bad Name\ncolumns: []\n", "utf-8")
    invalid = stack.ingestor.ingest([data], SourceDefaults(), card=card)

    assert "not found" in missing.failed[0][1]
    assert "invalid table card" in invalid.failed[0][1]


@pytest.mark.parametrize(
    ("paths", "card_name", "message"),
    [
        (["a.csv", "b.csv"], "card.yaml", "one data file"),
        (["folder"], "card.yaml", "folder"),
        (["notes.md"], "card.yaml", "CSV or XLSX"),
        (["a.csv"], "card.json", "YAML"),
    ],
)
def test_card_arguments_are_checked(
    make_stack, tmp_path: Path, paths: list[str], card_name: str, message: str
) -> None:
    (tmp_path / "folder").mkdir()
    stack = make_stack()
    with pytest.raises(CityQAError) as raised:
        stack.ingestor.ingest(
            [tmp_path / path for path in paths], SourceDefaults(), card=tmp_path / card_name
        )
    assert raised.value.code == ErrorCode.BAD_REQUEST and message in raised.value.detail


def test_a_cp949_csv_without_card_gets_a_drafted_card_and_is_queryable(make_stack, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = folder / "busan_population.csv"
    data.write_bytes(KOREAN_CSV.encode("cp949"))
    stack = make_stack()

    report = stack.ingestor.ingest([data], SourceDefaults(), draft_cards=True)

    drafted = folder / "busan_population.card.yaml"
    assert report.failed == [] and report.drafted == [(str(data), str(drafted))]
    assert [path for path, _ in report.indexed] == [str(data)]
    written = yaml.safe_load(drafted.read_text("utf-8"))
    assert written["needs_review"] is True and written["file"] == "busan_population.csv"
    card = load_table_card(drafted)
    assert [(c.name, c.header, c.type, c.role) for c in card.columns] == [
        ("col_1", "연도", "INTEGER", "time"),
        ("district", "구", "VARCHAR", "dimension"),  # Busan districts: the layer's place column
        ("col_3", "인구", "INTEGER", "measure"),
        ("col_4", "인구밀도", "DOUBLE", "measure"),
        ("col_5", "비고", "VARCHAR", "attribute"),  # one value throughout: nothing to group by
    ]
    assert _rows(
        stack, "SELECT district, SUM(col_3) FROM busan_population WHERE col_1 = 2024 GROUP BY 1 ORDER BY 1"
    ) == [
        ["수영구", 170000],
        ["해운대구", 370000],
    ]
    assert _rows(stack, "SELECT MAX(col_4) FROM busan_population") == [[16900.0]]
    source = stack.sources.get_for_user("table:busan_population", User())
    assert source is not None and source.title.endswith(DRAFT_TITLE_SUFFIX)
    assert stack.warehouse.cards()["busan_population"].needs_review

    again = stack.ingestor.ingest([data], SourceDefaults(), draft_cards=True)
    assert again.indexed == [] and again.drafted == [] and again.unchanged == [str(data)]
    # the drafted card is an ordinary card now: ingesting the folder finds it, and nothing changed
    folder_run = stack.ingestor.ingest([folder], SourceDefaults())
    assert folder_run.indexed == [] and folder_run.failed == [] and folder_run.unchanged == [str(drafted)]


def test_an_xlsx_table_is_drafted(make_stack, tmp_path: Path) -> None:
    data = tmp_path / "port.xlsx"
    pd.DataFrame(
        {
            "Year": [2022, 2023, 2024],
            "Port": ["Busan New Port", "North Port", "Busan New Port"],
            "TEU": [1.5, 2.25, 3],
        }
    ).to_excel(data, index=False)
    stack = make_stack()

    report = stack.ingestor.ingest([data], SourceDefaults(), draft_cards=True)

    assert report.failed == [] and len(report.drafted) == 1
    card = load_table_card(tmp_path / "port.card.yaml")
    assert [(c.name, c.type, c.role, c.aggregation) for c in card.columns] == [
        ("year", "INTEGER", "time", None),
        ("port", "VARCHAR", "dimension", None),
        ("teu", "DOUBLE", "measure", "sum"),
    ]
    assert _rows(stack, "SELECT SUM(teu) FROM port WHERE port = 'Busan New Port'") == [[4.5]]


def test_an_existing_drafted_card_is_used_not_overwritten(make_stack, tmp_path: Path) -> None:
    data = tmp_path / "busan_population.csv"
    data.write_bytes(KOREAN_CSV.encode("cp949"))
    stack = make_stack()
    stack.ingestor.ingest([data], SourceDefaults(), draft_cards=True)
    card_path = tmp_path / "busan_population.card.yaml"
    # the official reviews it: renames columns (the headers stay), fixes the title, clears the flag
    reviewed = (
        card_path.read_text("utf-8")
        .replace("name: col_1", "name: year")
        .replace("name: col_3", "name: population")
        .replace("needs_review: true", "needs_review: false")
        .replace("  ko: busan_population\n", "  ko: 부산 구별 인구\n", 1)
    )
    card_path.write_text(reviewed, "utf-8")

    report = stack.ingestor.ingest([data], SourceDefaults(), draft_cards=True)

    assert report.failed == [] and report.drafted == []
    assert card_path.read_text("utf-8") == reviewed
    assert stack.warehouse.tables()["busan_population"][:3] == ["year", "district", "population"]
    assert _rows(stack, "SELECT population FROM busan_population WHERE year = 2023") == [[374321]]
    source = stack.sources.get_for_user("table:busan_population", User())
    assert source is not None and source.title.startswith("부산 구별 인구")
    assert not source.title.endswith(DRAFT_TITLE_SUFFIX)


def test_drafting_uses_a_card_in_the_folder_and_leaves_catalogs_alone(make_stack, tmp_path: Path) -> None:
    for name in ("district_land_area.yaml", "district_land_area.csv"):
        shutil.copy(DEMO_TABLES / name, tmp_path / name)
    catalog = tmp_path / "catalog.csv"
    shutil.copy(FIXTURES / "datagokr_catalog_sample.csv", catalog)
    stack = make_stack()

    report = stack.ingestor.ingest(
        [tmp_path / "district_land_area.csv", catalog], SourceDefaults(), draft_cards=True
    )

    assert report.failed == [] and report.drafted == []
    assert sorted(path for path, _ in report.indexed) == sorted(
        [str(tmp_path / "district_land_area.csv"), str(catalog)]
    )
    assert not list(tmp_path.glob("*.card.yaml"))
    assert "district_land_area" in stack.warehouse.tables()
    assert any(source_id.startswith("catalog:") for source_id in stack.sources.all_source_ids())


def test_without_a_card_or_draft_flag_a_lone_table_still_fails_with_a_reason(
    make_stack, tmp_path: Path
) -> None:
    data = tmp_path / "numbers.csv"
    data.write_text("name,value\nalpha,1\n", "utf-8")
    stack = make_stack()

    [(path, reason)] = stack.ingestor.ingest([data], SourceDefaults()).failed

    assert path == str(data) and "card" in reason
    assert not list(tmp_path.glob("*.card.yaml"))


def test_the_cli_rejects_a_card_with_two_paths_in_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CITYQA_HOME", str(tmp_path / "home"))
    runner = CliRunner()

    two = runner.invoke(app, ["ingest", "a.csv", "b.csv", "--card", "card.yaml"])
    both = runner.invoke(app, ["ingest", "a.csv", "--card", "card.yaml", "--draft-card"])

    assert two.exit_code == 1 and "--card describes one data file, but 2 paths" in two.output
    assert both.exit_code == 1 and "either --card or --draft-card" in both.output
    assert "Traceback" not in two.output + both.output
    assert not (tmp_path / "home").exists()
