"""Statistics tables: a table card plus its data file become a searchable source and a warehouse table."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from assistant.errors import CityQAError, ErrorCode
from assistant.models import LoadedSource, Section, Source, SourceKind
from assistant.sql.cards import TableCard, load_table_card
from ingestion.encoding import decode_bytes


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


def read_table_data(path: Path) -> pd.DataFrame:
    """CSV (UTF-8 or cp949) or XLSX into a frame of strings; the warehouse casts by the card."""
    if not path.exists():
        raise CityQAError(ErrorCode.INGEST_FAILED, f"{path.name}: data file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str)
        text = decode_bytes(path.read_bytes(), path.name)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=True, na_values=["NA", ""])
    except CityQAError:
        raise
    except Exception as error:  # pandas raises many types for malformed files
        raise CityQAError(
            ErrorCode.INGEST_FAILED, f"{path.name}: cannot read table data ({error})"
        ) from error


def table_source(card: TableCard, origin: str) -> LoadedSource:
    """The card as a retrievable source: questions about what tables exist find it."""
    source = Source(
        source_id=card.source_id(),
        kind=SourceKind.TABLE,
        title=f"{card.title.ko} ({card.title.en})",
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
