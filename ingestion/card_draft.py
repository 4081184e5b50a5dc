"""Draft a table card from the data when a statistics table arrives without one.

The draft is deliberately conservative: a column gets a numeric or date type only when every value that
is not a missing mark ("-", "…", "x", "(X)", "N/A", "NA", empty) is written that way once thousands
separators, footnote marks and a trailing % are removed (`ingestion.number_text`, which also cleans
the data before a drafted card's table is loaded), codes keep their leading zeros as text, and the
card says `needs_review: true` until an official has checked the titles, descriptions, types and roles.
Only counts and amounts are summed: years are time, ranks, codes and coordinates are attributes or
keys, and rates, ratios, percentages, concentrations, averages, per-capita figures and densities are
averaged. A table whose rows include totals of other rows (계, 전국, "부산광역시" above
"부산광역시 중구") gets no measure at all until a reviewer says which rows to add up. The as-of date
comes from the data (latest year, date or time stamp) or the file name, never from the file's
modification time; when neither has one it is left empty and the description asks the reviewer for it.

Each column keeps its original header in `header` (the loader renames by it), in its Korean
description and as a synonym; a unit written at the end of a header ("출생건수_명", "인구 (명)") becomes
the column's unit, and common Korean statistics terms get English words, so questions in either
language match. Columns the semantic layer filters places by are named as it expects (`district`,
`province`, `port`); a table of single records (a unique serial number, name or address per row)
counts its rows under the file name's words ("fire_busan": fire, fires, 화재).
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
from assistant.sql.gazetteer import load_gazetteer
from ingestion.number_text import has_percent_sign, is_missing_mark, is_whole_number_text, number_text

DIMENSION_MAX_DISTINCT = 50
_EXAMPLE_VALUES = 5
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})( 00:00:00)?$")
_YEAR_VALUE = re.compile(r"^\d{4}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}")
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
_KEY_KOREAN_ENDS = ("코드", "번호", "연번", "순번")  # 우편번호, 행정기관코드: one word, still a key
# coordinates are numbers, but neither a sum nor an average of them means anything
_COORDINATE_WORDS = {
    "lat", "lon", "lng", "latitude", "longitude", "x", "y", "utmk", "utm", "좌표", "경도", "위도",
}  # fmt: skip
_COORDINATE_KOREAN = ("좌표", "경도", "위도")
# A unit written at the end of a header ("출생건수_명", "인구 (명)", "land_area_km2", "PM10_ugm3"):
# the label loses it, the column's unit records it.
_HEADER_UNITS = {
    "명": "명", "건": "건", "개": "개", "원": "원", "천원": "천원", "백만원": "백만원", "억원": "억원",
    "pct": "%", "percent": "%", "%": "%", "km2": "km²", "㎢": "km²", "km²": "km²", "ha": "ha",
    "ugm3": "µg/m³", "µg/m³": "µg/m³", "㎍/㎥": "µg/m³", "ppm": "ppm", "teu": "TEU", "mm": "mm",
}  # fmt: skip
_HEADER_UNIT_AT_END = re.compile(r"(?:[\s_.]*\(\s*([^()]+?)\s*\)|[_.]\s*([^_.\s()]+))\s*$")
# English words for Korean statistics terms in headers, so English questions find Korean columns;
# longest first, so 합계출산율 wins over 출산율.
_KOREAN_TERMS_EN: tuple[tuple[str, str], ...] = (
    ("합계출산율", "total fertility rate"),
    ("조출생률", "crude birth rate"),
    ("조사망률", "crude death rate"),
    ("조혼인율", "crude marriage rate"),
    ("조이혼율", "crude divorce rate"),
    ("자연증가율", "natural increase rate"),
    ("자연증가", "natural increase"),
    ("출생", "births"),
    ("사망", "deaths"),
    ("혼인", "marriages"),
    ("이혼", "divorces"),
    ("부상", "injured"),
    ("인명피해", "casualties"),
    ("재산피해", "property damage"),
    ("의사", "doctors"),
    ("성비", "sex ratio"),
    ("남자", "male"),
    ("여자", "female"),
    ("세대", "households"),
    ("가구", "households"),
    ("면적", "area"),
    ("인구", "population"),
)
# Korean words for what a file name says a row is ("fire_busan": 화재), so Korean questions find a
# drafted table too; a subject not listed is left to the reviewer.
_SUBJECT_KOREAN = {
    "fire": ("화재",), "fire station": ("소방서",), "hospital": ("병원",), "police box": ("치안센터",),
    "accident": ("사고",), "crime": ("범죄",), "port": ("항만",), "top port": ("항만",),
    "school": ("학교",), "library": ("도서관",), "park": ("공원",), "shelter": ("대피소",),
    "parking lot": ("주차장",), "company": ("사업체",), "visitor": ("방문객",),
}  # fmt: skip
_STEM_STOP_WORDS = {
    "busan", "pusan", "seoul", "korea", "info", "data", "list", "table", "utf", "with", "header",
    "cleaned", "the", "and", "csv", "xlsx", "file", "raw", "hourly", "daily", "yearly", "monthly",
}  # fmt: skip
_TOTAL_MARKS = {"계", "합계", "총계", "소계", "전체", "전국", "total", "all"}
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
    names = _with_place_names(clean_column_names(headers), frame)
    columns = [
        _draft_column(column_name, header, frame.iloc[:, position])
        for position, (column_name, header) in enumerate(zip(names, headers, strict=True))
    ]
    columns = [
        column.model_copy(update={"role": "dimension"})
        if column.name in ("district", "province", "port") and column.type == "VARCHAR"
        else column
        for column in columns
    ]  # a place column is what questions filter and group by, however many places it lists
    columns = _without_other_place_dimensions(columns, frame)
    columns = [_without_place_words(position, column) for position, column in enumerate(columns, start=1)]
    total_column = _column_with_total_rows(columns, frame)
    if total_column is not None:
        columns = [_not_a_measure(column, total_column) for column in columns]
    stem = Path(source_file).stem
    subject = stem_words(stem)
    if total_column is None:
        subject = _not_a_value(subject, columns, frame)
        columns = _with_row_labels(columns, frame, subject)
        columns = _with_row_count(columns, frame, subject)
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
        synonyms=list(dict.fromkeys(word for word in [stem, *subject[:1]] if word != table_name)),
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
    stamped = _latest_timestamp_date(columns, frame)
    if stamped:
        return stamped
    for title in titles:
        dates = [_name_date(match) for match in _NAME_DATE.finditer(title)]
        if dates:
            return max(dates), f"name {title}"
    return None, ""


def _latest_timestamp_date(columns: Sequence[ColumnCard], frame: pd.DataFrame) -> tuple[str, str] | None:
    """The latest day of a text column of time stamps ("2014-11-29 24", hourly readings), which stays
    text because hour 24 is no time of day."""
    for position, column in enumerate(columns):
        values = [str(v).strip() for v in frame.iloc[:, position].dropna()]
        if column.type == "VARCHAR" and values and all(_TIMESTAMP.match(v) for v in values):
            days = [v[:10] for v in values if _is_iso_date(v[:10])]
            if days:
                return max(days), f"column {column.header or column.name}"
    return None


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


def _with_place_names(names: list[str], frame: pd.DataFrame) -> list[str]:
    """Name a column `district` when every value is a Busan district's Korean name (해운대구), or
    `province` when nearly every value is a province's full name (부산광역시), or `port` when it
    holds ports by the names the gazetteer files them under (Busan, Shanghai): the semantic layer
    filters places by those column names. Short or English spellings ("부산", "Haeundae-gu") would
    not match the names a filter uses, so such columns keep their drafted names."""
    gazetteer = load_gazetteer()
    districts = {place.name for place in gazetteer.districts}
    provinces = {place.name for place in gazetteer.provinces}
    ports = {place.name for place in gazetteer.ports}
    renamed = list(names)
    for position in range(len(names)):
        values = {str(v).strip() for v in frame.iloc[:, position].dropna() if not is_missing_mark(str(v))}
        if len(values) < 2:
            continue
        if values <= districts and "district" not in renamed:
            renamed[position] = "district"
        elif len(values & provinces) >= 0.9 * len(values) and "province" not in renamed:
            renamed[position] = "province"
        elif len(values & ports) >= 3 and "port" not in renamed:
            renamed[position] = "port"
    return renamed


def _without_other_place_dimensions(columns: list[ColumnCard], frame: pd.DataFrame) -> list[ColumnCard]:
    """Place names the semantic layer cannot filter by (English "Haeundae-gu", short "부산", all of
    Korea's 시군구) would match a question's place as a plain value of this table and crowd out the
    table that does hold it; such a column is an attribute until a reviewer maps it."""
    gazetteer = load_gazetteer()
    place_names = {
        name.lower() for place in gazetteer.districts + gazetteer.provinces for name in place.names
    }
    kept: list[ColumnCard] = []
    for position, column in enumerate(columns):
        if column.role == "dimension" and column.name not in ("district", "province"):
            values = {str(v).strip().lower() for v in frame.iloc[:, position].dropna()}
            if len(values & place_names) >= max(2, len(values) // 2):
                column = column.model_copy(
                    update={
                        "role": "attribute",
                        "description": Bilingual(
                            ko=column.description.ko,
                            en=column.description.en.replace(
                                "; review)", "; place names the answering cannot filter by yet; review)"
                            ),
                        ),
                    }
                )
        kept.append(column)
    return kept


def stem_words(stem: str) -> list[str]:
    """English words of a file name that say what a row is ("fireStation_busan" -> "fire station",
    "fire stations"); place names, dates and file words are left out. Korean is left to the reviewer."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", stem)
    words = [w for w in re.split(r"[^A-Za-z]+", spaced.lower()) if len(w) >= 3 and w not in _STEM_STOP_WORDS]
    if not words:
        return []
    phrase = " ".join(words)
    plural = (
        phrase if phrase.endswith("s") else phrase + ("es" if phrase.endswith(("x", "ch", "sh")) else "s")
    )
    return list(dict.fromkeys([phrase, plural, *_korean_subject(words)]))


