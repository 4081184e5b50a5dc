"""One or two sentences stating a SQL result's number(s) with unit and period, in Korean or English."""

from __future__ import annotations

import re
from typing import Any

from assistant.models import SqlResult
from assistant.sql.semantic_layer import Measure, SemanticLayer, TableInfo
from assistant.sql.slots import QuerySlots
from assistant.sql.sql_builder import planned_measure
from assistant.sql.units import column_unit

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
        # As many decimals as the figure has, up to 2 from 100 and 3 from 1: a stored 218.33 km² or a
        # fertility rate of 1.045 must not be restated as 218.3 or 1.04.
        if abs(value) >= 1:
            text = f"{value:,.2f}" if abs(value) >= 100 else f"{value:,.3f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return f"{value:.4g}"
    return str(value)


def _unit(measure: Measure, lang: str, slots: QuerySlots | None = None) -> str:
    if slots is not None and slots.answer_scale is not None:
        return slots.answer_scale.label_ko if lang == "ko" else slots.answer_scale.label_en
    if slots is not None and slots.per_unit is not None:
        return "명" if lang == "ko" else ""
    if lang == "ko":
        return _UNIT_KO_BY_MEASURE.get(measure.name, measure.unit)
    return _UNIT_EN_BY_MEASURE.get(measure.name, _UNIT_EN.get(measure.unit, measure.unit))


