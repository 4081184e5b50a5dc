"""Units and amounts in statistics questions: the one table of unit and scale words.

A question's amount ("20만 명", "2천만 TEU", "50 km²", "2 m", "30%") is read here as a number in a
unit; `in_column_unit` converts it to the unit a card gives its column ("백만 TEU", "mm", "km²") so a
threshold compares like with like, and `answer_unit` reads "in hectares" / "몇만 TEU" / "how many
thousand TEU" as the unit the answer is to be stated in. A unit word of another kind than the column
(a length against an area) converts to nothing, and the parser refuses rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    key: str
    kind: str  # what it measures; only units of one kind convert into each other
    factor: float  # size in the kind's base unit (area: km², length: mm, people: 1 person)
    label_ko: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en


# key, kind, factor, Korean label, English label, words people write (normalised: NFKC, lower case)
_UNIT_TABLE: list[tuple[str, str, float, str, str, tuple[str, ...]]] = [
    ("person", "people", 1, "명", "people", ("명", "people", "persons", "residents", "inhabitants")),
    ("case", "cases", 1, "건", "cases", ("건", "cases")),
    ("place", "places", 1, "곳", "places", ("곳", "개")),
    ("percent", "percent", 1, "%", "%", ("%", "퍼센트", "percent", "per cent", "pct")),
    (
        "km2",
        "area",
        1,
        "km²",
        "km²",
        ("km2", "제곱킬로미터", "제곱킬로", "square kilometres", "square kilometers", "sq km"),
    ),
    ("ha", "area", 0.01, "헥타르", "hectares", ("ha", "헥타르", "hectares", "hectare")),
    ("m2", "area", 1e-6, "m²", "m²", ("m2", "제곱미터", "square metres", "square meters")),
    ("mm", "length", 1, "mm", "mm", ("mm", "밀리미터", "millimetres", "millimeters")),
    ("cm", "length", 10, "cm", "cm", ("cm", "센티미터", "centimetres", "centimeters")),
    ("m", "length", 1000, "m", "m", ("m", "미터", "metres", "meters", "metre", "meter")),
    ("teu", "teu", 1, "TEU", "TEU", ("teu",)),
    ("ugm3", "concentration", 1, "µg/m³", "µg/m³", ("µg/m3", "ug/m3", "㎍/㎥", "μg/m3")),
    ("ppm", "ppm", 1, "ppm", "ppm", ("ppm",)),
    ("day", "days", 1, "일", "days", ("일", "days")),
    ("celsius", "temperature", 1, "°C", "°C", ("°c",)),
]
UNITS: dict[str, Unit] = {row[0]: Unit(*row[:5]) for row in _UNIT_TABLE}
_UNIT_WORDS: dict[str, str] = {word: row[0] for row in _UNIT_TABLE for word in row[5]}
# Scale words multiply the number ("2천만" = 20,000,000); longest first so 천만 wins over 천 and 만.
SCALES: dict[str, float] = {
    "천만": 1e7,
    "백만": 1e6,
    "억": 1e8,
    "만": 1e4,
    "천": 1e3,
    "백": 1e2,
    "billion": 1e9,
    "million": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


NUMBER = r"\d[\d,]*(?:\.\d+)?"
# "k" is a scale only on its own ("20k"), never the start of "km2".
SCALE = rf"(?:{_alternation([word for word in SCALES if word != 'k'])}|k(?![a-z]))"
UNIT_WORD = rf"(?:{_alternation(list(_UNIT_WORDS))})"
# "20만 명", "2천만 teu", "50km2", "1.5 m", "300,000", "20k"
AMOUNT = re.compile(
    rf"(?<![\d.,])(?P<number>{NUMBER})\s*(?P<scale>{SCALE})?\s*(?P<unit>{UNIT_WORD})?(?![a-z0-9])"
)


@dataclass(frozen=True)
class Amount:
    value: float  # the number times its scale, in `unit` (or bare when unit is None)
    unit: Unit | None
    scaled: bool  # a scale word was written ("20만", "2 million")
    start: int
    end: int


def read_amount(match: re.Match[str]) -> Amount:
    number, scale, unit_word = match.group("number"), match.group("scale"), match.group("unit")
    value = float(number.replace(",", "")) * (SCALES[scale] if scale else 1.0)
    unit = UNITS[_UNIT_WORDS[unit_word]] if unit_word else None
    return Amount(value, unit, bool(scale), match.start(), match.end())


def column_unit(text: str) -> tuple[Unit, float] | None:
    """A card's unit as (unit, scale): "백만 TEU" -> (TEU, 1e6), "km²" -> (km², 1); None when compound."""
    from assistant.sql.phrase_matcher import normalise

    cleaned = normalise(text or "")
    match = re.fullmatch(rf"(?P<scale>{SCALE})?\s*(?P<unit>{UNIT_WORD})", cleaned)
    if not match:
        return None
    scale = SCALES[match.group("scale")] if match.group("scale") else 1.0
    return UNITS[_UNIT_WORDS[match.group("unit")]], scale


