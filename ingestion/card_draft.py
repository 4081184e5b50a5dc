"""Draft a table card from the data when a statistics table arrives without one.

The draft is deliberately conservative: a column gets a numeric or date type only when every value that
is not a missing mark ("-", "…", "x", "(X)", "N/A", "NA", empty) is written that way once thousands
separators, footnote marks and a trailing % are removed (`ingestion.number_text`, which also cleans
the data before a drafted card's table is loaded), codes keep their leading zeros as text, and the
card says `needs_review: true` until an official has checked the titles, descriptions, types and roles.
Only counts and amounts are summed: years are time, ranks and codes are attributes or keys, and rates,
ratios, percentages, averages, per-capita figures and densities are averaged. The as-of date comes
from the data (latest year or date) or the file name, never from the file's modification time; when
neither has one it is left empty and the description asks the reviewer for it. Each column keeps its
original header in `header` (the loader renames by it), in its Korean description and as a synonym,
so Korean questions still match it.
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
from ingestion.number_text import has_percent_sign, is_missing_mark, is_whole_number_text, number_text

DIMENSION_MAX_DISTINCT = 50
_EXAMPLE_VALUES = 5
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})( 00:00:00)?$")
_YEAR_VALUE = re.compile(r"^\d{4}$")
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
# a date in a file name or title: 2023, 2025-05, 202505, 2025.05.31, 20250531 (not inside a longer number)
_NAME_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?:[-._]?(0[1-9]|1[0-2])(?:[-._]?(0[1-9]|[12]\d|3[01]))?)?(?!\d)"
)
_INT32 = 2**31 - 1
_INT64 = 2**63 - 1
_YEAR_WORDS = {"year", "yr", "yyyy", "연도", "년도", "년", "기준연도", "기준년도"}
_AVERAGE_WORDS = {
    "rate", "ratio", "pct", "percent", "percentage", "share", "avg", "mean", "average", "median",
    "per", "capita", "density", "index",
}  # fmt: skip
_AVERAGE_KOREAN = ("율", "률", "비율", "평균", "비중", "밀도", "중위", "지수", "%")
_PER_UNIT_KOREAN = re.compile(r"(인|명|가구|세대|호|대|건|개|㎢|km²|km2|㎡|m²|m2|ha)\s*당")
_RANK_WORDS = {"rank", "ranking"}
_RANK_KOREAN = ("순위", "등수")
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

    Columns follow the data's order. `as_of` is a date known from elsewhere (a catalog entry); without
    it the date comes from the data or the file name (`draft_as_of`), else it is left empty."""
    headers = [str(header) for header in frame.columns]
    names = clean_column_names(headers)
    columns = [
        _draft_column(column_name, header, frame.iloc[:, position])
        for position, (column_name, header) in enumerate(zip(names, headers, strict=True))
    ]
    stem = Path(source_file).stem
    table_name = table_name_for(name)
    found, where = (as_of, "given") if as_of else draft_as_of(columns, frame, (stem, name))
    return TableCard(
        name=table_name,
        title=Bilingual(ko=stem, en=stem),
        description=Bilingual(
            ko=(
                f"{source_file}에서 자동으로 만든 초안 카드입니다 ({len(frame)}행). 제목, 설명, 열의 형식과 "
                "역할을 검토한 뒤 needs_review를 false로 바꾸세요. " + _as_of_note_ko(found, where)
            ).strip(),
            en=(
                f"Machine-drafted card from {source_file} ({len(frame)} rows). Review the title, "
                "descriptions, column types and roles, then set needs_review to false. "
                + _as_of_note_en(found, where)
            ).strip(),
        ),
        source=CardSource(name=source_file),
        licence="unknown — review",
        as_of=found or "",
        grain=f"one row of {source_file} (machine draft: say what one row is)",
        file=source_file,
        classification=classification,
        departments=list(departments),
        synonyms=[stem] if stem != table_name else [],
        columns=columns,
        needs_review=True,
    )


def draft_as_of(
    columns: Sequence[ColumnCard], frame: pd.DataFrame, titles: Sequence[str]
) -> tuple[str | None, str]:
    """The data's as-of date and where it was found: the latest value of a time column (a year is
    read as its 31 December), else the latest date in a file name or title (`_2023`, `202505`), else
    (None, "")."""
    latest: list[tuple[str, str]] = []
    for position, column in enumerate(columns):
        if column.role != "time":
            continue
        values = [text.strip() for text in frame.iloc[:, position].dropna().astype(str)]
        values = [text for text in values if not is_missing_mark(text)]
        if column.type == "DATE" and values:
            latest.append((max(text[:10] for text in values), f"column {column.header or column.name}"))
        elif column.type == "INTEGER" and values:
            year = max(int(number_text(text) or 0) for text in values)
            latest.append((f"{year}-12-31", f"column {column.header or column.name}"))
    if latest:
        return max(latest)
    for title in titles:
        dates = [_name_date(match) for match in _NAME_DATE.finditer(title)]
        if dates:
            return max(dates), f"name {title}"
    return None, ""


