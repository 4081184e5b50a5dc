"""What kind of answer a question asks for, and whether a sentence gives one (issue 8).

"몇 년마다 …?" wants a cycle ("5년마다"), "며칠 안에 …?" a period ("10일 이내"), "위원은 몇 명?" a
head count ("9명"), "과태료는 얼마?" an amount ("300만원"), "누가 …?" an office ("행정안전부장관").
The composer prefers sentences that carry the asked-for kind of fact, and an answer whose sentence
does not carry it is never stated with confidence high. Korean and English, both ways.
"""

from __future__ import annotations

import enum
import re


class AnswerType(enum.StrEnum):
    CYCLE = "cycle"
    PERIOD = "period"
    COUNT = "count"
    AMOUNT = "amount"
    DATE = "date"
    WHO = "who"
    DEFINITION = "definition"


_FLAGS = re.IGNORECASE
# Asked-for kinds, most specific first: "몇 년마다" is a cycle before it is a period.
_QUESTION_CUES: list[tuple[AnswerType, re.Pattern[str]]] = [
    # "주기를 몇 번 놓치면" counts times, whatever else it names; "위원 몇 명 이내로" counts heads
    # (its "이내" is no period).
    (
        AnswerType.COUNT,
        re.compile(r"몇\s*번(?!\s*째)|몇\s*회|how many times|몇\s*(명|인)\s*이(내|하|상)", _FLAGS),
    ),
    (
        AnswerType.CYCLE,
        re.compile(
            r"몇\s*년\s*(마다|에\s*한\s*번|주기|단위)|주기|얼마나\s*자주|얼마\s*만에\s*한\s*번|몇\s*년에\s*한"
            r"|how often|how frequently|every how many|how many years (between|apart)|what interval|cycle"
            r"|how regularly",
            _FLAGS,
        ),
    ),
    (
        AnswerType.DATE,
        re.compile(
            r"몇\s*월\s*며칠|무슨\s*날|언제인가|날짜|(의\s*날|기념일)\S*\s*(이|은|는)?\s*(며칠|언제)"
            r"|what date|which day|on what day|what day|when is .{0,40}\bday\b",
            _FLAGS,
        ),
    ),
    (
        AnswerType.PERIOD,
        re.compile(
            r"며칠|몇\s*일|몇\s*개월|몇\s*달|몇\s*년\s*(동안|간|이내|안에|까지)?|몇\s*시간|기한|기간|이내|언제까지"
            r"|얼마\s*(동안|간)"
            r"|how (many|long) (days|months|years|hours|weeks)|how long|within how|deadline|term of office"
            r"|time limit|by when|how soon|how many days",
            _FLAGS,
        ),
    ),
    (
        AnswerType.AMOUNT,
        re.compile(
            r"과태료|과징금|벌금|금액|얼마(?!나)|몇\s*(원|만원|억)|how much|fine|penalty|amount|cost|fee",
            _FLAGS,
        ),
    ),
    (
        AnswerType.COUNT,
        re.compile(
            r"몇\s*(명|인|개|곳|건|급)|인원|정원|how many (members|people|persons|commissioners|seats)"
            r"|how many\b|number of members",
            _FLAGS,
        ),
    ),
    (
        AnswerType.WHO,
        re.compile(
            r"누가|누구|어느\s*(기관|부처|부서|위원회)|어디에\s*(설치|두|보고|통보|제출)|\bwho\b"
            r"|which (agency|ministry|department|office|body|official|authority)|to whom",
            _FLAGS,
        ),
    ),
    # Last: "what is a …" asks for a definition only when it asks for nothing more specific.
    (
        AnswerType.DEFINITION,
        re.compile(
            r"정의|뜻(이|은|을)?\b|(이)?란\s*(무엇|뭐|뭔)|무슨\s*뜻|의미(가|는)?\s*(무엇|뭐|뭔)"
            r"|\bdefin(e|es|ed|ition)\b|\bmeaning of\b|what does .{1,60} mean\b|what counts as"
            r"|^\s*(what|who)\s*(is|are|'s)\s+(a|an)\s|what'?s\s+(a|an)\s",
            _FLAGS,
        ),
    ),
]
_NUMBER = r"(\d[\d,\.]*|[일이삼사오육칠팔구십백천]+)"
# English policies write small numbers as words, often with the figure after: "thirty (30) days".
_EN_NUMBER = (
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|twenty|thirty|forty|forty-five|fifty|sixty|ninety|hundred)\s*(\(\d+\)\s*)?"
)
_SENTENCE_FACTS: dict[AnswerType, re.Pattern[str]] = {
    AnswerType.CYCLE: re.compile(
        rf"{_NUMBER}\s*(년|개월|월|주|일)\s*(마다|주기|단위)|매년|매월|매주|매일|매\s*{_NUMBER}\s*년|반기|분기"
        rf"|(연|년|월|주)\s*{_NUMBER}\s*회|실시간|수시|(일|월|연|년)\s*단위|every\s+(\w+\s+)?(years?|months?)"
        r"|annual(ly)?|each year|every year|yearly|biennial(ly)?|(semi|bi)-?annual(ly)?|once a year"
        r"|twice a year"
        r"|quarterly|monthly|weekly|daily|real[- ]time|every\s+(\w+\s+)?(weeks?|days?|quarters?)",
        _FLAGS,
    ),
    AnswerType.DATE: re.compile(
        r"\d{1,2}\s*월\s*\d{1,2}\s*일|(january|february|march|april|may|june|july|august|september|october"
        r"|november|december)\s+\d{1,2}",
        _FLAGS,
    ),
    # A duration, or for a deadline ("언제까지", "by when") the calendar date it falls on.
    AnswerType.PERIOD: re.compile(
        rf"{_NUMBER}\s*(일|개월|년|시간|주|달)|지체\s*없이|즉시|\b\d+\s*(business\s+|calendar\s+)?(days?|months?"
        r"|years?|hours?|weeks?)\b|immediately|without delay|\d{1,2}\s*월\s*(말일|말)"
        rf"|{_EN_NUMBER}(business\s+|calendar\s+)?(days?|months?|years?|hours?|weeks?)\b"
        r"|(by|before|no later than)\s+(january|february|march|april|may|june|july|august|september"
        r"|october|november|december)\b",
        _FLAGS,
    ),
    AnswerType.AMOUNT: re.compile(
        rf"{_NUMBER}\s*(만|억|천)?\s*원|\$\s?\d|\d+\s*(dollars|percent)|\d+\s*%|100분의\s*\d+|퍼센트",
        _FLAGS,
    ),
    AnswerType.COUNT: re.compile(
        rf"{_NUMBER}\s*(명|인|개|곳|건|급|번|회|members?|persons?|people|times)|(한|두|세|네)\s*(차례|번)"
        rf"|\b(once|twice)\b|{_EN_NUMBER}(voting\s+|\w+\s+)?(members?|persons?|people|times|seats)\b"
        r"|\(\d+\)\s*(voting\s+)?members"
        # "two consecutive update cycles", "nine (9) members" ("one" is too often a pronoun)
        r"|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\s+(\(\d+\)\s*)?[a-z]",
        _FLAGS,
    ),
    # A definition: "「X」이란 … 말한다", "X means …", "Data Steward – Departmental staff …".
    AnswerType.DEFINITION: re.compile(
        r"[\"“'‘「][^\"”'’」]{1,60}[\"”'’」]\s*(이)?란|(이)?란\s.{0,200}(말한다|뜻한다|의미한다)|말한다\.?$"
        r"|\bmeans?\b|\brefers? to\b|is defined as|shall mean|\b[A-Z][\w ]{1,40}\s[–—]\s",
        _FLAGS,
    ),
    AnswerType.WHO: re.compile(
        r"장관|위원회|위원장|청장|시장|도지사|지방자치단체의\s*장|기관의\s*장|대통령|국무총리|센터|진흥원|공사"
        r"|부서장|책임자|담당관|\bCDO\b"
        r"|commission|minister|ministry|department|office|board|officer|director|mayor|council|agency",
        _FLAGS,
    ),
}


def expected_answer_type(question: str) -> AnswerType | None:
    for answer_type, cue in _QUESTION_CUES:
        if cue.search(question):
            return answer_type
    return None


def fact_span(answer_type: AnswerType, text: str) -> tuple[int, int] | None:
    """Where `text` first states a fact of the asked-for kind."""
    match = _SENTENCE_FACTS[answer_type].search(text)
    return match.span() if match else None


def gives_answer_type(answer_type: AnswerType | None, sentence: str) -> bool:
    """Whether `sentence` states a fact of the asked-for kind (trivially so when none is asked for)."""
    if answer_type is None:
        return True
    return _SENTENCE_FACTS[answer_type].search(sentence) is not None
