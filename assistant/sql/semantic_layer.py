"""The semantic layer: what the curated tables can answer, in words people use.

Built from the table cards (measures, dimensions, time columns, synonyms), the gazetteer (place names
in Korean and English), `resources/semantic_layer.yaml` (measure labels, derived measures such as
population density over a declared join) and, optionally, the distinct values of the warehouse's
dimension and time columns (passed in; the layer never queries anything itself).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.models import SqlResult
from assistant.sql.cards import TableCard
from assistant.sql.gazetteer import Gazetteer, load_gazetteer
from assistant.sql.phrase_matcher import PhraseMatcher

SEMANTIC_RESOURCE = Path(__file__).resolve().parents[1] / "resources" / "semantic_layer.yaml"
_PLACE_COLUMNS = {"district": "district", "province": "province", "port": "port"}
_ENGLISH_COLUMNS = {
    "district": "district_en",
    "province": "province_en",
    "port": "port_ko",
    "day_night": "day_night_en",
    "weekday": "weekday_en",
    "accident_type_major": "accident_type_major_en",
}
_SKIPPED_VALUES = {"기타", "없음", "주", "야"}
_AGGREGATE_SQL = {"sum": "SUM", "avg": "AVG", "min": "MIN", "max": "MAX", "count": "COUNT"}


@dataclass(frozen=True)
class Measure:
    table: str
    name: str
    expression: str  # aggregate SQL with the default aggregation
    column: str | None
    aggregation: str
    unit: str
    label_ko: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    join: str | None = None
    join_columns: tuple[str, ...] = ()

    @property
    def is_count(self) -> bool:
        return self.aggregation == "count"

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    @property
    def is_derived(self) -> bool:
        return self.column is None or self.expression != f"{_AGGREGATE_SQL[self.aggregation]}({self.column})"

    def expression_for(self, aggregation: str | None) -> str:
        """The aggregate expression, with an explicit aggregation when the user asked for one."""
        if aggregation and not self.is_count and not self.is_derived and self.column:
            return f"{_AGGREGATE_SQL[aggregation]}({self.column})"
        return self.expression

    def label(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en


@dataclass(frozen=True)
class Dimension:
    table: str
    column: str
    label_ko: str
    label_en: str
    synonyms: tuple[str, ...]
    values: tuple[Any, ...] = ()
    english_column: str | None = None


@dataclass
class TableInfo:
    card: TableCard
    measures: dict[str, Measure]
    dimensions: dict[str, Dimension]
    time_column: str | None
    years: tuple[int, ...]
    place_kind: str | None
    joins: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.card.name

    @property
    def place_column(self) -> str | None:
        return _PLACE_COLUMNS.get(self.place_kind) if self.place_kind else None

    def column_names(self) -> list[str]:
        return [column.name for column in self.card.columns]


def fold_plural(word: str) -> str:
    """ "divorces" → "divorce": enough English stemming to meet a measure's name."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