def _name_date(match: re.Match[str]) -> str:
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern always has a year
    if month is None:
        return f"{year}-12-31"
    month_end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
    if day is not None and day <= date.fromordinal(month_end).day:
        return date(year, month, day).isoformat()
    return date.fromordinal(month_end).isoformat()


def _as_of_note_ko(found: str | None, where: str) -> str:
    if not found:
        return "데이터와 파일 이름에서 기준일을 찾지 못했습니다: as_of를 채우세요."
    return f"기준일 {found}은(는) {where}에서 가져왔습니다: 확인하세요." if where != "given" else ""


def _as_of_note_en(found: str | None, where: str) -> str:
    if not found:
        return "No as-of date was found in the data or the file name: fill in as_of."
    return f"The as-of date {found} was taken from {where}: check it." if where != "given" else ""


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

    Missing marks are skipped; numbers may carry thousands separators, footnote marks and a trailing
    % (`ingestion.number_text`). Integers with a leading zero (codes such as 02001) stay VARCHAR; a
    column with no values is VARCHAR."""
    texts = [value.strip() for value in values if not is_missing_mark(value)]
    if not texts:
        return "VARCHAR"
    if all(_is_iso_date(text) for text in texts):
        return "DATE"
    numbers = [number_text(text) for text in texts]
    if not all(numbers):
        return "VARCHAR"
    plain = [number for number in numbers if number]
    if all(is_whole_number_text(number) for number in plain):
        if any(len(digits) > 1 and digits.startswith("0") for digits in (n.lstrip("+-") for n in plain)):
            return "VARCHAR"
        largest = max(abs(int(number)) for number in plain)
        if largest <= _INT32:
            return "INTEGER"
        return "BIGINT" if largest <= _INT64 else "DOUBLE"
    return "DOUBLE"


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
    present = [value for value in values if not is_missing_mark(value)]
    label = header.strip() or name
    words = _words(f"{label} {name}")
    code_like = bool(words & _CODE_WORDS) or "코드" in label
    type_: ColumnType = "VARCHAR" if code_like else infer_column_type(values)
    numeric = type_ in ("INTEGER", "BIGINT", "DOUBLE")
    numbers = pd.to_numeric(pd.Series([number_text(value) for value in present], dtype=object))
    percent = numeric and (has_percent_sign(present) or "%" in label)
    role: ColumnRole
    aggregation: Aggregation | None = None
    if code_like or words & _KEY_WORDS:
        role = "key"
    elif type_ == "DATE" or (type_ == "INTEGER" and _is_year_column(words, label, present, numbers)):
        role = "time"
    elif numeric and (_is_year_named(words, label) or _is_rank(words, label)):
        role = "attribute"  # a year column holding something else, or a rank: never summed
    elif numeric:
        role = "measure"
        aggregation = "avg" if percent or _is_averaged(words, label) else "sum"
    elif present and len(set(present)) <= DIMENSION_MAX_DISTINCT:
        role = "dimension"
    else:
        role = "attribute"
    summary = _summary(role, type_, present, numbers)
    cleaned = numeric and any(number_text(value) != value.strip() for value in present)
    if cleaned or (numeric and len(present) < len(values)):
        summary += "; loaded without thousands separators, footnote marks and %, with -, …, x, N/A as missing"
    return ColumnCard(
        name=name,
        header=header,
        type=type_,
        role=role,
        unit="%" if percent else None,
        description=Bilingual(
            ko=label + (f" (값 예: {_examples(present)})" if role == "dimension" else ""),
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


def _is_year_named(words: set[str], label: str) -> bool:
    return bool(words & _YEAR_WORDS) or any(word.endswith(("연도", "년도")) for word in words)


def _is_year_column(words: set[str], label: str, values: list[str], numbers: pd.Series) -> bool:
    """Years: named as a year, or every value written as a plain 4-digit year; all within 1900-2100."""
    in_range = bool(numbers.notna().all()) and bool(numbers.between(_FIRST_YEAR, _LAST_YEAR).all())
    written_as_years = all(_YEAR_VALUE.match(value.strip()) for value in values)
    return bool(values) and in_range and (_is_year_named(words, label) or written_as_years)


def _is_rank(words: set[str], label: str) -> bool:
    return bool(words & _RANK_WORDS) or any(part in label for part in _RANK_KOREAN)


def _is_averaged(words: set[str], label: str) -> bool:
    """Rates, ratios, percentages, averages, per-capita figures and densities: summing them is wrong."""
    return (
        bool(words & _AVERAGE_WORDS)
        or any(part in label for part in _AVERAGE_KOREAN)
        or bool(_PER_UNIT_KOREAN.search(label))
    )


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