def _korean_subject(words: list[str]) -> list[str]:
    singular = " ".join([*words[:-1], words[-1].removesuffix("s")]) if words else ""
    return list(_SUBJECT_KOREAN.get(" ".join(words), _SUBJECT_KOREAN.get(singular, ())))


def _not_a_value(subject: list[str], columns: Sequence[ColumnCard], frame: pd.DataFrame) -> list[str]:
    """The file's words without those that are also a category in the data ("병원" is a kind of
    hospital in a hospital list): as a name of the table they would filter it to that kind."""
    values: set[str] = set()
    for position, column in enumerate(columns):
        if column.role == "dimension":
            values |= {str(v).strip().lower() for v in frame.iloc[:, position].dropna()}
    return [word for word in subject if word.lower() not in values]


def _with_row_labels(columns: list[ColumnCard], frame: pd.DataFrame, subject: list[str]) -> list[ColumnCard]:
    """In a table of records, the unique name of each record (요양기관명, 치안센터명, name) is what
    "which hospital has the most doctors" ranks by: a dimension however many rows there are, named by
    the file's words. A place column (`port`) already is one."""
    if any(
        column.name in ("district", "province", "port") and column.role == "dimension" for column in columns
    ):
        return columns
    for position, column in enumerate(columns):
        label = (column.header or column.name).strip().lower()
        named = label.endswith("명") or "name" in _words(label) or label.endswith("이름")
        if not named or column.type != "VARCHAR" or column.role == "key" or not subject:
            continue
        names = frame.iloc[:, position]
        if names.isna().any() or names.astype(str).str.strip().nunique() < 0.95 * len(names):
            continue  # nearly one name per row (a list may repeat a name or two)
        labelled = column.model_copy(
            update={"role": "dimension", "synonyms": list(dict.fromkeys([*column.synonyms, *subject]))}
        )
        return [*columns[:position], labelled, *columns[position + 1 :]]
    return columns


