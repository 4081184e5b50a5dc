"""One or two sentences stating a SQL result's number(s) with unit and period, in Korean or English."""

from __future__ import annotations

from typing import Any

from assistant.models import SqlResult
from assistant.sql.semantic_layer import Measure, SemanticLayer, TableInfo
from assistant.sql.slots import QuerySlots

_UNIT_EN = {
    "명": "persons",
    "건": "accidents",
    "백만 TEU": "million TEU",
    "개": "",
    "일": "days",
    "명/km²": "persons per km²",
    "‰": "per 1,000 people",
    "%": "%",
    "": "",
}
_UNIT_EN_BY_MEASURE = {
    "total_fertility_rate": "births per woman",
    "marriages": "marriages",
    "divorces": "divorces",
    "admin_dong_count": "dongs",
}
_UNIT_KO_BY_MEASURE = {"total_fertility_rate": "명", "admin_dong_count": "개"}
_MAX_LISTED = 12


def format_number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 100:
            return f"{int(value):,}"
        if abs(value) >= 100:
            return f"{value:,.1f}"
        if abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.4g}"
    return str(value)


def _unit(measure: Measure, lang: str) -> str:
    if lang == "ko":
        return _UNIT_KO_BY_MEASURE.get(measure.name, measure.unit)
    return _UNIT_EN_BY_MEASURE.get(measure.name, _UNIT_EN.get(measure.unit, measure.unit))


def _with_unit(value: Any, unit: str, lang: str) -> str:
    number = format_number(value)
    if not unit or value is None:
        return number
    if unit == "%" or lang == "ko" and unit in {"명", "건", "개", "일"}:
        return f"{number}{unit}"
    return f"{number} {unit}"


def _has_final_consonant(word: str) -> bool:
    for char in reversed(word.strip()):
        if "가" <= char <= "힣":
            return (ord(char) - 0xAC00) % 28 != 0
        if char.isalnum():
            return char.isdigit() and char in "0136781"
    return False


def josa(word: str, with_consonant: str, without: str) -> str:
    return word + (with_consonant if _has_final_consonant(word) else without)


def _period(slots: QuerySlots, info: TableInfo, lang: str) -> str:
    years = slots.resolved_years
    if info.time_column is None or not years:
        as_of = info.card.as_of
        if info.name == "population_by_district_2025":
            return "2025년 5월" if lang == "ko" else "in May 2025"
        if not as_of[:4].isdigit():  # a drafted card whose as-of date is still to be reviewed
            return "(기준 시점 미확인)" if lang == "ko" else "(as-of date not yet reviewed)"
        return f"{as_of[:4]}년 말" if lang == "ko" else f"at the end of {as_of[:4]}"
    if slots.period.month is not None and "month" in info.dimensions:
        return (
            f"{years[0]}년 {slots.period.month}월" if lang == "ko" else f"in {slots.period.month}/{years[0]}"
        )
    if len(years) == 1:
        return f"{years[0]}년" if lang == "ko" else f"in {years[0]}"
    if slots.operation == "change" or years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}~{years[-1]}년" if lang == "ko" else f"in {years[0]}-{years[-1]}"
    joined = ", ".join(str(y) for y in years)
    return f"{joined}년" if lang == "ko" else f"in {joined}"


def _value_label(layer: SemanticLayer, info: TableInfo, column: str, value: Any, lang: str) -> str:
    if lang == "en" and isinstance(value, str):
        english = layer.gazetteer.english_name(value)
        if english:
            return english if info.place_kind != "port" else f"{english} port"
    if lang == "ko" and info.place_kind == "port" and column == "port":
        korean = layer.gazetteer.korean_name(str(value))
        return f"{korean or value}항"
    return str(value)


def _scope(layer: SemanticLayer, slots: QuerySlots, info: TableInfo, lang: str) -> str:
    parts: list[str] = []
    for column, values in slots.filters.items():
        if column == slots.group_by and slots.operation in ("compare", "rank_of"):
            continue
        parts.extend(_value_label(layer, info, column, v, lang) for v in values)
    if parts:
        return ", ".join(parts)
    if info.place_kind == "district":
        return "부산" if lang == "ko" else "Busan"
    if info.place_kind == "province":
        return "전국(17개 시도)" if lang == "ko" else "all 17 provinces"
    return "전체 항만" if lang == "ko" else "all listed ports"


def _row_label(layer: SemanticLayer, info: TableInfo, column: str | None, row: list[Any], lang: str) -> str:
    if not row:
        return ""
    value = row[0]
    if column == info.time_column:
        return f"{value}년" if lang == "ko" else str(value)
    if column == "month":
        return f"{value}월" if lang == "ko" else f"month {value}"
    if column is not None:
        return _value_label(layer, info, column, value, lang)
    return str(value)


