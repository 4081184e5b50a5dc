"""Does a parse account for every content word of the question? No silent drops (issue 8).

The parser maps phrases onto the semantic layer and reads cue words; whatever it matched but did not
use, and whatever it never matched, is what its SQL leaves out. `audit_parse` sorts those words:

- **critical**: a number it did not use, a measure, value or place it matched but left out, or a cue
  of an operation it did not perform ("share", "per", "difference", "first", "under", "비율", "당",
  "차이", "처음", "미만" …). The SQL would answer a different question: the statistic is refused
  and the question goes to the documents instead.
- **minor**: other content words. The SQL may still be what was asked; the answer says what it did
  not use and its confidence is low (and the pipeline asks the documents whether they answer better).

Only a parse with neither is "complete", and only a complete parse may be stated with confidence high.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.sql.korean import kiwi
from assistant.sql.question_cues import CUES, direction_words, extract_top_n
from assistant.sql.slots import QuerySlots

# Cue families each operation uses; cues of any other family are words the SQL did not act on.
_ALWAYS_USED = ("which", "year_target", "month_target", "followup", "document")
_CUES_OF_OPERATION: dict[str, tuple[str, ...]] = {
    "value": (),
    "groupby": ("group",),
    "topn": ("desc", "asc", "group", "rank"),  # "rank the five densest districts"
    "rank_of": ("rank", "desc", "asc"),
    "share": ("share", "group"),
    "change": ("change", "compare", "share"),  # "몇 % 늘었나": the change is stated in percent too
    "trend": ("trend", "change", "group"),
    "compare": ("compare", "desc", "asc", "change"),
    "count_groups": ("count_groups", "desc", "asc", "group"),
    "ratio": ("ratio", "share", "compare", "group", "desc", "asc"),
    "difference": ("difference", "fewer", "than", "compared_measure", "compare", "desc", "asc", "change"),
    "times": ("times", "ratio", "than", "compare", "desc"),
    "first_year": ("first_last", "compared_measure", "than", "fewer", "desc", "asc", "change"),
    "average_across": ("avg", "across", "group"),
}
_CUES_OF_AGGREGATION = {"sum": ("sum",), "avg": ("avg",), "max": ("desc",), "min": ("asc",)}
# Cue families whose words change what is computed when they are not acted on.
_CRITICAL_CUES = (
    "share",
    "ratio",
    "change",
    "trend",
    "rank",
    "compare",
    "avg",
    "count_groups",
    "difference",
    "fewer",
    "times",
    "first_last",
    "compared_measure",
    "than",
)

# Words that change the computation but that no cue family covers.
_CRITICAL_WORDS = frozenset(
    "per capita density dense difference differ gap minus first exceed exceeded exceeds outnumber "
    "outnumbered under over below above than fewer cumulative before after times thousand million "
    "hundred billion 당 밀도 차이 처음 최초 첫 초과 미만 이하 이상 넘 세 누적 이전 인당 "
    "보다 배 만 천 억 백만".split()
)
_MONTHS = "january february march april may june july august september october november december"
# Words a statistics question carries that name nothing to compute.
_FILLER_WORDS = frozenset(
    # English question and function words, verbs of happening, generic nouns
    "what was is the of in a an for how many much which were are did does do busan and to by at on "
    "with there that this number total year years s 's tell me show give please about from its it be "
    "been has have had can could would will i we you my our your their there's what's who whom whose "
    "as or into out value values figure figures count amount data statistics stats currently current "
    "now today latest recent recently live lives living reside resided located city city's "
    "metropolitan district districts gu gun borough boroughs people persons residents registered all "
    "each every any know find see get need want like let us look looking also just only still some "
    "kind sort thanks thank really roughly approximately exactly officially according record recorded "
    "reported report level levels here where when why whether if then so among between whole end "
    "handle handled handles happen happened happens occur occurred involve involved involving cause "
    "caused causing listed list world korea country country's nation national nationwide deadly "
    "fatal aged age older old ones one".split()
    + _MONTHS.split()
    # Korean nouns, verbs and endings Kiwi leaves behind
    + "부산 부산시 부산광역시 광역시 시 구 군 구군 자치구 곳 수 것 얼마 몇 명 개 건 건수 기준 현재 통계 "
    "데이터 자료 정도 값 수치 숫자 전체 각 모든 우리 여기 거기 뭐 무엇 알 있 없 되 하 주 보 보이 나오 "
    "살 이 그 저 좀 궁금 궁금하 말 알려 알리 확인 기록 집계 인원 사람 주민 등록 현황 관련 대략 약 총 "
    "요 거 때 요즘 최근 올해 작년 지금 발생 발생하 일어나 나 난 인하 의하 때문 세계 전국 국내 나라 "
    "동안 사이 중 가운데 들 되 돼 이다 아니 나이 연령 늘 들다 모두 다 전부 기간 해 년 월 년도 연도 "
    "어디 어느 언제 무슨 어떤 어떻 얼마나 대해 대하 관하 농도 수준 규모 크기 숫 한번".split()
)
_LATIN_WORD = re.compile(r"[a-z][a-z']*|\d[\d,\.]*")


def is_filler(word: str) -> bool:
    """A word that asks or frames rather than names something to compute ("count", "please")."""
    return word in _FILLER_WORDS and word not in _CRITICAL_WORDS
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KIWI_CONTENT = ("NNG", "NNP", "NR", "SL", "SN", "XR", "VV", "VA", "MM")
_KIWI_COMPARISON = {("보다", "JKB")}  # "사망자가 출생아보다 많아진": a comparison of two measures
# Numbers the parser reads on its own: years, months, top-N, ordinals, ranks, periods.
_READ_NUMBERS = re.compile(
    r"(?<!\d)(19|20)\d\d(?!\d)\s*(년|년도|年)?(\s*(이후|이래|부터|까지|以後))?|\d{1,2}\s*월"
    r"|\b(since|after|until|through|from|to)\s+(19|20)\d\d\b"
    r"|\b(first|last|past|recent)\s+\d+(\s+years?)?|상위\s*\d+|하위\s*\d+"
    r"|\d+\s*(st|nd|rd|th)\b|\d+\s*(위|번째|등)|\d+\s*(개|곳)"
    r"|(최근|지난)\s*\d+\s*(년|해)(간|동안)?|\b(over|in|during)\s+the\s+(last|past)\s+\d+\s+years?\b"
    r"|(첫|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(번째|째|위)"
    # units with digits in them (NFKC turns m³ into m3) and "per 1 km²"
    r"|[µμu]g\s*/\s*m3|\bm3\b|\bkm2\b|\bm2\b|(?<![\d,.])1\s*(제곱킬로미터|제곱킬로|km2|km|square)"
    r"|\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b"
    # "the five densest districts": a top-N written as a word before a superlative
    r"|\b(two|three|four|five|six|seven|eight|nine|ten)\s+(?=[a-z]+est\b)"
)
# "which 2 districts …", "top 3", "bottom 5": a number right after these is the N of a top-N.
_TOP_N_NUMBER = re.compile(r"\b(?:which|top|bottom)\s+(\d+)\b")
# Operations whose `order` picks one end of a ranking (a change's order is read from its own words).
_RANKINGS = ("topn", "ratio")
_THRESHOLD = re.compile(
    r"(more than|over|above|at least|greater than|exceeding|higher than|less than|under|below|fewer than|"
    r"at most|lower than)\s+[\d,\.]+\s*(million|thousand|%|percent)?"
    r"|[\d,\.]+\s*(만|천|억)?\s*(명|개|건|톤|teu|%|퍼센트)?\s*(이상|이하|초과|미만|넘는|넘은|넘게)",
    re.IGNORECASE,
)


_WHICH_PLACE = re.compile(
    r"\b(?:which|what) (?:district|districts|gu|borough|port|ports|province|provinces|region|city|area)\b"
    r"|어느\s*(?:구|곳|항|시도|지역)|어디|(?<![가-힣])(?:구|곳|항만|시도|지역)(?:는|은|가|이)\s*\??$"
)


@dataclass
class ParseAudit:
    critical: list[str] = field(default_factory=list)
    minor: list[str] = field(default_factory=list)


def _used_cue_families(slots: QuerySlots) -> set[str]:
    families = set(_ALWAYS_USED) | set(_CUES_OF_OPERATION.get(slots.operation, ()))
    if slots.aggregation:
        families |= set(_CUES_OF_AGGREGATION.get(slots.aggregation, ()))
    if slots.group_by:
        families.add("group")
    if sum(len(values) for values in slots.filters.values()) > 1:
        families.add("compare")  # "Haeundae vs Busanjin: which has more …" ranks the two named
    return families


class _Mask:
    """Which characters of the question something in the parse accounts for."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.covered = [False] * len(text)
        for start, end in spans:
            self.cover(start, end)

    def cover(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.text))):
            self.covered[i] = True

    def cover_all(self, pattern: re.Pattern[str]) -> None:
        for match in pattern.finditer(self.text):
            self.cover(match.start(), match.end())

    def is_free(self, start: int, end: int) -> bool:
        return not any(self.covered[start:end])

    def has_free(self, start: int, end: int) -> bool:
        return not all(self.covered[start:end])

    def free_words(self) -> list[str]:
        """Content words nothing accounts for: Kiwi morphemes for Korean, words otherwise."""
        words = [
            match.group(0)
            for match in _LATIN_WORD.finditer(self.text.lower())
            if self.is_free(match.start(), match.end())
        ]
        if _HANGUL.search(self.text):
            words += [
                token.form
                for token in kiwi().tokenize(self.text)
                if (token.tag in _KIWI_CONTENT or (token.form, token.tag) in _KIWI_COMPARISON)
                and _HANGUL.search(token.form)
                and self.is_free(token.start, token.start + token.len)
            ]
        return words