def _is_unique(values: pd.Series) -> bool:
    return (
        len(values) >= 2 and not values.isna().any() and not values.astype(str).str.strip().duplicated().any()
    )


def _with_row_count(columns: list[ColumnCard], frame: pd.DataFrame, subject: list[str]) -> list[ColumnCard]:
    """A table of single records (one incident, hospital or station per row: some text column is
    unique) answers "how many" by counting rows: its first such column carries COUNT(*), named by the
    file's words. Tables of aggregates (no unique text column) get no count."""
    for position, column in enumerate(columns):
        if column.role not in ("key", "attribute") or (
            column.role == "attribute" and column.type != "VARCHAR"
        ):
            continue  # a serial number, or a text attribute such as a name or an address
        if _words(f"{column.header} {column.name}") & _CODE_WORDS or (column.header or "").endswith("코드"):
            continue  # a unique area code marks a table of areas, not of records
        if not _is_unique(frame.iloc[:, position]):
            continue
        counted = column.model_copy(
            update={
                "aggregation": "count",
                "description": Bilingual(
                    ko=f"{column.description.ko} (행 수는 COUNT(*))",
                    en=f"Number of {subject[-1] if subject else 'rows'} (machine draft: one row per record, "
                    f"counted with COUNT(*); each {column.header or column.name} is unique; review)",
                ),
                # the header ("주소", "순번") names the column, not the count: only the file's words
                "synonyms": list(subject),
            }
        )
        return [*columns[:position], counted, *columns[position + 1 :]]
    return columns


