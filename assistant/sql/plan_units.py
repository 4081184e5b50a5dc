"""The unit-aware parts of a question's plan: thresholds in the column's unit, "per 1,000 people",
the unit the answer is asked in, age groups, and words that qualify a measure rather than ask for an
operation ("annual precipitation", "how large"). Unit words themselves live in `assistant.sql.units`.
"""

from __future__ import annotations

import re

from assistant.sql.age_brackets import AgeGroup, age_brackets_of, age_column
from assistant.sql.mentions import Mentions
from assistant.sql.question_cues import FoundThreshold
from assistant.sql.semantic_layer import Measure, TableInfo
from assistant.sql.slots import AnswerScale, PerUnit, Threshold
from assistant.sql.units import answer_factor, answer_unit, column_unit, in_column_unit


def share_measure_for_percent(found: FoundThreshold, info: TableInfo, measure: Measure) -> Measure | None:
    """A percentage condition on a count ("65+ above 20%") is on the count's share measure, when the
    table has one (`<measure>_share_pct`)."""
    unit = found.amount.unit
    if unit is None or unit.kind != "percent" or measure.is_percentage:
        return None
    share = info.measures.get(f"{measure.name}_share_pct")
    return share if share is not None and share.is_percentage else None


def threshold_in_column_unit(
    found: FoundThreshold, measure: Measure, unmapped: list[str]
) -> Threshold | None:
    """The threshold in the measure's unit ("2천만 TEU" against 백만 TEU is 20); a unit of another kind
    (a length against an area) is unmapped, never compared as a bare number."""
    value = in_column_unit(found.amount, measure.unit)
    if value is None:
        unit = found.amount.unit.label_en if found.amount.unit else "?"
        unmapped.append(
            f"amount '{found.text}' (in {unit}; {measure.label_en} is in {measure.unit or 'no unit'})"
        )
        return None
    return Threshold(op=found.op, value=value, stated=found.text)  # type: ignore[arg-type]


_PER_UNIT = [
    re.compile(
        r"\bper\s+(1,000|1000|thousand|100|hundred|10,000|10000|100,000|100000)\s+"
        r"(?:people|persons|residents|inhabitants|population)\b"
    ),
    re.compile(r"(?:인구\s*)?(\d[\d,]*|천|백|만|십만)\s*명\s*당"),
]


_PER_WORDS = {
    "thousand": 1000.0,
    "hundred": 100.0,
    "천": 1000.0,
    "백": 100.0,
    "만": 10000.0,
    "십만": 100000.0,
}


def find_per_unit(text: str) -> tuple[float, tuple[int, int]] | None:
    """ "per 1,000 people", "인구 1,000명당": the rate's base, and where it is written."""
    for pattern in _PER_UNIT:
        match = pattern.search(text)
        if match:
            word = match.group(1)
            per = _PER_WORDS.get(word) or float(word.replace(",", ""))
            return per, (match.start(), match.end())
    return None


_POPULATION_MEASURE = "total_population"


def per_unit_plan(
    found: tuple[float, tuple[int, int]] | None, info: TableInfo, unmapped: list[str]
) -> PerUnit | None:
    if found is None:
        return None
    if _POPULATION_MEASURE not in info.measures:
        unmapped.append(
            f"'per {found[0]:,.0f} people' (the table {info.name} has no population to divide by)"
        )
        return None
    return PerUnit(per=found[0], denominator=_POPULATION_MEASURE)


def answer_scale(
    text: str, measure: Measure, unmapped: list[str], spans: list[tuple[int, int]]
) -> AnswerScale | None:
    """ "in hectares", "몇만 TEU": the factor from the column's unit to the asked one."""
    wanted = answer_unit(text)
    if wanted is None or any(start <= wanted.start < end for start, end in spans):
        return None
    if wanted.unit is not None and wanted.unit.kind == "percent":
        # "몇 %": asks for a percentage (a share or a change), not a unit to convert into; of a
        # measure kept in % it is simply that measure's unit
        column = column_unit(measure.unit)
        if column and column[0].kind == "percent":
            spans.append((wanted.start, wanted.end))
        return None
    factor = answer_factor(wanted, measure.unit)
    column = column_unit(measure.unit)
    if column and wanted.unit == column[0] and wanted.scale == 1:
        factor = 1.0  # "how many TEU" of a column in million TEU: the column's unit, stated as such
    if factor is None:
        if wanted.unit is None or wanted.unit.kind in ("people", "cases", "places"):
            return None  # "몇 명", "how many people": the question word, not a unit to convert into
        unmapped.append(f"unit '{text[wanted.start : wanted.end]}' ({measure.label_en} is in {measure.unit})")
        return None
    spans.append((wanted.start, wanted.end))
    if abs(factor - 1) < 1e-9:
        return None
    base = column[0] if column else None
    return AnswerScale(factor=factor, label_ko=wanted.label("ko", base), label_en=wanted.label("en", base))


def check_age_groups(groups: list[AgeGroup], info: TableInfo) -> list[str]:
    """An age group no column of the table covers is unmapped (never the nearest bracket)."""
    unmapped = []
    for group in groups:
        if age_column(info, group) is None:
            have = ", ".join(age_brackets_of(info)) or "none"
            unmapped.append(f"age group '{group.label()}' (the table {info.name} has age groups: {have})")
    return unmapped


_HOW_LARGE = re.compile(r"\bhow (?:large|big)\b|얼마나\s*(?:넓|커|큰|크)")


def size_question(text: str, measure: Measure) -> list[tuple[int, int]]:
    """ "How large is Gijang-gun?" asks for an area: the words are used when the measure is one."""
    unit = column_unit(measure.unit)
    if unit is None or unit[0].kind != "area":
        return []
    return [(match.start(), match.end()) for match in _HOW_LARGE.finditer(text)]


_YEARLY = re.compile(r"(?:annual|yearly|annually)\s+$")


def yearly_qualifiers(text: str, mentions: Mentions, info: TableInfo) -> list[tuple[int, int]]:
    """ "annual precipitation" in a yearly table: 'annual' says what a row is, it asks for no trend."""
    if info.time_column != "year":
        return []
    spans = []
    for match, _candidates in mentions.measures:
        qualifier = _YEARLY.search(text[max(0, match.start - 12) : match.start])
        if qualifier:
            spans.append((match.start - (len(qualifier.group(0))), match.start))
    return spans


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces (positions unchanged)."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)