def describe_slots_result(slots: QuerySlots, result: SqlResult, layer: SemanticLayer, lang: str) -> str:
    info = layer.table(slots.table)
    measure = info.measures[slots.measure]
    unit = _unit(measure, lang)
    label = measure.label(lang)
    period = _period(slots, info, lang)
    scope = _scope(layer, slots, info, lang)
    ko = lang == "ko"
    if not result.rows:
        return "조건에 맞는 행이 없습니다." if ko else "No rows matched the question's conditions."
    rows = result.rows
    op = slots.operation
    if op == "value":
        value = rows[0][-1]
        if value is None:
            return (
                f"{period} {scope}의 {label} 자료가 없습니다."
                if ko
                else f"There is no {label} figure for {scope} {period}."
            )
        if ko:
            return f"{period} {scope}의 {josa(label, '은', '는')} {_with_unit(value, unit, lang)}입니다."
        return f"The {label} of {scope} {period} was {_with_unit(value, unit, lang)}."
    if op == "change":
        if slots.group_by:
            items = [
                f"{_row_label(layer, info, slots.group_by, r, lang)} {format_number(r[-2])} "
                f"({format_number(r[-1])}%)"
                for r in rows[:_MAX_LISTED]
            ]
            years = slots.resolved_years
            return (
                f"{years[0]}년 대비 {years[-1]}년 {label} 변화: " + "; ".join(items) + "."
                if ko
                else f"Change in {label} from {years[0]} to {years[-1]}: " + "; ".join(items) + "."
            )
        start, end, change, pct = rows[0][-4:]
        years = slots.resolved_years
        if ko:
            return (
                f"{scope}의 {josa(label, '은', '는')} {years[0]}년 {_with_unit(start, unit, lang)}에서 "
                f"{years[-1]}년 {_with_unit(end, unit, lang)}로 {format_number(change)} "
                f"({format_number(pct)}%) 변했습니다."
            )
        return (
            f"The {label} of {scope} went from {_with_unit(start, unit, lang)} in {years[0]} to "
            f"{_with_unit(end, unit, lang)} in {years[-1]}, a change of {format_number(change)} "
            f"({format_number(pct)}%)."
        )
    if op == "share" and not slots.group_by:
        part, total, pct = rows[0][-3:]
        if ko:
            return (
                f"{period} {scope}의 {josa(label, '은', '는')} {_with_unit(part, unit, lang)}로 전체 "
                f"{_with_unit(total, unit, lang)}의 {format_number(pct)}%입니다."
            )
        return (
            f"{scope.capitalize()} accounted for {format_number(pct)}% of the {label} {period} "
            f"({_with_unit(part, unit, lang)} of {_with_unit(total, unit, lang)})."
        )
    if op == "rank_of":
        row = rows[0]
        name = _row_label(layer, info, slots.group_by, row, lang)
        value, rank, count = row[-3], row[-2], row[-1]
        if ko:
            return (
                f"{period} {name}의 {josa(label, '은', '는')} {_with_unit(value, unit, lang)}로 "
                f"{count}곳 중 {rank}위입니다."
            )
        return f"{name} ranked {rank} of {count} by {label} {period} ({_with_unit(value, unit, lang)})."
    if op == "count_groups":
        count = rows[0][-1]
        return (
            f"조건에 맞는 곳은 {count}곳입니다 ({label}, {period})."
            if ko
            else f"{count} match the condition ({label}, {period})."
        )
    if op == "ratio":
        value = rows[0][-1]
        if not slots.group_by:
            second = info.measures[slots.second_measure] if slots.second_measure else None
            # The builder multiplies by 100 when both measures share a unit: a percentage.
            shown = format_number(value) + ("%" if second is not None and second.unit == measure.unit else "")
            if second is None:
                return (
                    f"{period} {scope}의 비율은 {shown}입니다."
                    if ko
                    else f"The ratio for {scope} {period} was {shown}."
                )
            return (
                f"{period} {scope}의 {second.label(lang)} 대비 {label} 비율은 {shown}입니다."
                if ko
                else f"For {scope} {period}, {label} relative to {second.label(lang)} was {shown}."
            )
    items = []
    for row in rows[:_MAX_LISTED]:
        value = row[-1]
        shown = (
            f"{format_number(value)}%" if op == "share" or op == "ratio" else _with_unit(value, unit, lang)
        )
        items.append(f"{_row_label(layer, info, slots.group_by, row, lang)} {shown}")
    more = (
        ""
        if len(rows) <= _MAX_LISTED
        else (f" 외 {len(rows) - _MAX_LISTED}곳" if ko else f" and {len(rows) - _MAX_LISTED} more")
    )
    listing = "; ".join(items) + more
    if op == "topn" and len(rows) == 1:
        word = (
            ("가장 낮은" if slots.order == "asc" else "가장 높은")
            if not slots.offset
            else f"{slots.offset + 1}번째"
        )
        word_en = (
            ("lowest" if slots.order == "asc" else "highest")
            if not slots.offset
            else f"{_ordinal(slots.offset + 1)} {'lowest' if slots.order == 'asc' else 'highest'}"
        )
        name = _row_label(layer, info, slots.group_by, rows[0], lang)
        value_text = _with_unit(rows[0][-1], unit, lang)
        if ko:
            return (
                f"{period} {scope} {label}{'이' if _has_final_consonant(label) else '가'} {word} 곳은 "
                f"{name}({value_text})입니다."
            )
        return f"{name} had the {word_en} {label} {period} ({scope}): {value_text}."
    difference = _difference_of_two(slots, rows, unit, lang)
    if ko:
        return f"{period} {scope}의 {label}: {listing}.{difference}"
    return f"{label[0].upper() + label[1:]} of {scope} {period}: {listing}.{difference}"


def _difference_of_two(slots: QuerySlots, rows: list[list[Any]], unit: str, lang: str) -> str:
    """A comparison of exactly two also states their difference, which is what "차이" asks for."""
    if slots.operation != "compare" or len(rows) != 2:
        return ""
    first, second = rows[0][-1], rows[1][-1]
    if not isinstance(first, int | float) or not isinstance(second, int | float):
        return ""
    gap = abs(first - second)
    gap = round(gap, 2) if isinstance(gap, float) else gap
    if lang == "ko":
        return f" 차이는 {_with_unit(gap, unit, lang)}입니다."
    return f" The difference is {_with_unit(gap, unit, lang)}."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