def _without_place_words(position: int, column: ColumnCard) -> ColumnCard:
    """A column named after a place ("부산", "Busan" in a table with cities or ports as columns) is
    not matched by that name: the place word would otherwise name this column in every question about
    the place, whatever table it is for. The header stays in `header` and the description."""
    gazetteer = load_gazetteer()
    places = {name.lower() for place in gazetteer.places() for name in place.names}
    if (column.header or column.name).strip().lower() not in places:
        return column
    return column.model_copy(
        update={
            "name": f"col_{position}",
            "synonyms": [word for word in column.synonyms if word.strip().lower() not in places],
        }
    )


def _column_with_total_rows(columns: Sequence[ColumnCard], frame: pd.DataFrame) -> str | None:
    """The header of a text column whose rows include totals of other rows: a value such as 계,
    합계, 전국, Total, or a value that is the start of others ("부산광역시" above "부산광역시 중구").
    Summing or averaging such a table without choosing the rows counts people twice."""
    gazetteer = load_gazetteer()
    places = {name for place in gazetteer.districts + gazetteer.provinces for name in place.names}
    for position, column in enumerate(columns):
        if column.type != "VARCHAR" or column.role == "key":
            continue
        values = {str(v).strip() for v in frame.iloc[:, position].dropna() if str(v).strip()}
        if len(values) < 2:
            continue
        if {value.lower() for value in values} & _TOTAL_MARKS:
            return column.header or column.name
        parents = values & places
        if any(other.startswith(value + " ") for value in parents for other in values):
            return column.header or column.name
    return None


def _not_a_measure(column: ColumnCard, total_column: str) -> ColumnCard:
    if column.role != "measure":
        return column
    note = f"; not a measure yet: rows of {total_column} include totals, say which rows to add up; review)"
    return column.model_copy(
        update={
            "role": "attribute",
            "aggregation": None,
            "description": Bilingual(
                ko=column.description.ko, en=column.description.en.replace("; review)", note)
            ),
        }
    )