_MILLION_KINDS = {"people", "cases", "places", "teu"}
# Counting units agree with any count column ("20만 명" against births, "2만 건" against marriages).
_COUNT_KINDS = {"people", "cases", "places"}


def in_column_unit(amount: Amount, unit_text: str) -> float | None:
    """The amount in the column's unit, or None when its unit is of another kind."""
    column = column_unit(unit_text)
    if amount.unit is not None and amount.unit.key == "m" and column and column[0].kind in _MILLION_KINDS:
        # "20m TEU", "0.3m people": against a count, a lone "m" is the English shorthand for million
        amount = Amount(amount.value * 1e6, None, True, amount.start, amount.end)
    if amount.unit is None:
        if column is not None and column[1] != 1 and (amount.scaled or amount.value >= column[1] / 10):
            return amount.value / column[1]  # "more than 20,000,000" against a column in millions
        return amount.value
    if column is None:
        return amount.value if amount.unit.kind in _COUNT_KINDS and not unit_text.count("/") else None
    unit, scale = column
    if unit.kind != amount.unit.kind and not (unit.kind in _COUNT_KINDS and amount.unit.kind in _COUNT_KINDS):
        return None
    factor = amount.unit.factor / unit.factor if unit.kind == amount.unit.kind else 1.0
    return amount.value * factor / scale


@dataclass(frozen=True)
class AnswerUnit:
    """The unit the asker wants the answer in: a scale and/or a unit word, and where it was written."""

    unit: Unit | None
    scale: float
    start: int
    end: int

    def label(self, lang: str, column: Unit | None) -> str:
        unit = self.unit or column
        name = unit.label(lang) if unit else ""
        if self.scale == 1:
            return name
        words = {
            1e3: ("천", "thousand"),
            1e4: ("만", "ten thousand"),
            1e6: ("백만", "million"),
            1e7: ("천만", "ten million"),
            1e8: ("억", "hundred million"),
        }
        ko, en = words.get(self.scale, (f"×{self.scale:g}", f"×{self.scale:g}"))
        return f"{ko} {name}".strip() if lang == "ko" else f"{en} {name}".strip()


_ANSWER_UNIT = [
    # "in hectares", "in square metres"
    re.compile(rf"\bin (?:(?P<scale>thousands?|millions?) (?:of )?)?(?P<unit>{UNIT_WORD})\b"),
    # "how many thousand teu", "how many hectares"
    re.compile(rf"\bhow many (?:(?P<scale>thousands?|millions?) )?(?P<unit>{UNIT_WORD})\b"),
    # "몇만 teu", "몇 헥타르", "몇천 명"
    re.compile(rf"몇\s*(?P<scale>천만|백만|만|천|억)?\s*(?P<unit>{UNIT_WORD})"),
    re.compile(r"몇\s*(?P<scale>천만|백만|만|천|억)(?P<unit>)"),
]


def answer_unit(text: str) -> AnswerUnit | None:
    """ "in hectares", "몇만 TEU", "how many thousand TEU": the unit the answer should be stated in."""
    for pattern in _ANSWER_UNIT:
        match = pattern.search(text)
        if not match:
            continue
        scale_word = (match.groupdict().get("scale") or "").rstrip("s")
        unit_word = match.group("unit")
        unit = UNITS[_UNIT_WORDS[unit_word]] if unit_word else None
        scale = SCALES.get(scale_word, 1.0)
        return AnswerUnit(unit, scale, match.start(), match.end())
    return None


def answer_factor(wanted: AnswerUnit, unit_text: str) -> float | None:
    """What to multiply the column's values by to state them in the wanted unit (None: cannot)."""
    column = column_unit(unit_text)
    if column is None:
        return None
    unit, scale = column
    target = wanted.unit or unit
    if target.kind != unit.kind:
        return None
    return scale * unit.factor / (target.factor * wanted.scale)
