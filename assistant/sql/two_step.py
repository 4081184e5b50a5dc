"""Two-step forms of a statistics question, planned on top of the one-template parse.

`plan_two_step_operation` turns the parsed slots into one of the two-step operations when the question
asks for it and names every part: the difference or ratio ("몇 배") of two operands — two places, two
years, two values of a dimension, or two measures of the same rows — the first or last year a
condition held, the plain mean over districts, a district's part of the city's total. The operand the
question compares against ("than B", "B보다", "B의 몇 배") is the second one.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.sql.mentions import GENERIC_MEASURE_WORDS, Mentions
from assistant.sql.phrase_matcher import Match
from assistant.sql.question_cues import CUES, has_cue
from assistant.sql.semantic_layer import TableInfo
from assistant.sql.slots import QuerySlots, Threshold


def plan_two_step_operation(
    slots: QuerySlots,
    info: TableInfo,
    mentions: Mentions,
    text: str,
    cue_text: str,
    threshold: Threshold | None,
) -> None:
    """Re-plan the operation when the question needs two steps: first/last year a condition held,
    the difference or ratio of two operands or of two measures, a mean over districts, a part of the
    city's total. Each form needs all its parts; a form with a missing part is left to the coverage
    audit. `cue_text` is the question with its amounts, age groups and "per N" blanked out."""
    comparison = _measure_comparison(mentions, info, text, slots.measure)
    # one condition: a value ("more than 20k") or another measure ("deaths exceeded births"), not both
    if has_cue("first_last", cue_text) and info.time_column and bool(threshold) != bool(comparison):
        slots.operation = "first_year"
        slots.group_by = info.time_column
        slots.order = "desc" if _LAST.search(cue_text) else "asc"
        slots.limit, slots.offset = 1, 0
        if comparison is not None:
            slots.threshold = Threshold(op=comparison[0], value=0, other_measure=comparison[1])
            slots.second_measure = comparison[1]
        return
    operands = _operands(slots, info, mentions, text)
    if slots.operation == "change" and has_cue("than", cue_text) and operands is not None:
        # "2020년보다 2021년 … 얼마나 줄었어?": the year after 보다/than is the baseline
        slots.operation, slots.group_by, slots.operands = "difference", operands[0], list(operands[1:])
        slots.fewer = has_cue("fewer", cue_text) or bool(_DECREASE.search(cue_text))
        slots.limit, slots.offset = None, 0
        return
    two_forms = has_cue("difference", cue_text) or has_cue("times", cue_text)
    if (
        operands is not None
        and two_forms
        and not slots.threshold
        and _measure_pair(mentions, info, text) is None  # two places and two measures: ambiguous
    ):
        column, first, second = operands
        slots.operation = "times" if has_cue("times", cue_text) else "difference"
        slots.group_by, slots.operands = column, [first, second]
        slots.fewer = slots.operation == "difference" and has_cue("fewer", cue_text)
        slots.limit, slots.offset, slots.share_part = None, 0, []
        return
    pair = _measure_pair(mentions, info, text) if two_forms and operands is None else None
    if pair is not None and not slots.threshold and not any(len(v) > 1 for v in slots.filters.values()):
        # "How many more deaths than births …", "조사망률이 조출생률보다 얼마나 높았어?"
        slots.operation = "times" if has_cue("times", cue_text) else "difference"
        slots.measure, slots.second_measure = pair
        slots.group_by, slots.operands, slots.aggregation = None, [], None
        slots.fewer = slots.operation == "difference" and has_cue("fewer", cue_text)
        slots.limit, slots.offset, slots.share_part = None, 0, []
        return
    place = info.place_column
    across = (
        has_cue("across", cue_text)
        or (slots.operation == "groupby" and slots.group_by == place)
        # "the average population of Busan's districts": a plain column's mean over the rows
        or (slots.operation == "value" and not info.measures[slots.measure].is_derived)
    )
    one_row_per_place = not any(m.is_count for m in info.measures.values())
    if (
        has_cue("avg", cue_text)
        and across
        and place
        and one_row_per_place
        and not slots.filters.get(place)
        and len(slots.resolved_years or slots.period.years) <= 1
        and not slots.period.is_range()
        and slots.operation in ("value", "groupby")
        and not slots.threshold
    ):
        slots.operation, slots.group_by, slots.aggregation = "average_across", place, None
        return
    if (
        slots.operation == "ratio"
        and has_cue("share", cue_text)
        and place
        and len(slots.filters.get(place, [])) == 1
        and _whole_city_named(mentions)
        and slots.second_measure
        and _only_generic(mentions, slots.second_measure)
    ):
        # "What share of Busan's residents aged 65+ live in Haeundae-gu?": the district's part
        # of the city's 65+ residents, not the district's own 65+ share.
        slots.operation, slots.share_part, slots.group_by = "share", [place], None
        slots.second_measure = None


def _only_generic(mentions: Mentions, measure: str) -> bool:
    return all(
        match.phrase in GENERIC_MEASURE_WORDS
        for match, candidates in mentions.measures
        if any(name == measure for _t, name in candidates)
    )


def _operands(
    slots: QuerySlots, info: TableInfo, mentions: Mentions, text: str
) -> tuple[str, Any, Any] | None:
    """The two operands of a difference or ratio: two places, or two years, with the one the
    question compares against ("than B", "B보다", "B의 몇 배") second."""
    time = info.time_column
    pairs = [column for column, values in slots.filters.items() if len(values) == 2 and column != time]
    if len(pairs) == 1 and len(slots.period.years) <= 1:
        # two places ("Haeundae-gu than Busanjin-gu") or two values of a dimension ("at night
        # than during the day")
        column = pairs[0]
        values = list(slots.filters[column])
        ends = _value_spans(mentions, values)
        if len(ends) != 2:
            return None
        first, second = values
        if _marks_second(text, *ends[first]) and not _marks_second(text, *ends[second]):
            first, second = second, first
        return column, first, second
    if time and len(slots.period.years) == 2 and not any(len(v) > 1 for v in slots.filters.values()):
        spans = [
            (m.start(), m.end(), int(m.group(0))) for m in re.finditer(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
        ]
        ordered = list(dict.fromkeys(year for _s, _e, year in spans))
        if len(ordered) != 2:
            return None
        first, second = ordered
        first_span = next((s, e) for s, e, y in spans if y == first)
        second_span = next((s, e) for s, e, y in spans if y == second)
        if _marks_second(text, *first_span) and not _marks_second(text, *second_span):
            first, second = second, first
        return time, first, second
    return None


_SECOND_OPERAND_AFTER = re.compile(r"^(?:'s)?\s*(?:년|년도)?\s*(?:보다|의\s*몇\s*배|에\s*비해|대비)")


_SECOND_OPERAND_BEFORE = re.compile(
    r"\b(?:than|compared (?:with|to)|relative to)\s+(?:in\s+|that of\s+|those of\s+)?$"
)


def _marks_second(text: str, start: int, end: int) -> bool:
    """Whether the operand at text[start:end] is the one compared against ("than B", "B보다")."""
    after = text[end : end + 12]
    before = text[max(0, start - 20) : start]
    return bool(_SECOND_OPERAND_AFTER.match(after) or _SECOND_OPERAND_BEFORE.search(before))


def _measure_pair(mentions: Mentions, info: TableInfo, text: str) -> tuple[str, str] | None:
    """Two measures of the table in one unit, the one after "than"/before "보다" second."""
    named: list[tuple[Match, str]] = []
    for match, candidates in mentions.measures:
        if match.phrase in GENERIC_MEASURE_WORDS:
            continue
        names = [name for table, name in candidates if table == info.name]
        if names and names[0] not in {name for _m, name in named}:
            named.append((match, names[0]))
    if len(named) != 2:
        return None
    (first_match, first), (second_match, second) = named
    one, two = info.measures[first], info.measures[second]
    if one.unit != two.unit or one.is_count or two.is_count:
        return None
    first_second = _marks_second(text, first_match.start, first_match.end)
    if first_second and not _marks_second(text, second_match.start, second_match.end):
        first, second = second, first
    return first, second


def _value_spans(mentions: Mentions, values: list[Any]) -> dict[Any, tuple[int, int]]:
    """Where the question names each filter value (as a place or a dimension value)."""
    ends: dict[Any, tuple[int, int]] = {}
    for match, places in mentions.places:
        for value in values:
            if any(p.name == value or p.name_en == value for p in places):
                ends.setdefault(value, (match.start, match.end))
    for match, candidates in mentions.values:
        for value in values:
            if any(candidate[2] == value for candidate in candidates):
                ends.setdefault(value, (match.start, match.end))
    return ends


def _whole_city_named(mentions: Mentions) -> bool:
    """Busan itself is named ("Busan's residents", "부산 전체"): the whole a district's part is of."""
    return any(
        any(place.kind == "province" and place.name == "부산광역시" for place in places)
        for _match, places in mentions.places
    )