def _with_unit(value: Any, unit: str, lang: str) -> str:
    number = format_number(value)
    if not unit or value is None:
        return number
    if unit == "%" or lang == "ko" and (unit in {"명", "건", "개", "일"} or unit[:1] in {"만", "천"}):
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
    words = layer.gazetteer.value_synonyms.get(f"{info.name}.{column}", {}).get(str(value), ())
    if len(str(value)) == 1 and words:
        # a one-letter code (야, 주, 월): its first Korean or English word reads better (야간, night)
        wanted = [w for w in words if w.isascii() == (lang == "en")]
        if wanted:
            return wanted[0]
    if lang == "ko" and info.place_kind == "port" and column == "port":
        port = next((p for p in layer.gazetteer.ports if p.name == value), None)
        korean = port.names[1] if port and len(port.names) > 1 else None
        return korean if korean and korean.endswith("항") else f"{korean or value}항"
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
    measure = planned_measure(info, slots)
    unit = _unit(measure, lang, slots)
    label = measure.label(lang)
    period = _period(slots, info, lang)
    scope = _scope(layer, slots, info, lang)
    ko = lang == "ko"
    if not result.rows:
        return "조건에 맞는 행이 없습니다." if ko else "No rows matched the question's conditions."
    rows = result.rows
    op = slots.operation
    if op == "ratio" and slots.group_by and slots.second_measure:
        second_label = info.measures[slots.second_measure].label(lang)
        label = f"{second_label} 대비 {label} 비율" if ko else f"{label} relative to {second_label}"
    two_step = _TWO_STEP_PHRASES.get(op)
    if two_step is not None:
        return two_step(_Context(layer, slots, info, measure, unit, label, period, scope, lang), rows)
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
        # a fall is stated as one ("줄었습니다 12,199명"), not as a change of -12,199
        fell = isinstance(change, (int, float)) and change < 0
        size = _with_unit(abs(change) if fell else change, unit, lang)
        share = format_number(abs(pct) if fell and isinstance(pct, (int, float)) else pct)
        if ko:
            moved = "줄었습니다" if fell else ("늘었습니다" if change else "변하지 않았습니다")
            return (
                f"{scope}의 {josa(label, '은', '는')} {years[0]}년 {_with_unit(start, unit, lang)}에서 "
                f"{years[-1]}년 {josa(_with_unit(end, unit, lang), '으로', '로')} {size} ({share}%) {moved}."
            )
        moved = "a decrease of" if fell else ("an increase of" if change else "a change of")
        return (
            f"The {label} of {scope} went from {_with_unit(start, unit, lang)} in {years[0]} to "
            f"{_with_unit(end, unit, lang)} in {years[-1]}, {moved} {size} ({share}%)."
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
        condition = describe_condition(slots, measure, unit, lang)
        counts_years = slots.group_by == info.time_column
        if ko:
            what = (
                f"{scope}에서 조건({condition})에 맞는 해는 {count}개"
                if counts_years
                else f"조건({condition})에 맞는 곳은 {count}곳"
            )
            return f"{what}입니다 ({period})."
        what = f"{count} years in {scope} had" if counts_years else f"{count} match the condition"
        return f"{what} {condition} ({period})."
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
    if slots.threshold is not None:
        condition = describe_condition(slots, measure, unit, lang)
        listing = (f"{condition}인 곳: " if ko else f"where {condition}: ") + listing
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


# -- two-step forms: one sentence each, saying what was computed ----------------------------------


class _Context:
    def __init__(
        self,
        layer: SemanticLayer,
        slots: QuerySlots,
        info: TableInfo,
        measure: Measure,
        unit: str,
        label: str,
        period: str,
        scope: str,
        lang: str,
    ) -> None:
        self.layer, self.slots, self.info, self.measure = layer, slots, info, measure
        self.unit, self.label, self.period, self.scope, self.lang = unit, label, period, scope, lang

    @property
    def ko(self) -> bool:
        return self.lang == "ko"

    def amount(self, value: Any) -> str:
        return _with_unit(value, self.unit, self.lang)

    def operand(self, value: Any) -> str:
        column = self.slots.group_by
        if column == self.info.time_column:
            return f"{value}년" if self.ko else str(value)
        return _value_label(self.layer, self.info, column or "", value, self.lang)

    def scope_without_operands(self) -> str:
        parts = [
            _value_label(self.layer, self.info, column, v, self.lang)
            for column, values in self.slots.filters.items()
            if column != self.slots.group_by
            for v in values
        ]
        return ", ".join(parts)


def describe_condition(slots: QuerySlots, measure: Measure, unit: str, lang: str) -> str:
    """The threshold as computed, in the column's unit, with the amount as the question wrote it."""
    threshold = slots.threshold
    if threshold is None:
        return ""
    label = measure.label(lang)
    if threshold.other_measure:
        return f"{label} {threshold.op} {threshold.other_measure}"
    value = int(threshold.value) if float(threshold.value).is_integer() else threshold.value
    shown = f"{label} {threshold.op} {_with_unit(value, unit, lang)}"
    written = re.findall(r"\d+(?:\.\d+)?", (threshold.stated or "").replace(",", ""))
    if threshold.stated and not (written and float(written[0]) == threshold.value):
        # the question's amount was converted ("2천만 TEU" -> 20 백만 TEU): show both
        shown += f" (‘{threshold.stated}’)"
    return shown


def _describe_pair(context: _Context, rows: list[list[Any]]) -> str:
    first_value, second_value, result = rows[0][-3:]
    slots = context.slots
    if not slots.operands and slots.second_measure:
        return _describe_measure_pair(context, first_value, second_value, result)
    first, second = (context.operand(v) for v in slots.operands)
    where = context.scope_without_operands()
    when = context.period if slots.group_by != context.info.time_column else ""
    if first_value is None or second_value is None:
        missing = first if first_value is None else second
        return (
            f"{missing}의 {context.label} 자료가 없어 계산할 수 없습니다."
            if context.ko
            else f"There is no {context.label} figure for {missing}, so it cannot be computed."
        )
    a, b = context.amount(first_value), context.amount(second_value)
    by_year = slots.group_by == context.info.time_column
    subject = " ".join(part for part in (when, where) if part)
    if context.ko:
        head = f"{subject} " if subject else ""
        label = josa(context.label, "은", "는")
        if slots.operation == "times":
            times = format_number(result)
            return f"{head}{first}의 {label} {josa(a, '으로', '로')} {second}({b})의 {times}배입니다."
        gap = _gap(first_value, second_value)
        word = _more_or_less(context, first_value >= second_value)
        return (
            f"{head}{first}의 {label} {josa(a, '으로', '로')} {second}({b})보다 {context.amount(gap)} {word}."
        )
    if by_year:
        lead = f"In {where}, the {context.label}" if where else f"The {context.label}"
        this, that = f"in {first}", f"in {second}"
    else:
        lead = f"{when[:1].upper() + when[1:]}, the {context.label}" if when else f"The {context.label}"
        this, that = f"of {first}", f"that of {second}"
    if slots.operation == "times":
        return f"{lead} {this} ({a}) was {format_number(result)} times {that} ({b})."
    word = _more_or_less(context, first_value >= second_value)
    return (
        f"{lead} {this} ({a}) was {context.amount(_gap(first_value, second_value))} {word} than {that} ({b})."
    )


def _describe_measure_pair(context: _Context, first_value: Any, second_value: Any, result: Any) -> str:
    """ "2021년 부산 조사망률이 조출생률보다 얼마나 높았어?": two measures of the same rows."""
    assert context.slots.second_measure is not None
    other = context.info.measures[context.slots.second_measure]
    other_label = other.label(context.lang)
    if first_value is None or second_value is None:
        return "자료가 없어 계산할 수 없습니다." if context.ko else "The table has no figure for this."
    a, b = context.amount(first_value), context.amount(second_value)
    if context.ko:
        head = f"{context.period} {context.scope}의 {josa(context.label, '은', '는')} {josa(a, '으로', '로')}"
        if context.slots.operation == "times":
            return f"{head} {other_label}({b})의 {format_number(result)}배입니다."
        word = _more_or_less(context, first_value >= second_value)
        gap = context.amount(_gap(first_value, second_value))
        return f"{head} {other_label}({b})보다 {gap} {word}."
    lead = f"In {context.scope} {context.period}, the {context.label} ({a}) was"
    if context.slots.operation == "times":
        return f"{lead} {format_number(result)} times the {other_label} ({b})."
    word = _more_or_less(context, first_value >= second_value)
    return f"{lead} {context.amount(_gap(first_value, second_value))} {word} than the {other_label} ({b})."


_COUNTED_KINDS = ("people", "cases", "places", "teu")


def _more_or_less(context: _Context, more: bool) -> str:
    """Counts are more/fewer (많습니다/적습니다), areas larger/smaller, rates and levels higher/lower."""
    unit = column_unit(context.measure.unit)
    counted = bool(unit and unit[0].kind in _COUNTED_KINDS) and not context.slots.per_unit
    if context.measure.unit == "km²" and context.slots.answer_scale is None:
        return ("넓습니다" if more else "좁습니다") if context.ko else ("larger" if more else "smaller")
    if context.ko:
        return ("많습니다" if more else "적습니다") if counted else ("높습니다" if more else "낮습니다")
    return ("more" if more else "fewer") if counted else ("higher" if more else "lower")


def _gap(first: Any, second: Any) -> Any:
    gap = abs(first - second)
    return round(gap, 4) if isinstance(gap, float) else gap


def _describe_first_year(context: _Context, rows: list[list[Any]]) -> str:
    slots = context.slots
    row = rows[0]
    year, value = row[0], row[1]
    years = slots.resolved_years
    span = f"{years[0]}~{years[-1]}" if years else ""
    where = context.scope
    threshold = slots.threshold
    assert threshold is not None
    if threshold.other_measure:
        other = context.info.measures[threshold.other_measure]
        other_value = _with_unit(row[2], _unit(other, context.lang), context.lang)
        if context.ko:
            word = "많았던" if threshold.op.startswith(">") else "적었던"
            order = "마지막" if slots.order == "desc" else "처음"
            return (
                f"{where}에서 {context.label}가 {other.label_ko}보다 {order}으로 {word} 해는 {year}년입니다 "
                f"({context.label} {context.amount(value)}, {other.label_ko} {other_value}; 자료 {span}년)."
            )
        word = "exceeded" if threshold.op.startswith(">") else "was below"
        order = "last" if slots.order == "desc" else "first"
        return (
            f"The {order} year in which the {context.label} in {where} {word} the {other.label_en} "
            f"was {year} "
            f"({context.amount(value)} against {other_value}; data for {span.replace('~', '-')})."
        )
    condition = describe_condition(slots, context.measure, context.unit, context.lang)
    if context.ko:
        order = "마지막" if slots.order == "desc" else "처음"
        return (
            f"{where}의 {condition} 조건을 {order}으로 만족한 해는 {year}년입니다 "
            f"({context.amount(value)}; 자료 {span}년)."
        )
    order = "last" if slots.order == "desc" else "first"
    return (
        f"The {order} year in which {where} had {condition} was {year} ({context.amount(value)}; "
        f"data for {span.replace('~', '-')})."
    )


def _describe_average_across(context: _Context, rows: list[list[Any]]) -> str:
    count, average = rows[0][-2:]
    kind = {"district": ("구·군", "districts"), "province": ("시도", "provinces"), "port": ("항만", "ports")}
    ko_word, en_word = kind.get(context.info.place_kind or "", ("곳", "places"))
    if context.ko:
        return (
            f"{context.period} {count}개 {ko_word}의 {context.label} 단순 평균은 "
            f"{context.amount(average)}입니다 "
            f"(각 {josa(ko_word, '을', '를')} 같은 무게로 평균)."
        )
    label = context.label.removeprefix("average ")
    return (
        f"The average {label} across the {count} {en_word} {context.period} was "
        f"{context.amount(average)} (each of the {en_word} counted once)."
    )


_TWO_STEP_PHRASES = {
    "difference": _describe_pair,
    "times": _describe_pair,
    "first_year": _describe_first_year,
    "average_across": _describe_average_across,
}