def audit_parse(
    text: str,
    matched_spans: list[tuple[int, int]],
    slots: QuerySlots,
    unused_mentions: list[str],
    *,
    derived_measure: bool = False,
    time_column: str | None = None,
    place_column: str | None = None,
) -> ParseAudit:
    """Sort what the parse left out of the (normalised) question.

    `matched_spans` are the phrases the semantic layer matched; `unused_mentions` those of them the
    slots do not act on."""
    audit = ParseAudit(critical=list(unused_mentions))
    if time_column and slots.group_by != time_column and CUES["year_target"].search(text):
        # "In which years …?" answered for one default year is an answer to another question.
        audit.critical.append("which year")
    if (
        place_column
        and slots.operation == "value"
        and place_column not in slots.filters
        and _WHICH_PLACE.search(text)
    ):
        # "Which district …?" answered with one city-wide figure names no district: another question.
        audit.critical.append("which place")
    if slots.aggregation == "avg" and derived_measure and not slots.group_by:
        # The builder pools a rate over the rows; "the average of the districts' rates" differs.
        audit.critical.append("average of a rate")
    mask = _Mask(text, matched_spans)
    mask.cover_all(_READ_NUMBERS)
    for match in _TOP_N_NUMBER.finditer(text):
        if slots.limit is not None and int(match.group(1)) == slots.limit:
            mask.cover(match.start(), match.end())  # "which 2 districts", "top 3": the N of the top-N
    ranked = slots.operation in _RANKINGS and slots.limit is not None
    if ranked or (slots.limit is None and extract_top_n(text) is not None):
        # "낮은 구 top 3" answered with the three highest, or "인구 적은 구 3곳" with no ranking at
        # all: the direction word was not applied
        for start, end, direction in direction_words(text, top_n_form=True):
            if not (ranked and direction == slots.order) and mask.has_free(start, end):
                audit.critical.append(text[start:end].strip())
                mask.cover(start, end)
    if slots.threshold:
        mask.cover_all(_THRESHOLD)
    used = _used_cue_families(slots)
    if slots.threshold and slots.operation != "count_groups":
        # "30% 넘는 구 몇 개예요?" answered with the list of those districts: a count was asked
        used.discard("count_words")
        critical_cues: tuple[str, ...] = (*_CRITICAL_CUES, "count_words")
    else:
        critical_cues = _CRITICAL_CUES
    for name in used:
        mask.cover_all(CUES[name])
    for name in critical_cues:
        if name in used:
            continue
        for match in CUES[name].finditer(text):
            if mask.has_free(match.start(), match.end()):
                audit.critical.append(match.group(0).strip())
                mask.cover(match.start(), match.end())
    for name in CUES:
        mask.cover_all(CUES[name])  # other cue words (e.g. "most" in a lookup) change nothing computed
    for word in mask.free_words():
        word = word.strip(".,'-").lower()
        if not word or (word in _FILLER_WORDS and word not in _CRITICAL_WORDS):
            continue
        if word[0].isdigit() or word in _CRITICAL_WORDS:
            audit.critical.append(word)
        elif len(word) > 1:
            audit.minor.append(word)
    audit.critical = list(dict.fromkeys(audit.critical))
    audit.minor = [word for word in dict.fromkeys(audit.minor) if word not in audit.critical]
    return audit