def header_label_and_unit(header: str) -> tuple[str, str | None]:
    """The words of a header without a unit written at its end, and that unit: "출생건수_명" ->
    ("출생건수", "명"), "인구 (명)" -> ("인구", "명"), "land_area_km2" -> ("land area", "km²"),
    "65세이상_비율_pct" -> ("65세이상 비율", "%"); underscores and dots become spaces."""
    text, unit = header.strip(), None
    # "성비(명) (%)": strip every trailing unit, keep the last one written (the value's unit)
    while (match := _HEADER_UNIT_AT_END.search(text)) and match.start() > 0:
        found = _HEADER_UNITS.get((match.group(1) or match.group(2) or "").strip().lower())
        if not found:
            break
        text, unit = text[: match.start()], unit or found
    text = re.sub(r"(?<=\d)_(?=\d)", "-", text)  # "0_14세" is the age band 0-14세
    label = re.sub(r"\s+", " ", re.sub(r"[_.]+", " ", text)).strip()
    return label or header.strip(), unit


def english_words_for(label: str) -> str | None:
    """An English name for a Korean header from the statistics terms it contains ("사망건수" ->
    "deaths"), or None."""
    for term, english in _KOREAN_TERMS_EN:
        if term in label.replace(" ", ""):
            return english
    return None


def _draft_column(name: str, header: str, series: pd.Series) -> ColumnCard:
    values = [str(value) for value in series.dropna()]
    present = [value for value in values if not is_missing_mark(value)]
    label, header_unit = header_label_and_unit(header)
    label = label or name
    words = _words(f"{label} {name}")
    code_like = bool(words & _CODE_WORDS) or label.replace(" ", "").endswith(_KEY_KOREAN_ENDS[:2])
    type_: ColumnType = "VARCHAR" if code_like else infer_column_type(values)
    numeric = type_ in ("INTEGER", "BIGINT", "DOUBLE")
    numbers = pd.to_numeric(pd.Series([number_text(value) for value in present], dtype=object))
    percent = numeric and (has_percent_sign(present) or "%" in header or header_unit == "%")
    role: ColumnRole
    aggregation: Aggregation | None = None
    if code_like or words & _KEY_WORDS or label.replace(" ", "").endswith(_KEY_KOREAN_ENDS):
        role = "key"
    elif numeric and (words & _COORDINATE_WORDS or any(part in label for part in _COORDINATE_KOREAN)):
        role = "attribute"  # a coordinate: never summed or averaged
    elif type_ == "DATE" or (type_ == "INTEGER" and _is_year_column(words, label, present, numbers)):
        role = "time"
    elif numeric and (_is_year_named(words, label) or _is_rank(words, label)):
        role = "attribute"  # a year column holding something else, or a rank: never summed
    elif numeric:
        role = "measure"
        # a concentration (ppm, µg/m³) is an average over time, never a sum
        concentration = header_unit in ("ppm", "µg/m³")
        aggregation = "avg" if percent or concentration or _is_averaged(words, label) else "sum"
    elif 2 <= len(set(present)) <= DIMENSION_MAX_DISTINCT:
        role = "dimension"  # one value throughout ("부산광역시" in a Busan-only table) groups nothing
    else:
        role = "attribute"
    summary = _summary(role, type_, present, numbers)
    cleaned = numeric and any(number_text(value) != value.strip() for value in present)
    if cleaned or (numeric and len(present) < len(values)):
        summary += "; loaded without thousands separators, footnote marks and %, with -, …, x, N/A as missing"
    english = english_words_for(label) if not label.isascii() else None
    # The text before " (" is the label answers show, so it comes first; the draft note follows.
    return ColumnCard(
        name=name,
        header=header,
        type=type_,
        role=role,
        unit="%" if percent else (header_unit if numeric else None),
        description=Bilingual(
            ko=label + (f" (값 예: {_examples(present)})" if role == "dimension" else ""),
            en=f"{english or label} (machine draft from header {header.strip()}: {summary}; review)",
        ),
        aggregation=aggregation,
        synonyms=_column_synonyms(name, header, label, english),
    )


def _column_synonyms(name: str, header: str, label: str, english: str | None) -> list[str]:
    """The header as written, its words without the unit (and without spaces, as Korean is often
    written) and the English words for its terms; the column's own name is matched anyway."""
    candidates = [header.strip(), label, label.replace(" ", ""), english or ""]
    return [word for word in dict.fromkeys(candidates) if word and word != name]


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