_COMPARED_IN_WORDS = re.compile(r"\b(?:more|fewer|less|higher|lower|greater) than\b")


COMPARISON_WORDS = (_COMPARED_IN_WORDS, CUES["compared_measure"])


def _measure_comparison(
    mentions: Mentions, info: TableInfo, text: str, measure: str
) -> tuple[str, str] | None:
    """ "deaths exceeded births", "사망자 수가 출생아 수보다 많아진": (op, the other measure)."""
    named = []
    for match, candidates in mentions.measures:
        names = [name for table, name in candidates if table == info.name]
        if names:
            named.append((match, names[0]))
    if len(named) < 2 or not (CUES["compared_measure"].search(text) or _COMPARED_IN_WORDS.search(text)):
        return None
    (first_match, first), (second_match, second) = named[0], named[1]
    between = text[first_match.end : second_match.start]
    after_second = text[second_match.end : second_match.end + 12]
    if first != measure or first == second:
        return None
    if (
        CUES["compared_measure"].search(between)
        or _COMPARED_IN_WORDS.search(between)
        or re.match(r"\s*보다", after_second)
    ):
        less = re.search(
            r"보다\s*(?:[가-힣]+\s+)?(?:더\s*)?(?:적|낮|작)"
            r"|\b(?:fell below|below|fewer than|less than|lower than)\b",
            between + after_second,
        )
        return ("<" if less else ">"), second
    return None


_LAST = re.compile(r"\blast\b|마지막")


_DECREASE = re.compile(r"decreas|fell|fall|drop|declin|감소|줄|하락|떨어")
