"""Cue words and number patterns of statistics questions, in Korean and English.

Functions here read a normalised question (see `phrase_matcher.normalise`) and know nothing about
the tables: periods ("since 2015", "2018년부터 2021년까지", "최근 5년"), top-N and ordinals ("top 3",
"상위 3개", "3rd largest", "세 번째"), thresholds ("more than 300,000", "30만 명 이상") and operation cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.sql.slots import Order, Period, Threshold
from assistant.sql.units import AMOUNT, Amount, read_amount

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "한": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
}
_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "첫": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
}
_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

_Y = r"((?:19|20)\d\d)"
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)"

_RANGE_PATTERNS = [
    re.compile(rf"between {_Y} and {_Y}"),
    re.compile(rf"from {_Y} (?:to|through|until|till|and) {_Y}"),
    re.compile(rf"{_Y}년?\s*(?:부터|에서|~|-|–)\s*{_Y}년?\s*(?:까지|사이)?"),
    re.compile(rf"{_Y}년?\s*(?:과|와|and)\s*{_Y}년?\s*사이"),
    re.compile(rf"{_Y} (?:to|through|until|till) {_Y}"),
]
_FROM_PATTERNS = [
    re.compile(rf"(?:since|from|starting(?: in)?|as of|beginning(?: in)?) {_Y}(?! to| and| through)"),
    re.compile(rf"{_Y}년?\s*(?:이후|부터|以後|이래)"),
    re.compile(rf"{_Y} (?:onwards|onward|and later|or later|and after)"),
]
_AFTER_PATTERNS = [re.compile(rf"after {_Y}")]
_TO_PATTERNS = [re.compile(rf"(?:until|up to|through|till|by) {_Y}"), re.compile(rf"{_Y}년?\s*까지")]
_BEFORE_PATTERNS = [re.compile(rf"before {_Y}"), re.compile(rf"{_Y}년?\s*(?:이전|전까지)")]
_LAST_N = [
    re.compile(rf"(?:last|past|recent|previous|latest) {_NUM} years?"),
    re.compile(rf"(?:최근|지난|최근의)\s*{_NUM}\s*(?:개년|년간|년|해)"),
]
_YEAR = re.compile(rf"(?<!\d){_Y}(?!\d)")
_KO_MONTH = re.compile(r"(?<!\d)(1[0-2]|[1-9])\s*월")
_EN_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b")

_TOP_N = [
    re.compile(rf"\b(?:top|bottom|first|last) {_NUM}\b(?! years?)"),
    re.compile(
        rf"\b{_NUM} (?:largest|biggest|highest|most|lowest|smallest|least|fewest|busiest|densest|top|leading|"
        r"districts|ports|provinces|regions|gu|cities|worst|best)\b"
    ),
    re.compile(rf"(?:상위|하위|탑|top)\s*{_NUM}\s*(?:개|곳|위|군데)?"),
    re.compile(rf"{_NUM}\s*(?:개|곳|군데)\s*(?:구|구군|자치구|항만|항구|시도|지역|도시)?"),
    re.compile(rf"{_NUM}\s*위까지"),
]
_ORDINAL = [
    re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"),
    re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b"),
    re.compile(r"(\d+|첫|두|세|네|다섯)\s*번째"),
    re.compile(r"(?<![몇\d])(\d+)\s*위(?:인|는|에|의|를|가)"),
]

# Comparison words around an amount: English ones stand before it ("more than 20k"), Korean ones
# after it ("20만 명 이상", "30%를 넘는", "50km²보다 넓은", "20만 명이 안 되는").
_EN_OPS = {
    "more than": ">",
    "over": ">",
    "above": ">",
    "at least": ">=",
    "greater than": ">",
    "exceeding": ">",
    "exceeded": ">",
    "exceeds": ">",
    "exceed": ">",
    "higher than": ">",
    "bigger than": ">",
    "larger than": ">",
    "less than": "<",
    "under": "<",
    "below": "<",
    "fewer than": "<",
    "at most": "<=",
    "lower than": "<",
    "smaller than": "<",
    "no more than": "<=",
}
_KO_OPS = {
    "이상": ">=",
    "초과": ">",
    "넘는": ">",
    "넘은": ">",
    "넘게": ">",
    "넘어선": ">",
    "넘어": ">",
    "넘긴": ">",
    "넘었": ">",
    "보다 많": ">",
    "보다 높": ">",
    "보다 큰": ">",
    "보다 크": ">",
    "보다 넓": ">",
    "이하": "<=",
    "미만": "<",
    "보다 적": "<",
    "보다 낮": "<",
    "보다 작": "<",
    "보다 좁": "<",
    "아래": "<",
    "안 되는": "<",
    "안되는": "<",
    "안 된": "<",
    "못 미치는": "<",
}
_AMOUNT_TEXT = AMOUNT.pattern.replace("(?P<", "(?P<a_")
_EN_OP_WORDS = "|".join(sorted(_EN_OPS, key=len, reverse=True))
_KO_OP_WORDS = "|".join(sorted((op.replace(" ", r"\s*") for op in _KO_OPS), key=len, reverse=True))
_THRESHOLD_EN = re.compile(rf"\b(?P<op>{_EN_OP_WORDS})\s+(?P<amount>{_AMOUNT_TEXT})")
_THRESHOLD_KO = re.compile(
    rf"(?P<amount>{_AMOUNT_TEXT})\s*(?:을|를|이|가|은|는|에|에서)?\s*(?P<op>{_KO_OP_WORDS})"
)


@dataclass(frozen=True)
class FoundThreshold:
    """A comparison with an amount as the question wrote it, and where."""

    op: str
    amount: Amount
    start: int
    end: int
    text: str


def find_threshold(text: str) -> FoundThreshold | None:
    """The first "more than 20k" / "20만 명 이상" in the text (spans of age groups already blanked)."""
    for pattern, ops in ((_THRESHOLD_EN, _EN_OPS), (_THRESHOLD_KO, _KO_OPS)):
        for match in pattern.finditer(text):
            amount_match = AMOUNT.match(text, match.start("amount"))
            if amount_match is None:
                continue
            amount = read_amount(amount_match)
            if _is_a_year(text, amount):
                continue
            op = ops[re.sub(r"\s+", " ", match.group("op"))] if pattern is _THRESHOLD_EN else _ko_op(match)
            return FoundThreshold(op, amount, match.start(), match.end(), match.group(0).strip())
    for pattern, op in _SIGN_CONDITIONS:
        if sign := pattern.search(text):
            zero = Amount(0.0, None, False, sign.start(), sign.end())
            return FoundThreshold(op, zero, sign.start(), sign.end(), sign.group(0).strip())
    return None


# "처음으로 마이너스가 된 해", "the first year natural increase turned negative": a condition on the sign
_SIGN_CONDITIONS = [
    (
        re.compile(
            r"마이너스|음수|(?:turn(?:ed|s)?|went|go(?:es)?|became|become|fell)\s+negative|below zero"
            r"|negative (?:value|number)"
        ),
        "<",
    ),
    (re.compile(r"플러스|양수|(?:turn(?:ed|s)?|went|became|become)\s+positive|above zero"), ">"),
]


def _ko_op(match: re.Match[str]) -> str:
    written = re.sub(r"\s+", "", match.group("op"))
    return next(op for word, op in _KO_OPS.items() if word.replace(" ", "") == written)


def _is_a_year(text: str, amount: Amount) -> bool:
    """ "than in 2010", "2010년보다": a year is an operand, not an amount."""
    if amount.unit is not None or amount.scaled or not (1900 <= amount.value <= 2100):
        return False
    return amount.value.is_integer()


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


_SHORT_YEAR = re.compile(r"(?<![\d.,])'?(\d{2})\s*년(?=\s*\d{1,2}\s*월)|(?<![\w.,])'(\d{2})(?!\d)")


_ABBREVIATIONS = [
    (re.compile(r"\bpop\b\.?"), "population"),
    (re.compile(r"\bavg\b\.?"), "average"),
    (re.compile(r"\byrs?\b\.?"), "years"),
    (re.compile(r"#\s*of\b"), "number of"),
    (re.compile(r"(?<=\d)\s*mn\b|\bmn\b(?=\s*teu)"), " million"),
    # "1km²당", "per 1 km²": per one square kilometre is per km²
    (re.compile(r"(?<![\d.,])1\s*(?=(?:km²|km2|㎢)\s*당)|(?<=per )1\s*(?=km²|km2|㎢|square)"), ""),
]


def expand_abbreviations(text: str) -> str:
    """Memo shorthand in full: "pop." → population, "avg" → average, "# of" → number of, "mn" →
    million (the normalised, lower-case question)."""
    for pattern, full in _ABBREVIATIONS:
        text = pattern.sub(full, text)
    return text


def expand_short_years(text: str) -> str:
    """A two-digit year written with a month ("25년 5월") or an apostrophe ("'19") as four digits:
    memos write years that way. "15년 동안" (fifteen years) has no month and stays."""

    def full(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2)
        return f"20{digits}년" if match.group(1) else f"20{digits}"

    return _SHORT_YEAR.sub(full, text)


def extract_period(text: str) -> tuple[Period, list[int]]:
    """The period a question asks about, and every year it names (for range checks)."""
    period = Period()
    mentioned = [int(y) for y in _YEAR.findall(text)]
    rest = text
    for pattern in _RANGE_PATTERNS:
        match = pattern.search(rest)
        if match:
            first, second = sorted((int(match.group(1)), int(match.group(2))))
            period.year_from, period.year_to = first, second
            rest = rest.replace(match.group(0), " ")
            break
    if period.year_from is None:
        for patterns, kind in (
            (_FROM_PATTERNS, "from"),
            (_AFTER_PATTERNS, "after"),
            (_TO_PATTERNS, "to"),
            (_BEFORE_PATTERNS, "before"),
        ):
            for pattern in patterns:
                match = pattern.search(rest)
                if match:
                    year = int(match.group(1))
                    if kind == "from":
                        period.year_from = year
                    elif kind == "after":
                        period.year_from = year + 1
                    elif kind == "to":
                        period.year_to = year
                    else:
                        period.year_to = year - 1
                    rest = rest.replace(match.group(0), " ")
                    break
    for pattern in _LAST_N:
        match = pattern.search(rest)
        if match:
            period.last_n_years = _number(match.group(1))
            rest = rest.replace(match.group(0), " ")
            break
    period.years = sorted({int(y) for y in _YEAR.findall(rest)})
    month = _KO_MONTH.search(text) or _EN_MONTH.search(text)
    if month:
        value = month.group(1)
        period.month = int(value) if value.isdigit() else _MONTHS[value]
    return period, mentioned


def extract_top_n(text: str, *, explicit_only: bool = False) -> int | None:
    """N of "top N"/"상위 N개"; with explicit_only, only forms that say top/bottom themselves."""
    for pattern in _TOP_N[:3] if explicit_only else _TOP_N:
        match = pattern.search(text)
        if match:
            value = _number(match.group(1))
            if 1 <= value <= 100:
                return value
    return None


def extract_ordinal(text: str) -> int | None:
    for pattern in _ORDINAL:
        match = pattern.search(text)
        if match:
            word = match.group(1)
            return int(word) if word.isdigit() else _ORDINAL_WORDS[word]
    return None


def extract_threshold(text: str) -> Threshold | None:
    """The threshold as a bare number (scale words applied, units not converted)."""
    found = find_threshold(text)
    if found is None:
        return None
    return Threshold(op=found.op, value=found.amount.value, stated=found.text)  # type: ignore[arg-type]


_PLACE_NOUNS = "구·군|구군|구|자치구|항만|항구|시도|시·도|지역"


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns))


CUES: dict[str, re.Pattern[str]] = {
    "desc": _cue(
        r"\b(highest|most|largest|biggest|greatest|maximum|max|peak|worst|heaviest|busiest|top|densest|"
        r"leading|more|higher|larger)\b",
        r"\b(descending|desc)( order)?\b",
        r"가장\s*(많|높|크|큰|넓|심|나쁜|붐비|컸|높았|많았)",
        r"제일\s*(많|높|크|큰|넓)",
        r"최대",
        r"최고",
        r"최다",
        r"상위",
        r"많은\s*순",
        r"높은\s*순",
        r"큰\s*순",
        r"1위",
        r"일등",
        r"최악",
    ),
    "asc": _cue(
        r"\b(lowest|least|fewest|smallest|minimum|min|bottom|cleanest|best|lightest|quietest)\b",
        r"\b(ascending|asc)( order)?\b",
        r"가장\s*(적|낮|작|좁|깨끗|좋)",
        r"제일\s*(적|낮|작|좁)",
        r"최소",
        r"최저",
        r"하위",
        r"적은\s*순",
        r"낮은\s*순",
        r"작은\s*순",
        r"꼴찌",
    ),
    "avg": _cue(r"\b(average|mean|avg)\b", r"평균"),
    "sum": _cue(
        r"\b(total|sum|combined|altogether|overall|in all|all together)\b",
        r"합계",
        r"합산",
        r"총합",
        r"모두 합",
        r"다 합",
        r"합치면",
        r"총\s",
        r"^총",
    ),
    "which": _cue(
        r"\b(which|what)\s+(district|districts|gu|borough|port|ports|province|provinces|region|"
        r"regions|city|area|part|year|month|weekday|day|type|kind)\b",
        r"\bwhere\b",
        r"\bwhen\b",
        r"어느",
        r"어떤\s*(구|항|시도|지역|곳|해|요일|유형|달|월)",
        r"어디",
        r"언제",
        r"무슨",
        r"몇\s*년",
        r"몇\s*월",
        r"곳은",
        r"곳이",
        r"구는",
        r"구가",
        r"구를",
        r"해는",
        r"연도는",
        r"시도는",
        r"항만은",
        r"항구는",
        r"지역은",
        r"요일은",
        r"달은",
    ),
    "year_target": _cue(
        r"\b(which|what|in which) years?\b",
        r"\bwhen\b",
        r"어느\s*해",
        r"몇\s*년",
        r"언제",
        r"해는",
        r"연도는",
        r"년도는",
        r"해가",
        r"연도가",
    ),
    "month_target": _cue(r"\b(which|what) month\b", r"몇\s*월", r"어느\s*달", r"달은", r"월은"),
    "trend": _cue(
        r"\b(trend|trends|over time|over the years|year by year|year-by-year|each year|every year|"
        r"by year|per year|annual|annually|yearly|time series|history|evolution|year on year|"
        r"over the period|evolve|evolved)\b",
        r"추이",
        r"추세",
        r"흐름",
        r"연도별",
        r"해마다",
        r"매년",
        r"연도 별",
        r"시계열",
        r"년도별",
        r"연간 변화",
        r"해별",
    ),
    "change": _cue(
        r"\b(change|changed|changes|changing|increase|increased|decrease|decreased|grow|grew|grown|"
        r"growth|rise|rose|risen|fall|fell|fallen|drop|dropped|decline|declined|difference|go up|"
        r"went up|go down|went down|gain|gained|lose|lost|shrink|shrank|improve|improved|worsen|"
        r"worsened)\b",
        r"변화",
        r"변했",
        r"바뀌",
        r"증가",
        r"감소",
        r"늘었",
        r"늘어",
        r"줄었",
        r"줄어",
        r"증감",
        r"차이",
        r"달라",
        r"올랐",
        r"떨어",
        r"상승",
        r"하락",
        r"변동",
        r"개선",
        r"악화",
        r"늘어났",
        r"줄어들",
    ),
    "share": _cue(
        r"\b(share|percentage|percent|proportion|fraction|portion)\b",
        r"% of",
        r"what % ",
        r"비중",
        r"차지",
        r"퍼센트",
        r"몇\s*%",
        r"점유율",
        r"비율",
    ),
    "ratio": _cue(r"\bratio\b", r"\btimes (more|larger|bigger|higher|as)\b", r"대비", r"몇\s*배"),
    "rank": _cue(
        r"\b(rank|ranks|ranked|ranking|position|place)\b", r"순위", r"몇\s*위", r"몇\s*번째", r"등수"
    ),
    "compare": _cue(r"\b(vs|versus|compare|compared|comparison|against)\b", r"비교", r"대비"),
    "group": _cue(
        r"\b(by|per|for each|each|every|for all|of all|across all|all|broken down by|breakdown)\s+"
        r"(district|districts|gu|borough|boroughs|province|provinces|region|regions|port|ports|year|"
        r"years|month|months|weekday|weekdays|day of the week|type|types|accident type|violation|"
        r"violations|road type|vehicle|vehicle type|victim type|hour|time of day)\b",
        r"(각|모든)\s*(구|구군|구·군|자치구|시도|항만|항구|연도|지역)",
        r"(구|구군|시도|항만|연도|월|요일)\s*(마다|별로)",
        r"별\s*(로|로는)?\s*(인구|현황|수|건수|비교|합계|순위|정리|분포)?",
        r"\blist\b",
        r"목록",
        r"\bbreakdown\b",
        r"\bdistribution\b",
        r"분포",
    ),
    # Counting places or years: "how many districts", "몇 개 구", "구·군은 몇 곳이야", "구 몇 개예요".
    "count_groups": _cue(
        r"\bhow many (districts|gu|boroughs|ports|provinces|regions|years)\b",
        rf"몇\s*(개|곳|군데)\s*(의\s*)?({_PLACE_NOUNS})",
        rf"(?<![가-힣])({_PLACE_NOUNS}|곳)\s*(는|은|이|가)?\s*(모두\s*|전부\s*|총\s*)?몇\s*(개|곳|군데)",
        rf"(?<![가-힣])({_PLACE_NOUNS})\s*(의\s*)?(개수|수)(?![가-힣])",
        r"\bnumber of (districts|ports|provinces)\b",
        r"\bcount the (districts|ports|provinces)\b",
        r"(?:해|연도|년도)(?:가|는|이)?\s*몇\s*(?:번|회|개|차례)",  # "마이너스였던 해가 몇 번이에요?"
    ),
    # Count words that name no place ("몇 곳이야?", "몇 개예요?", "개수는?"): with a condition
    # ("30% 넘는 …") they ask how many rows meet it; without one they may count anything
    # ("행정동은 모두 몇 개?" is a sum of a column).
    "count_words": _cue(r"몇\s*(개|곳|군데)(?!\s*(월|년))", r"개수"),
    # two-step forms (see QuestionParser._two_step_operation)
    "difference": _cue(
        r"\bhow (?:many|much) (?:more|fewer|less|larger|bigger|higher|lower|smaller|greater|wider)\b",
        r"보다\s*(?:얼마나|몇\s*[가-힣]{0,2})?\s*(?:더\s*)?(?:많|적|크|큰|작|높|낮|넓|좁)",
        r"얼마나\s*더\s*(?:많|적|크|큰|작|높|낮|넓|좁)",
    ),
    "fewer": _cue(
        r"\bhow (?:many|much) (?:fewer|less|lower|smaller)\b",
        r"보다\s*(?:얼마나|몇\s*[가-힣]{0,2})?\s*(?:더\s*)?(?:적|작|낮|좁)",
        r"얼마나\s*더\s*(?:적|작|낮|좁)",
    ),
    "times": _cue(
        r"몇\s*배",
        r"\bhow many times\b",
        r"\btimes (?:more|larger|bigger|higher|greater|as)\b",
        r"\bratio of\b",
    ),
    "first_last": _cue(
        r"\bfirst\b",
        r"첫\s*(?:번째\s*)?(?:해|연도|년도)",
        r"\blast year (?:with|when|that|in which|where)\b",
        r"\bthe last year\b",
        r"\blast time\b",
        r"처음",
        r"최초",
        r"마지막",
    ),
    "than": _cue(r"\bthan\b", r"보다"),
    "across": _cue(
        r"\bacross\b",
        r"\baverage (?:of|over) (?:the |all )?(?:districts|provinces|gu)\b",
        r"(?:구·군|구군|자치구|시도)\s*(?:전체의|전체)?\s*평균",
        r"(?:구·군|구군|자치구|시도|구)\s*(?:별|들의|들)[^?]*평균",
        r"\d+\s*개\s*(?:구·군|구군|자치구|시도|구)[^?]*평균",
    ),
    "compared_measure": _cue(
        r"\b(?:exceed|exceeded|exceeds|outnumber|outnumbered|outnumbers|surpass|surpassed|overtook|"
        r"overtake)\b",
        r"보다\s*(?:[가-힣]+\s+)?(?:더\s*)?(?:많아|많았|많은|많|높아|높았|높|커|컸|크)",
    ),
    "statistical": _cue(
        r"\b(how many|how much|what was|what is|what's|what were|what are|number of|rate|level|"
        r"highest|lowest|most|least|average|total|trend|compare|rank|share|percentage|which|"
        r"how did|how has|how have|change|per|ratio|statistics|figure|figures|count)\b",
        r"몇",
        r"얼마",
        r"가장",
        r"평균",
        r"합계",
        r"총",
        r"수는",
        r"률은",
        r"율은",
        r"순위",
        r"비교",
        r"추이",
        r"변화",
        r"비율",
        r"통계",
        r"수치",
        r"어느",
        r"인가요",
        r"는\?",
        r"은\?",
    ),
    "document": _cue(
        r"\b(dataset|datasets|data set|data sets|which data|what data|catalog|catalogue|file|files|"
        r"department|agency|who owns|who publishes|owner|guideline|guidelines|policy|policies|law|"
        r"act|decree|regulation|procedure|process|request|apply|licen[cs]e|how do i|how can i|"
        r"how to|days does|days do|deadline|classification|publish(?:es|ed|ing)?|provides?|maintains?|"
        r"releases?|download|api|"
        r"is there (any )?data|data on|updated|update)\b",
        # asking whether data exists, where to get it, how often it is refreshed: a catalog question
        r"(데이터|자료|통계)(가|는)?\s*(있|없)",
        r"(받|구하|찾|다운로드\s*받)을\s*수",
        r"업데이트",
        r"갱신",
        r"데이터셋",
        r"데이터 셋",
        r"어떤 데이터",
        r"무슨 데이터",
        r"데이터는 어디",
        r"자료는 어디",
        r"어디에 있",
        r"어디서",
        r"목록에",
        r"카탈로그",
        r"파일",
        r"부서",
        r"담당",
        r"기관",
        r"지침",
        r"가이드라인",
        r"법률",
        r"법령",
        r"시행령",
        r"조례",
        r"규정",
        r"절차",
        r"청구",
        r"신청",
        r"방법",
        r"며칠",
        r"기한",
        r"일 이내",
        r"라이선스",
        r"공개",
        r"분류 기준",
        r"등급",
        r"제공하",
        r"다운로드",
    ),
    "followup": _cue(
        r"^(and|what about|how about|same for|now|then|also|and for|and in|and the|what of)\b",
        r"^(그럼|그러면|그리고|또|그럼요|그렇다면|이번엔|이번에는)",
        r"(은|는)\?$",
        r"(은요|는요)\??$",
    ),
}


def has_cue(name: str, text: str) -> bool:
    return CUES[name].search(text) is not None


# "top"/"상위"/"bottom"/"하위" say that a ranking is asked, not in which direction: "top 3 lowest",
# "낮은 구 top 3" ask for the three lowest. They decide the order only when no other word does.
_RANK_ONLY_WORDS = re.compile(r"\btop\b|상위|탑|\bbottom\b|하위")
_RANK_ONLY_ORDER: dict[str, Order] = {
    "top": "desc",
    "상위": "desc",
    "탑": "desc",
    "bottom": "asc",
    "하위": "asc",
}
# In a top-n form a plain adjective gives the direction ("농도 낮은 구 top 3", "인구 많은 구 3곳"),
# unless it compares with an amount or another figure ("50보다 낮은" is a condition).
_ADJECTIVES = {
    "asc": re.compile(r"(?<!보다)(?<!보다 )(?<!보다 더 )(낮은|적은|작은|좁은)"),
    "desc": re.compile(r"(?<!보다)(?<!보다 )(?<!보다 더 )(높은|많은|큰|넓은)"),
}


def direction_words(text: str, *, top_n_form: bool) -> list[tuple[int, int, Order]]:
    """(start, end, "asc"/"desc") of each word that says which end of a ranking is asked; the
    adjectives only in a top-n form, the rank-only words ("top", "하위") left out."""
    found: list[tuple[int, int, Order]] = []
    directions: tuple[Order, ...] = ("desc", "asc")
    for direction in directions:
        for match in CUES[direction].finditer(text):
            if not _RANK_ONLY_WORDS.fullmatch(match.group(0).strip()):
                found.append((match.start(), match.end(), direction))
        if top_n_form:
            found += [(m.start(), m.end(), direction) for m in _ADJECTIVES[direction].finditer(text)]
    return sorted(found)


def sort_direction(text: str, *, top_n_form: bool) -> Order:
    """The order of a ranking: the first word that says it ("top 3 lowest" -> asc), else the
    rank-only word ("bottom 3" -> asc), else descending."""
    words = direction_words(text, top_n_form=top_n_form)
    if words:
        return words[0][2]
    rank_only = _RANK_ONLY_WORDS.search(text)
    return _RANK_ONLY_ORDER[rank_only.group(0)] if rank_only else "desc"
