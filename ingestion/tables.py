"""Statistics tables: a table card plus its data file become a searchable source and a warehouse table."""

from __future__ import annotations

import csv
import io
import itertools
import os
from pathlib import Path

import pandas as pd
import yaml

from assistant.errors import CityQAError, ErrorCode
from assistant.models import LoadedSource, Section, Source, SourceKind
from assistant.sql.cards import TableCard, load_table_card
from ingestion.encoding import decode_bytes
from ingestion.number_text import clean_values_for_card


def is_table_card(path: Path) -> bool:
    """A YAML file that describes a table (has `columns` and `file`); sidecars and examples are not."""
    if path.suffix.lower() not in (".yaml", ".yml") or path.name.endswith((".meta.yaml", ".meta.yml")):
        return False
    head = path.read_text(encoding="utf-8", errors="replace")
    return "\ncolumns:" in "\n" + head and "\nfile:" in "\n" + head


def load_card(path: Path) -> TableCard:
    try:
        return load_table_card(path)
    except ValueError as error:
        raise CityQAError(ErrorCode.INGEST_FAILED, f"{path.name}: {error}") from error


def data_file_of(card: TableCard, card_path: Path) -> Path:
    return (card_path.parent / card.file).resolve()


TABLE_DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm")

# The header columns by which ingestion.loaders.catalog recognises a data.go.kr catalog export.
_CATALOG_HEADERS = ({"목록키", "목록명"}, {"dataset_id", "title"})


def is_table_data(path: Path) -> bool:
    return path.suffix.lower() in TABLE_DATA_SUFFIXES


def check_card_arguments(paths: list[Path], card_path: Path) -> None:
    """An explicit card describes exactly one data file (CSV/XLSX); raise BAD_REQUEST otherwise."""
    if len(paths) != 1:
        raise CityQAError(
            ErrorCode.BAD_REQUEST, f"--card describes one data file, but {len(paths)} paths were given"
        )
    if paths[0].is_dir():
        raise CityQAError(ErrorCode.BAD_REQUEST, f"--card needs a data file, not the folder {paths[0]}")
    if not is_table_data(paths[0]):
        raise CityQAError(
            ErrorCode.BAD_REQUEST,
            f"--card needs a CSV or XLSX data file, not {paths[0].name} "
            f"(supported: {' '.join(TABLE_DATA_SUFFIXES)})",
        )
    if card_path.suffix.lower() not in (".yaml", ".yml"):
        raise CityQAError(ErrorCode.BAD_REQUEST, f"--card needs a YAML table card, not {card_path.name}")


def load_card_for_data(card_path: Path, data_path: Path) -> TableCard:
    """The card at `card_path` describing `data_path`: the given data file wins over the card's `file`,
    which may be absent."""
    if not card_path.is_file():
        raise CityQAError(ErrorCode.INGEST_FAILED, f"{card_path.name}: table card not found")
    try:
        raw = yaml.safe_load(card_path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("expected a mapping of card fields")
        raw["file"] = Path(os.path.relpath(data_path.resolve(), card_path.resolve().parent)).as_posix()
        return TableCard.model_validate(raw)
    except Exception as error:  # yaml and pydantic errors alike: one clear message per file
        raise CityQAError(
            ErrorCode.INGEST_FAILED, f"{card_path.name}: invalid table card: {error}"
        ) from error


def drafted_card_path(data_path: Path) -> Path:
    return data_path.with_name(f"{data_path.stem}.card.yaml")


def find_card_for(data_path: Path) -> Path | None:
    """The card of a data file: `<stem>.card.yaml` beside it if present, else a sibling card naming it."""
    drafted = drafted_card_path(data_path)
    if drafted.exists():
        return drafted
    target = data_path.resolve()
    for candidate in sorted(data_path.parent.glob("*.y*ml")):
        try:
            if is_table_card(candidate) and data_file_of(load_card(candidate), candidate) == target:
                return candidate
        except (CityQAError, OSError):
            continue  # an invalid sibling card is reported when that card itself is ingested
    return None


def is_catalog_frame(frame: pd.DataFrame) -> bool:
    header = {str(name).strip() for name in frame.columns}
    return any(required <= header for required in _CATALOG_HEADERS)


def frame_for_card(card: TableCard, frame: pd.DataFrame) -> pd.DataFrame:
    """The card's columns, in order and by name, taken from the data by `header` (or by name). Numbers
    are cleaned as a drafted card types them (separators, footnote marks, %, missing marks), for every
    card: a reviewed card keeps loading data published that way."""
    wanted = [(column.name, column.header or column.name) for column in card.columns]
    missing = [header for _, header in wanted if header not in frame.columns]
    if missing:
        present = ", ".join(repr(str(name)) for name in list(frame.columns)[:20])
        raise CityQAError(
            ErrorCode.INGEST_FAILED,
            f"table {card.name}: column {', '.join(repr(name) for name in missing)} missing from the data "
            f"(it has {present})",
        )
    taken = pd.DataFrame({name: frame[header] for name, header in wanted})
    return clean_values_for_card(card, taken)


def read_table_data(path: Path) -> pd.DataFrame:
    """CSV (UTF-8 or cp949) or XLSX into a frame of strings; the warehouse casts by the card."""
    if not path.exists():
        raise CityQAError(ErrorCode.INGEST_FAILED, f"{path.name}: data file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str)
        text = decode_bytes(path.read_bytes(), path.name)
        return pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=True,
            na_values=["NA", ""],
            skiprows=title_lines_before_header(text),
        )
    except CityQAError:
        raise
    except Exception as error:  # pandas raises many types for malformed files
        raise CityQAError(
            ErrorCode.INGEST_FAILED, f"{path.name}: cannot read table data ({error})"
        ) from error


_HEADER_SEARCH_LINES = 10


def title_lines_before_header(text: str) -> int:
    """How many lines above the header to skip: statistics portals (KOSIS) export a title line and a
    blank line before the header ("총조사인구 총괄(시도/성/5세연령별)"). Only leading lines with at
    most one non-empty cell are skipped, and only when a later line has more, so a one-column table
    keeps its header."""
    rows = list(itertools.islice(csv.reader(io.StringIO(text)), _HEADER_SEARCH_LINES))
    filled = [sum(1 for cell in row if cell.strip()) for row in rows]
    skipped = 0
    while skipped < len(filled) and filled[skipped] <= 1:
        skipped += 1
    if skipped == len(filled) or skipped == 0:
        return 0
    # csv rows and text lines differ only when a quoted cell holds a line break, which a title line
    # with at most one cell does not
    return skipped


def table_source(card: TableCard, origin: str) -> LoadedSource:
    """The card as a retrievable source: questions about what tables exist find it."""
    source = Source(
        source_id=card.source_id(),
        kind=SourceKind.TABLE,
        title=card.display_title(),
        url=card.source.url,
        classification=card.classification,
        departments=list(card.departments),
        as_of=card.as_of,
        origin=origin,
        extra={"table": card.name},
    )
    return LoadedSource(
        source=source, sections=[Section(text=card.searchable_text(), locator=f"table {card.name}")]
    )
