"""Does a question ask for a dataset (is there data on …, an API for …, who publishes it, in what
format, how often it is refreshed) rather than for a fact or a statistic? (issue 8)

A dataset question is answered from the catalog and judged by what the dataset is about: the words
that frame the ask ("데이터가 있나요", "which department publishes") say nothing about which dataset
is meant. The ask must be about the data itself: "공공데이터 제공 요청을 받으면 며칠 안에 …" and
"How often must the open data policy be reviewed?" name data, but ask about a rule.
"""

from __future__ import annotations

import re

from assistant.answer_types import AnswerType, expected_answer_type

_FLAGS = re.IGNORECASE
# A data word written as a word of its own ("빈집 현황 데이터", not "공공데이터" or "데이터기반행정").
_KO_DATA = r"(?<![가-힣])(?:데이터\s*셋|데이터|데이타|자료|통계|파일|오픈\s*api|api)"
_KO_ASK = (
    r"있|잇|없|어디|받[을아으]|다운|내려\s*받|구하|구할|찾[을아고]|형식|포맷|확장자|갱신|업데이트|수정일|주기"
    r"|담당\s*부서|담당\s*기관|어느\s*(?:부서|기관|과|팀|곳)|어떤\s*(?:부서|기관)|소관|올렸|올린|관리하"
)
# the data word, then the ask within a few words ("자료는 얼마나 자주 갱신되나요")
_KOREAN = re.compile(rf"{_KO_DATA}[^?.!]{{0,12}}?(?:{_KO_ASK})", _FLAGS)
_KO_ALONE = re.compile(
    r"(?<![a-z])api|어느\s*(?:부서|기관|과)(?:가|이|에서)?\s*(?:올렸|올린|공개하|제공하|관리하)", _FLAGS
)
_DATA_EN = (
    r"(?:data|datasets?|datsets?|data ?sets?|apis?|open api|files?|list|registry|records|shapefile|csv)"
)
# Asks about data in so many words: "is there data on …", "where can I get …", "data about …".
_ENGLISH = re.compile(
    rf"\b(?:is|are) there (?:any |a |an )?(?:\w+ ){{0,4}}{_DATA_EN}\b"
    rf"|\b(?:do|does) (?:we|you|they|the city|busan) (?:have|publish|provide|keep|offer) "
    rf"(?:any |a |an )?{_DATA_EN}\b"
    rf"|\b(?:dataset|datasets|data set|data|api) (?:on|about|of|for|with|listing)\b"
    rf"|\bwhere (?:can|do|could|should) (?:i|we|one) (?:get|find|download|access|obtain)\b"
    rf"|\bapis?\b|\bas an? (?:shapefile|csv|api|excel file)\b|\blast (?:updated|modified)\b",
    _FLAGS,
)
# Asks that are about a dataset unless a kind of fact is asked for ("How many days after creating a
# dataset must we register it?" asks about a rule): who keeps it, its format, how fresh it is.
_ENGLISH_WEAK = re.compile(
    r"\b(?:which|what) (?:\w+ )?(?:department|agency|office|team|unit|organi[sz]ation|division|body)\b"
    r".{0,40}\b(?:publish|publishes|provides?|maintains?|owns?|keeps?|manages?|releases?"
    r"|is responsible for)\b"
    r"|\bwho (?:publishes|provides|maintains|owns|keeps|manages|releases)\b"
    r"|\b(?:do|does) (?:we|you|they|the city|busan) (?:have|publish|provide|keep|offer)\b"
    r"|\b(?:what|which) (?:file )?format\b|\bin what format\b"
    r"|\bhow often (?:is|are) .{0,60}\b(?:updated|refreshed)\b"
    r"|(?<![가-힣])데이터\s*셋|\b(?:datasets?|data sets?|datsets?)\b",
    _FLAGS,
)
# The thing asked about is a policy, a law or a report: a document question, whatever it says of data.
_DOCUMENT_OBJECT = re.compile(
    r"\b(?:policy|policies|report|plan|order|act|law|ordinance|regulation|guideline|directive|"
    r"executive|resolution|charter|committee|commission|council|board|manual|standards)\b"
    r"|법|법률|시행령|조례|규정|지침|계획|위원회|정책",
    _FLAGS,
)


def asks_for_dataset(question: str) -> bool:
    """True when the question asks about a dataset: whether it exists, where to get it, who keeps
    it, in what format, how fresh it is."""
    if _DOCUMENT_OBJECT.search(question):
        return False
    if _KOREAN.search(question) or _KO_ALONE.search(question) or _ENGLISH.search(question):
        return True
    return bool(_ENGLISH_WEAK.search(question)) and expected_answer_type(question) not in _FACTS


# A question for a number of days, a count, an amount or a date asks about a rule or a statistic.
_FACTS = (AnswerType.PERIOD, AnswerType.COUNT, AnswerType.AMOUNT, AnswerType.DATE)


_DEPARTMENT = re.compile(r"부서|소관|담당|어느\s*과|\b(?:department|division|team|office|unit)\b", _FLAGS)


def asks_which_department(question: str) -> bool:
    """ "어느 부서 소관인가요?", "which department …": the answer must name a department."""
    return bool(_DEPARTMENT.search(question))