@dataclass
class SemanticLayer:
    tables: dict[str, TableInfo]
    gazetteer: Gazetteer
    matcher: PhraseMatcher

    @classmethod
    def build(
        cls,
        cards: Iterable[TableCard],
        dimension_values: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> SemanticLayer:
        gazetteer = gazetteer or load_gazetteer()
        resource = _semantic_resource()
        values = dimension_values or {}
        tables = {card.name: _table_info(card, values.get(card.name, {}), resource) for card in cards}
        layer = cls(tables=tables, gazetteer=gazetteer, matcher=PhraseMatcher())
        layer._index()
        return layer

    # -- lookups ---------------------------------------------------------------------------------
    @functools.cached_property
    def english_words(self) -> frozenset[str]:
        """The Latin-letter words of every phrase the tables are known by (for spelling fixes)."""
        return self.matcher.latin_words()

    @functools.cached_property
    def measure_words(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Each English word (plural folded) of the plain measures' names, with the measures it names."""
        owners: dict[str, set[tuple[str, str]]] = {}
        for info in self.tables.values():
            for measure in info.measures.values():
                if measure.is_derived or measure.is_count:
                    continue
                for phrase in (*measure.synonyms, measure.label_en, measure.name.replace("_", " ")):
                    for word in re.findall(r"[a-z]{4,}", phrase.lower()):
                        owners.setdefault(fold_plural(word), set()).add((info.name, measure.name))
        return {word: tuple(sorted(measures)) for word, measures in owners.items()}

    def measure(self, table: str, name: str) -> Measure:
        return self.tables[table].measures[name]

    def table(self, name: str) -> TableInfo:
        return self.tables[name]

    # -- the phrase index ------------------------------------------------------------------------
    def _index(self) -> None:
        matcher = self.matcher
        for info in self.tables.values():
            matcher.add_all(info.card.synonyms, ("table", info.name))
            matcher.add(info.name, ("table", info.name))
            for measure in info.measures.values():
                matcher.add_all((*measure.synonyms, measure.name), ("measure", info.name, measure.name))
            for dimension in info.dimensions.values():
                matcher.add_all(
                    (*dimension.synonyms, dimension.column), ("dimension", info.name, dimension.column)
                )
                if dimension.column in _PLACE_COLUMNS:
                    continue
                for value in dimension.values:
                    if isinstance(value, str) and len(value) >= 2 and value not in _SKIPPED_VALUES:
                        matcher.add(value, ("value", info.name, dimension.column, value))
                extra = self.gazetteer.value_synonyms.get(f"{info.name}.{dimension.column}", {})
                for value, words in extra.items():
                    matcher.add_all(words, ("value", info.name, dimension.column, value))
        for place in self.gazetteer.places():
            for index, name in enumerate(place.names):
                short_korean = index > 0 and len(name) <= 3 and not name.isascii()
                matcher.add(name, ("place", place), strict_korean_end=short_korean, is_name=True)


@functools.cache
def _semantic_resource() -> dict[str, Any]:
    raw = yaml.safe_load(SEMANTIC_RESOURCE.read_text(encoding="utf-8"))
    return dict(raw)


def _strip_parenthesis(text: str) -> str:
    return text.split(" (")[0].strip()


def _table_info(card: TableCard, values: Mapping[str, Sequence[Any]], resource: dict[str, Any]) -> TableInfo:
    labels = resource.get("labels", {})
    measures: dict[str, Measure] = {}
    dimensions: dict[str, Dimension] = {}
    time_column: str | None = None
    for column in card.columns:
        if column.aggregation == "count":
            label = labels.get(f"{card.name}.{column.name}", {})
            measures[column.name] = Measure(
                card.name,
                column.name,
                "COUNT(*)",
                column.name,
                "count",
                "건",
                label.get("ko", column.description.ko),
                label.get("en", column.description.en),
                tuple(column.synonyms),
            )
        elif column.role == "measure":
            aggregation = column.aggregation or "sum"
            label = labels.get(f"{card.name}.{column.name}", {})
            measures[column.name] = Measure(
                card.name,
                column.name,
                f"{_AGGREGATE_SQL[aggregation]}({column.name})",
                column.name,
                aggregation,
                column.unit or "",
                label.get("ko", _strip_parenthesis(column.description.ko)),
                label.get("en", _strip_parenthesis(column.description.en)),
                tuple(column.synonyms),
            )
        elif column.role == "dimension":
            english = _ENGLISH_COLUMNS.get(column.name)
            dimensions[column.name] = Dimension(
                card.name,
                column.name,
                _strip_parenthesis(column.description.ko),
                _strip_parenthesis(column.description.en),
                tuple(column.synonyms),
                tuple(values.get(column.name, ())),
                english if english and english in {c.name for c in card.columns} else None,
            )
        elif column.role == "time" and column.type == "INTEGER":
            time_column = column.name
            dimensions[column.name] = Dimension(
                card.name,
                column.name,
                column.description.ko,
                column.description.en,
                tuple(column.synonyms),
                tuple(values.get(column.name, ())),
            )
    for derived in resource.get("derived", []):
        if derived["table"] != card.name:
            continue
        base = measures.get(derived.get("replaces", ""))
        label = derived.get("label") or {
            "ko": base.label_ko if base else derived["name"],
            "en": base.label_en if base else derived["name"],
        }
        synonyms = tuple(derived.get("synonyms", ())) + (base.synonyms if base else ())
        measures[derived["name"]] = Measure(
            card.name,
            derived["name"],
            derived["expression"],
            None,
            "derived",
            derived.get("unit", ""),
            label["ko"],
            label["en"],
            synonyms,
            derived.get("join"),
            tuple(derived.get("join_columns", ())),
        )
    years = tuple(sorted(int(v) for v in values.get(time_column, ()) if v is not None)) if time_column else ()
    place_kind = next((kind for kind, column in _PLACE_COLUMNS.items() if column in dimensions), None)
    return TableInfo(
        card, measures, dimensions, time_column, years, place_kind, tuple(join.table for join in card.joins)
    )


def dimension_value_queries(cards: Iterable[TableCard]) -> dict[tuple[str, str], str]:
    """SELECT DISTINCT queries for every VARCHAR dimension and INTEGER time column of the cards."""
    queries: dict[tuple[str, str], str] = {}
    for card in cards:
        for column in card.columns:
            wanted = (column.role == "dimension" and column.type == "VARCHAR") or (
                column.role == "time" and column.type == "INTEGER"
            )
            if wanted:
                queries[(card.name, column.name)] = (
                    f"SELECT DISTINCT {column.name} FROM {card.name} WHERE {column.name} IS NOT NULL "
                    f"ORDER BY {column.name} LIMIT 1000"
                )
    return queries


def collect_dimension_values(
    cards: Iterable[TableCard], run_query: Callable[[str], SqlResult]
) -> dict[str, dict[str, list[Any]]]:
    """Distinct values of the dimension and time columns, through any read-only query runner."""
    values: dict[str, dict[str, list[Any]]] = {}
    for (table, column), sql in dimension_value_queries(cards).items():
        result = run_query(sql)
        values.setdefault(table, {})[column] = [row[0] for row in result.rows]
    return values
