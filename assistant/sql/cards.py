"""Table cards: the YAML description of a curated statistics table.

A card is the contract between a table's data and everything that uses it: ingestion indexes it as a
searchable "table" source, the warehouse loads the data with the card's column types, and the
semantic layer reads measures, dimensions and synonyms from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

from assistant.models import Classification

DRAFT_TITLE_SUFFIX = " (draft card, needs review)"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

ColumnType = Literal["VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "DATE", "BOOLEAN"]
ColumnRole = Literal["dimension", "measure", "time", "key", "attribute"]
Aggregation = Literal["sum", "avg", "min", "max", "count"]


class Bilingual(BaseModel):
    ko: str
    en: str


class CardSource(BaseModel):
    name: str
    url: str | None = None


class ColumnCard(BaseModel):
    name: str
    type: ColumnType
    role: ColumnRole = "attribute"
    unit: str | None = None
    description: Bilingual
    aggregation: Aggregation | None = Field(None, description="Default aggregation of a measure.")
    synonyms: list[str] = Field(default_factory=list, description="Korean and English words for it.")
    header: str | None = Field(
        None,
        description="The column's header in the data file when it differs from `name` (renamed on load).",
    )

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        if not _IDENTIFIER.match(value):
            raise ValueError(f"column name {value!r} must be lower_snake_case")
        return value


class JoinCard(BaseModel):
    table: str
    on: list[str] = Field(description="Columns with the same name in both tables.")


class TableCard(BaseModel):
    name: str = Field(description="Stable SQL name of the curated table, e.g. population_by_district_2025.")
    title: Bilingual
    description: Bilingual
    source: CardSource
    licence: str
    as_of: str = Field(description="Date the data refers to, ISO format (YYYY-MM-DD).")
    grain: str = Field(description="What one row is.")
    file: str = Field(description="Data file (CSV/XLSX) relative to the card.")
    classification: Classification = Classification.PUBLIC
    departments: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list, description="Words for the table as a whole.")
    columns: list[ColumnCard]
    joins: list[JoinCard] = Field(default_factory=list)
    needs_review: bool = Field(False, description="True for a card drafted from the data by the machine.")

    @field_validator("name")
    @classmethod
    def _clean_table_name(cls, value: str) -> str:
        if not _IDENTIFIER.match(value):
            raise ValueError(f"table name {value!r} must be lower_snake_case")
        return value

    @model_validator(mode="after")
    def _unique_columns(self) -> TableCard:
        names = [column.name for column in self.columns]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate columns: {', '.join(duplicates)}")
        return self

    def column(self, name: str) -> ColumnCard:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def source_id(self) -> str:
        return f"table:{self.name}"

    def display_title(self) -> str:
        """The title shown in citations and source lists; a machine-drafted card says so."""
        title = self.title.ko if self.title.ko == self.title.en else f"{self.title.ko} ({self.title.en})"
        return title + (DRAFT_TITLE_SUFFIX if self.needs_review else "")

    def searchable_text(self) -> str:
        """The text indexed for retrieval: both titles, descriptions and every column's meaning."""
        lines = [
            f"{self.title.ko} / {self.title.en}",
            self.description.ko,
            self.description.en,
            f"Grain: {self.grain}. As of {self.as_of}. Source: {self.source.name}.",
        ]
        for column in self.columns:
            unit = f" ({column.unit})" if column.unit else ""
            lines.append(f"- {column.name}{unit}: {column.description.ko} / {column.description.en}")
        if self.synonyms:
            lines.append("Keywords: " + ", ".join(self.synonyms))
        return "\n".join(lines)


def load_table_card(path: Path) -> TableCard:
    """Read and validate a card; raises ValueError with the file name on any problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TableCard.model_validate(raw)
    except Exception as error:  # yaml and pydantic errors alike: one clear message per file
        raise ValueError(f"invalid table card {path.name}: {error}") from error
