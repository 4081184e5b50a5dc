"""Draft a table card from the data when a statistics table arrives without one.

The draft is deliberately conservative: a column gets a numeric or date type only when every non-empty
value is written that way (a subset of what DuckDB casts, so loading never fails or rounds), codes keep
their leading zeros as text, and the card says `needs_review: true` until an official has checked the
titles, descriptions, types and roles. Each column keeps its original header in `header` (the loader
renames by it), in its Korean description and as a synonym, so Korean questions still match it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from assistant.models import Classification
from assistant.sql.cards import (
    Aggregation,
    Bilingual,
    CardSource,
    ColumnCard,
    ColumnRole,
    ColumnType,
    TableCard,
)

DIMENSION_MAX_DISTINCT = 50
_EXAMPLE_VALUES = 5
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})( 00:00:00)?$")
_INT32 = 2**31 - 1
_INT64 = 2**63 - 1
_YEAR_WORDS = {"year", "yr", "yyyy", "연도", "년도", "년", "기준연도", "기준년도"}
_AVERAGE_WORDS = {"rate", "ratio", "pct", "percent", "percentage", "share", "avg", "mean", "average"}
_AVERAGE_KOREAN = ("율", "률", "비율", "평균", "비중", "밀도")
_CODE_WORDS = {"code", "cd", "id", "key"}
_KEY_WORDS = _CODE_WORDS | {"no", "seq", "연번", "순번", "번호"}
_UNNAMED = re.compile(r"^Unnamed: \d+$")


def draft_card(
    frame: pd.DataFrame,
    name: str,
    source_file: str,
    *,
    as_of: str | None = None,
    classification: Classification = Classification.PUBLIC,
    departments: Sequence[str] = (),
) -> TableCard:
    """A reviewable card for `frame` (strings, as `read_table_data` returns) read from `source_file`.

    Columns follow the data's order; `as_of` defaults to today (callers pass the file's date)."""
    headers = [str(header) for header in frame.columns]
    names = clean_column_names(headers)
    columns = [
        _draft_column(column_name, header, frame.iloc[:, position])
        for position, (column_name, header) in enumerate(zip(names, headers, strict=True))
    ]
    stem = Path(source_file).stem
    table_name = table_name_for(name)
    return TableCard(
        name=table_name,
        title=Bilingual(ko=stem, en=stem),
        description=Bilingual(
            ko=f"{source_file}에서 자동으로 만든 초안 카드입니다 ({len(frame)}행). 제목, 설명, 열의 형식과 "
            "역할을 검토한 뒤 needs_review를 false로 바꾸세요.",
            en=f"Machine-drafted card from {source_file} ({len(frame)} rows). Review the title, "
            "descriptions, column types and roles, then set needs_review to false.",
        ),
        source=CardSource(name=source_file),
        licence="unknown — review",
        as_of=as_of or date.today().isoformat(),
        grain=f"one row of {source_file} (machine draft: say what one row is)",
        file=source_file,
        classification=classification,
        departments=list(departments),
        synonyms=[stem] if stem != table_name else [],
        columns=columns,
        needs_review=True,
    )


def table_name_for(stem: str) -> str:
    """A lower_snake_case SQL name for a file stem; a stable `table_<hash>` when nothing ASCII is left."""
    slug = _ascii_slug(stem)
    if not slug:
        return "table_" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return slug if slug[0].isalpha() else f"t_{slug}"


def clean_column_names(headers: Sequence[str]) -> list[str]:
    """lower_snake_case names by position: ASCII headers are slugged, Korean or empty ones become
    `col_<n>` (1-based); repeats get `_2`, `_3`."""
    names: list[str] = []
    for position, header in enumerate(headers, start=1):
        text = header.strip()
        slug = _ascii_slug(text)
        if not slug or _UNNAMED.match(text) or any(not char.isascii() and char.isalpha() for char in text):
            slug = f"col_{position}"
        elif not slug[0].isalpha():
            slug = f"col_{slug}"
        candidate, suffix = slug, 2
        while candidate in names:
            candidate, suffix = f"{slug}_{suffix}", suffix + 1
        names.append(candidate)
    return names


def infer_column_type(values: Iterable[str]) -> ColumnType:
    """The narrowest of INTEGER, BIGINT, DOUBLE, DATE that every value is written as; else VARCHAR.

    Integers with a leading zero (codes such as 02001) stay VARCHAR; an empty column is VARCHAR."""
    texts = [value.strip() for value in values]
    if not texts:
        return "VARCHAR"
    if all(_INTEGER.match(text) for text in texts):
        if any(len(text.lstrip("+-")) > 1 and text.lstrip("+-").startswith("0") for text in texts):
            return "VARCHAR"
        largest = max(abs(int(text)) for text in texts)
        if largest <= _INT32:
            return "INTEGER"
        return "BIGINT" if largest <= _INT64 else "DOUBLE"
    if all(_DECIMAL.match(text) for text in texts):
        return "DOUBLE"
    if all(_is_iso_date(text) for text in texts):
        return "DATE"
    return "VARCHAR"


def write_card(card: TableCard, path: Path) -> None:
    """Write a drafted card as YAML for review; never overwrites (FileExistsError if `path` exists)."""
    content = card.model_dump(mode="json", exclude_none=True)
    # name and header first: they are what a reviewer renames and must keep
    content["columns"] = [_name_and_header_first(column) for column in content["columns"]]
    ordered = {"needs_review": content.pop("needs_review"), **content}
    note = (
        f"# Drafted by cityqa from {card.file} on {date.today().isoformat()}: review every field\n"
        "# (title, description, licence, grain, column types, roles, descriptions), then set\n"
        "# needs_review: false. `header` is the column's header in the data file; keep it.\n"
    )
    text = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=110)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(note + text)


def _name_and_header_first(column: dict[str, object]) -> dict[str, object]:
    first: dict[str, object] = {key: column.pop(key) for key in ("name", "header") if key in column}
    return {**first, **column}


def _draft_column(name: str, header: str, series: pd.Series) -> ColumnCard:
    values = [str(value) for value in series.dropna()]
    label = header.strip() or name
    words = _words(f"{label} {name}")
    code_like = bool(words & _CODE_WORDS) or "코드" in label
    type_: ColumnType = "VARCHAR" if code_like else infer_column_type(values)
    role: ColumnRole
    aggregation: Aggregation | None = None
    numbers = pd.to_numeric(pd.Series([text.strip() for text in values]), errors="coerce")
    if code_like or words & _KEY_WORDS:
        role = "key"
    elif type_ == "DATE" or (type_ == "INTEGER" and _is_year_column(words, numbers)):
        role = "time"
    elif type_ in ("INTEGER", "BIGINT", "DOUBLE"):
        role = "measure"
        averaged = words & _AVERAGE_WORDS or any(part in label for part in _AVERAGE_KOREAN)
        aggregation = "avg" if averaged else "sum"
    elif values and len(set(values)) <= DIMENSION_MAX_DISTINCT:
        role = "dimension"
    else:
        role = "attribute"
    summary = _summary(role, type_, values, numbers)
    return ColumnCard(
        name=name,
        header=header,
        type=type_,
        role=role,
        description=Bilingual(
            ko=label + (f" (값 예: {_examples(values)})" if role == "dimension" else ""),
            en=f"Machine draft (header {label}): {summary}; review.",
        ),
        aggregation=aggregation,
        synonyms=[label] if label != name else [],
    )


def _summary(role: ColumnRole, type_: ColumnType, values: list[str], numbers: pd.Series) -> str:
    if not values:
        return "no values in the data"
    if role == "dimension":
        return f"{len(set(values))} distinct values, e.g. {_examples(values)}"
    if type_ in ("INTEGER", "BIGINT", "DOUBLE"):
        return f"{type_.lower()} from {_number(numbers.min())} to {_number(numbers.max())}"
    if type_ == "DATE":
        return f"dates from {min(values).strip()[:10]} to {max(values).strip()[:10]}"
    return f"text, {len(set(values))} distinct values"


def _examples(values: list[str]) -> str:
    counts = pd.Series(values).value_counts()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(str(value) for value, _ in ranked[:_EXAMPLE_VALUES])


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _is_year_column(words: set[str], numbers: pd.Series) -> bool:
    named = bool(words & _YEAR_WORDS) or any(word.endswith(("연도", "년도")) for word in words)
    return named and bool(numbers.notna().all()) and bool(numbers.between(1900, 2100).all())


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[^0-9a-z가-힣]+", text.lower()) if word}


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _is_iso_date(text: str) -> bool:
    match = _ISO_DATE.match(text)
    if match is None:
        return False
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return False
    return True
