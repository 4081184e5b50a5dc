"""Age groups written as ages ("15세 미만", "aged 65 or over", "0-14세", "under 15s") -> the column.

A card's age columns are named `age_<low>_<high>` or `age_<low>_plus`, so the bracket each column
covers is read from its name. A question's age group maps onto the column with exactly that bracket;
one that no column covers ("20세 미만") is named as unmapped, never approximated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.sql.semantic_layer import TableInfo

_COLUMN = re.compile(r"^age_(\d+)_(\d+|plus)$")
_PEOPLE = r"(?:residents|people|persons|population|inhabitants|children|kids|citizens)"
# (pattern, how the numbers make a bracket); numbers are whole ages
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{1,3})\s*세\s*(?:부터|에서|~|-)\s*(\d{1,3})\s*세\s*(?:까지|사이)?"), "range"),
    (re.compile(r"(\d{1,3})\s*[~-]\s*(\d{1,3})\s*세"), "range"),
    (re.compile(r"(\d{1,3})\s*세\s*미만"), "under"),
    (re.compile(r"(\d{1,3})\s*세\s*이하"), "at_most"),
    (re.compile(r"(\d{1,3})\s*세\s*이상"), "at_least"),
    (re.compile(r"(\d{1,3})\s*세\s*초과"), "over"),
    (re.compile(r"\b(?:aged|ages?)\s+(\d{1,3})\s*(?:-|to|through)\s*(\d{1,3})\b"), "range"),
    # "aged 65 or over", "residents 65 and older", "65 years or over", "65+ residents"; a bare
    # "50 or above" is a value, not an age, so an age or people word must stand next to it
    (
        re.compile(
            rf"\b(?:(?:aged|age)\s+|{_PEOPLE}\s+)(\d{{1,3}})\s*(?:years?(?: old)?\s+)?"
            r"(?:or|and)\s+(?:over|older|above|up)\b"
        ),
        "at_least",
    ),
    (re.compile(r"\b(\d{1,3})\s*years?(?: old)?\s+(?:or|and)\s+(?:over|older|above)\b"), "at_least"),
    (re.compile(r"\baged\s+(\d{1,3})\s*\+"), "at_least"),
    (re.compile(rf"\b(\d{{1,3}})\s*\+\s*(?={_PEOPLE}|year)"), "at_least"),
    (
        re.compile(rf"\b(?:{_PEOPLE}\s+(?:aged\s+)?|aged\s+)(?:under|below|younger than)\s+(\d{{1,3}})\b"),
        "under",
    ),
    (re.compile(r"\b(?:under|below|younger than)\s+(?:the\s+)?age\s+(?:of\s+)?(\d{1,3})\b"), "under"),
    (re.compile(r"\bunder[- ](\d{1,3})s\b"), "under"),
    # a bare range is an age group when it stands in brackets next to, or right before, a people
    # word: "children (0-14)", "Gangseo-gu's 0-14 population", "15~64 인구"
    (re.compile(rf"\b{_PEOPLE}\s*\(\s*(\d{{1,2}})\s*[-~]\s*(\d{{1,2}})\s*\)"), "range"),
    (re.compile(rf"\b(\d{{1,2}})\s*[-~]\s*(\d{{1,2}})\s*(?:year[- ]olds?\b|{_PEOPLE}|인구|명)"), "range"),
]


@dataclass(frozen=True)
class AgeGroup:
    low: int
    high: int | None  # None: and over
    start: int
    end: int

    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


def find_age_groups(text: str) -> list[AgeGroup]:
    """Every age group the (normalised) question writes as ages, left to right, without overlaps."""
    found: list[AgeGroup] = []
    taken = [False] * len(text)
    for pattern, kind in _PATTERNS:
        for match in pattern.finditer(text):
            if any(taken[match.start() : match.end()]):
                continue
            numbers = [int(n) for n in match.groups() if n is not None]
            low, high = _bracket(kind, numbers)
            found.append(AgeGroup(low, high, match.start(), match.end()))
            for i in range(match.start(), match.end()):
                taken[i] = True
    return sorted(found, key=lambda group: group.start)


def _bracket(kind: str, numbers: list[int]) -> tuple[int, int | None]:
    if kind == "range":
        return numbers[0], numbers[1]
    if kind == "under":
        return 0, numbers[0] - 1
    if kind == "at_most":
        return 0, numbers[0]
    if kind == "over":
        return numbers[0] + 1, None
    return numbers[0], None


def age_column(info: TableInfo, group: AgeGroup) -> str | None:
    """The table's measure column that covers exactly this age group."""
    for name in info.measures:
        match = _COLUMN.match(name)
        if not match:
            continue
        high = None if match.group(2) == "plus" else int(match.group(2))
        if int(match.group(1)) == group.low and high == group.high:
            return name
    return None


def age_brackets_of(info: TableInfo) -> list[str]:
    """The age groups the table has, for a message naming what it could have answered."""
    labels = []
    for name in info.measures:
        match = _COLUMN.match(name)
        if match:
            labels.append(
                f"{match.group(1)}+" if match.group(2) == "plus" else f"{match.group(1)}-{match.group(2)}"
            )
    return labels
